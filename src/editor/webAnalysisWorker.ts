/**
 * Starts the analysis worker in the web-worker extension host: a Web Worker nested in the extension
 * host's own worker. VS Code's worker host refuses `new Worker()` on a `vscode-remote:` URL and the
 * extension's URI may be of any scheme, so the bundle (dist/web/analysisWorker.js) is read through
 * `vscode.workspace.fs` once and started from a `blob:` URL; its first message is the grammar's wasm
 * bytes. A Web Worker has no heap cap (`initLens.analysisMemoryLimitMb` does not apply); the
 * wall-clock budget does, as on desktop: the scheduler terminates a worker past it.
 */
import type { StartWorker } from './analysisScheduler';
import type { WebWorkerInit } from './analysisWorkerWeb';
import type { WasmBytes } from './wasmBytes';

/** The part of the Web Worker API used here (the project compiles without the DOM types). */
interface WebWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string; preventDefault?(): void }) => void) | null;
}
type WebWorkerConstructor = new (url: string, options?: { name?: string }) => WebWorker;

/** The host's Web Worker constructor, if it has one. */
export function webWorkerConstructor(): WebWorkerConstructor | undefined {
  return (globalThis as { Worker?: WebWorkerConstructor }).Worker;
}

/** A `StartWorker` running the worker script `source` in a Web Worker, handing it `wasm` first. */
export function webWorkerStarter(Worker: WebWorkerConstructor, source: string, wasm: WasmBytes): StartWorker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return (listener) => {
    const worker = new Worker(url, { name: 'Init Lens analysis' });
    let ended = false;
    worker.onmessage = (event) => listener.message(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      if (!ended) {
        ended = true;
        listener.died('crashed', event.message ?? 'the analysis worker failed');
      }
    };
    const init: WebWorkerInit = { type: 'init', wasm };
    worker.postMessage(init);
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        ended = true;
        worker.terminate();
      },
    };
  };
}
