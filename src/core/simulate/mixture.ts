/**
 * Gaussian mixtures for the elementwise marginal of a signal that is not Gaussian: an activation's
 * output added to a skip connection (post-activation ResNets: relu(BN(x) + relu(…))), or dropout's
 * spike at zero. The mean-field pass treats a weighted sum over many inputs as Gaussian (central
 * limit), but a residual join adds a rectified signal elementwise, and the Gaussian approximation of
 * that sum misjudges the next activation's mean and the share of positive inputs. Mixtures keep the
 * first two moments exact: compression merges neighbouring components by moment matching.
 */
import type { ActivationFunction } from '../activations';
import { gaussHermiteRule } from '../math/quadrature';

/** Components (weights sum to 1): N(means[k], variances[k]). */
export interface Mixture {
  weights: number[];
  means: number[];
  variances: number[];
}

/** Most components a mixture keeps after an operation. */
const MAX_COMPONENTS = 16;

/** The 96-node Gauss–Hermite rule without its far-tail nodes (weight < 1e-9): the sampling of push-forwards. */
const hermite = ((): { nodes: number[]; weights: number[] } => {
  const rule = gaussHermiteRule();
  const kept = rule.weights.map((_, index) => index).filter((index) => rule.weights[index] >= 1e-9);
  const total = kept.reduce((sum, index) => sum + rule.weights[index], 0);
  return { nodes: kept.map((index) => rule.nodes[index]), weights: kept.map((index) => rule.weights[index] / total) };
})();

/**
 * How a mixture maps onto the next one, for the backward pass: atom a (a piece of source component
 * `source[a]` carrying the share `share[a]` of its weight) lands in component `target[a]` and scales
 * the squared gradient by `gate[a]`. Then E[δ_in² | source k] = Σ_{a from k} share·gate·E[δ_out² | target].
 */
export interface Transfer {
  mixture: Mixture;
  source: Int32Array;
  share: Float64Array;
  gate: Float64Array;
  target: Int32Array;
}

/** Components before compression, in flat arrays (many of them; no per-atom objects for the GC). */
interface Atoms {
  weights: ArrayLike<number>;
  means: ArrayLike<number>;
  variances: ArrayLike<number>;
}

export function gaussian(mean: number, variance: number): Mixture {
  return { weights: [1], means: [mean], variances: [Math.max(0, variance)] };
}

/** Value buckets used to find the equal-weight bins of compress (linear time, no sort). */
const BUCKETS = 1024;

/**
 * Merges components into at most MAX_COMPONENTS of about equal weight, in order of their means;
 * each merged component has the weight, mean and second moment of what it replaces (so the first
 * two moments are kept exactly). Bin edges are found on a grid of value buckets, in linear time.
 * `assignment[i]` is where input component i went.
 */
export function compress(mixture: Atoms): { mixture: Mixture; assignment: Int32Array } {
  const count = mixture.weights.length;
  if (count <= MAX_COMPONENTS) {
    return {
      mixture: { weights: Array.from(mixture.weights), means: Array.from(mixture.means), variances: Array.from(mixture.variances) },
      assignment: Int32Array.from({ length: count }, (_, index) => index),
    };
  }
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index++) {
    const mean = mixture.means[index];
    if (mean < low) {
      low = mean;
    }
    if (mean > high) {
      high = mean;
    }
  }
  const scale = high > low ? BUCKETS / (high - low) : 0;
  const bucketOf = new Uint16Array(count);
  const bucketWeight = new Float64Array(BUCKETS);
  for (let index = 0; index < count; index++) {
    const bucket = Math.min(BUCKETS - 1, Math.floor((mixture.means[index] - low) * scale));
    bucketOf[index] = bucket;
    bucketWeight[bucket] += mixture.weights[index];
  }
  // Walk the buckets in value order; a bin closes once the cumulative weight reaches its quantile.
  const totalWeight = bucketWeight.reduce((sum, weight) => sum + weight, 0);
  const binOfBucket = new Int32Array(BUCKETS);
  let bin = 0;
  let cumulative = 0;
  let open = false;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    binOfBucket[bucket] = bin;
    if (bucketWeight[bucket] <= 0) {
      continue;
    }
    open = true;
    cumulative += bucketWeight[bucket];
    if (cumulative >= ((bin + 1) / MAX_COMPONENTS) * totalWeight - 1e-15 && bin < MAX_COMPONENTS - 1) {
      bin++;
      open = false;
    }
  }
  const bins = open ? bin + 1 : bin;
  const weights = new Float64Array(bins);
  const first = new Float64Array(bins);
  const second = new Float64Array(bins);
  const assignment = new Int32Array(count);
  for (let index = 0; index < count; index++) {
    const target = Math.min(bins - 1, binOfBucket[bucketOf[index]]);
    const w = mixture.weights[index];
    const m = mixture.means[index];
    assignment[index] = target;
    weights[target] += w;
    first[target] += w * m;
    second[target] += w * (mixture.variances[index] + m * m);
  }
  const result: Mixture = { weights: [], means: [], variances: [] };
  const renumber = new Int32Array(bins).fill(-1);
  for (let target = 0; target < bins; target++) {
    if (!(weights[target] > 0)) {
      continue;
    }
    const mean = first[target] / weights[target];
    renumber[target] = result.weights.length;
    result.weights.push(weights[target]);
    result.means.push(mean);
    result.variances.push(Math.max(0, second[target] / weights[target] - mean * mean));
  }
  return { mixture: result, assignment: assignment.map((target) => renumber[target]) };
}

