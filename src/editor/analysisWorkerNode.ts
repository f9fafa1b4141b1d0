/**
 * The analysis worker's entry on desktop (`worker_threads`), bundled alone as dist/analysisWorker.js:
 * loads the grammar from the folder the host names (`workerData.distDir`) and serves the host's
 * requests. A Web Worker entry would do the same with `self` and the wasm files' URLs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPython } from '../core/python/parser';
import { nodeWasmLocation } from '../node/wasmLocation';
import { serveAnalysis } from './analysisWorkerCore';

const port = parentPort;
if (port) {
  const distDir = (workerData as { distDir?: unknown } | undefined)?.distDir;
  serveAnalysis(
    { postMessage: (message) => port.postMessage(message), onMessage: (listener) => port.on('message', listener) },
    loadPython(nodeWasmLocation(typeof distDir === 'string' ? distDir : __dirname)),
  );
}
