/**
 * The analysis worker's body, host-neutral: a `worker_threads` entry (analysisWorkerNode.ts) or a Web
 * Worker entry hands it a port and a promise for the grammar. It owns one syntax tree and one
 * incremental memo per open document, a snapshot of the workspace files imports read (sent by the
 * host, ./workerWorkspaces.ts), and answers each request with the linted analysis. Requests
 * are handled one at a time, in order: the host sends the next only after this one's answer.
 */
import { analyzeFile } from '../core/engine';
import { IncrementalCache } from '../core/incremental/cache';
import { lintAnalysis } from '../core/lint';
import { DocumentTrees } from '../core/python/documentTrees';
import { parseHostMessage, type AnalyzeRequest, type WorkerMessage } from '../protocol/analysis';
import { WorkerWorkspaces } from './workerWorkspaces';

/** The two ends of a worker's channel, as `parentPort` and a Web Worker's `self` both provide them. */
export interface WorkerPort {
  postMessage(message: WorkerMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

/** The longest busy-wait the in-editor tests' seam may ask for. */
const MAX_TEST_DELAY_MS = 60_000;

/** Occupies this thread's CPU for `ms`, as a runaway analysis would (the in-editor tests' seam, `testDelayMs`). */
function busyWait(ms: number): void {
  const until = Date.now() + Math.min(ms, MAX_TEST_DELAY_MS);
  while (Date.now() < until) {
    // spinning, not sleeping: the worker is as busy as a runaway analysis
  }
}

/** Serves requests on `port` once `grammar` has loaded; says `fatal` if it does not. */
export function serveAnalysis(port: WorkerPort, grammar: Promise<unknown>): void {
  const trees = new DocumentTrees();
  const memos = new Map<string, IncrementalCache>();
  const workspaces = new WorkerWorkspaces();
  const analyze = (request: AnalyzeRequest): WorkerMessage => {
    try {
      if (request.testDelayMs !== undefined) {
        busyWait(request.testDelayMs);
      }
      const tree = request.incremental ? trees.update(request.key, request.text) : undefined;
      let incremental: IncrementalCache | undefined;
      if (request.incremental) {
        incremental = memos.get(request.key) ?? new IncrementalCache();
        memos.set(request.key, incremental);
      }
      const { options } = request;
      const started = Date.now();
      const full = analyzeFile(request.text, request.path, {
        tree,
        incremental,
        maxSize: options.maxSize,
        advice: options.advice,
        frameworks: options.frameworks,
        imports: request.imports ? workspaces.importsFor(request.imports) : undefined,
      });
      // Rule levels and suppression comments, on the text the analysis read.
      const linted = lintAnalysis(full, request.text, options.rules, tree);
      const suppressed = linted.suppressed.map(({ model, layer, rule }) => ({ model, layer, rule }));
      port.postMessage({
        type: 'log',
        level: 'debug',
        message: `worker: ${request.path} (version ${request.version}) ${request.incremental ? 'incrementally' : 'from scratch'} in ${Date.now() - started} ms, ${linted.suppressed.length} finding(s) silenced by comments`,
      });
      return { type: 'done', id: request.id, analysis: linted.analysis, suppressed };
    } catch (error) {
      // A throw may leave the document's tree or memo half-updated: start it afresh next time.
      trees.close(request.key);
      memos.delete(request.key);
      workspaces.clear();
      return { type: 'failed', id: request.id, message: (error as Error).stack ?? String(error) };
    }
  };
  port.onMessage((raw) => {
    const message = parseHostMessage(raw);
    if (!message) {
      return;
    }
    void grammar.then(() => {
      if (message.type === 'forget') {
        trees.close(message.key);
        memos.delete(message.key);
      } else {
        port.postMessage(analyze(message));
      }
    });
  });
  grammar.then(
    () => {
      port.postMessage({ type: 'log', level: 'debug', message: 'worker: the Python grammar is loaded' });
      port.postMessage({ type: 'ready' });
    },
    (error: unknown) => port.postMessage({ type: 'fatal', message: `the Python grammar did not load: ${(error as Error).message ?? String(error)}` }),
  );
}
