/**
 * The one message protocol between the extension (src/editor/previewView.ts) and the variance
 * preview webview (webview/src). Both sides import this module; every message that arrives from the
 * webview is checked with `parseWebviewMessage` before use.
 */
import type { Range } from '../core/graph';
import type { Coverage, SimNetwork } from '../core/simulate/network';

/** One row of the layer table: the accessible form of the charts. */
export interface PreviewLayerRow {
  /** The graph's qualified name; also the SimLayer name in both networks. */
  name: string;
  type: string;
  /** `relu`, `gelu(tanh)`, `—` when linear, `unknown`. */
  activation: string;
  /** Short labels: `default`, `He·N`, `Xavier·U`, `unknown`. */
  initNow: string;
  initRecommended: string;
  /** Forward second-moment factor per layer with today's init, null when it does not resolve. */
  factorNow: number | null;
  factorRecommended: number | null;
  /** Where the layer is defined (for "reveal"), 0-based lines and UTF-16 columns. */
  range: Range;
}

/** A symbolic width or loop count the user may override (`config.n_embd`, `depth`). */
export interface PreviewSymbol {
  name: string;
  /** The value the panel uses until the user overrides it. */
  value: number;
}

/** The model under the cursor, as the extension sends it. */
export interface PreviewModel {
  uri: string;
  /** The file's base name, for the title. */
  fileName: string;
  model: string;
  /** Every model of the file with layers (classes and entry points), for the picker. */
  models: string[];
  /** The same network with the init in force and with the recommended one. */
  current: SimNetwork;
  recommended: SimNetwork;
  rows: PreviewLayerRow[];
  symbols: PreviewSymbol[];
  /** Whether the engine has a fix for this model (enables "Apply recommended init"). */
  fixable: boolean;
  /** One line each: what the conversion assumed or left out (the coverage line is `coverage`). */
  notes: string[];
  /** How many of the model's parametrised layers the preview simulates, and which it leaves out. */
  coverage: Coverage;
}

/** Extension → webview. */
export type ExtensionMessage =
  | { type: 'model'; model: PreviewModel }
  /** Nothing to show: no Python editor, no model in the file, or the file was not analysed. */
  | { type: 'empty'; reason: string }
  /** Choose the simulation method, as the panel's method field does (Monte Carlo runs at once). */
  | { type: 'setMethod'; method: PreviewMethod };

/** The panel's simulation methods. */
export type PreviewMethod = 'analytic' | 'montecarlo';

/** One layer's Monte-Carlo forward variance (before its activation), with today's init and the recommended one. */
export interface MonteCarloLayerValue {
  name: string;
  /** Null when the variance is not a finite number (it overflowed). */
  current: number | null;
  /** Null when the recommended network has no such layer, or its variance is not finite. */
  recommended: number | null;
}

/** What a finished Monte-Carlo run in the panel reports to the extension (which logs it). */
export interface MonteCarloReport {
  uri: string;
  model: string;
  /** The matrix kernel the panel's worker ran: `wasm-relaxed-simd` (fused multiply-add), `wasm-simd`, or `js` where WebAssembly SIMD is unavailable. */
  kernel: string;
  elapsedMs: number;
  layers: MonteCarloLayerValue[];
}

/** Webview → extension. */
export type WebviewMessage =
  /** The webview has loaded and wants the current model. */
  | { type: 'ready' }
  /** Reveal a layer of the shown model in its editor. */
  | { type: 'reveal'; uri: string; layer: string }
  /** Run the engine's fix for every layer of the model. */
  | { type: 'applyFix'; uri: string; model: string }
  /** Show another model of the same file. */
  | { type: 'selectModel'; uri: string; model: string }
  /** A Monte-Carlo run finished in the panel's worker. */
  | ({ type: 'monteCarloDone' } & MonteCarloReport)
  /** A Monte-Carlo run failed in the panel's worker. */
  | { type: 'monteCarloFailed'; uri: string; model: string; message: string };

/** The conversion's own one-line summary of its coverage (fromGraph.ts), which the panel shows apart from the notes. */
export function isCoverageNote(note: string): boolean {
  return /^simulated \d+ of \d+ parametrised layers/.test(note);
}

const MAX_STRING = 10_000;
/** More layers than any model the preview draws: a longer list is malformed. */
const MAX_LAYERS = 100_000;

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_STRING;
}

/** The message if it is a well-formed WebviewMessage, else undefined (never throws). */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
      return isShortString(message.uri) && isShortString(message.layer) ? { type: 'reveal', uri: message.uri, layer: message.layer } : undefined;
    case 'applyFix':
    case 'selectModel':
      return isShortString(message.uri) && isShortString(message.model) ? { type: message.type, uri: message.uri, model: message.model } : undefined;
    case 'monteCarloDone':
      return parseMonteCarloReport(message);
    case 'monteCarloFailed':
      return isShortString(message.uri) && isShortString(message.model) && isShortString(message.message)
        ? { type: 'monteCarloFailed', uri: message.uri, model: message.model, message: message.message }
        : undefined;
    default:
      return undefined;
  }
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A finite number or null as is; anything else undefined (malformed). */
function finiteOrNull(value: unknown): number | null | undefined {
  return value === null || isFiniteNumber(value) ? value : undefined;
}

function parseLayerValue(raw: unknown): MonteCarloLayerValue | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const layer = raw as Record<string, unknown>;
  const current = finiteOrNull(layer.current);
  const recommended = finiteOrNull(layer.recommended);
  return isShortString(layer.name) && current !== undefined && recommended !== undefined ? { name: layer.name, current, recommended } : undefined;
}

function parseMonteCarloReport(message: Record<string, unknown>): WebviewMessage | undefined {
  const { uri, model, kernel, elapsedMs, layers } = message;
  if (!isShortString(uri) || !isShortString(model) || !isShortString(kernel) || !isFiniteNumber(elapsedMs) || !Array.isArray(layers)) {
    return undefined;
  }
  if (layers.length > MAX_LAYERS) {
    return undefined;
  }
  const values = layers.map(parseLayerValue);
  if (values.some((value) => value === undefined)) {
    return undefined;
  }
  return { type: 'monteCarloDone', uri, model, kernel, elapsedMs, layers: values as MonteCarloLayerValue[] };
}
