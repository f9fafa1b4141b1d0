/**
 * The analytic (mean-field) preview, run on the page: cheap enough for every control change
 * (the core's bench goal is ≤ 5 ms for 1,000 layers). The Monte-Carlo pass runs in the worker.
 */
import { simulateAnalytic } from '../../src/core/simulate/analytic';
import type { LayerStats, SimNetwork } from '../../src/core/simulate/network';
import { resolveNetwork } from '../../src/core/simulate/resolve';
import type { PreviewModel } from '../../src/protocol/preview';
import type { Controls } from './panelState';

/** Both networks of a model with the user's settings applied. */
export interface ResolvedPair {
  current: SimNetwork;
  recommended: SimNetwork;
}

export interface StatsPair {
  current: LayerStats[];
  recommended: LayerStats[];
}

/** The symbol values in force: the model's, overridden by the user's. */
export function symbolValues(model: PreviewModel, controls: Controls): Record<string, number> {
  const values: Record<string, number> = {};
  for (const symbol of model.symbols) {
    values[symbol.name] = controls.symbols[symbol.name] ?? symbol.value;
  }
  return values;
}

/** Resolves symbols, depth and input variance in both networks (throws when a dim stays symbolic). */
export function resolvePair(model: PreviewModel, controls: Controls): ResolvedPair {
  const options = { symbols: symbolValues(model, controls), depthMultiplier: controls.depthMultiplier, inputVariance: controls.inputVariance };
  return { current: resolveNetwork(model.current, options), recommended: resolveNetwork(model.recommended, options) };
}

export function analyticPair(pair: ResolvedPair): StatsPair {
  return { current: simulateAnalytic(pair.current), recommended: simulateAnalytic(pair.recommended) };
}
