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

/** The channel dimension, or a symbol when the shape is unknown. */
export function channelsOf(shape: Shape | undefined, channelsFirst = false): Dim {
  const dim = shape && shape.length > 0 ? shape[channelsFirst ? 0 : shape.length - 1] : undefined;
  return dim === null || dim === undefined ? 'input_shape[-1]' : dim;
}

/** Output shape of a convolution or pooling window, or of a transposed convolution (`transpose`, without output_padding). */
export function windowOutput(
  shape: Shape | undefined,
  rank: number,
  [kernel, strides, dilation]: [number[], number[], number[]],
  padding: string | undefined,
  channels: Dim | null,
  channelsFirst: boolean,
  transpose = false,
): Shape | undefined {
  if (!shape || shape.length !== rank + 1) {
    return undefined;
  }
  const out = (channelsFirst ? shape.slice(1) : shape.slice(0, rank)).map((n, i) => {
    const [k, s, d] = [kernel[i]!, strides[i]!, dilation[i]!];
    if (typeof n !== 'number') {
      return null;
    }
    if (transpose) {
      return padding === 'same' ? n * s : (n - 1) * s + k;
    }
    if (padding === 'same' || padding === 'causal') {
      return Math.ceil(n / s);
    }
    return padding === 'valid' || padding === undefined ? Math.floor((n - d * (k - 1) - 1) / s) + 1 : null;
  });
  return channelsFirst ? [channels, ...out] : [...out, channels];
}

/** The shape with its channel dimension replaced (spatial layers that keep the size). */
export function withChannels(shape: Shape | undefined, channels: Dim, channelsFirst = false): Shape | undefined {
  if (!shape || shape.length === 0) {
    return undefined;
  }
  const out = [...shape];
  out[channelsFirst ? 0 : out.length - 1] = channels;
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
