/**
 * What one Monte-Carlo pass of a network would cost (memory and multiply-adds), without running or
 * allocating it: the panel decides from it whether its two passes (current and recommended init)
 * may run side by side in two workers, each with its own arena.
 */
import { monteCarloCost, type MonteCarloCost } from './monteCarloBounds';
import { planPass } from './monteCarloPlan';
import type { SimNetwork } from './network';
import { lowerShortcuts } from './shortcut';

/** The cost of one pass at `batch`, or undefined when the network cannot be planned (the pass itself will say why). */
export function monteCarloPassCost(net: SimNetwork, batch: number): MonteCarloCost | undefined {
  if (net.layers.length === 0) {
    return { bytes: 0, multiplyAdds: 0 };
  }
  try {
    const lowered = lowerShortcuts(net).network;
    return monteCarloCost(lowered, planPass(lowered, batch));
  } catch {
    return undefined;
  }
}
