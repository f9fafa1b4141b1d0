/**
 * Gaussian expectations E[f(√v·z)], z ~ N(0, 1), and the special functions they need.
 *
 * Two rules:
 * - smooth integrands: Gauss–Hermite (probabilists') with {@link hermiteNodeCount} nodes, computed at
 *   module load from the Jacobi matrix of the Hermite recurrence (Golub–Welsch eigenvalues found by
 *   Sturm bisection, then polished by Newton on the orthonormal recurrence);
 * - integrands with kinks or jumps: adaptive composite Gauss–Legendre in z over [−12, 12], split at the
 *   given breakpoints so that every panel sees a smooth piece (error target 1e-13 of ∫|f·density|).
 */

/** Number of Gauss–Hermite nodes used for smooth integrands. */
export const hermiteNodeCount = 96;

/** Number of Gauss–Legendre nodes per panel of the piecewise rule. */
const legendreNodeCount = 16;

/** Half-width of the integration range in standard deviations (tail mass beyond is below 1e-32). */
const rangeInSigmas = 12;

/** Target error of the piecewise rule relative to ∫|f(σz)|·density(z) dz. */
const relativeTolerance = 1e-13;

/** Deepest bisection of one panel in the adaptive rule. */
const maximumDepth = 40;

const inverseSqrtPi = 1 / Math.sqrt(Math.PI);
const inverseSqrtTwoPi = 1 / Math.sqrt(2 * Math.PI);

interface QuadratureRule {
  nodes: number[];
  weights: number[];
}

/**
 * Orthonormal probabilists' Hermite values p̃_{n−1}(x), p̃_n(x) with p̃_0 = 1,
 * p̃_{k+1} = (x·p̃_k − √k·p̃_{k−1}) / √(k+1); orthonormal under the N(0, 1) density.
 */
function orthonormalHermite(n: number, x: number): [number, number] {
  let previous = 0;
  let current = 1;
  for (let k = 0; k < n; k++) {
    const next = (x * current - Math.sqrt(k) * previous) / Math.sqrt(k + 1);
    previous = current;
    current = next;
  }
  return [previous, current];
}

/** Number of eigenvalues below x of the Jacobi matrix (zero diagonal, off-diagonal √k), by Sturm count. */
function eigenvaluesBelow(n: number, x: number): number {
  let count = 0;
  let pivot = -x;
  if (pivot < 0) {
    count++;
  }
  for (let k = 1; k < n; k++) {
    const safePivot = pivot === 0 ? Number.EPSILON * (Math.abs(x) + 1) : pivot;
    pivot = -x - k / safePivot;
    if (pivot < 0) {
      count++;
    }
  }
  return count;
}

