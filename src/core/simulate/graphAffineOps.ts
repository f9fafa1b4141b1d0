/**
 * Linear and convolution layers (the weight layers) as affine SimLayers: their sizes read from the
 * constructor, chained to the running shape, with the pool, concat or attention the sizes imply
 * inferred before them where the graph does not show it.
 */
import type { Dim, Layer } from '../graph';
import { affineFans, affineWeightShape } from './distributions';
import type { AffineLayer } from './network';
import { attentionBefore } from './inferredAttention';
import { closeBeforeHead, concatBefore } from './inferredConcat';
import { poolBefore } from './inferredPooling';
import { describe, dimOf, intsOf, sameDim } from './graphShapes';
import type { ConversionState } from './graphConversion';

/**
 * A symbolic input size the framework infers at the first call (linen's `x.shape[-1]`, a Keras
 * Sequential's `input_shape[-1]` without an Input): the
 * network input's size for the first layer, and the flattened tensor before a layer whose symbol
 * says its input was reshaped (`x.reshape((x.shape[0], -1)).shape[-1]`). Any other symbol may be
 * another input of the model (`k.shape[-1]` in a two-tower model), so it stays a symbol.
 */
function inferredSize(c: ConversionState, layer: Layer, size: Dim, flattens: boolean): Dim {
  const features = c.shape.features;
  if (typeof size !== 'string' || !c.dialect.infersInputSize || typeof features !== 'number') {
    return size;
  }
  const reshaped = flattens && /\b(reshape|flatten|ravel)\b/.test(size);
  if (c.layers.length > 0 && !reshaped) {
    return size;
  }
  const flat = reshaped ? features * c.shape.spatial.reduce((a, b) => a * b, 1) : features;
  const unseen = reshaped ? ' (a pooling before the reshape is not seen)' : '';
  c.notes.push(`${layer.name}: input size ${size} is inferred by ${c.dialect.label} at the first call: ${flat} from the tensor before it${unseen}`);
  return flat;
}

/** A Linear layer, flattening a spatial tensor before it (with a pooling read from its sizes). */
export function linear(c: ConversionState, layer: Layer): void {
  const written = dimOf(layer.config.in_features) ?? layer.fanIn;
  const inFeatures = written === null ? null : inferredSize(c, layer, written, true);
  const outFeatures = dimOf(layer.config.out_features) ?? layer.fanOut;
  if (inFeatures === null || outFeatures === null) {
    return c.skip(layer, 'its sizes are unknown');
  }
  if (c.shape.spatial.length > 0 && c.forks.length > 0 && typeof inFeatures === 'number' && c.shape.spatial.length > 0) {
    closeBeforeHead(c, layer, inFeatures);
  }
  if (c.shape.spatial.length > 0) {
    const flat = typeof c.shape.features === 'number' ? c.shape.features * c.shape.spatial.reduce((a, b) => a * b, 1) : undefined;
    const pooled = flat === undefined || flat === inFeatures ? undefined : poolBefore(c, layer, inFeatures);
    if (pooled !== undefined || (flat !== undefined && flat === inFeatures)) {
      const size = pooled ?? (flat as number);
      if (c.shape.spatial.some((extent) => extent > 1)) {
        c.notes.push(`${layer.name}: input flattened from ${describe(c.shape)} (assumed)`);
      }
      c.emit({ name: `${layer.name}:flatten`, op: 'flatten', activation: null }, { features: size, spatial: [] });
    } else {
      return c.skip(layer, `its input (${inFeatures}) does not chain to the ${describe(c.shape)} tensor before it (pooling is not simulated)`);
    }
  }
  if (!sameDim(inFeatures, c.shape.features)) {
    attentionBefore(c, layer, inFeatures);
  }
  if (!sameDim(inFeatures, c.shape.features)) {
    const why = `its input (${inFeatures}) does not chain to the previous output (${describe(c.shape)})`;
    return c.skip(layer, c.dropContainerOf(layer) ? `${why}: an op before it is not simulated` : why, true);
  }
  affine(c, layer, 'linear', inFeatures, outFeatures, [], [], [], 1, c.shape.spatial);
}

