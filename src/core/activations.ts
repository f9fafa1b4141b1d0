/**
 * Elementwise activations with PyTorch's exact definitions (forward and the derivative its autograd
 * uses, from ATen's activation kernels), their Gaussian moments, gains, and the mean-field recursion
 * q ← σ_w²·E[φ(√q z)²] + σ_b² (Poole et al. 2016, arXiv 1606.05340).
 */

import { erf, gaussianExpectation, normalPdf } from './math/quadrature';

/**
 * An activation and its constructor arguments: `negative_slope` (leaky_relu, default 0.01),
 * `approximate` ('none' | 'tanh', gelu), `alpha` (elu/celu, default 1), `beta` and `threshold`
 * (softplus, defaults 1 and 20), `min_val`/`max_val` (hardtanh, defaults −1 and 1).
 */
export interface ActivationSpec {
  name: string;
  params?: Record<string, number | string>;
}

/** A cache key for an activation and its parameters (the name alone when it has none). */
export function activationKey(spec: ActivationSpec): string {
  return spec.params && Object.keys(spec.params).length > 0 ? `${spec.name}${JSON.stringify(spec.params)}` : spec.name;
}

/** An activation as functions of a real input, with the points where it or its derivative is not smooth. */
export interface ActivationFunction {
  f: (x: number) => number;
  derivative: (x: number) => number;
  breakpoints: number[];
}

/** Other spellings of the same functions. */
const aliases: Readonly<Record<string, ActivationName>> = {
  swish: 'silu',
  identity: 'linear',
  none: 'linear',
};

/** SELU constants from Klambauer et al. 2017, as in PyTorch's `torch.nn.SELU`. */
export const seluAlpha = 1.6732632423543772848170429916717;
export const seluScale = 1.0507009873554804934193349852946;

const sqrtTwoOverPi = Math.sqrt(2 / Math.PI);
const geluTanhCoefficient = 0.044715;

/** The canonical name for a known name or alias, else undefined. */
function canonicalName(name: string): ActivationName | undefined {
  const has = (table: object) => Object.prototype.hasOwnProperty.call(table, name);
  return has(ACTIVATION_BUILDERS) ? (name as ActivationName) : has(aliases) ? aliases[name] : undefined;
}

/** True when `name` (or an alias: swish, identity, none) is an activation this module can evaluate. */
export function isKnownActivation(name: string): boolean {
  return canonicalName(name) !== undefined;
}

