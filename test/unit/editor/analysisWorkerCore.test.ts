/**
 * The analysis worker's body, served in-process over a fake port: requests wait for the grammar,
 * answers carry the linted analysis as plain data (what a structured clone carries), malformed
 * messages are ignored, and a failure to load the grammar is reported instead of hanging.
 */
import * as assert from 'node:assert/strict';
import { instancesOf } from '../../../src/core/advice/findingsByRange';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serveAnalysis } from '../../../src/editor/analysisWorkerCore';
import {
  parseHostMessage,
  parseWorkerMessage,
  type AnalysisDone,
  type AnalyzeRequest,
  type HostMessage,
  type WorkerLog,
  type WorkerMessage,
} from '../../../src/protocol/analysis';
import { loadGrammar } from '../support/python';

const MODEL = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'mlp_default_init.py'), 'utf8');

function request(id: number, text: string, rules: Record<string, string> = {}): AnalyzeRequest {
  return {
    type: 'analyze',
    id,
    key: 'file:///net.py',
    version: id,
    text,
    path: '/net.py',
    incremental: true,
    options: {
      frameworks: { pytorch: true, keras: true, flax: true },
      advice: { driftThreshold: 4, factorTolerance: 1.25, mismatchSeverity: 'warning', minorSeverity: 'information' },
      rules: rules as AnalyzeRequest['options']['rules'],
      maxSize: 100_000,
    },
  };
}

/** Serves on a fake port; `send` delivers a host message, `replies` collects the worker's answers and `logs` its log lines. */
function served(grammar: Promise<unknown>) {
  const replies: WorkerMessage[] = [];
  const logs: WorkerLog[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  const post = (message: WorkerMessage) => {
    const copy = structuredClone(message);
    if (copy.type === 'log') {
      logs.push(copy);
    } else {
      replies.push(copy);
    }
  };
  serveAnalysis({ postMessage: post, onMessage: (listener) => (deliver = listener) }, grammar);
  const next = async (count: number) => {
    while (replies.length < count) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    return replies;
  };
  return { send: (message: HostMessage | unknown) => deliver(message), next, logs };
}

describe('analysis worker body', () => {
  before(loadGrammar);

  it('says ready, then answers each request with its linted analysis, in order', async () => {
    const worker = served(loadGrammar());
    worker.send(request(1, MODEL));
    worker.send({ type: 'analyze', id: 'not a number' });
    worker.send(request(2, MODEL, { 'init-relu': 'off' }));
    const replies = await worker.next(3);
    assert.deepEqual(
      replies.map((r) => r.type),
      ['ready', 'done', 'done'],
    );
    const [first, second] = [replies[1] as AnalysisDone, replies[2] as AnalysisDone];
    assert.deepEqual([first.id, second.id], [1, 2]);
    // Layer instances: a Linear written once in a loop is one finding that names each of them.
    const relu = (done: AnalysisDone) => done.analysis.advice.findings.filter((f) => f.rule === 'init-relu').flatMap(instancesOf).length;
    assert.equal(relu(first), 19);
    // The rule levels are applied in the worker.
    assert.equal(relu(second), 0);
    assert.ok(second.analysis.graph.models.length > 0);
    // Each analysis leaves a debug line for the extension's log, well-formed for the host.
    const lines = worker.logs.filter((log) => log.level === 'debug' && /\/net\.py \(version \d\) incrementally in \d+ ms/.test(log.message));
    assert.equal(lines.length, 2, worker.logs.map((log) => log.message).join('\n'));
    assert.deepEqual(parseWorkerMessage(lines[0]), lines[0]);
    assert.equal(parseWorkerMessage({ type: 'log', level: 'loud', message: 'x' }), undefined);
  });

  it('names the findings a suppression comment silenced, so hints and hovers drop their ⚠', async () => {
    const worker = served(loadGrammar());
    const silenced = MODEL.replace('self.fc2 = nn.Linear(width, width)', 'self.fc2 = nn.Linear(width, width)  # init-lens: ignore[init-tanh-sigmoid]');
    worker.send(request(1, silenced));
    const done = (await worker.next(2))[1] as AnalysisDone;
    const suppressed = done.suppressed!.filter((s) => s.model === 'DeepTanhMLP' && s.layer === 'fc2');
    assert.deepEqual(suppressed, [{ model: 'DeepTanhMLP', layer: 'fc2', rule: 'init-tanh-sigmoid' }]);
    assert.equal(done.analysis.advice.findings.filter((f) => f.model === 'DeepTanhMLP' && f.layer === 'fc2').length, 0);
  });

  it("busy-waits before analysing when the host asks (the in-editor tests' seam), and takes only a finite delay", async () => {
    const worker = served(loadGrammar());
    await worker.next(1);
    const started = Date.now();
    worker.send({ ...request(1, MODEL), testDelayMs: 150 });
    const done = (await worker.next(2))[1] as AnalysisDone;
    assert.equal(done.type, 'done');
    assert.ok(Date.now() - started >= 150, `answered after ${Date.now() - started} ms`);
    for (const testDelayMs of ['150', Infinity]) {
      assert.equal(parseHostMessage({ ...request(2, MODEL), testDelayMs }), undefined, String(testDelayMs));
    }
  });

  it('reports a grammar that does not load, and answers nothing', async () => {
    const worker = served(Promise.reject(new Error('no wasm here')));
    worker.send(request(1, MODEL));
    const replies = await worker.next(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(replies.length, 1);
    assert.equal(replies[0]!.type, 'fatal');
    assert.match((replies[0] as { message: string }).message, /no wasm here/);
  });
});
