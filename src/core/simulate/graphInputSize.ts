/**
 * The input shape when the caller gives none: the one the first layer implies (a Linear's width,
 * token ids for an embedding, a conv's channels), and for an image model the size at which the
 * layers' sizes chain, or the size its style suggests (ImageNet, MNIST).
 */
import type { Layer, Model } from '../graph';
import type { InputShape } from './network';
import { convertAt } from './graphConvertAt';
import { DEFAULT_SEQUENCE_LENGTH, DEFAULT_SPATIAL_SIZE, dimOf } from './graphShapes';
import type { FromModelOptions } from './graphConversion';

/** The input shape the first simulated layer implies, with a note for what was assumed. */
export function inferInput(layers: Layer[], notes: string[]): InputShape | undefined {
  for (const layer of layers) {
    switch (layer.type) {
      case 'Linear': {
        const width = dimOf(layer.config.in_features) ?? layer.fanIn;
        return width === null ? undefined : { kind: 'vector', width };
      }
      case 'Embedding':
        notes.push(`input: ${DEFAULT_SEQUENCE_LENGTH} token ids per example (assumed; per-element statistics do not depend on it)`);
        return { kind: 'tokens', length: DEFAULT_SEQUENCE_LENGTH };
      case 'Conv1d':
      case 'Conv2d': {
        const channels = dimOf(layer.config.in_channels);
        if (channels === undefined) {
          return undefined;
        }
        notes.push(`input: spatial size ${DEFAULT_SPATIAL_SIZE} assumed (give --input-shape / set it in the panel); it changes the zero-padding border share`);
        return layer.type === 'Conv1d'
          ? { kind: 'signal', channels, length: DEFAULT_SPATIAL_SIZE }
          : { kind: 'image', channels, height: DEFAULT_SPATIAL_SIZE, width: DEFAULT_SPATIAL_SIZE };
      }
      default:
        continue;
    }
  }
  return undefined;
}

/** Image sizes tried when the file does not give one, most likely first after the preferred one. */
const LIKELY_SIZES = [28, 32, 64, 84, 96, 128, 224, 256, 299];

/**
 * The input size the file's sizes point to, for an image model whose input size was assumed: of
 * the likely sizes, the one at which the most layers chain (`Linear(9216)` after two 3×3 convs is
 * 64×12×12 pooled from 28×28). On a tie (a global pooling chains at any size): 224 for an
 * ImageNet-style model (a 1000-way head or a 7×7 stride-2 stem), 28 for one channel, else 32;
 * the size the model's code names (`image_size=64`, graph.ts Model.inputSize) instead of all of them.
 */
export function convertAtLikelySize(model: Model, options: FromModelOptions, input: InputShape, notes: string[]): ReturnType<typeof convertAt> {
  const assumed = convertAt(model, options, input);
  if (input.kind !== 'image' || typeof input.channels !== 'number') {
    return assumed;
  }
  const layers = model.layers.map(options.dialect.layer);
  const linears = layers.filter((layer) => layer.type === 'Linear');
  const head = linears[linears.length - 1];
  const stem = layers.find((layer) => layer.type === 'Conv2d');
  const imagenet =
    (head !== undefined && dimOf(head.config.out_features) === 1000) ||
    (stem !== undefined && dimOf(stem.config.kernel_size) === 7 && dimOf(stem.config.stride) === 2);
  const given = model.inputSize;
  const preferred = given !== undefined ? given.size : imagenet ? 224 : input.channels === 1 ? 28 : DEFAULT_SPATIAL_SIZE;
  let best: ReturnType<typeof convertAt> | undefined;
  // The size the code names wins: the layers chaining at another is a coincidence.
  const sizes = given !== undefined ? [given.size] : [preferred, ...LIKELY_SIZES.filter((candidate) => candidate !== preferred)];
  for (const size of sizes) {
    const candidate = convertAt(model, options, { ...input, height: size, width: size });
    if (best === undefined || candidate.coverage.simulated > best.coverage.simulated) {
      best = candidate;
    }
  }
  const chosen = best as ReturnType<typeof convertAt>;
  const size = chosen.input.kind === 'image' ? chosen.input.height : DEFAULT_SPATIAL_SIZE;
  const chains = chosen.coverage.simulated > assumed.coverage.simulated;
  const why = chains
    ? "the size at which the layers' sizes chain"
    : given !== undefined && size === given.size
      ? `the model's ${given.from}`
      : imagenet && size === 224
        ? 'an ImageNet-style model'
        : input.channels === 1
          ? 'one channel: MNIST-style'
          : '';
  if (why !== '') {
    const line = `input: ${input.channels}×${size}×${size} (${why}; give --input-shape / set it in the panel to change it)`;
    const index = notes.findIndex((note) => note.startsWith('input: spatial size'));
    notes.splice(index < 0 ? notes.length : index, index < 0 ? 0 : 1, line);
  }
  return chosen;
}