/** A numeric parameter: the default when absent, undefined when present but not a finite number. */
function numericParameter(spec: ActivationSpec, key: string, fallback: number): number | undefined {
  const value = spec.params?.[key];
  if (value === undefined) {
    return fallback;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

const square = (x: number): number => x * x;

/** Logistic sigmoid without overflow. */
function sigmoid(x: number): number {
  if (x >= 0) {
    return 1 / (1 + Math.exp(-x));
  }
  const exponential = Math.exp(x);
  return exponential / (1 + exponential);
}

/** log(1 + eˣ) without overflow (no threshold, as mish uses it). */
function softplusUnthresholded(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Builds one activation's function from its spec's parameters; undefined for parameters torch rejects. */
type ActivationBuilder = (spec: ActivationSpec) => ActivationFunction | undefined;

function leakyRelu(spec: ActivationSpec): ActivationFunction | undefined {
  const slope = numericParameter(spec, 'negative_slope', 0.01);
  if (slope === undefined) {
    return undefined;
  }
  return { f: (x) => (x > 0 ? x : slope * x), derivative: (x) => (x > 0 ? 1 : slope), breakpoints: [0] };
}

function gelu(spec: ActivationSpec): ActivationFunction | undefined {
  const approximate = spec.params?.approximate ?? 'none';
  if (approximate === 'none') {
    // gelu(x) = x·Φ(x) = x/2·(1 + erf(x/√2)); derivative Φ(x) + x·φ(x).
    const cdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
    return { f: (x) => x * cdf(x), derivative: (x) => cdf(x) + x * normalPdf(x), breakpoints: [] };
  }
  if (approximate === 'tanh') {
    const inner = (x: number): number => sqrtTwoOverPi * (x + geluTanhCoefficient * x * x * x);
    return {
      f: (x) => 0.5 * x * (1 + Math.tanh(inner(x))),
      derivative: (x) => {
        const value = Math.tanh(inner(x));
        const innerSlope = sqrtTwoOverPi * (1 + 3 * geluTanhCoefficient * x * x);
        return 0.5 * (1 + value) + 0.5 * x * (1 - value * value) * innerSlope;
      },
      breakpoints: [],
    };
  }
  return undefined;
}

function elu(spec: ActivationSpec): ActivationFunction | undefined {
  const alpha = numericParameter(spec, 'alpha', 1);
  if (alpha === undefined) {
    return undefined;
  }
  return { f: (x) => (x > 0 ? x : alpha * Math.expm1(x)), derivative: (x) => (x > 0 ? 1 : alpha * Math.exp(x)), breakpoints: [0] };
}

function celu(spec: ActivationSpec): ActivationFunction | undefined {
  const alpha = numericParameter(spec, 'alpha', 1);
  if (alpha === undefined || alpha === 0) {
    return undefined;
  }
  return { f: (x) => (x > 0 ? x : alpha * Math.expm1(x / alpha)), derivative: (x) => (x > 0 ? 1 : Math.exp(x / alpha)), breakpoints: [0] };
}

function softplus(spec: ActivationSpec): ActivationFunction | undefined {
  // torch: (x·β > threshold) ? x : log1p(exp(x·β))/β.
  const beta = numericParameter(spec, 'beta', 1);
  const threshold = numericParameter(spec, 'threshold', 20);
  if (beta === undefined || threshold === undefined || beta === 0) {
    return undefined;
  }
  return {
    f: (x) => (x * beta > threshold ? x : softplusUnthresholded(x * beta) / beta),
    derivative: (x) => (x * beta > threshold ? 1 : sigmoid(x * beta)),
    breakpoints: [threshold / beta],
  };
}

/** clamp(x, min, max); backward: zero where x ≤ min_val or x ≥ max_val. */
function clamp(minimum: number | undefined, maximum: number | undefined): ActivationFunction | undefined {
  if (minimum === undefined || maximum === undefined || !(maximum > minimum)) {
    return undefined;
  }
  return { f: (x) => Math.min(maximum, Math.max(minimum, x)), derivative: (x) => (x <= minimum || x >= maximum ? 0 : 1), breakpoints: [minimum, maximum] };
}

/** Each activation's builder, by canonical name (torch.nn.functional semantics, lower case). */
const ACTIVATION_BUILDERS = {
  linear: () => ({ f: (x) => x, derivative: () => 1, breakpoints: [] }),
  relu: () => ({ f: (x) => (x > 0 ? x : 0), derivative: (x) => (x > 0 ? 1 : 0), breakpoints: [0] }),
  leaky_relu: leakyRelu,
  tanh: () => ({ f: Math.tanh, derivative: (x) => 1 - square(Math.tanh(x)), breakpoints: [] }),
  sigmoid: () => ({
    f: sigmoid,
    derivative: (x) => {
      const value = sigmoid(x);
      return value * (1 - value);
    },
    breakpoints: [],
  }),
  gelu,
  silu: () => ({
    f: (x) => x * sigmoid(x),
    derivative: (x) => {
      const value = sigmoid(x);
      return value * (1 + x * (1 - value));
    },
    breakpoints: [],
  }),
  mish: () => ({
    f: (x) => x * Math.tanh(softplusUnthresholded(x)),
    derivative: (x) => {
      const value = Math.tanh(softplusUnthresholded(x));
      return value + x * sigmoid(x) * (1 - value * value);
    },
    breakpoints: [],
  }),
  elu,
  celu,
  selu: () => ({
    f: (x) => seluScale * (x > 0 ? x : seluAlpha * Math.expm1(x)),
    derivative: (x) => seluScale * (x > 0 ? 1 : seluAlpha * Math.exp(x)),
    breakpoints: [0],
  }),
  softplus,
  // x·relu6(x + 3)/6; backward: 0 below −3, x/3 + 1/2 up to 3 inclusive, 1 above.
  hardswish: () => ({
    f: (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
    derivative: (x) => (x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1),
    breakpoints: [-3, 3],
  }),
  // relu6(x + 3)/6; backward 1/6 strictly inside (−3, 3).
  hardsigmoid: () => ({ f: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5), derivative: (x) => (x > -3 && x < 3 ? 1 / 6 : 0), breakpoints: [-3, 3] }),
  hardtanh: (spec) => clamp(numericParameter(spec, 'min_val', -1), numericParameter(spec, 'max_val', 1)),
  relu6: () => clamp(0, 6),
  softsign: () => ({ f: (x) => x / (1 + Math.abs(x)), derivative: (x) => 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x))), breakpoints: [0] }),
} satisfies Record<string, ActivationBuilder>;

/** Activation names this module knows (PyTorch's functional names, lower case). */
export type ActivationName = keyof typeof ACTIVATION_BUILDERS;

/**
 * The activation as functions with PyTorch's definitions, or undefined for an unknown name (softmax,
 * log_softmax, …) or an invalid parameter. Derivatives follow PyTorch's backward kernels at the kinks.
 */
export function activationFunction(spec: ActivationSpec): ActivationFunction | undefined {
  const name = canonicalName(spec.name);
  return name === undefined ? undefined : ACTIVATION_BUILDERS[name](spec);
}

/** E[g(√q·z)] for an activation-derived g, on the activation's breakpoints; NaN when unknown or q < 0. */
function expectation(spec: ActivationSpec, q: number, pick: (activation: ActivationFunction) => (x: number) => number): number {
  const activation = activationFunction(spec);
  if (activation === undefined || !(q >= 0)) {
    return Number.NaN;
  }
  return gaussianExpectation(pick(activation), q, activation.breakpoints);
}