/** Builds a Transfer from atoms (weights absolute, means, variances) and their backward data. */
function transfer(atoms: Atoms, source: Int32Array, share: Float64Array, gate: Float64Array): Transfer {
  const { mixture, assignment } = compress(atoms);
  return { mixture, source, share, gate, target: assignment };
}

/** Exact E[φ], E[φ²], E[φ′²] of a Gaussian (gaussianMoments.ts), to correct the node sampling. */
export type ExactMoments = (mean: number, variance: number) => { mean: number; secondMoment: number; derivativeSecondMoment: number };

/**
 * The distribution of φ(X) for X ~ mixture: every component sampled at the Gauss–Hermite nodes
 * (atoms of zero variance), then compressed; the gates are φ′² at the nodes. Hermite nodes are
 * not exact for kinked φ (ReLU: 0.4% on the mean), so each component's atoms are mapped affinely
 * onto the exact mean and variance of φ(X) and its gates scaled to the exact E[φ′²].
 */
export function pushForward(mixture: Mixture, activation: ActivationFunction, exact?: ExactMoments): Transfer {
  const count = hermite.nodes.length;
  const total = mixture.weights.length * count;
  const atoms = { weights: new Float64Array(total), means: new Float64Array(total), variances: new Float64Array(total) };
  const source = new Int32Array(total);
  const share = new Float64Array(total);
  const gate = new Float64Array(total);
  mixture.weights.forEach((weight, component) => {
    const mean = mixture.means[component];
    const variance = mixture.variances[component];
    const std = Math.sqrt(variance);
    const offset = component * count;
    let first = 0;
    let second = 0;
    let gateMean = 0;
    for (let index = 0; index < count; index++) {
      const x = mean + std * hermite.nodes[index];
      const slope = activation.derivative(x);
      const value = activation.f(x);
      atoms.means[offset + index] = value;
      gate[offset + index] = slope * slope;
      first += hermite.weights[index] * value;
      second += hermite.weights[index] * value * value;
      gateMean += hermite.weights[index] * slope * slope;
    }
    let scale = 1;
    let shift = 0;
    let gateScale = 1;
    const target = exact?.(mean, variance);
    if (target !== undefined && Number.isFinite(target.secondMoment)) {
      const sampled = second - first * first;
      const wanted = Math.max(0, target.secondMoment - target.mean * target.mean);
      scale = sampled > 0 ? Math.sqrt(wanted / sampled) : 1;
      shift = target.mean - scale * first;
      gateScale = gateMean > 0 ? target.derivativeSecondMoment / gateMean : 1;
    }
    for (let index = 0; index < count; index++) {
      atoms.weights[offset + index] = weight * hermite.weights[index];
      atoms.means[offset + index] = shift + scale * atoms.means[offset + index];
      source[offset + index] = component;
      share[offset + index] = hermite.weights[index];
      gate[offset + index] *= gateScale;
    }
  });
  return transfer(atoms, source, share, gate);
}

/**
 * The distribution of X + scale·Y for independent X ~ left, Y ~ right, with the pairs' placement:
 * `target[i·|right| + j]` is where the pair (i, j) went.
 */
export function addIndependent(left: Mixture, right: Mixture, scale: number): { mixture: Mixture; target: Int32Array } {
  const columns = right.weights.length;
  const total = left.weights.length * columns;
  const sum = { weights: new Float64Array(total), means: new Float64Array(total), variances: new Float64Array(total) };
  for (let i = 0; i < left.weights.length; i++) {
    for (let j = 0; j < columns; j++) {
      const pair = i * columns + j;
      sum.weights[pair] = left.weights[i] * right.weights[j];
      sum.means[pair] = left.means[i] + scale * right.means[j];
      sum.variances[pair] = left.variances[i] + scale * scale * right.variances[j];
    }
  }
  const { mixture, assignment } = compress(sum);
  return { mixture, target: assignment };
}

/** Dropout in train mode: 0 with probability p, else X/(1 − p) (torch.nn.Dropout); backward likewise. */
export function dropout(mixture: Mixture, p: number): Transfer {
  const scale = 1 / (1 - p);
  const total = 2 * mixture.weights.length;
  const atoms = { weights: new Float64Array(total), means: new Float64Array(total), variances: new Float64Array(total) };
  const source = new Int32Array(total);
  const share = new Float64Array(total);
  const gate = new Float64Array(total);
  mixture.weights.forEach((weight, component) => {
    const dropped = 2 * component;
    const kept = dropped + 1;
    atoms.weights[dropped] = weight * p;
    atoms.weights[kept] = weight * (1 - p);
    atoms.means[kept] = mixture.means[component] * scale;
    atoms.variances[kept] = mixture.variances[component] * scale * scale;
    source[dropped] = component;
    source[kept] = component;
    share[dropped] = p;
    share[kept] = 1 - p;
    gate[kept] = scale * scale;
  });
  return transfer(atoms, source, share, gate);
}

/** E[δ_in² | source component] from E[δ_out² | target component] (length 1: the same everywhere). */
export function backThrough(flow: Transfer, gradient: number[], sources: number): number[] {
  const result = new Array<number>(sources).fill(0);
  for (let atom = 0; atom < flow.source.length; atom++) {
    const out = gradient.length === 1 ? gradient[0] : gradient[flow.target[atom]];
    result[flow.source[atom]] += flow.share[atom] * flow.gate[atom] * out;
  }
  return result;
}
