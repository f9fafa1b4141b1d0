/**
 * Starts the analysis worker on desktop: a `worker_threads` Worker running dist/analysisWorker.js
 * with a heap cap (`resourceLimits`). V8 ends a worker that passes its cap with
 * ERR_WORKER_OUT_OF_MEMORY instead of taking the extension host down; that is reported as `memory`.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { StartWorker } from './analysisScheduler';

/** A `StartWorker` for the bundle in `distDir`, with the heap cap read at each start. */
export function nodeWorkerStarter(distDir: string, memoryMb: () => number): StartWorker {
  return (listener) => {
    const worker = new Worker(path.join(distDir, 'analysisWorker.js'), {
      workerData: { distDir },
      resourceLimits: { maxOldGenerationSizeMb: memoryMb() },
    });
    // Only the first end counts: an out-of-memory error is followed by an exit.
    let ended = false;
    const end = (reason: 'memory' | 'crashed', detail: string) => {
      if (!ended) {
        ended = true;
        listener.died(reason, detail);
      }
    };
    worker.on('message', (message: unknown) => listener.message(message));
    worker.on('error', (error: Error & { code?: string }) => end(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crashed', error.message));
    worker.on('exit', (code) => end('crashed', `the worker exited with code ${code}`));
    return {
      post: (message) => worker.postMessage(message),
      terminate: () => {
        ended = true;
        void worker.terminate();
      },
    };
  };
}
