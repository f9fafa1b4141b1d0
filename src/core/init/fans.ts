/**
 * Fans of a weight tensor in the (out, in, *receptive field) layout: the layout of PyTorch weights
 * and of the simulator's affine layers. Keras and JAX kernels put the channels last; their adapters
 * compute fans in their own layout.
 */

/** Fans of a weight tensor as `torch.nn.init._calculate_fan_in_and_fan_out` computes them. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * `_calculate_fan_in_and_fan_out` (torch/nn/init.py): fan_in = size(1)·∏size(2:),
 * fan_out = size(0)·∏size(2:); undefined for fewer than 2 dimensions (torch raises ValueError).
 */
export function weightFans(shape: number[]): Fans | undefined {
  if (shape.length < 2 || !shape.every((size) => Number.isInteger(size) && size >= 0)) {
    return undefined;
  }
  const receptiveField = shape.slice(2).reduce((product, size) => product * size, 1);
  return { fanIn: shape[1] * receptiveField, fanOut: shape[0] * receptiveField };
}