/** Builds the n-point probabilists' Gauss–Hermite rule for the N(0, 1) density (weights sum to 1). */
function buildHermiteRule(n: number): QuadratureRule {
  const bound = 2 * Math.sqrt(n) + 1;
  const nodes: number[] = [];
  for (let index = 0; index < n; index++) {
    let low = -bound;
    let high = bound;
    for (let step = 0; step < 200 && high - low > 1e-15 * Math.max(1, Math.abs(low)); step++) {
      const middle = (low + high) / 2;
      if (eigenvaluesBelow(n, middle) > index) {
        high = middle;
      } else {
        low = middle;
      }
    }
    let x = (low + high) / 2;
    for (let step = 0; step < 3; step++) {
      const [below, value] = orthonormalHermite(n, x);
      const slope = Math.sqrt(n) * below;
      if (slope === 0) {
        break;
      }
      const correction = value / slope;
      x -= correction;
      if (Math.abs(correction) < 1e-16 * Math.max(1, Math.abs(x))) {
        break;
      }
    }
    nodes.push(x);
  }
  // Enforce the exact symmetry of the rule.
  for (let index = 0; index < n / 2; index++) {
    const mirrored = (nodes[n - 1 - index] - nodes[index]) / 2;
    nodes[index] = -mirrored;
    nodes[n - 1 - index] = mirrored;
  }
  if (n % 2 === 1) {
    nodes[(n - 1) / 2] = 0;
  }
  const weights = nodes.map((x) => {
    const [below] = orthonormalHermite(n, x);
    return 1 / (n * below * below);
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return { nodes, weights: weights.map((weight) => weight / total) };
}

/** Builds the n-point Gauss–Legendre rule on [−1, 1] by Newton iteration on the Legendre recurrence. */
function buildLegendreRule(n: number): QuadratureRule {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let index = 0; index < Math.ceil(n / 2); index++) {
    let x = Math.cos((Math.PI * (index + 0.75)) / (n + 0.5));
    let slope = 1;
    for (let step = 0; step < 100; step++) {
      let previous = 0;
      let current = 1;
      for (let k = 0; k < n; k++) {
        const next = ((2 * k + 1) * x * current - k * previous) / (k + 1);
        previous = current;
        current = next;
      }
      slope = (n * (x * current - previous)) / (x * x - 1);
      const correction = current / slope;
      x -= correction;
      if (Math.abs(correction) < 1e-16) {
        break;
      }
    }
    nodes[index] = -x;
    nodes[n - 1 - index] = x;
    const weight = 2 / ((1 - x * x) * slope * slope);
    weights[index] = weight;
    weights[n - 1 - index] = weight;
  }
  return { nodes, weights };
}

const hermiteRule = buildHermiteRule(hermiteNodeCount);
const legendreRule = buildLegendreRule(legendreNodeCount);

/** A copy of the Gauss–Hermite rule used for smooth integrands (nodes in z, weights summing to 1). */
export function gaussHermiteRule(): { nodes: number[]; weights: number[] } {
  return { nodes: [...hermiteRule.nodes], weights: [...hermiteRule.weights] };
}

/** Gauss–Legendre estimate of ∫_a^b g, with the integral of |g| alongside. */
function legendrePanel(g: (z: number) => number, a: number, b: number): [number, number] {
  const half = (b - a) / 2;
  const middle = (a + b) / 2;
  let sum = 0;
  let absoluteSum = 0;
  for (let index = 0; index < legendreNodeCount; index++) {
    const value = legendreRule.weights[index] * g(middle + half * legendreRule.nodes[index]);
    sum += value;
    absoluteSum += Math.abs(value);
  }
  return [sum * half, absoluteSum * half];
}

interface Panel {
  a: number;
  b: number;
  estimate: number;
  depth: number;
}

/**
 * ∫_a^b g by adaptive composite Gauss–Legendre (16 nodes per panel, initial panels of width ≤ 1,
 * bisected until two halves agree with the whole to 1e-13 of ∫|g|), split at the given cut points so
 * that kinks and jumps of g fall on panel edges. Cut points outside (a, b) are ignored.
 */
export function integrate(g: (x: number) => number, a: number, b: number, cuts: number[] = []): number {
  if (!(a < b) || !Number.isFinite(a) || !Number.isFinite(b)) {
    return a === b ? 0 : Number.NaN;
  }
  const edges = [a, ...cuts.filter((cut) => cut > a && cut < b), b]
    .sort((left, right) => left - right)
    .filter((edge, index, all) => index === 0 || edge > all[index - 1]);
  const panels: Panel[] = [];
  let scale = 0;
  for (let index = 0; index + 1 < edges.length; index++) {
    const start = edges[index];
    const end = edges[index + 1];
    const count = Math.max(1, Math.ceil(end - start));
    for (let part = 0; part < count; part++) {
      const left = start + ((end - start) * part) / count;
      const right = part + 1 === count ? end : start + ((end - start) * (part + 1)) / count;
      const [estimate, absolute] = legendrePanel(g, left, right);
      scale += absolute;
      panels.push({ a: left, b: right, estimate, depth: 0 });
    }
  }
  const tolerancePerLength = (relativeTolerance * scale) / (b - a);
  let total = 0;
  while (panels.length > 0) {
    const panel = panels.pop() as Panel;
    const middle = (panel.a + panel.b) / 2;
    const [left] = legendrePanel(g, panel.a, middle);
    const [right] = legendrePanel(g, middle, panel.b);
    const refined = left + right;
    if (!Number.isFinite(refined) || Math.abs(refined - panel.estimate) <= tolerancePerLength * (panel.b - panel.a) || panel.depth >= maximumDepth) {
      total += refined;
    } else {
      panels.push({ a: panel.a, b: middle, estimate: left, depth: panel.depth + 1 });
      panels.push({ a: middle, b: panel.b, estimate: right, depth: panel.depth + 1 });
    }
  }
  return total;
}

/**
 * E[f(√variance·z)] for z ~ N(0, 1).
 *
 * Without `breakpoints` the smooth Gauss–Hermite rule is used (exact for polynomials up to degree 191;
 * about 1e-11 for tanh-like f at variance 1, worse as the variance grows). With `breakpoints` (points in x units
 * where f or f′ is not smooth; an empty array is allowed) the integral over [−12σ, 12σ] is taken
 * piecewise with adaptive Gauss–Legendre, which stays accurate for kinks and for large variances.
 * Variance 0 gives f(0); a negative or non-finite variance gives NaN.
 */
export function gaussianExpectation(f: (x: number) => number, variance: number, breakpoints?: number[]): number {
  if (!(variance >= 0) || variance === Infinity) {
    return Number.NaN;
  }
  if (variance === 0) {
    return f(0);
  }
  const sigma = Math.sqrt(variance);
  if (breakpoints === undefined) {
    let sum = 0;
    for (let index = 0; index < hermiteNodeCount; index++) {
      sum += hermiteRule.weights[index] * f(sigma * hermiteRule.nodes[index]);
    }
    return sum;
  }
  const integrand = (z: number): number => f(sigma * z) * Math.exp(-0.5 * z * z) * inverseSqrtTwoPi;
  return integrate(
    integrand,
    -rangeInSigmas,
    rangeInSigmas,
    breakpoints.filter((point) => Number.isFinite(point)).map((point) => point / sigma),
  );
}

/** Where erf/erfc switch from the power series to the continued fraction (|x|). */
const continuedFractionThreshold = 1.5;

/** The error function, to about 1e-15 relative (power series below 1.5, continued fraction above). */
export function erf(x: number): number {
  if (Number.isNaN(x)) {
    return Number.NaN;
  }
  const magnitude = Math.abs(x);
  if (magnitude >= continuedFractionThreshold) {
    return Math.sign(x) * (1 - erfcContinuedFraction(magnitude));
  }
  return erfSeries(x);
}

/** The complementary error function 1 − erf(x), accurate in relative terms far into the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) {
    return Number.NaN;
  }
  if (x >= continuedFractionThreshold) {
    return erfcContinuedFraction(x);
  }
  if (x <= -continuedFractionThreshold) {
    return 2 - erfcContinuedFraction(-x);
  }
  return 1 - erfSeries(x);
}

/** erf(x) = (2/√π)·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1)): positive terms, no cancellation. */
function erfSeries(x: number): number {
  const square = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * square) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
      break;
    }
  }
  return 2 * inverseSqrtPi * Math.exp(-square) * sum;
}

/**
 * erfc(x) for x ≥ 1.5 from the continued fraction e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
 * evaluated by the modified Lentz method.
 */
function erfcContinuedFraction(x: number): number {
  if (x > 27.3) {
    return 0;
  }
  const tiny = 1e-300;
  let fraction = x;
  let numerator = x;
  let denominator = 0;
  for (let k = 1; k < 5000; k++) {
    const coefficient = k / 2;
    denominator = x + coefficient * denominator;
    if (denominator === 0) {
      denominator = tiny;
    }
    denominator = 1 / denominator;
    numerator = x + coefficient / numerator;
    if (numerator === 0) {
      numerator = tiny;
    }
    const delta = numerator * denominator;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-16) {
      break;
    }
  }
  return (Math.exp(-x * x) * inverseSqrtPi) / fraction;
}

/** The standard normal density. */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) * inverseSqrtTwoPi;
}

/** The standard normal distribution function Φ(x) = erfc(−x/√2)/2 (accurate in the left tail). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}
