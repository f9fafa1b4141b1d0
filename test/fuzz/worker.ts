/**
 * One fuzzing worker (a `worker_threads` thread of test/fuzz/pool.ts): checks the inputs it is sent
 * with ./oracle.ts and posts each verdict back. Before each analysis it posts a mark, so that the
 * pool, reading this thread's CPU time from outside, can stop an analysis that runs past the budget
 * while it runs (the thread cannot answer while it is stuck).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkInput } from './oracle';
import { threadCpuMs, threadId } from './threadCpu';
import { loadGrammar } from '../unit/support/python';

/** A job: input `index`, its text, and the budget of each analysis. */
export interface Job {
  index: number;
  text: string;
  budgetMs: number;
}

/** What a worker posts: ready (with its thread id), a mark before each analysis, or a verdict. */
export type WorkerMessage =
  | { type: 'ready'; tid: number | null }
  | { type: 'mark'; index: number; cpuMs: number }
  | { type: 'verdict'; index: number; verdict: import('./oracle').Verdict; heapMB: number };

async function serve(): Promise<void> {
  const port = parentPort!;
  await loadGrammar();
  port.on('message', (job: Job) => {
    const verdict = checkInput(job.text, job.budgetMs, () =>
      port.postMessage({ type: 'mark', index: job.index, cpuMs: threadCpuMs() } satisfies WorkerMessage),
    );
    const heapMB = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    port.postMessage({ type: 'verdict', index: job.index, verdict, heapMB } satisfies WorkerMessage);
  });
  port.postMessage({ type: 'ready', tid: threadId() } satisfies WorkerMessage);
}

if (parentPort && workerData === 'fuzz-worker') {
  void serve();
}
