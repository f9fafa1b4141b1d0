/**
 * How the panel splits a Monte-Carlo job over the cores it has: the current-init and the
 * recommended-init passes are independent, so on two or more cores each runs in its own worker, when
 * their arenas together stay within one pass's memory bound (each worker holds its own); otherwise
 * one worker runs both in turn, as on one core.
 */
import { DEFAULT_MONTE_CARLO_BOUNDS } from '../../src/core/simulate/monteCarloBounds';
import { monteCarloPassCost } from '../../src/core/simulate/monteCarloPassCost';
import type { SimNetwork } from '../../src/core/simulate/network';

/** Which of a job's networks one worker runs: both in turn, or one of them (another worker runs the other). */
export type MonteCarloPart = 'both' | 'current' | 'recommended';

/** The parts of a job, one per worker. */
export function monteCarloParts(
  job: { current: SimNetwork; recommended: SimNetwork; batch: number },
  cores: number,
  maxBytes: number = DEFAULT_MONTE_CARLO_BOUNDS.maxBytes,
): MonteCarloPart[] {
  if (!(cores >= 2)) {
    return ['both'];
  }
  const current = monteCarloPassCost(job.current, job.batch);
  const recommended = monteCarloPassCost(job.recommended, job.batch);
  if (current === undefined || recommended === undefined || !(current.bytes + recommended.bytes <= maxBytes)) {
    return ['both'];
  }
  return ['current', 'recommended'];
}
