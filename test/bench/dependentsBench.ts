/**
 * Workload 6 of the benchmark: a change to an imported file re-analyses its 50 dependents (issue 11's
 * bar: within 100 ms). The chain the editor runs, in one process, with an in-memory workspace: the
 * host drops what it knew of the file (HostImportFiles.changed), the index names the documents that
 * read another text of it (DependentsIndex.changed), the host gathers each one's import files, and the
 * worker body (serveAnalysis, on a port that structured-clones each message as `postMessage` does)
 * analyses them with their kept trees and memos. Each round alternates the imported file between two
 * texts, so every round re-analyses all 50.
 */
import { BLOCKS, dependentModel as dependent, FIXED_BLOCKS } from '../unit/support/dependentsWorkspace';
import { serveAnalysis } from '../../src/editor/analysisWorkerCore';
import { instancesOf } from '../../src/core/advice/findingsByRange';
import type { Finding } from '../../src/core/advice/types';
import { DependentsIndex } from '../../src/editor/dependentsIndex';
import { HostImportFiles, type FileSource } from '../../src/editor/hostImportFiles';
import { textHash } from '../../src/core/workspace/hash';
import type { AnalysisDone, AnalyzeRequest, ImportFiles, WorkerMessage } from '../../src/protocol/analysis';

/** Dependents of the one imported file. */
export const DEPENDENTS = 50;
const WARMUP_ROUNDS = 4;
const ROUNDS = 21;

/** One round's figures (ms). */
interface Round {
  wall: number;
  cpu: number;
  /** Host side: the index's answer and the 50 loads of import files. */
  host: number;
  /** Worker side, requests sent to answers back (clones included). */
  worker: number;
  /** Structured-cloning the 50 answers once more: what their `postMessage` alone costs. */
  clone: number;
}

/** Workload 6's figures: medians and p95 (nearest rank) over the measured rounds. */
export interface DependentsResult {
  dependents: number;
  rounds: number;
  wall: { p50: number; p95: number };
  cpu: { p50: number; p95: number };
  host: number;
  worker: number;
  clone: number;
  /** Bytes of one answer as JSON: what each clone carries. */
  answerBytes: number;
}

/** The worker body on an in-process port: `analyse` sends requests and resolves with their answers. */
function servedWorker(grammar: Promise<unknown>): (requests: AnalyzeRequest[]) => Promise<AnalysisDone[]> {
  const waiting = new Map<number, (done: AnalysisDone) => void>();
  let deliver: (message: unknown) => void = () => undefined;
  const port = {
    postMessage: (message: WorkerMessage) => {
      if (message.type === 'done' || message.type === 'failed') {
        const answer = structuredClone(message);
        if (answer.type === 'failed') {
          throw new Error(`the worker failed: ${answer.message}`);
        }
        waiting.get(answer.id)?.(answer);
        waiting.delete(answer.id);
      }
    },
    onMessage: (listener: (message: unknown) => void) => (deliver = listener),
  };
  serveAnalysis(port, grammar);
  return (requests) =>
    Promise.all(
      requests.map(
        (request) =>
          new Promise<AnalysisDone>((resolve) => {
            waiting.set(request.id, resolve);
            deliver(structuredClone(request));
          }),
      ),
    );
}

function request(id: number, key: string, text: string, imports: ImportFiles): AnalyzeRequest {
  return {
    type: 'analyze',
    id,
    key,
    version: id,
    text,
    path: key,
    incremental: true,
    options: {
      frameworks: { pytorch: true, keras: true, flax: true },
      advice: { driftThreshold: 4, factorTolerance: 1.25, mismatchSeverity: 'warning', minorSeverity: 'information' },
      rules: {},
      maxSize: 100_000,
    },
    imports,
  };
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)]!;

/** Workload 6 (the grammar loaded already): `grammar` is what the worker body waits on. */
export async function benchDependents(grammar: Promise<unknown>): Promise<DependentsResult> {
  const disk = new Map<string, string>([
    ['/ws/pkg/__init__.py', ''],
    ['/ws/pkg/blocks.py', BLOCKS],
  ]);
  const paths = Array.from({ length: DEPENDENTS }, (_, i) => `/ws/pkg/model${i}.py`);
  paths.forEach((path, i) => disk.set(path, dependent(`Net${i}`)));
  const folders = new Set([...disk.keys()].flatMap((file) => file.split('/').map((_, i, parts) => parts.slice(0, i).join('/'))));
  const source: FileSource = {
    exists: async (path) => disk.has(path) || folders.has(path),
    read: async (path) => disk.get(path),
    openText: () => undefined,
  };
  const host = new HostImportFiles(source);
  const layout = { folders: ['/ws'] };
  const index = new DependentsIndex();
  const analyse = servedWorker(grammar);
  let id = 0;
  const loads = (keys: string[]) => Promise.all(keys.map(async (key) => request(++id, key, disk.get(key)!, await host.load(key, layout, key, disk.get(key)!))));
  const record = (keys: string[], done: AnalysisDone[]) => done.forEach((answer, i) => index.record(keys[i]!, answer.analysis.graph));
  // The documents as they were opened: trees, memos and the worker's snapshot warm.
  record(paths, await analyse(await loads(paths)));

  const rounds: Round[] = [];
  let answerBytes = 0;
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const text = round % 2 === 0 ? FIXED_BLOCKS : BLOCKS;
    disk.set('/ws/pkg/blocks.py', text);
    const cpu = process.cpuUsage();
    const started = performance.now();
    host.changed('/ws/pkg/blocks.py');
    const stale = index.changed('/ws/pkg/blocks.py', textHash((await host.currentText('/ws/pkg/blocks.py'))!));
    const requests = await loads(stale);
    const sent = performance.now();
    const done = await analyse(requests);
    record(stale, done);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const expected = round % 2 === 0 ? 0 : 8;
    if (done.length !== DEPENDENTS || done.some((answer) => reluInstances(answer.analysis.advice.findings) !== expected)) {
      throw new Error(`workload 6: round ${round} re-analysed ${done.length} dependents, not all with ${expected} init-relu layers`);
    }
    const cloneStarted = performance.now();
    done.forEach((answer) => structuredClone(answer));
    const clone = performance.now() - cloneStarted;
    answerBytes = JSON.stringify(done[0]).length;
    // The first rounds warm the JIT up (a long-running editor has).
    if (round >= WARMUP_ROUNDS) {
      rounds.push({ wall, cpu: (used.user + used.system) / 1000, host: sent - started, worker: wall - (sent - started), clone });
    }
  }
  const of = (key: keyof Round) => rounds.map((r) => r[key]);
  return {
    dependents: DEPENDENTS,
    rounds: rounds.length,
    wall: { p50: quantile(of('wall'), 0.5), p95: quantile(of('wall'), 0.95) },
    cpu: { p50: quantile(of('cpu'), 0.5), p95: quantile(of('cpu'), 0.95) },
    host: quantile(of('host'), 0.5),
    worker: quantile(of('worker'), 0.5),
    clone: quantile(of('clone'), 0.5),
    answerBytes,
  };
}

/** ReLU-mismatch layer instances: a layer line built several times is one finding naming its instances. */
function reluInstances(findings: readonly Finding[]): number {
  return findings.filter((f) => f.rule === 'init-relu').flatMap(instancesOf).length;
}
