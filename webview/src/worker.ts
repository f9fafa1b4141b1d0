/**
 * The Monte-Carlo worker (bundled to dist/webviewWorker.js, started from a blob: URL by
 * monteCarloClient.ts): runs the networks of its part of a job (both, or one while a second worker
 * runs the other) with the same batch and seed, posting throttled progress.
 * The pass is synchronous: the page cancels by terminating this worker, which stops it at once
 * (even inside a matrix product) and frees its WebAssembly memory.
 */
import { MatrixKernelPool } from '../../src/core/simulate/kernelPool';
import { simulateMonteCarlo } from '../../src/core/simulate/monteCarlo';
import type { SimNetwork } from '../../src/core/simulate/network';
import type { MonteCarloJob, MonteCarloOutcome, WorkerRequest, WorkerResponse } from './workerProtocol';

/** The part of DedicatedWorkerGlobalScope used here (the webview tsconfig has the DOM lib, not WebWorker). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
}

const scope = self as unknown as WorkerScope;

/** The kernel each pass hands to the next (both networks of a job, and the next job): one linear memory instead of one per pass. */
const kernels = new MatrixKernelPool();

/** At most one progress message per this many ms: enough for a smooth bar, few enough not to flood the page. */
const PROGRESS_INTERVAL_MS = 50;

function run(job: MonteCarloJob): WorkerResponse {
  const started = performance.now();
  let lastReport = 0;
  const report = (fraction: number) => {
    const now = performance.now();
    if (now - lastReport >= PROGRESS_INTERVAL_MS) {
      lastReport = now;
      scope.postMessage({ type: 'progress', id: job.id, fraction: Math.max(0, Math.min(1, fraction)) });
    }
  };
  const part = job.part ?? 'both';
  const share = part === 'both' ? 0.5 : 1;
  const simulate = (network: SimNetwork, offset: number): MonteCarloOutcome => {
    const result = simulateMonteCarlo(network, {
      batch: job.batch,
      seed: job.seed,
      inputVariance: job.inputVariance,
      histogramBins: job.histogramBins,
      kernels,
      onProgress: (done, total) => report(offset + (share * done) / total),
    });
    return { layers: result.layers, histograms: result.histograms, kernel: result.kernel ?? 'unknown' };
  };
  const current = part === 'recommended' ? undefined : simulate(job.current, 0);
  const recommended = part === 'current' ? undefined : simulate(job.recommended, part === 'both' ? 0.5 : 0);
  return { type: 'done', id: job.id, current, recommended, elapsedMs: performance.now() - started };
}

scope.onmessage = (event) => {
  const request = event.data;
  if (request?.type !== 'run') {
    return;
  }
  try {
    scope.postMessage(run(request.job));
  } catch (error) {
    scope.postMessage({ type: 'error', id: request.job.id, message: error instanceof Error ? error.message : String(error) });
  }
};
