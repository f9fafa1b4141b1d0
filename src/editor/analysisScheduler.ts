/**
 * The extension host's side of the analysis worker: a queue of analyses, one in the worker at a
 * time, so the host always knows which file a stuck or dead worker was reading.
 * - A newer submission for the same document supersedes the older one: a queued one is dropped, a
 *   running one is abandoned (its answer is ignored) and, if it keeps running past a short grace, the
 *   worker is restarted so the new text does not wait behind it.
 * - Each analysis has a wall-clock budget: past it, the worker is terminated and restarted, and the
 *   file is reported as not analysed (`timeout`). A worker that dies (or passes its memory cap) is
 *   restarted the same way (`memory`, `crashed`); the next files keep working.
 * - Open documents go before workspace-scan files.
 * No `vscode` import: the host-specific part is the `StartWorker` function, so this is testable in Node.
 */
import type { FileAnalysis } from '../core/engine';
import { parseWorkerMessage, type AnalysisOptions, type HostMessage, type ImportFiles, type LogLevel, type SuppressedFinding } from '../protocol/analysis';

/** Why a file was not analysed. */
export type NotAnalysedReason = 'timeout' | 'memory' | 'crashed' | 'failed';

/** How a submission ended. */
export type Outcome =
  | { kind: 'analysed'; analysis: FileAnalysis; suppressed?: SuppressedFinding[]; durationMs?: number }
  | { kind: 'notAnalysed'; reason: NotAnalysedReason; detail: string }
  | { kind: 'superseded' };

/** One analysis to run. */
export interface AnalysisJob {
  key: string;
  version: number;
  text: string;
  path: string;
  /** Keep the document's tree and memo in the worker (open documents), or analyse from scratch (the scan). */
  incremental: boolean;
  options: AnalysisOptions;
  /** The workspace files its imports read, as the host loaded them. */
  imports?: ImportFiles;
  priority: 'live' | 'scan';
}

/** A running worker as the scheduler drives it. */
export interface WorkerHandle {
  post(message: HostMessage): void;
  terminate(): void;
}

/** What a worker reports back: its messages, and its end when the scheduler did not ask for it. */
export interface WorkerListener {
  message(message: unknown): void;
  died(reason: 'memory' | 'crashed', detail: string): void;
}

/** Starts a worker (a `worker_threads` Worker on desktop, a Web Worker on the web). */
export type StartWorker = (listener: WorkerListener) => WorkerHandle;

/** The budgets, read at each use so a settings change applies to the next analysis. */
export interface SchedulerLimits {
  /** Wall-clock budget of one analysis. */
  timeoutMs: number;
  /** How long an abandoned analysis may keep the worker before the worker is restarted. */
  cancelGraceMs: number;
}

/** Timers, replaceable in tests. */
export interface SchedulerClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const REAL_CLOCK: SchedulerClock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

/** Where the scheduler's own events and the worker's log lines go (the extension's log). */
export type SchedulerLog = (level: LogLevel, message: string) => void;

/** A worker that dies this many times in a row before it is ready is not started again. */
const MAX_FAILED_STARTS = 3;

interface Entry {
  id: number;
  job: AnalysisJob;
  settled: boolean;
  resolve(outcome: Outcome): void;
}

interface Running {
  entry: Entry;
  startedAt: number;
  timeout: unknown;
  cancel?: unknown;
}

export class AnalysisScheduler {
  private worker: { handle: WorkerHandle; ready: boolean } | undefined;
  /** Bumped whenever a worker is stopped, so the events of a stopped worker are ignored. */
  private generation = 0;
  private queue: Entry[] = [];
  private running: Running | undefined;
  private nextId = 1;
  private failedStarts = 0;
  /** Set when the worker cannot start at all: every submission then fails with this. */
  private fatal: string | undefined;
  private disposed = false;
  /** Set by `recycle` while an analysis runs: the worker is replaced once it answers. */
  private recycleAfterRun = false;
  /** Worker restarts so far (timeouts, deaths, cancellations), for the logs and the tests. */
  restarts = 0;
  /** In-editor tests only (`slowDownForTests`): how long the worker busy-waits before analysing a key. */
  private readonly testDelays = new Map<string, number>();

