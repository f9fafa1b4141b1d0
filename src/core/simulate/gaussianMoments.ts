/**
 * Moments of an activation of a Gaussian with a mean: for X ~ N(m, v), E[φ(X)], E[φ(X)²] and
 * E[φ′(X)²], the quantities of the mean-field recursion (Poole et al. 2016, arXiv 1606.05340;
 * Schoenholz et al. 2017, arXiv 1611.01232) when biases or rectified inputs shift the mean.
 * ReLU, leaky ReLU and identity in closed form (moments of the rectified normal); every other
 * activation by the quadrature of math/quadrature.ts through activations.ts (PyTorch's exact φ, φ′).
 * Results are cached: deep stacks repeat the same (activation, m, v) at a fixed point.
 */
import { activationFunction, activationKey, type ActivationFunction, type ActivationSpec } from '../activations';
import { remember } from '../math/memo';
import { cachedDerivativeSecondMoment, cachedSecondMoment } from '../advice/moments';
import { gaussHermiteRule, gaussianExpectation, normalCdf, normalPdf } from '../math/quadrature';

/** E[φ(X)], E[φ(X)²], E[φ′(X)²] for one Gaussian X. */
export interface ActivationMoments {
  mean: number;
  secondMoment: number;
  derivativeSecondMoment: number;
}

const MAX_ENTRIES = 20_000;
// Pure memos of pure functions, keyed by the full input (activation key, mean, variance), bounded by
// MAX_ENTRIES: they cannot change any answer, only save quadrature.
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const momentCache = new Map<string, ActivationMoments>();
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const spreadCache = new Map<string, number>();
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const functionCache = new Map<string, ActivationFunction | undefined>();
const hermite = gaussHermiteRule();

function functionOf(spec: ActivationSpec, key: string): ActivationFunction | undefined {
  if (!functionCache.has(key)) {
    if (functionCache.size >= MAX_ENTRIES) {
      functionCache.clear();
    }
    functionCache.set(key, activationFunction(spec));
  }
  return functionCache.get(key);
}

/** The negative-side slope of a positively homogeneous activation, undefined for others. */
function homogeneousSlope(spec: ActivationSpec): number | undefined {
  switch (spec.name) {
    case 'relu':
      return 0;
    case 'leaky_relu': {
      const slope = spec.params?.negative_slope ?? 0.01;
      return typeof slope === 'number' ? slope : undefined;
    }
    case 'linear':
    case 'identity':
    case 'none':
      return 1;
    default:
      return undefined;
  }
}

/**
 * Closed form for φ(x) = x (x > 0), slope·x (x ≤ 0): with α = m/s, Φ = Φ(α), φ = φ(α),
 * E[X·1{X>0}] = mΦ + sφ and E[X²·1{X>0}] = (m² + s²)Φ + msφ (moments of the truncated normal).
 * φ′ is 0 at 0 in torch's relu backward, a set of measure zero here.
 */
function rectifiedMoments(slope: number, mean: number, variance: number): ActivationMoments {
  const std = Math.sqrt(variance);
  const total = mean * mean + variance;
  if (std === 0) {
    const positive = mean > 0;
    return {
      mean: positive ? mean : slope * mean,
      secondMoment: positive ? total : slope * slope * total,
      derivativeSecondMoment: positive ? 1 : slope * slope,
    };
  }
  const alpha = mean / std;
  const cdf = normalCdf(alpha);
  const pdf = normalPdf(alpha);
  const positiveFirst = mean * cdf + std * pdf;
  const positiveSecond = total * cdf + mean * std * pdf;
  return {
    mean: positiveFirst + slope * (mean - positiveFirst),
    secondMoment: positiveSecond + slope * slope * (total - positiveSecond),
    derivativeSecondMoment: cdf + slope * slope * (1 - cdf),
  };
}

/** E[g(m + √v·z)] by the quadrature rules of math/quadrature.ts, kinks moved with the shift. */
function shiftedExpectation(activation: ActivationFunction, g: (x: number) => number, mean: number, variance: number): number {
  const shifted = (x: number): number => g(x + mean);
  if (activation.breakpoints.length === 0) {
    return gaussianExpectation(shifted, variance);
  }
  return gaussianExpectation(
    shifted,
    variance,
    activation.breakpoints.map((point) => point - mean),
  );
}

/**
 * E[φ(X)], E[φ(X)²], E[φ′(X)²] for X ~ N(mean, variance); NaN fields for an unknown activation.
 * Zero-mean calls of smooth activations go through advice/moments.ts's cache.
 */
export function activationMoments(spec: ActivationSpec, mean: number, variance: number): ActivationMoments {
  const slope = homogeneousSlope(spec);
  if (slope !== undefined) {
    return rectifiedMoments(slope, mean, Math.max(0, variance));
  }
  const key = activationKey(spec);
  return remember(momentCache, `${key}|${mean}|${variance}`, MAX_ENTRIES, () => {
    const activation = functionOf(spec, key);
    if (activation === undefined || !(variance >= 0)) {
      return { mean: Number.NaN, secondMoment: Number.NaN, derivativeSecondMoment: Number.NaN };
    }
    const first = shiftedExpectation(activation, activation.f, mean, variance);
    if (mean === 0) {
      return { mean: first, secondMoment: cachedSecondMoment(spec, variance), derivativeSecondMoment: cachedDerivativeSecondMoment(spec, variance) };
    }
    return {
      mean: first,
      secondMoment: shiftedExpectation(activation, (x) => activation.f(x) ** 2, mean, variance),
      derivativeSecondMoment: shiftedExpectation(activation, (x) => activation.derivative(x) ** 2, mean, variance),
    };
  });
}

/**
 * E_m[g(m)²] over unit means m ~ N(mean, between), where g(m) = E[φ(m + √within·z)] is one unit's
 * output mean: what the post-activation unit means spread by (needed because BatchNorm normalises
 * with the within-unit variance). Outer and inner integrals by 96-node Gauss–Hermite (g is smooth in
 * m even when φ has kinks; the inner rule then errs by about 1e-4, far below the seed spread).
 */
export function unitMeanSquare(spec: ActivationSpec, mean: number, between: number, within: number): number {
  const slope = homogeneousSlope(spec);
  const key = activationKey(spec);
  const activation = slope === undefined ? functionOf(spec, key) : undefined;
  if (slope === undefined && activation === undefined) {
    return Number.NaN;
  }
  const unitMean = (m: number): number => {
    if (slope !== undefined) {
      return rectifiedMoments(slope, m, within).mean;
    }
    const f = (activation as ActivationFunction).f;
    const std = Math.sqrt(within);
    let sum = 0;
    for (let index = 0; index < hermite.nodes.length; index++) {
      sum += hermite.weights[index] * f(m + std * hermite.nodes[index]);
    }
    return sum;
  };
  return remember(spreadCache, `${key}|${mean}|${between}|${within}`, MAX_ENTRIES, () => {
    const std = Math.sqrt(Math.max(0, between));
    let sum = 0;
    for (let index = 0; index < hermite.nodes.length; index++) {
      const value = unitMean(mean + std * hermite.nodes[index]);
      sum += hermite.weights[index] * value * value;
    }
    return sum;
  });
}
