/**
 * The analysis worker's entry on desktop (`worker_threads`), bundled alone as dist/analysisWorker.js:
 * loads the grammar from the folder the host names (`workerData.distDir`) and serves the host's
 * requests. A Web Worker entry would do the same with `self` and the wasm files' URLs.
 */
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadPython } from '../core/python/parser';
import { nodeWasmLocation } from '../node/wasmLocation';
import { serveAnalysis } from './analysisWorkerCore';

const port = parentPort;
if (port && process.platform === 'linux') {
  // On Linux the nice value is per thread and pid 0 names the calling thread: this lowers the
  // analysis thread only, so on a busy machine the extension host, the editor and the user's typing
  // get the CPU before a long analysis does. (Elsewhere pid 0 names the whole process: left alone.)
  try {
    os.setPriority(0, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // not permitted here: the analysis runs at normal priority
  }
}
if (port) {
  const distDir = (workerData as { distDir?: unknown } | undefined)?.distDir;
  serveAnalysis(
    { postMessage: (message) => port.postMessage(message), onMessage: (listener) => port.on('message', listener) },
    loadPython(nodeWasmLocation(typeof distDir === 'string' ? distDir : __dirname)),
  );
}
