/**
 * Runs Monte-Carlo jobs in Web Workers so the panel never blocks: one worker, or on two or more
 * cores two, each running one of the job's two independent passes (monteCarloParts.ts). VS Code
 * serves the worker bundle from a vscode-resource origin that differs from the webview's own, and
 * `new Worker(url)` needs the same origin: the bundle's text is fetched once (CSP `connect-src` = the
 * webview's cspSource) and the workers are started from a blob: URL of it (CSP `worker-src blob:`).
 * A synchronous run cannot read messages, so Cancel terminates the workers; the next run starts
 * fresh ones from the cached blob.
 */
import { monteCarloParts } from './monteCarloParts';
import type { MonteCarloJob, MonteCarloOutcome, WorkerRequest, WorkerResponse } from './workerProtocol';

export interface MonteCarloResult {
  current: MonteCarloOutcome;
  recommended: MonteCarloOutcome;
  elapsedMs: number;
}

export interface MonteCarloCallbacks {
  onProgress(fraction: number): void;
  onDone(result: MonteCarloResult): void;
  onError(message: string): void;
}

interface ActiveRun {
  id: number;
  callbacks: MonteCarloCallbacks;
  /** Each worker's progress through its part. */
  fractions: number[];
  /** Workers not done yet. */
  remaining: number;
  current?: MonteCarloOutcome;
  recommended?: MonteCarloOutcome;
  started: number;
}

export class MonteCarloClient {
  private workers: (Worker | undefined)[] = [];
  private scriptUrl: Promise<string> | undefined;
  private active: ActiveRun | undefined;
  private lastId = 0;

  /** `cores`: the logical processors to use (default the browser's `navigator.hardwareConcurrency`). */
  constructor(
    private readonly workerUri: string,
    private readonly cores: number = globalThis.navigator?.hardwareConcurrency ?? 1,
  ) {}

  get running(): boolean {
    return this.active !== undefined;
  }

  /** Starts `job`, cancelling the run in progress (its results would be stale). */
  run(job: Omit<MonteCarloJob, 'id'>, callbacks: MonteCarloCallbacks): void {
    this.cancel();
    const parts = monteCarloParts(job, this.cores);
    const run: ActiveRun = { id: ++this.lastId, callbacks, fractions: parts.map(() => 0), remaining: parts.length, started: performance.now() };
    this.active = run;
    Promise.all(parts.map((_, index) => this.startWorker(index))).then(
      (workers) => {
        if (this.active === run) {
          workers.forEach((worker, index) => {
            const request: WorkerRequest = { type: 'run', job: { ...job, id: run.id, part: parts[index] } };
            worker.postMessage(request);
          });
        }
      },
      (error: unknown) => this.fail(run.id, `Could not start the Monte-Carlo worker: ${String(error)}`),
    );
  }

  /** Stops the run in progress; returns whether there was one. */
  cancel(): boolean {
    if (!this.active) {
      return false;
    }
    this.active = undefined;
    this.terminateWorkers();
    return true;
  }

  dispose(): void {
    this.cancel();
    void this.scriptUrl?.then(
      (url) => URL.revokeObjectURL(url),
      () => undefined,
    );
  }

  private terminateWorkers(): void {
    for (const worker of this.workers) {
      worker?.terminate();
    }
    this.workers = [];
  }

  private async startWorker(index: number): Promise<Worker> {
    this.scriptUrl ??= fetchAsBlobUrl(this.workerUri);
    const url = await this.scriptUrl.catch((error: unknown) => {
      this.scriptUrl = undefined; // let a later run try again
      throw error;
    });
    const existing = this.workers[index];
    if (existing) {
      return existing;
    }
    const worker = new Worker(url, { name: `init-lens-monte-carlo-${index + 1}` });
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.receive(index, event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(this.active?.id, `Monte-Carlo worker failed: ${event.message || 'unknown error'}`);
    };
    this.workers[index] = worker;
    return worker;
  }

  private receive(index: number, response: WorkerResponse): void {
    const run = this.active;
    if (response.id !== run?.id) {
      return; // a message of a run that was superseded
    }
    switch (response.type) {
      case 'progress': {
        run.fractions[index] = response.fraction;
        run.callbacks.onProgress(run.fractions.reduce((sum, fraction) => sum + fraction, 0) / run.fractions.length);
        break;
      }
      case 'done':
        run.current ??= response.current;
        run.recommended ??= response.recommended;
        run.remaining--;
        if (run.remaining === 0) {
          this.finish(run);
        }
        break;
      case 'error':
        this.fail(run.id, response.message);
        break;
    }
  }

  /** Ends a run whose workers are all done (they stay for the next run). */
  private finish(run: ActiveRun): void {
    this.active = undefined;
    if (run.current === undefined || run.recommended === undefined) {
      run.callbacks.onError('Monte-Carlo workers returned no result for one of the networks');
      return;
    }
    run.callbacks.onDone({ current: run.current, recommended: run.recommended, elapsedMs: performance.now() - run.started });
  }

  /** Ends run `id` with an error: the other worker's part would be wasted work, so all workers stop. */
  private fail(id: number | undefined, message: string): void {
    const run = this.active;
    if (run === undefined || run.id !== id) {
      return;
    }
    this.cancel();
    run.callbacks.onError(message);
  }
}

async function fetchAsBlobUrl(uri: string): Promise<string> {
  const response = await fetch(uri);
  if (!response.ok) {
    throw new Error(`${response.status} ${response.statusText}`);
  }
  const source = await response.text();
  return URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
}
