/**
 * The Monte-Carlo pass's bounds, checked before anything is allocated: the memory its plan needs
 * (monteCarloPlan.ts) and the multiply-adds of its forward and backward pass, an estimate of its
 * time. A request over either bound is refused in words, with what to lower, instead of growing
 * past a gigabyte, running for minutes, or failing with "Invalid typed array length".
 */
import type { Plan, TensorShape } from './monteCarloPlan';
import type { LoweredNetwork } from './shortcut';

/** The bounds of one pass. */
export interface MonteCarloBounds {
  /** Bytes of storage the pass may allocate. */
  maxBytes: number;
  /** Multiply-adds of the forward and the backward pass together. */
  maxMultiplyAdds: number;
}

/**
 * 1 GiB, and 10¹¹ multiply-adds: the matrix kernel did about 3·10⁹ a second on one loaded core
 * here (WebAssembly SIMD), so a pass takes at most half a minute or so, not many minutes.
 */
export const DEFAULT_MONTE_CARLO_BOUNDS: Readonly<MonteCarloBounds> = { maxBytes: 2 ** 30, maxMultiplyAdds: 1e11 };

/** What a planned pass costs. */
export interface MonteCarloCost {
  bytes: number;
  multiplyAdds: number;
}

/** Thrown for a pass over its bounds: the message says what it needs, the limit, and what to lower. */
export class MonteCarloRefused extends Error {}

/** The cost of a planned pass: float32 storage, and the multiply-adds of the affine layers forward and backward (twice the forward's). */
export function monteCarloCost(net: LoweredNetwork, plan: Plan): MonteCarloCost {
  let forward = 0;
  plan.shapes.forEach(({ input, output, geometry }, index) => {
    const op = net.layers[index]?.op;
    if (geometry && (op === 'conv1d' || op === 'conv2d')) {
      // im2col rows (batch × output positions) × (kernel × input channels / groups) × output channels.
      forward += output.rows * ((geometry.kernelHeight * geometry.kernelWidth * geometry.inChannels) / geometry.groups) * output.cols;
    } else if (geometry && op === 'conv_transpose2d') {
      // The same product over the conv it is the adjoint of (its input positions, its output channels).
      forward += input.rows * ((geometry.kernelHeight * geometry.kernelWidth * geometry.inChannels) / geometry.groups) * input.cols;
    } else if (op === 'linear') {
      forward += input.rows * input.cols * output.cols;
    }
  });
  return { bytes: 4 * plan.floats, multiplyAdds: 3 * forward };
}

/** Whether a cost is within both bounds (false for a count that is not a finite number). */
function withinBounds(cost: MonteCarloCost, bounds: Readonly<MonteCarloBounds>): boolean {
  return cost.bytes <= bounds.maxBytes && cost.multiplyAdds <= bounds.maxMultiplyAdds;
}

/** The largest batch below `batch` whose cost is within the bounds (costs grow with the batch), or 0 when not even 1 fits. */
export function largestBatchWithin(costAt: (batch: number) => MonteCarloCost, bounds: Readonly<MonteCarloBounds>, batch: number): number {
  let low = 0; // fits (0 trivially)
  let high = batch; // does not fit
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (withinBounds(costAt(middle), bounds)) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return low;
}

/** What to lower, with the batch that would fit when `costAt` can price one. */
function remedyOf(bounds: Readonly<MonteCarloBounds>, batch: number, costAt?: (batch: number) => MonteCarloCost): string {
  if (costAt === undefined) {
    return 'lower the batch or the input size';
  }
  const fits = largestBatchWithin(costAt, bounds, batch);
  if (fits === 0) {
    return 'even batch 1 is over the limit: lower the input size';
  }
  const cost = costAt(fits);
  return `lower the batch (batch ${fits.toLocaleString('en-US')} fits: ${bytesInWords(cost.bytes)}, ${countInWords(cost.multiplyAdds)} multiply-adds) or the input size`;
}

/**
 * Throws MonteCarloRefused when the cost is over a bound (or not a finite number at all). With
 * `costAt` (the cost of the same pass at another batch), the message names the largest batch that fits.
 */
export function checkMonteCarloBounds(
  cost: MonteCarloCost,
  bounds: Readonly<MonteCarloBounds>,
  batch: number,
  input: TensorShape,
  costAt?: (batch: number) => MonteCarloCost,
): void {
  if (withinBounds(cost, bounds)) {
    return;
  }
  const what = `a Monte-Carlo pass with batch ${batch.toLocaleString('en-US')}${inputWords(input, batch)}`;
  const remedy = remedyOf(bounds, batch, costAt);
  if (!(cost.bytes <= bounds.maxBytes)) {
    throw new MonteCarloRefused(`${what} needs ${bytesInWords(cost.bytes)}; the limit is ${bytesInWords(bounds.maxBytes)}: ${remedy}`);
  }
  throw new MonteCarloRefused(
    `${what} needs ${countInWords(cost.multiplyAdds)} multiply-adds; the limit is ${countInWords(bounds.maxMultiplyAdds)}: ${remedy}`,
  );
}

/** ` at 3×224×224` for an image or a signal (channels first, as PyTorch shapes are written), nothing for a vector. */
function inputWords(input: TensorShape, batch: number): string {
  if (input.spatial.length === 0) {
    return ` at ${input.cols} features`;
  }
  return input.rows === batch * input.spatial.reduce((a, b) => a * b, 1) ? ` at ${[input.cols, ...input.spatial].join('×')}` : '';
}

/** `38 GB`, `512 MB`, `a size over 2⁵³ bytes` (never `Infinity` or `NaN`). */
export function bytesInWords(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes > 2 ** 53) {
    return 'more memory than can be counted (over 2⁵³ bytes)';
  }
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value >= 10 || unit === 0 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${units[unit]}`;
}

/** `2·10¹⁰`-style counts as `2.0e+10` (never `Infinity` or `NaN`). */
function countInWords(count: number): string {
  return Number.isFinite(count) ? count.toExponential(1) : 'more than can be counted';
}
