/**
 * Max and average pooling (torch.nn.MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool with an even split,
 * global pooling as a window the size of the input), unpadded, in both passes:
 * - the sampled kernels on channels-last tensors (rows = batch × positions, columns = channels):
 *   forward, and backward (max routes each window's gradient to its arg-max, as torch does; average
 *   spreads it evenly over the window);
 * - the mean-field moments. Average: the window's n elements are taken as independent given the
 *   unit, so the unit means pass and the within-unit variance is divided by n. Max: the max of n
 *   independent Gaussians (density n·φ(z)·Φ(z)^(n−1)) integrated on a grid; after a monotone
 *   activation φ, max φ(x_i) = φ(max x_i), so the activation is applied to the max, and the
 *   gradient reaches the pre-activation only at the arg-max, through φ′(max). Windows that
 *   overlap share neighbours whose values are correlated: there Monte Carlo is the reference.
 */
import { activationFunction, type ActivationSpec } from '../activations';
import { normalCdf, normalPdf } from '../math/quadrature';

/** Spatial geometry of a pooling over a channels-last tensor (1D pooling uses height 1). */
export interface PoolGeometry {
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  channels: number;
}

/** Output size along one dim (torch's floor mode, no padding). */
export function pooledSize(size: number, kernel: number, stride: number): number {
  return Math.floor((size - kernel) / stride) + 1;
}

/** The geometry of a pooling of `kernel`/`stride` (per spatial dim) over `spatial` × `channels`. */
export function poolGeometry(spatial: number[], channels: number, kernel: number[], stride: number[]): PoolGeometry {
  const [inHeight, inWidth] = spatial.length === 1 ? [1, spatial[0]] : [spatial[0], spatial[1]];
  const [kernelHeight, kernelWidth] = kernel.length === 1 ? [1, kernel[0]] : [kernel[0], kernel[1]];
  const [strideHeight, strideWidth] = stride.length === 1 ? [1, stride[0]] : [stride[0], stride[1]];
  return {
    inHeight,
    inWidth,
    outHeight: pooledSize(inHeight, kernelHeight, strideHeight),
    outWidth: pooledSize(inWidth, kernelWidth, strideWidth),
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    channels,
  };
}

/** Visits every (input element, output element) pair of every window, output by output. */
function forEachWindow(g: PoolGeometry, examples: number, visit: (output: number, window: number[]) => void): void {
  const window: number[] = [];
  let output = 0;
  for (let example = 0; example < examples; example++) {
    const base = example * g.inHeight * g.inWidth;
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++, output++) {
        window.length = 0;
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            window.push(base + (oh * g.strideHeight + kh) * g.inWidth + ow * g.strideWidth + kw);
          }
        }
        visit(output, window);
      }
    }
  }
}

/** Pooling forward over `examples` examples; for max, `argmax` gets the input row of each output element. */
export function poolForward(x: Float32Array, g: PoolGeometry, examples: number, mode: 'max' | 'avg', y: Float32Array, argmax: Int32Array | null): void {
  const c = g.channels;
  const inverse = 1 / (g.kernelHeight * g.kernelWidth);
  forEachWindow(g, examples, (output, window) => {
    for (let channel = 0; channel < c; channel++) {
      if (mode === 'avg') {
        let sum = 0;
        for (const row of window) {
          sum += x[row * c + channel];
        }
        y[output * c + channel] = sum * inverse;
        continue;
      }
      let best = window[0];
      for (const row of window) {
        // the first maximum wins, as in torch
        if (x[row * c + channel] > x[best * c + channel]) {
          best = row;
        }
      }
      y[output * c + channel] = x[best * c + channel];
      (argmax as Int32Array)[output * c + channel] = best;
    }
  });
}

/** Pooling backward: dx (zeroed here) from dy. */
export function poolBackward(dy: Float32Array, g: PoolGeometry, examples: number, mode: 'max' | 'avg', argmax: Int32Array | null, dx: Float32Array): void {
  const c = g.channels;
  const inverse = 1 / (g.kernelHeight * g.kernelWidth);
  dx.fill(0);
  forEachWindow(g, examples, (output, window) => {
    for (let channel = 0; channel < c; channel++) {
      const gradient = dy[output * c + channel];
      if (mode === 'avg') {
        for (const row of window) {
          dx[row * c + channel] += gradient * inverse;
        }
      } else {
        dx[(argmax as Int32Array)[output * c + channel] * c + channel] += gradient;
      }
    }
  });
}

/** Activations that never decrease, for which max φ(x_i) = φ(max x_i). */
const MONOTONE = new Set(['relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'celu', 'tanh', 'sigmoid', 'hardtanh', 'softplus', 'hardsigmoid', 'linear']);

/** Whether the max pool commutes with this activation (null: none). */
export function commutesWithMax(spec: ActivationSpec | null): boolean {
  return spec === null || MONOTONE.has(spec.name);
}

/** E[φ(M)], E[φ(M)²] and E[φ′(M)²] for M the max of `count` independent N(mean, variance), φ the activation (null: identity). */
export function maxMoments(
  count: number,
  mean: number,
  variance: number,
  spec: ActivationSpec | null,
): { mean: number; secondMoment: number; derivativeSecondMoment: number } {
  const activation = spec === null ? undefined : activationFunction(spec);
  const f = activation?.f ?? ((x: number) => x);
  const derivative = activation?.derivative ?? (() => 1);
  const std = Math.sqrt(Math.max(variance, 0));
  const steps = 4000;
  const low = -9;
  const high = 9;
  const step = (high - low) / steps;
  let mass = 0;
  let first = 0;
  let second = 0;
  let slope = 0;
  for (let index = 0; index <= steps; index++) {
    const z = low + index * step;
    const weight = (index === 0 || index === steps ? 0.5 : 1) * count * normalPdf(z) * normalCdf(z) ** (count - 1);
    const value = f(mean + std * z);
    const gradient = derivative(mean + std * z);
    mass += weight;
    first += weight * value;
    second += weight * value * value;
    slope += weight * gradient * gradient;
  }
  return { mean: first / mass, secondMoment: second / mass, derivativeSecondMoment: slope / mass };
}
