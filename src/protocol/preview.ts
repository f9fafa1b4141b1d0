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
  | { type: 'empty'; reason: string };

/** Webview → extension. */
export type WebviewMessage =
  /** The webview has loaded and wants the current model. */
  | { type: 'ready' }
  /** Reveal a layer of the shown model in its editor. */
  | { type: 'reveal'; uri: string; layer: string }
  /** Run the engine's fix for every layer of the model. */
  | { type: 'applyFix'; uri: string; model: string }
  /** Show another model of the same file. */
  | { type: 'selectModel'; uri: string; model: string };

/** The conversion's own one-line summary of its coverage (fromGraph.ts), which the panel shows apart from the notes. */
export function isCoverageNote(note: string): boolean {
  return /^simulated \d+ of \d+ parametrised layers/.test(note);
}

const MAX_STRING = 10_000;

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
    default:
      return undefined;
  }
}