  constructor(
    private readonly start: StartWorker,
    private readonly limits: () => SchedulerLimits,
    private readonly clock: SchedulerClock = REAL_CLOCK,
    private readonly log: SchedulerLog = () => undefined,
  ) {}

  /** Queues an analysis; any earlier submission for the same key ends as `superseded`. */
  submit(job: AnalysisJob): Promise<Outcome> {
    if (this.disposed) {
      return Promise.resolve({ kind: 'superseded' });
    }
    this.supersede(job.key);
    return new Promise<Outcome>((resolve) => {
      this.queue.push({ id: this.nextId++, job, settled: false, resolve });
      this.pump();
    });
  }

  /** Drops the key's pending work and what the worker keeps for it (the document closed). */
  forget(key: string): void {
    this.supersede(key);
    this.worker?.handle.post({ type: 'forget', key });
  }

  /**
   * Replaces the worker with a fresh one (started with the limits in force then) once the running
   * analysis, if any, has answered: a new memory cap applies without cutting an analysis short.
   */
  recycle(): void {
    this.log('info', 'replacing the analysis worker: its memory limit changed');
    if (this.running) {
      this.recycleAfterRun = true;
    } else {
      this.stopWorker();
      this.pump();
    }
  }

  /**
   * In-editor tests only (activation exposes it in `ExtensionMode.Test` alone): the worker busy-waits
   * `ms` before each later analysis of `key`, occupying its thread like a runaway file; 0 ends it.
   */
  slowDownForTests(key: string, ms: number): void {
    if (ms > 0) {
      this.testDelays.set(key, ms);
    } else {
      this.testDelays.delete(key);
    }
  }

