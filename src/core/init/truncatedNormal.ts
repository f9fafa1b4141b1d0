/**
 * The variance of a normal distribution truncated to an interval: what PyTorch's `trunc_normal_`
 * (absolute bounds, no std correction) and Keras'/JAX's truncated normals (±2σ, std-corrected) fill
 * a tensor with, each adapter choosing the bounds and the std.
 */

import { integrate, normalCdf, normalPdf } from '../math/quadrature';

/**
 * Exact variance of N(mean, std²) truncated to the absolute interval [a, b] (infinite bounds allowed):
 * std²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²] with α = (a − mean)/std, β = (b − mean)/std,
 * Z = Φ(β) − Φ(α); for narrow intervals, where that cancels, by quadrature of the centred moments.
 * NaN for std ≤ 0 or a > b; 0 for a = b.
 */
export function truncatedNormalVariance(mean: number, std: number, a: number, b: number): number {
  if (!(std > 0) || Number.isNaN(mean) || Number.isNaN(a) || Number.isNaN(b) || a > b) {
    return Number.NaN;
  }
  if (a === b) {
    return 0;
  }
  let alpha = (a - mean) / std;
  let beta = (b - mean) / std;
  // The variance is symmetric under reflection; keep the interval's left end in the lower half so Φ
  // differences use the accurate left tail.
  if (alpha > -beta) {
    [alpha, beta] = [-beta, -alpha];
  }
  const nearest = alpha <= 0 && beta >= 0 ? 0 : Math.min(Math.abs(alpha), Math.abs(beta));
  if ((beta - alpha) * Math.max(1, nearest) <= 1) {
    // Narrow interval: the closed form cancels catastrophically; integrate the centred moments of the
    // density in u = t − α, scaled to 1 at t = α: φ(α + u)/φ(α) = exp(−(α·u + u²/2)).
    const width = beta - alpha;
    const density = (u: number): number => Math.exp(-(alpha * u + 0.5 * u * u));
    const weight = integrate(density, 0, width);
    const centre = integrate((u) => u * density(u), 0, width) / weight;
    return (std * std * integrate((u) => (u - centre) * (u - centre) * density(u), 0, width)) / weight;
  }
  const mass = normalCdf(beta) - normalCdf(alpha);
  if (!(mass > 0)) {
    return Number.NaN;
  }
  const densityAlpha = Number.isFinite(alpha) ? normalPdf(alpha) : 0;
  const densityBeta = Number.isFinite(beta) ? normalPdf(beta) : 0;
  const weightedAlpha = Number.isFinite(alpha) ? alpha * densityAlpha : 0;
  const weightedBeta = Number.isFinite(beta) ? beta * densityBeta : 0;
  const shift = (densityAlpha - densityBeta) / mass;
  const factor = 1 + (weightedAlpha - weightedBeta) / mass - shift * shift;
  return std * std * Math.max(0, factor);
}
