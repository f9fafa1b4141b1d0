/**
 * The analysis on the extension host's own thread, for a web host that cannot start a Web Worker.
 * Messages cross through `setTimeout`, so the host stays asynchronous and the scheduler's wall-clock
 * budget still ends a long analysis's result (the file is reported as not analysed), but an analysis
 * running cannot be interrupted: the host's thread is busy until it ends. Used only as a fallback.
 */
import type { StartWorker } from './analysisScheduler';
import { serveAnalysis } from './analysisWorkerCore';

/** A `StartWorker` serving analyses in this thread; the grammar must be loading or loaded. */
export function inThreadStarter(grammar: Promise<unknown>): StartWorker {
  return (listener) => {
    let stopped = false;
    let toWorker: (message: unknown) => void = () => undefined;
    serveAnalysis(
      {
        postMessage: (message) => setTimeout(() => !stopped && listener.message(message), 0),
        onMessage: (receive) => {
          toWorker = receive;
        },
      },
      grammar,
    );
    return {
      post: (message) => setTimeout(() => !stopped && toWorker(message), 0),
      terminate: () => {
        stopped = true;
      },
    };
  };
}
