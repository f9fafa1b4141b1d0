/**
 * Monte Carlo over the cores, as the panel runs it: a job's current-init and recommended-init passes
 * in one worker in turn (one core), against one worker each (monteCarloParts.ts decides the split),
 * on worker_threads standing in for the panel's Web Workers. Interleaved runs; the speed-up is the
 * ratio of the medians of the whole job's wall time.
 */
import * as os from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { MatrixKernelPool } from '../../src/core/simulate/kernelPool';
import { simulateMonteCarlo } from '../../src/core/simulate/monteCarlo';
import type { SimNetwork } from '../../src/core/simulate/network';
import { monteCarloParts, type MonteCarloPart } from '../../webview/src/monteCarloParts';

interface Job {
  current: SimNetwork;
  recommended: SimNetwork;
  batch: number;
  seed: number;
}

/** The figures of the comparison. */
export interface ParallelFigures {
  cores: number;
  workers: number;
  oneCoreMs: number;
  parallelMs: number;
  speedUp: number;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A worker that runs its part of each job it is sent and answers when done (as webview/src/worker.ts does). */
function workerLoop(): void {
  const kernels = new MatrixKernelPool();
  parentPort?.on('message', ({ job, part }: { job: Job; part: MonteCarloPart }) => {
    for (const which of ['current', 'recommended'] as const) {
      if (part === 'both' || part === which) {
        simulateMonteCarlo(job[which], { batch: job.batch, seed: job.seed, kernels });
      }
    }
    parentPort?.postMessage('done');
  });
}

function runOn(workers: Worker[], job: Job, parts: MonteCarloPart[]): Promise<number> {
  const start = performance.now();
  return Promise.all(
    parts.map(
      (part, index) =>
        new Promise<void>((resolve) => {
          workers[index].once('message', () => resolve());
          workers[index].postMessage({ job, part });
        }),
    ),
  ).then(() => performance.now() - start);
}

/** One job on one worker against the same job split as the panel splits it, `runs` times each after a warm-up. */
export async function benchParallel(job: Omit<Job, 'seed'>, runs = 5): Promise<ParallelFigures> {
  const cores = os.availableParallelism();
  const parts = monteCarloParts(job, cores);
  // The worker runs this file's TypeScript through tsx's CommonJS hook (Node 20 workers do not take --import).
  const entry = `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(__filename)});`;
  const workers = parts.map(() => new Worker(entry, { eval: true }));
  try {
    const oneCore: number[] = [];
    const parallel: number[] = [];
    for (let run = -1; run < runs; run++) {
      const seeded = { ...job, seed: run + 2 };
      const single = await runOn(workers, seeded, ['both']);
      const split = await runOn(workers, seeded, parts);
      if (run >= 0) {
        oneCore.push(single);
        parallel.push(split);
      }
    }
    const oneCoreMs = median(oneCore);
    const parallelMs = median(parallel);
    return { cores, workers: parts.length, oneCoreMs, parallelMs, speedUp: oneCoreMs / parallelMs };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

if (!isMainThread) {
  workerLoop();
}
