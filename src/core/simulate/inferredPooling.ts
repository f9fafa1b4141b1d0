/**
 * Poolings the graph does not show, read from the sizes of the Linear head after a spatial tensor
 * (the MNIST and VGG idiom of a 2×2 max-pool, a global average pool before a classifier).
 */
import type { Dim, Layer } from '../graph';
import type { SimLayer } from './network';
import { describe } from './graphShapes';
import type { ConversionState } from './graphConversion';

/**
 * A pooling the graph does not show, read from the sizes: a Linear over C·h·w inputs after a
 * C×H×W tensor with H/h = W/w = k a whole number. A global one (h = w = 1) is taken as average
 * pooling (adaptive average pooling, `x.mean([2, 3])`), a k×k one as max pooling with stride k
 * (the MNIST and VGG idiom); both said in a note. It goes before the dropouts that end the
 * tensor's run (pool, then dropout). Returns the pooled size, or undefined when none fits.
 */
export function poolBefore(c: ConversionState, layer: Layer, inFeatures: Dim): number | undefined {
  const channels = c.shape.features;
  if (typeof channels !== 'number' || typeof inFeatures !== 'number' || inFeatures % channels !== 0 || c.sink !== null) {
    return undefined;
  }
  const positions = inFeatures / channels;
  const spatial = c.shape.spatial;
  const side = spatial.length === 1 ? positions : Math.round(Math.sqrt(positions));
  if (spatial.length === 2 && side * side !== positions) {
    return undefined;
  }
  const kernel = spatial.map((extent) => (side === 1 ? extent : extent / side));
  if (kernel.some((size) => !Number.isInteger(size) || size < 1) || (side > 1 && kernel.some((size, index) => spatial[index] !== size * side))) {
    return undefined;
  }
  // Only the idioms read without doubt: a 2×2 pool, or a global one before a classifier head.
  // Deeper downsampling is several pools between the convs, and a Linear over the channels of a
  // tensor that later layers still read per position (ConvNeXt, ViT, Mixer) is per position.
  if ((side > 1 && kernel.some((size) => size !== 2)) || !isHead(c, layer)) {
    return undefined;
  }
  const mode = side === 1 ? 'avg' : 'max';
  const dropouts: SimLayer[] = [];
  while (c.layers.length > c.lastJoin && c.layers[c.layers.length - 1].op === 'dropout') {
    dropouts.unshift(c.layers.pop() as SimLayer);
    c.shapes.pop();
  }
  const out = spatial.map(() => side);
  const name = `${layer.name}:${side === 1 ? 'global_avg_pool' : 'max_pool'}`;
  c.notes.push(
    side === 1
      ? `${layer.name}: its ${inFeatures} inputs are the ${channels} channels of the ${describe(c.shape)} tensor before it: global average pooling assumed`
      : `${layer.name}: its ${inFeatures} inputs are ${channels}×${out.join('×')} from the ${describe(c.shape)} tensor before it: a ${kernel.join('×')} max pooling assumed`,
  );
  c.emit({ name, op: 'pool', activation: null, mode, kernel, stride: kernel }, { features: channels, spatial: out });
  for (const dropout of dropouts) {
    c.emit(dropout, c.shape);
  }
  return inFeatures;
}

/** Whether `layer` starts a classifier head: no conv and no residual add after it, and at most three Linear layers from it on. */
function isHead(c: ConversionState, layer: Layer): boolean {
  const layers = c.model.layers.map(c.dialect.layer);
  const index = layers.findIndex((candidate) => candidate.name === layer.name);
  const rest = index < 0 ? [] : layers.slice(index);
  // A residual add after it means it is inside a block (a transformer's or ConvNeXt's MLP), not a head.
  return index >= 0 && !rest.some((later) => /^Conv/.test(later.type) || later.residual) && rest.filter((later) => later.type === 'Linear').length <= 3;
}
