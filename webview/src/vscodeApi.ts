/**
 * The webview's handle on its host: a typed wrapper over `acquireVsCodeApi()`, which VS Code lets a
 * page call only once. Messages to the extension are the protocol's WebviewMessage, nothing else.
 */
import type { WebviewMessage } from '../../src/protocol/preview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The host API, typed: what the panel may post and what it keeps across hide/show. */
export interface Host {
  post(message: WebviewMessage): void;
  /** The state saved by the last `saveState`, or undefined on a fresh webview (unvalidated). */
  loadState(): unknown;
  saveState(state: unknown): void;
}

/** Acquires the host API; call once per page. */
export function connectToHost(): Host {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    loadState: () => api.getState() ?? undefined,
    saveState: (state) => api.setState(state),
  };
}
