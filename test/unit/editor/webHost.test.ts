/**
 * The web-worker host's pieces, in plain Node: the wasm handed over as bytes (the grammar loads from
 * a name no file or URL answers), the Web Worker starter (its first message carries the bytes; its
 * messages and errors reach the scheduler), and the in-thread fallback analysing through the scheduler.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language } from 'web-tree-sitter';
import { AnalysisScheduler, type WorkerListener } from '../../../src/editor/analysisScheduler';
import { inThreadStarter } from '../../../src/editor/inThreadAnalysis';
import { wasmBytesLocation, type WasmBytes } from '../../../src/editor/wasmBytes';
import { webWorkerStarter } from '../../../src/editor/webAnalysisWorker';
import type { AnalyzeRequest } from '../../../src/protocol/analysis';
import { loadGrammar } from '../support/python';

const ROOT = path.join(__dirname, '..', '..', '..');

function wasmBytes(): WasmBytes {
  return {
    'web-tree-sitter.wasm': fs.readFileSync(path.join(ROOT, 'node_modules', 'web-tree-sitter', 'web-tree-sitter.wasm')),
    'tree-sitter-python.wasm': fs.readFileSync(path.join(ROOT, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm')),
  };
}

const OPTIONS: AnalyzeRequest['options'] = {
  frameworks: { pytorch: true, keras: true, flax: true },
  advice: { driftThreshold: 4, factorTolerance: 1.25, mismatchSeverity: 'warning', minorSeverity: 'information' },
  rules: {},
  maxSize: 100_000,
};

/** A stand-in for the Web Worker constructor, recording what the host does with it. */
class FakeWorker {
  static made: FakeWorker[] = [];
  posted: unknown[] = [];
  terminated = false;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message?: string; preventDefault?(): void }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWorker.made.push(this);
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('the web-worker host', () => {
  before(loadGrammar);

  it('loads the grammar from its bytes, through a name no file answers', async () => {
    const location = await wasmBytesLocation(wasmBytes());
    const name = location.locate('tree-sitter-python.wasm');
    assert.ok(!fs.existsSync(name), name);
    const language = await Language.load(name);
    assert.ok(language.fieldIdForName('body') !== null);
  });

  it('starts the Web Worker from a blob: URL of its source, hands it the wasm first, and reports its messages and errors', () => {
    FakeWorker.made = [];
    const bytes = wasmBytes();
    const start = webWorkerStarter(FakeWorker, 'self.onmessage = () => {};', bytes);
    const received: unknown[] = [];
    const died: string[] = [];
    const listener: WorkerListener = { message: (m) => received.push(m), died: (reason, detail) => died.push(`${reason}: ${detail}`) };
    const handle = start(listener);
    const worker = FakeWorker.made[0]!;
    assert.match(worker.url, /^blob:/);
    assert.deepEqual(worker.posted, [{ type: 'init', wasm: bytes }]);
    handle.post({ type: 'forget', key: 'k' });
    assert.deepEqual(worker.posted[1], { type: 'forget', key: 'k' });
    worker.onmessage!({ data: { type: 'ready' } });
    assert.deepEqual(received, [{ type: 'ready' }]);
    worker.onerror!({ message: 'boom' });
    worker.onerror!({ message: 'again' });
    assert.deepEqual(died, ['crashed: boom'], 'only the first end counts');
    handle.terminate();
    assert.ok(worker.terminated);
  });

  it('analyses on the host thread when no worker can start, through the same scheduler', async () => {
    const scheduler = new AnalysisScheduler(inThreadStarter(Promise.resolve()), () => ({ timeoutMs: 10_000, cancelGraceMs: 100 }));
    const text = fs.readFileSync(path.join(ROOT, 'examples', 'mlp_default_init.py'), 'utf8');
    const outcome = await scheduler.submit({ key: 'k', version: 1, text, path: '/m.py', incremental: true, options: OPTIONS, priority: 'live' });
    scheduler.dispose();
    assert.equal(outcome.kind, 'analysed');
    assert.ok(outcome.kind === 'analysed' && outcome.analysis.advice.findings.length > 0);
  });
});
