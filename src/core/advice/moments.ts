/**
 * Cached Gaussian moments of activations for advice: quadrature is the costly part of advising a
 * file, and the same (activation, q) pairs recur in every stack. Positively homogeneous activations
 * (ReLU, leaky ReLU, linear) scale exactly: E[φ(√q z)] = √q·E[φ(z)], E[φ(√q z)²] = q·E[φ(z)²] and E[φ′²]
 * does not depend on q.
 */
import { activationKey, derivativeSecondMoment, forwardGain, meanOf, secondMoment, type ActivationSpec } from '../activations';
import { remember } from '../math/memo';

const HOMOGENEOUS = new Set(['relu', 'leaky_relu', 'linear']);
const MAX_ENTRIES = 10_000;
// A pure memo of pure functions keyed by the full input, bounded by MAX_ENTRIES: it cannot change any answer.
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const cache = new Map<string, number>();

function memo(key: string, compute: () => number): number {
  return remember(cache, key, MAX_ENTRIES, compute);
}

/** E[φ(√q z)²], cached. */
export function cachedSecondMoment(spec: ActivationSpec, q: number): number {
  const key = activationKey(spec);
  if (HOMOGENEOUS.has(spec.name)) {
    return q * memo(`m2|${key}|1`, () => secondMoment(spec, 1));
  }
  return memo(`m2|${key}|${q}`, () => secondMoment(spec, q));
}

/** E[φ(√q z)], cached: the mean a stack's input variance subtracts after each activation. */
export function cachedMean(spec: ActivationSpec, q: number): number {
  const key = activationKey(spec);
  if (HOMOGENEOUS.has(spec.name)) {
    return Math.sqrt(q) * memo(`m1|${key}|1`, () => meanOf(spec, 1));
  }
  return memo(`m1|${key}|${q}`, () => meanOf(spec, q));
}

/** E[φ′(√q z)²], cached. */
export function cachedDerivativeSecondMoment(spec: ActivationSpec, q: number): number {
  const key = activationKey(spec);
  const at = HOMOGENEOUS.has(spec.name) ? 1 : q;
  return memo(`d2|${key}|${at}`, () => derivativeSecondMoment(spec, at));
}

/** The forward gain at unit variance, cached. */
export function cachedForwardGain(spec: ActivationSpec): number {
  return memo(`gain|${activationKey(spec)}`, () => forwardGain(spec));
}
