/**
 * Checks messages that arrive on the page before use: only the extension posts to this webview,
 * but a malformed payload must fail here with a clear status, not deep inside a chart.
 */
import type { ExtensionMessage, PreviewModel } from '../../src/protocol/preview';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isNetwork(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.layers) && isObject(value.input);
}

function isCoverage(value: unknown): boolean {
  return isObject(value) && typeof value.simulated === 'number' && typeof value.total === 'number' && Array.isArray(value.leftOut);
}

function isPreviewModel(value: unknown): value is PreviewModel {
  return (
    isObject(value) &&
    typeof value.uri === 'string' &&
    typeof value.fileName === 'string' &&
    typeof value.model === 'string' &&
    Array.isArray(value.models) &&
    isNetwork(value.current) &&
    isNetwork(value.recommended) &&
    Array.isArray(value.rows) &&
    Array.isArray(value.symbols) &&
    typeof value.fixable === 'boolean' &&
    Array.isArray(value.notes) &&
    isCoverage(value.coverage)
  );
}

/** The message if it is a well-formed ExtensionMessage, else undefined. */
export function parseExtensionMessage(raw: unknown): ExtensionMessage | undefined {
  if (!isObject(raw)) {
    return undefined;
  }
  if (raw.type === 'model' && isPreviewModel(raw.model)) {
    return { type: 'model', model: raw.model };
  }
  if (raw.type === 'empty' && typeof raw.reason === 'string') {
    return { type: 'empty', reason: raw.reason };
  }
  if (raw.type === 'setMethod' && (raw.method === 'analytic' || raw.method === 'montecarlo')) {
    return { type: 'setMethod', method: raw.method };
  }
  return undefined;
}
