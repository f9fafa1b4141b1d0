/**
 * The analysis worker's entry in a Web Worker (the web-worker extension host starts it), bundled
 * alone as dist/web/analysisWorker.js. The host's first message carries the grammar's wasm bytes
 * (the worker cannot read the extension's files itself); every later message is served by the same
 * host-neutral body as on desktop (analysisWorkerCore.ts).
 */
import { loadPython } from '../core/python/parser';
import type { WorkerMessage } from '../protocol/analysis';
import { serveAnalysis } from './analysisWorkerCore';
import { wasmBytesLocation, WASM_FILES, type WasmBytes } from './wasmBytes';

/** The part of a Web Worker's global scope used here (the project compiles without the DOM types). */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** The host's first message: the wasm bytes. */
export interface WebWorkerInit {
  type: 'init';
  wasm: WasmBytes;
}

function isInit(data: unknown): data is WebWorkerInit {
  const wasm = (data as { type?: unknown; wasm?: Record<string, unknown> } | null)?.wasm;
  return (data as { type?: unknown } | null)?.type === 'init' && !!wasm && WASM_FILES.every((name) => wasm[name] instanceof Uint8Array);
}

const scope = globalThis as unknown as WorkerScope;
let resolveGrammar: (bytes: WasmBytes) => void = () => undefined;
const wasm = new Promise<WasmBytes>((resolve) => {
  resolveGrammar = resolve;
});
scope.addEventListener('message', (event) => {
  if (isInit(event.data)) {
    resolveGrammar(event.data.wasm);
  }
});
serveAnalysis(
  {
    postMessage: (message: WorkerMessage) => scope.postMessage(message),
    onMessage: (listener) => scope.addEventListener('message', (event) => listener(event.data)),
  },
  wasm.then(wasmBytesLocation).then(loadPython),
);
