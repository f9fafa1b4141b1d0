/**
 * What the panel keeps across hide/show (VS Code drops a hidden webview's page; we do not use
 * retainContextWhenHidden): the user's controls and the last model, through getState/setState.
 */
import type { PreviewModel } from '../../src/protocol/preview';

export type SimulationMethod = 'analytic' | 'montecarlo';
export type InitChoice = 'current' | 'recommended';

/** The user's simulation settings. */
export interface Controls {
  method: SimulationMethod;
  batch: number;
  seed: number;
  inputVariance: number;
  /** How many times the model's layers are repeated (preview of a deeper stack of the same block). */
  depthMultiplier: number;
  /** Overrides of symbolic widths and loop counts, by symbol name. */
  symbols: Record<string, number>;
  /** The layer whose Monte-Carlo histogram is shown, null for the first available. */
  histogramLayer: string | null;
  histogramInit: InitChoice;
}

export interface PanelState {
  version: 1;
  controls: Controls;
  model: PreviewModel | null;
  /** Why nothing is shown, when `model` is null. */
  emptyReason: string | null;
}

export const defaultControls: Readonly<Controls> = {
  method: 'analytic',
  batch: 256,
  seed: 0,
  inputVariance: 1,
  depthMultiplier: 1,
  symbols: {},
  histogramLayer: null,
  histogramInit: 'current',
};

/** Limits that keep a Monte-Carlo run interactive and the numbers meaningful. */
export const controlLimits = {
  batch: { min: 2, max: 8192 },
  seed: { min: 0, max: 2 ** 31 - 1 },
  inputVariance: { min: 1e-6, max: 1e6 },
  depthMultiplier: { min: 1, max: 64 },
  symbol: { min: 1, max: 1 << 16 },
} as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberIn(value: unknown, limits: { min: number; max: number }, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= limits.min && value <= limits.max ? value : fallback;
}

/** The controls found in saved state, each field checked and defaulted on its own. */
function restoreControls(raw: unknown): Controls {
  const saved = isObject(raw) ? raw : {};
  const symbols: Record<string, number> = {};
  if (isObject(saved.symbols)) {
    for (const [name, value] of Object.entries(saved.symbols)) {
      if (typeof value === 'number' && Number.isInteger(value) && value >= controlLimits.symbol.min && value <= controlLimits.symbol.max) {
        symbols[name] = value;
      }
    }
  }
  return {
    method: saved.method === 'montecarlo' ? 'montecarlo' : 'analytic',
    batch: Math.round(numberIn(saved.batch, controlLimits.batch, defaultControls.batch)),
    seed: Math.round(numberIn(saved.seed, controlLimits.seed, defaultControls.seed)),
    inputVariance: numberIn(saved.inputVariance, controlLimits.inputVariance, defaultControls.inputVariance),
    depthMultiplier: Math.round(numberIn(saved.depthMultiplier, controlLimits.depthMultiplier, defaultControls.depthMultiplier)),
    symbols,
    histogramLayer: typeof saved.histogramLayer === 'string' ? saved.histogramLayer : null,
    histogramInit: saved.histogramInit === 'recommended' ? 'recommended' : 'current',
  };
}

/**
 * The state saved by an earlier page of this webview, or a fresh one. The model is shown only
 * until the extension answers `ready` with a fresh one, so a shape check is enough here.
 */
export function restorePanelState(raw: unknown): PanelState {
  const saved = isObject(raw) && raw.version === 1 ? raw : {};
  const model = isObject(saved.model) && Array.isArray(saved.model.rows) ? (saved.model as unknown as PreviewModel) : null;
  return {
    version: 1,
    controls: restoreControls(saved.controls),
    model,
    emptyReason: typeof saved.emptyReason === 'string' ? saved.emptyReason : null,
  };
}
