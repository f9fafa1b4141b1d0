/**
 * Output shapes of Keras layers (batch axis excluded, `null` for `None`), enough to resolve the
 * fans of the next layer: convolution arithmetic of keras/src/ops/operation_utils.py
 * (`compute_conv_output_shape`: valid ⌊(n − d·(k − 1) − 1)/s⌋ + 1, same ⌈n/s⌉), pooling the same,
 * transposed convolutions (n − 1)·s + k (valid) or n·s (same).
 */
import type { Dim } from '../../graph';

export type Shape = (Dim | null)[];

/** A tuple argument of length `rank` from an int or a sequence of ints (`kernel_size=3` → [3, 3]). */
export function tupleOf(value: number | number[] | undefined, rank: number, fallback: number): number[] | undefined {
  if (value === undefined) {
    return Array.from({ length: rank }, () => fallback);
  }
  if (typeof value === 'number') {
    return Array.from({ length: rank }, () => value);
  }
  return value.length === rank ? value : undefined;
}

/** The channel axis of a shape for a data format. */
export function channelIndex(shape: Shape, channelsFirst: boolean): number {
  return channelsFirst ? 0 : shape.length - 1;
}

/** The channel dimension, or a symbol when the shape is unknown. */
export function channelsOf(shape: Shape | undefined, channelsFirst = false): Dim {
  if (!shape || shape.length === 0) {
    return 'input_shape[-1]';
  }
  const dim = shape[channelIndex(shape, channelsFirst)];
  return dim === null || dim === undefined ? 'input_shape[-1]' : dim;
}

function spatialOf(shape: Shape, rank: number, channelsFirst: boolean): Shape | undefined {
  if (shape.length !== rank + 1) {
    return undefined;
  }
  return channelsFirst ? shape.slice(1) : shape.slice(0, rank);
}

function withSpatial(spatial: Shape, channels: Dim | null, channelsFirst: boolean): Shape {
  return channelsFirst ? [channels, ...spatial] : [...spatial, channels];
}

/** Output shape of a convolution or pooling window. */
export function windowOutput(
  shape: Shape | undefined,
  rank: number,
  kernel: number[],
  strides: number[],
  dilation: number[],
  padding: string | undefined,
  channels: Dim | null,
  channelsFirst: boolean,
): Shape | undefined {
  const spatial = shape ? spatialOf(shape, rank, channelsFirst) : undefined;
  if (!spatial) {
    return shape ? undefined : undefined;
  }
  const out = spatial.map((n, i) => {
    if (typeof n !== 'number') {
      return null;
    }
    const k = kernel[i]!;
    const s = strides[i]!;
    const d = dilation[i]!;
    if (padding === 'same' || padding === 'causal') {
      return Math.ceil(n / s);
    }
    if (padding === 'valid' || padding === undefined) {
      return Math.floor((n - d * (k - 1) - 1) / s) + 1;
    }
    return null;
  });
  return withSpatial(out, channels, channelsFirst);
}

/** Output shape of a transposed convolution (without output_padding). */
export function transposeOutput(
  shape: Shape | undefined,
  rank: number,
  kernel: number[],
  strides: number[],
  padding: string | undefined,
  channels: Dim,
  channelsFirst: boolean,
): Shape | undefined {
  const spatial = shape ? spatialOf(shape, rank, channelsFirst) : undefined;
  if (!spatial) {
    return undefined;
  }
  const out = spatial.map((n, i) => (typeof n !== 'number' ? null : padding === 'same' ? n * strides[i]! : (n - 1) * strides[i]! + kernel[i]!));
  return withSpatial(out, channels, channelsFirst);
}

/** The shape with its channel dimension replaced (spatial layers that keep the size). */
export function withChannels(shape: Shape | undefined, channels: Dim, channelsFirst = false): Shape | undefined {
  if (!shape || shape.length === 0) {
    return undefined;
  }
  const out = [...shape];
  out[channelIndex(out, channelsFirst)] = channels;
  return out;
}

/** Product of dimensions as a Dim: a number when all are numbers, else a symbol. */
export function product(dims: (Dim | null)[]): Dim {
  if (dims.every((d): d is number => typeof d === 'number')) {
    return dims.reduce((a, b) => a * b, 1);
  }
  return dims.map((d) => (d === null ? 'None' : String(d))).join('*');
}

/**
 * Keras `compute_fans` over a shape whose dims may be symbols (the symbolic case as text).
 * Not shared with Flax: JAX's `_compute_fans` takes in/out/batch axes, Keras fixes them to −2/−1.
 */
export function fansOf(shape: readonly Dim[]): { fanIn: Dim; fanOut: Dim } {
  if (shape.length === 0) {
    return { fanIn: 1, fanOut: 1 };
  }
  if (shape.length === 1) {
    return { fanIn: shape[0]!, fanOut: shape[0]! };
  }
  if (shape.length === 2) {
    return { fanIn: shape[0]!, fanOut: shape[1]! };
  }
  const receptive = shape.slice(0, -2);
  return { fanIn: product([...receptive, shape[shape.length - 2]!]), fanOut: product([...receptive, shape[shape.length - 1]!]) };
}

/** a / b for dims (a symbol when either is one). */
export function divide(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a / b : `${a}/${b}`;
}

/** a · b for dims. */
export function times(a: Dim, b: Dim): Dim {
  return typeof a === 'number' && typeof b === 'number' ? a * b : `${a}*${b}`;
}