/** E[φ(√q·z)²], z ~ N(0, 1): the post-activation second moment for pre-activation second moment q. */
export function secondMoment(spec: ActivationSpec, q: number): number {
  return expectation(spec, q, (activation) => (x) => square(activation.f(x)));
}

/** E[φ′(√q·z)²], z ~ N(0, 1): the per-layer backward factor for pre-activation second moment q. */
export function derivativeSecondMoment(spec: ActivationSpec, q: number): number {
  return expectation(spec, q, (activation) => (x) => square(activation.derivative(x)));
}

/** E[φ(√q·z)], z ~ N(0, 1): the post-activation mean. */
export function meanOf(spec: ActivationSpec, q: number): number {
  return expectation(spec, q, ({ f }) => f);
}

/** torch's gains other than leaky_relu's: linear and conv names and sigmoid 1, tanh 5/3, relu √2, selu 3/4. */
const TORCH_GAINS = new Map([
  ...['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'].map((name) => [name, 1] as const),
  ['tanh', 5.0 / 3],
  ['relu', Math.sqrt(2.0)],
  ['selu', 3.0 / 4],
]);

/**
 * Exactly `torch.nn.init.calculate_gain(nonlinearity, param)` (torch/nn/init.py): the table above, and
 * leaky_relu → √(2/(1 + slope²)) with slope = param or 0.01; undefined where torch raises ValueError
 * (any other name).
 */
export function torchCalculateGain(nonlinearity: string, param?: number): number | undefined {
  if (nonlinearity === 'leaky_relu') {
    const slope = param === undefined ? 0.01 : param;
    return Math.sqrt(2.0 / (1 + slope * slope));
  }
  return TORCH_GAINS.get(nonlinearity);
}

/**
 * σ_w such that a layer with Var W = σ_w²/fan_in keeps the pre-activation second moment at q:
 * σ_w² = q / E[φ(√q·z)²]. At q = 1 this is 1/√E[φ(z)²]. NaN when unknown or q ≤ 0.
 */
export function forwardGain(spec: ActivationSpec, q = 1): number {
  if (!(q > 0)) {
    return Number.NaN;
  }
  return Math.sqrt(q / secondMoment(spec, q));
}

/** σ_w making χ₁ = σ_w²·E[φ′(√q·z)²] equal to 1: 1/√E[φ′(√q·z)²] (Schoenholz et al. 2017). */
export function backwardGain(spec: ActivationSpec, q = 1): number {
  return 1 / Math.sqrt(derivativeSecondMoment(spec, q));
}

/**
 * The fixed point q* of q ← σ_w²·E[φ(√q·z)²] + σ_b² reached from q0, or undefined when the iteration
 * passes 1e12 (diverges), leaves the reals, or has not converged after `maxIterations` steps. Linear
 * convergence is sped up by Aitken extrapolation once the contraction ratio r settles; the answer is
 * always a point whose residual |F(q) − q| is within 1e-12 relative (plus 1e-15 absolute), so within
 * about 1e-12/(1 − r) of q*. Marginal maps (r → 1, e.g. ReLU with σ_w² = 2 and σ_b² > 0, or tanh
 * with σ_w² = 1 and no bias) give undefined unless they reach the tolerance.
 */
export function fixedPointSecondMoment(spec: ActivationSpec, sigmaW2: number, sigmaB2: number, q0 = 1, maxIterations = 500): number | undefined {
  const activation = activationFunction(spec);
  if (activation === undefined || !(sigmaW2 >= 0) || !(sigmaB2 >= 0) || !(q0 >= 0)) {
    return undefined;
  }
  const map = (q: number): number => sigmaW2 * gaussianExpectation((x) => square(activation.f(x)), q, activation.breakpoints) + sigmaB2;
  const divergence = 1e12;
  let q = q0;
  let previousDelta: number | undefined;
  let previousRatio: number | undefined;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const next = map(q);
    if (!Number.isFinite(next) || next > divergence) {
      return undefined;
    }
    const delta = next - q;
    if (Math.abs(delta) <= 1e-12 * Math.abs(next) + 1e-15) {
      return next;
    }
    q = next;
    if (previousDelta !== undefined && previousDelta !== 0) {
      const ratio = delta / previousDelta;
      const contraction = 1 - ratio;
      // Jump only for a clear, steady contraction: the ratio must change by less than 1% of its gap to 1
      // between steps, and that gap must exceed 1e-6 (near 1, in marginal maps or linear growth, the
      // ratio is rounding noise and the jump would be unbounded).
      const settled = previousRatio !== undefined && Math.abs(ratio - previousRatio) <= 1e-2 * contraction;
      if (ratio > 0 && contraction >= 1e-6 && settled) {
        const candidate = next + (delta * ratio) / (1 - ratio);
        if (candidate >= 0 && candidate <= divergence) {
          q = candidate;
          previousDelta = undefined;
          previousRatio = undefined;
          continue;
        }
      }
      previousRatio = ratio;
    }
    previousDelta = delta;
  }
  return undefined;
}
