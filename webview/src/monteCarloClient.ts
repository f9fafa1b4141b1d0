/**
 * Runs Monte-Carlo jobs in a Web Worker so the panel never blocks. VS Code serves the worker bundle
 * from a vscode-resource origin that differs from the webview's own, and `new Worker(url)` needs
 * the same origin: the bundle's text is fetched once (CSP `connect-src` = the webview's cspSource)
 * and the worker is started from a blob: URL of it (CSP `worker-src blob:`).
 * A synchronous run cannot read messages, so Cancel terminates the worker; the next run starts a
 * fresh one from the cached blob.
 */
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
}

export class MonteCarloClient {
  private worker: Worker | undefined;
  private scriptUrl: Promise<string> | undefined;
  private active: ActiveRun | undefined;
  private lastId = 0;

  constructor(private readonly workerUri: string) {}

  get running(): boolean {
    return this.active !== undefined;
  }

  /** Starts `job`, cancelling the run in progress (its results would be stale). */
  run(job: Omit<MonteCarloJob, 'id'>, callbacks: MonteCarloCallbacks): void {
    this.cancel();
    const run: ActiveRun = { id: ++this.lastId, callbacks };
    this.active = run;
    this.startWorker().then(
      (worker) => {
        if (this.active === run) {
          const request: WorkerRequest = { type: 'run', job: { ...job, id: run.id } };
          worker.postMessage(request);
        }
      },
      (error: unknown) => this.finish(run.id)?.onError(`Could not start the Monte-Carlo worker: ${String(error)}`),
    );
  }

  /** Stops the run in progress; returns whether there was one. */
  cancel(): boolean {
    if (!this.active) {
      return false;
    }
    this.active = undefined;
    this.worker?.terminate();
    this.worker = undefined;
    return true;
  }

  dispose(): void {
    this.cancel();
    void this.scriptUrl?.then(
      (url) => URL.revokeObjectURL(url),
      () => undefined,
    );
  }

  private async startWorker(): Promise<Worker> {
    this.scriptUrl ??= fetchAsBlobUrl(this.workerUri);
    const url = await this.scriptUrl.catch((error: unknown) => {
      this.scriptUrl = undefined; // let a later run try again
      throw error;
    });
    if (!this.worker) {
      const worker = new Worker(url, { name: 'init-lens-monte-carlo' });
      worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.receive(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        const run = this.active;
        this.cancel();
        run?.callbacks.onError(`Monte-Carlo worker failed: ${event.message || 'unknown error'}`);
      };
      this.worker = worker;
    }
    return this.worker;
  }

  private receive(response: WorkerResponse): void {
    if (response.id !== this.active?.id) {
      return; // a message of a run that was superseded
    }
    switch (response.type) {
      case 'progress':
        this.active.callbacks.onProgress(response.fraction);
        break;
      case 'done':
        this.finish(response.id)?.onDone({ current: response.current, recommended: response.recommended, elapsedMs: response.elapsedMs });
        break;
      case 'error':
        this.finish(response.id)?.onError(response.message);
        break;
    }
  }

  /** Ends run `id` (the worker stays for the next run) and returns its callbacks if it was active. */
  private finish(id: number): MonteCarloCallbacks | undefined {
    if (this.active?.id !== id) {
      return undefined;
    }
    const { callbacks } = this.active;
    this.active = undefined;
    return callbacks;
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