  /** The key being analysed now, if any. */
  get busyWith(): string | undefined {
    return this.running?.entry.job.key;
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.queue.splice(0)) {
      settle(entry, { kind: 'superseded' });
    }
    if (this.running) {
      settle(this.running.entry, { kind: 'superseded' });
    }
    this.stopWorker();
  }

  private supersede(key: string): void {
    for (const entry of this.queue.filter((e) => e.job.key === key)) {
      settle(entry, { kind: 'superseded' });
    }
    this.queue = this.queue.filter((e) => e.job.key !== key);
    const running = this.running;
    if (!running || running.entry.job.key !== key || running.entry.settled) {
      return;
    }
    settle(running.entry, { kind: 'superseded' });
    // A short analysis is left to finish (the worker keeps its memo); a long one is cut off.
    const left = this.limits().cancelGraceMs - (this.clock.now() - running.startedAt);
    if (left <= 0) {
      this.restart(`a newer version of ${running.entry.job.path} superseded a long analysis`);
    } else {
      running.cancel = this.clock.setTimeout(() => {
        if (this.running === running) {
          this.restart(`a newer version of ${running.entry.job.path} superseded an analysis still running after ${this.limits().cancelGraceMs} ms`);
        }
      }, left);
    }
  }

  private pump(): void {
    if (this.running || this.disposed || this.queue.length === 0) {
      return;
    }
    if (this.fatal !== undefined) {
      for (const entry of this.queue.splice(0)) {
        settle(entry, { kind: 'notAnalysed', reason: 'crashed', detail: this.fatal });
      }
      return;
    }
    if (!this.worker) {
      this.startWorker();
      return; // pumped again when the worker says it is ready
    }
    if (!this.worker.ready) {
      return;
    }
    const index = Math.max(
      0,
      this.queue.findIndex((e) => e.job.priority === 'live'),
    );
    const [entry] = this.queue.splice(index, 1);
    const { job } = entry!;
    const { timeoutMs } = this.limits();
    const testDelayMs = this.testDelays.get(job.key);
    const running: Running = {
      entry: entry!,
      startedAt: this.clock.now(),
      timeout: this.clock.setTimeout(() => {
        if (this.running === running) {
          settle(running.entry, { kind: 'notAnalysed', reason: 'timeout', detail: `${timeoutMs} ms` });
          this.restart(`${job.path} took longer than ${timeoutMs} ms`);
        }
      }, timeoutMs),
    };
    this.running = running;
    this.worker.handle.post({
      type: 'analyze',
      id: entry!.id,
      key: job.key,
      version: job.version,
      text: job.text,
      path: job.path,
      incremental: job.incremental,
      options: job.options,
      ...(job.imports ? { imports: job.imports } : {}),
      ...(testDelayMs !== undefined ? { testDelayMs } : {}),
    });
  }

  private startWorker(): void {
    this.log('debug', 'starting the analysis worker');
    const generation = this.generation;
    const current = () => generation === this.generation;
    try {
      this.worker = {
        ready: false,
        handle: this.start({
          message: (message) => current() && this.onMessage(message),
          died: (reason, detail) => current() && this.onDied(reason, detail),
        }),
      };
    } catch (error) {
      this.fatal = `the analysis worker did not start: ${(error as Error).message}`;
      this.log('error', this.fatal);
      this.worker = undefined;
      this.pump();
    }
  }

  private onMessage(raw: unknown): void {
    const message = parseWorkerMessage(raw);
    if (!message || !this.worker) {
      return;
    }
    if (message.type === 'log') {
      this.log(message.level, message.message);
      return;
    }
    if (message.type === 'ready') {
      this.worker.ready = true;
      this.failedStarts = 0;
      this.pump();
      return;
    }
    if (message.type === 'fatal') {
      this.fatal = message.message;
      this.log('error', `the analysis worker cannot analyse: ${message.message}`);
      this.stopWorker();
      this.pump();
      return;
    }
    const running = this.running;
    if (!running || running.entry.id !== message.id) {
      return;
    }
    this.clearTimers(running);
    this.running = undefined;
    if (this.recycleAfterRun) {
      this.stopWorker();
    }
    settle(
      running.entry,
      message.type === 'done'
        ? {
            kind: 'analysed',
            analysis: message.analysis,
            suppressed: Array.isArray(message.suppressed) ? message.suppressed : [],
            durationMs: this.clock.now() - running.startedAt,
          }
        : { kind: 'notAnalysed', reason: 'failed', detail: message.message },
    );
    this.pump();
  }

  private onDied(reason: 'memory' | 'crashed', detail: string): void {
    const running = this.running;
    if (running) {
      settle(running.entry, { kind: 'notAnalysed', reason, detail });
    } else if (++this.failedStarts >= MAX_FAILED_STARTS) {
      this.fatal = `the analysis worker stopped ${MAX_FAILED_STARTS} times without analysing anything: ${detail}`;
      this.log('error', this.fatal);
    }
    const what = running ? ` while analysing ${running.entry.job.path}` : '';
    this.restart(reason === 'memory' ? `the worker passed its memory limit${what} (${detail})` : `the worker stopped${what} (${detail})`);
  }

  /** Stops the worker and starts a fresh one for what is queued; `why` goes to the log. */
  private restart(why: string): void {
    this.restarts++;
    this.log('warn', `restarting the analysis worker: ${why}`);
    this.stopWorker();
    this.pump();
  }

  private stopWorker(): void {
    this.generation++;
    this.recycleAfterRun = false;
    if (this.running) {
      this.clearTimers(this.running);
      this.running = undefined;
    }
    this.worker?.handle.terminate();
    this.worker = undefined;
  }

  private clearTimers(running: Running): void {
    this.clock.clearTimeout(running.timeout);
    if (running.cancel !== undefined) {
      this.clock.clearTimeout(running.cancel);
    }
  }
}

function settle(entry: Entry, outcome: Outcome): void {
  if (!entry.settled) {
    entry.settled = true;
    entry.resolve(outcome);
  }
}
