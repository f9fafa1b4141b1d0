/**
 * The fuzzer's worker pool: each input is checked in a `worker_threads` worker (./worker.ts), so the
 * budget holds while an input runs. A worker whose analysis passes the CPU budget (its thread's CPU
 * time, read from /proc while it runs) or the wall-clock cap is terminated and the input counted a
 * hang; one that passes its heap cap (`resourceLimits`) dies and the input is counted a memory kill.
 * Either way a fresh worker takes its place and the run goes on. Inputs are handed out in index
 * order, so which inputs a run checks does not depend on the number of workers.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Verdict } from './oracle';
import { cpuMsOfThread } from './threadCpu';
import type { Job, WorkerMessage } from './worker';

/** How the pool runs. */
export interface PoolOptions {
  workers: number;
  /** The CPU time one analysis may take, in ms. */
  budgetMs: number;
  /** The wall-clock time one input may take, in ms, where its thread's CPU time cannot be read (ten times more where it can). */
  wallMs: number;
  /** The old-generation heap cap of a worker, in MB. */
  memoryMb: number;
}

/** What became of one input: its verdict, or why its worker was stopped. */
export type Outcome =
  { index: number; text: string; verdict: Verdict; heapMB: number } | { index: number; text: string; killed: 'hang' | 'memory' | 'crash'; detail: string };

/**
 * Where the thread's CPU time is read, the wall cap is this many times longer: it is only a backstop
 * then, since on a loaded machine an input of many in-budget analyses can take minutes of wall time.
 */
const WALL_FACTOR_WITH_CPU = 10;

/** How often a running input's CPU time is read. */
const POLL_MS = 200;

interface Running {
  worker: Worker;
  tid: number | null;
}

function startWorker(options: PoolOptions): Promise<Running> {
  // Node 20 does not pass tsx's loader on to a worker (and a worker inheriting `--import tsx` stalls):
  // the worker gets no flags and registers tsx itself before loading the TypeScript.
  const source = `require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`;
  const worker = new Worker(source, {
    eval: true,
    execArgv: [],
    workerData: 'fuzz-worker',
    resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: WorkerMessage) => resolve({ worker, tid: message.type === 'ready' ? message.tid : null }));
    worker.once('error', reject);
  });
}

/** Runs one job on `running`; the outcome says whether the worker survived it (a verdict) or not. */
function runJob(running: Running, job: Job, options: PoolOptions): Promise<Outcome> {
  const { worker, tid } = running;
  const started = performance.now();
  let markCpu: number | undefined;
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: Outcome, kill: boolean) => {
      if (done) {
        return;
      }
      done = true;
      clearInterval(timer);
      // Only this job's listeners: removeAllListeners would also drop the Worker's own, and later messages with them.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (kill) {
        // A terminated worker may still report an error or exit: nobody listens any more.
        worker.on('error', () => {});
        void worker.terminate();
      }
      resolve(outcome);
    };
    const killed = (kind: 'hang' | 'memory' | 'crash', detail: string) => finish({ index: job.index, text: job.text, killed: kind, detail }, true);
    const timer = setInterval(() => {
      const cpu = tid === null ? null : cpuMsOfThread(tid);
      if (cpu !== null && markCpu !== undefined && cpu - markCpu > options.budgetMs) {
        killed('hang', `stopped at ${Math.round(cpu - markCpu)} ms of CPU in one analysis (${Math.round(performance.now() - started)} ms wall)`);
      } else if (performance.now() - started > (tid === null ? options.wallMs : WALL_FACTOR_WITH_CPU * options.wallMs)) {
        killed('hang', `stopped at ${Math.round(performance.now() - started)} ms wall-clock (the wall cap)`);
      }
    }, POLL_MS);
    function onMessage(message: WorkerMessage): void {
      if (message.type === 'mark' && message.index === job.index) {
        markCpu = message.cpuMs;
      } else if (message.type === 'verdict' && message.index === job.index) {
        finish({ index: job.index, text: job.text, verdict: message.verdict, heapMB: message.heapMB }, false);
      }
    }
    function onError(error: Error & { code?: string }): void {
      killed(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', error.message.split('\n')[0] ?? '');
    }
    function onExit(code: number): void {
      killed('crash', `the worker exited (${code})`);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(job);
  });
}

/**
 * Checks the inputs `next` hands out (null: no more) on `options.workers` workers, calling
 * `onOutcome` for each as it ends.
 */
export async function runPool(next: () => Job | null, options: PoolOptions, onOutcome: (outcome: Outcome) => void): Promise<void> {
  const slot = async () => {
    let running: Running | null = null;
    for (let job = next(); job !== null; job = next()) {
      running ??= await startWorker(options);
      const outcome = await runJob(running, job, options);
      if ('killed' in outcome) {
        running = null;
      }
      onOutcome(outcome);
    }
    await running?.worker.terminate();
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, slot));
}