/** A 1-d or 2-d convolution: channels, kernel, stride, padding, dilation and groups from the constructor. */
export function conv(c: ConversionState, layer: Layer, dims: 1 | 2): void {
  const writtenChannels = dimOf(layer.config.in_channels);
  const inChannels = writtenChannels === undefined || c.shape.spatial.length !== dims ? writtenChannels : inferredSize(c, layer, writtenChannels, false);
  const outChannels = dimOf(layer.config.out_channels);
  const kernel = intsOf(layer.config.kernel_size, dims, undefined);
  const stride = intsOf(layer.config.stride, dims, 1);
  if (inChannels === undefined || outChannels === undefined || kernel === undefined || stride === undefined) {
    return c.skip(layer, 'its channels, kernel size or stride are not static');
  }
  if (c.shape.spatial.length === dims && !sameDim(inChannels, c.shape.features)) {
    concatBefore(c, layer, inChannels);
  }
  if (c.shape.spatial.length !== dims || !sameDim(inChannels, c.shape.features)) {
    const why = `its input (${inChannels} channels) does not chain to the previous output (${describe(c.shape)})`;
    return c.skip(layer, c.dropContainerOf(layer) ? `${why}: an op before it is not simulated` : why, true);
  }
  let padding: number[] | undefined;
  const rawPadding = layer.config.padding;
  if (rawPadding === 'same') {
    padding = kernel.every((size) => size % 2 === 1) ? kernel.map((size) => (size - 1) / 2) : undefined;
  } else if (rawPadding === 'valid') {
    padding = new Array<number>(dims).fill(0);
  } else {
    padding = intsOf(rawPadding, dims, 0);
  }
  if (padding === undefined) {
    return c.skip(layer, 'its padding is not static (or asymmetric)');
  }
  const dilation = intsOf(layer.config.dilation, dims, 1);
  if (dilation === undefined) {
    return c.skip(layer, 'its dilation is not static');
  }
  if (dilation.some((step) => step !== 1)) {
    // Simulated as an undilated kernel with the padding that keeps the output size: the fan and the
    // output size are right, the border share is approximate.
    const adjusted = padding.map((pad, index) => pad - ((dilation[index] - 1) * (kernel[index] - 1)) / 2);
    if (adjusted.some((pad) => !Number.isInteger(pad) || pad < 0)) {
      return c.skip(layer, 'its dilation and padding cannot be simulated');
    }
    c.notes.push(
      `${layer.name}: dilation ${dilation.join('×')} simulated as an undilated kernel with padding ${adjusted.join('×')} (same output size; border share approximate)`,
    );
    padding = adjusted;
  }
  const groups = typeof layer.config.groups === 'number' ? layer.config.groups : layer.config.groups === undefined ? 1 : undefined;
  if (groups === undefined) {
    return c.skip(layer, 'its groups are not static');
  }
  const pads = padding;
  const spatial = c.shape.spatial.map((size, index) => Math.floor((size + 2 * pads[index] - kernel[index]) / stride[index]) + 1);
  if (spatial.some((size) => size < 1)) {
    return c.skip(layer, `its output would be empty at input ${describe(c.shape)}`);
  }
  affine(c, layer, dims === 1 ? 'conv1d' : 'conv2d', inChannels, outChannels, kernel, stride, pads, groups, spatial);
}

/**
 * A 2-d transposed convolution (torch.nn.ConvTranspose2d): channels, kernel, stride, padding and
 * output_padding from the constructor; dilation 1. Its output is (in − 1)·stride − 2·padding + kernel + output_padding.
 */
export function convTranspose(c: ConversionState, layer: Layer): void {
  const inChannels = dimOf(layer.config.in_channels);
  const outChannels = dimOf(layer.config.out_channels);
  const kernel = intsOf(layer.config.kernel_size, 2, undefined);
  const stride = intsOf(layer.config.stride, 2, 1);
  const padding = intsOf(layer.config.padding, 2, 0);
  const outputPadding = intsOf(layer.config.output_padding, 2, 0);
  const dilation = intsOf(layer.config.dilation, 2, 1);
  const groups = layer.config.groups === undefined ? 1 : layer.config.groups;
  if (inChannels === undefined || outChannels === undefined || kernel === undefined || stride === undefined) {
    return c.skip(layer, 'its channels, kernel size or stride are not static');
  }
  if (padding === undefined || outputPadding === undefined || typeof groups !== 'number') {
    return c.skip(layer, 'its padding, output padding or groups are not static');
  }
  if (dilation === undefined || dilation.some((step) => step !== 1)) {
    return c.skip(layer, 'a dilated transposed convolution is not simulated');
  }
  if (c.shape.spatial.length === 2 && !sameDim(inChannels, c.shape.features)) {
    concatBefore(c, layer, inChannels);
  }
  if (c.shape.spatial.length !== 2 || !sameDim(inChannels, c.shape.features)) {
    const why = `its input (${inChannels} channels) does not chain to the previous output (${describe(c.shape)})`;
    return c.skip(layer, c.dropContainerOf(layer) ? `${why}: an op before it is not simulated` : why, true);
  }
  const spatial = c.shape.spatial.map((size, index) => (size - 1) * stride[index] - 2 * padding[index] + kernel[index] + outputPadding[index]);
  if (spatial.some((size) => size < 1)) {
    return c.skip(layer, `its output would be empty at input ${describe(c.shape)}`);
  }
  const extra = outputPadding.some((pad) => pad !== 0) ? outputPadding : undefined;
  affine(c, layer, 'conv_transpose2d', inChannels, outChannels, kernel, stride, padding, groups, spatial, extra);
}

function affine(
  c: ConversionState,
  layer: Layer,
  op: AffineLayer['op'],
  inFeatures: Dim,
  outFeatures: Dim,
  kernel: number[],
  stride: number[],
  padding: number[],
  groups: number,
  spatial: number[],
  outputPadding?: number[],
): void {
  const draft = { op, inFeatures, outFeatures, kernel, groups };
  const fans = affineFans(draft);
  const shape = affineWeightShape(draft);
  const weight = c.distribution(layer, 'weight', 'affine', c.initCall(layer, 'weight', 'affine'), fans, shape);
  const hasBias = 'bias' in layer.init && layer.init.bias !== null;
  const bias = hasBias
    ? c.distribution(layer, 'bias', 'affine', c.initCall(layer, 'bias', 'affine'), fans, typeof outFeatures === 'number' ? [outFeatures] : undefined)
    : null;
  const simLayer: AffineLayer = {
    name: layer.name,
    op,
    activation: c.activation(layer),
    inFeatures,
    outFeatures,
    kernel,
    stride,
    padding,
    groups,
    ...(outputPadding === undefined ? {} : { outputPadding }),
    weight: weight.distribution,
    bias: bias === null ? null : bias.distribution,
    weightInit: weight.call,
    ...(bias === null ? {} : { biasInit: bias.call }),
  };
  c.add(layer, simLayer, { features: outFeatures, spatial });
}
