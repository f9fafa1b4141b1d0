/**
 * The analysis scheduler over a scripted worker and a manual clock: one analysis in the worker at a
 * time, a newer version supersedes, a wall-clock budget, and a worker that times out, dies or passes
 * its memory cap is restarted with the next files still analysed.
 */
import * as assert from 'node:assert/strict';
import type { FileAnalysis } from '../../../src/core/engine';
import { AnalysisScheduler, type AnalysisJob, type Outcome, type SchedulerClock, type WorkerListener } from '../../../src/editor/analysisScheduler';
import type { AnalyzeRequest, HostMessage } from '../../../src/protocol/analysis';

/** A clock whose time only moves when the test says so. */
class ManualClock implements SchedulerClock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
    for (const timer of this.timers.filter((t) => t.at <= this.time)) {
      this.clearTimeout(timer.id);
      timer.callback();
    }
  }
}

/** A worker the test drives: it records what it was sent and answers when told to. */
interface FakeWorker {
  listener: WorkerListener;
  sent: HostMessage[];
  terminated: boolean;
}

function harness(timeoutMs = 1000, cancelGraceMs = 300) {
  const clock = new ManualClock();
  const workers: FakeWorker[] = [];
  const logs: string[] = [];
  const scheduler = new AnalysisScheduler(
    (listener) => {
      const worker: FakeWorker = { listener, sent: [], terminated: false };
      workers.push(worker);
      return { post: (message) => worker.sent.push(message), terminate: () => (worker.terminated = true) };
    },
    () => ({ timeoutMs, cancelGraceMs }),
    clock,
    (level, message) => logs.push(`${level}: ${message}`),
  );
  const last = () => workers[workers.length - 1]!;
  const analyses = (worker: FakeWorker) => worker.sent.filter((m): m is AnalyzeRequest => m.type === 'analyze');
  const answer = (worker: FakeWorker, request: AnalyzeRequest) =>
    worker.listener.message({ type: 'done', id: request.id, analysis: analysisNamed(request.text) });
  return { clock, workers, scheduler, last, analyses, answer, logs };
}

function analysisNamed(text: string): FileAnalysis {
  return { graph: { path: text, models: [], notes: [] }, advice: { signals: [], findings: [] } } as unknown as FileAnalysis;
}

function job(key: string, version: number, priority: AnalysisJob['priority'] = 'live'): AnalysisJob {
  return {
    key,
    version,
    text: `${key}@${version}`,
    path: key,
    incremental: priority === 'live',
    options: { maxSize: 1000 } as AnalysisJob['options'],
    priority,
  };
}

/** Resolves on the next turn, after promise callbacks have run. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

function textOf(outcome: Outcome): string | undefined {
  return outcome.kind === 'analysed' ? (outcome.analysis.graph as unknown as { path: string }).path : undefined;
}

describe('analysis scheduler', () => {
  it('starts a worker on demand and sends nothing until it is ready, then one analysis at a time', async () => {
    const { scheduler, last, analyses, answer } = harness();
    const a = scheduler.submit(job('a', 1));
    const b = scheduler.submit(job('b', 1));
    assert.equal(analyses(last()).length, 0);
    last().listener.message({ type: 'ready' });
    assert.deepEqual(
      analyses(last()).map((m) => m.text),
      ['a@1'],
    );
    answer(last(), analyses(last())[0]!);
    assert.equal(textOf(await a), 'a@1');
    assert.deepEqual(
      analyses(last()).map((m) => m.text),
      ['a@1', 'b@1'],
    );
    answer(last(), analyses(last())[1]!);
    assert.equal(textOf(await b), 'b@1');
  });

  it('drops a queued version when a newer one of the same document arrives', async () => {
    const { scheduler, last, analyses, answer } = harness();
    const a = scheduler.submit(job('a', 1));
    last().listener.message({ type: 'ready' });
    const b1 = scheduler.submit(job('b', 1));
    const b2 = scheduler.submit(job('b', 2));
    assert.deepEqual(await b1, { kind: 'superseded' });
    answer(last(), analyses(last())[0]!);
    await a;
    assert.deepEqual(
      analyses(last()).map((m) => m.text),
      ['a@1', 'b@2'],
    );
    answer(last(), analyses(last())[1]!);
    assert.equal(textOf(await b2), 'b@2');
  });

  it('ignores the answer of a superseded running analysis and lets a short one finish in the same worker', async () => {
    const { scheduler, clock, workers, last, analyses, answer } = harness();
    const v1 = scheduler.submit(job('a', 1));
    last().listener.message({ type: 'ready' });
    clock.advance(100);
    const v2 = scheduler.submit(job('a', 2));
    assert.deepEqual(await v1, { kind: 'superseded' });
    answer(last(), analyses(last())[0]!); // v1's late answer
    assert.deepEqual(
      analyses(last()).map((m) => m.text),
      ['a@1', 'a@2'],
    );
    answer(last(), analyses(last())[1]!);
    assert.equal(textOf(await v2), 'a@2');
    assert.equal(workers.length, 1);
    assert.equal(scheduler.restarts, 0);
  });

  it('restarts the worker when a superseded analysis runs past the grace, and runs the new version there', async () => {
    const { scheduler, clock, workers, last, analyses, answer } = harness(5000, 300);
    void scheduler.submit(job('a', 1));
    workers[0]!.listener.message({ type: 'ready' });
    clock.advance(100);
    const v2 = scheduler.submit(job('a', 2));
    clock.advance(250); // past the grace: the old analysis still holds the worker
    assert.equal(workers[0]!.terminated, true);
    assert.equal(workers.length, 2);
    last().listener.message({ type: 'ready' });
    assert.deepEqual(
      analyses(last()).map((m) => m.text),
      ['a@2'],
    );
    answer(last(), analyses(last())[0]!);
    assert.equal(textOf(await v2), 'a@2');
  });

  it('gives up on an analysis past its budget, restarts the worker, and analyses the next file', async () => {
    const { scheduler, clock, workers, last, analyses, answer } = harness(1000);
    const runaway = scheduler.submit(job('runaway', 1));
    const next = scheduler.submit(job('next', 1));
    workers[0]!.listener.message({ type: 'ready' });
    clock.advance(999);
    assert.equal(workers[0]!.terminated, false);
    clock.advance(1);
    assert.deepEqual(await runaway, { kind: 'notAnalysed', reason: 'timeout', detail: '1000 ms' });
    assert.equal(workers[0]!.terminated, true);
    assert.equal(workers.length, 2);
    // The budget starts when the analysis is sent, not while the new worker loads its grammar.
    clock.advance(5000);
    last().listener.message({ type: 'ready' });
    assert.deepEqual(
      analyses(last()).map((m) => m.text),
      ['next@1'],
    );
    answer(last(), analyses(last())[0]!);
    assert.equal(textOf(await next), 'next@1');
    // A late answer from the terminated worker changes nothing.
    workers[0]!.listener.message({ type: 'done', id: 1, analysis: analysisNamed('late') });
    assert.equal(scheduler.busyWith, undefined);
  });

  it("logs each worker restart with its reason, and passes the worker's own log lines on", async () => {
    const { scheduler, clock, workers, logs } = harness(1000);
    void scheduler.submit(job('runaway', 1));
    void scheduler.submit(job('big', 1));
    workers[0]!.listener.message({ type: 'ready' });
    workers[0]!.listener.message({ type: 'log', level: 'debug', message: 'worker: hello' });
    workers[0]!.listener.message({ type: 'log', level: 'shout', message: 'dropped' });
    clock.advance(1000);
    workers[1]!.listener.message({ type: 'ready' });
    workers[1]!.listener.died('memory', 'ERR_WORKER_OUT_OF_MEMORY');
    await settled();
    assert.ok(logs.includes('debug: worker: hello'), logs.join('\n'));
    assert.ok(!logs.some((line) => line.includes('dropped')));
    assert.ok(logs.includes('warn: restarting the analysis worker: runaway took longer than 1000 ms'), logs.join('\n'));
    assert.ok(
      logs.includes('warn: restarting the analysis worker: the worker passed its memory limit while analysing big (ERR_WORKER_OUT_OF_MEMORY)'),
      logs.join('\n'),
    );
  });

  it('reports a worker that passed its memory cap or died, and keeps going with a fresh worker', async () => {
    const { scheduler, workers, last, analyses, answer } = harness();
    const big = scheduler.submit(job('big', 1));
    const crash = scheduler.submit(job('crash', 1));
    const fine = scheduler.submit(job('fine', 1));
    workers[0]!.listener.message({ type: 'ready' });
    workers[0]!.listener.died('memory', 'ERR_WORKER_OUT_OF_MEMORY');
    assert.deepEqual(await big, { kind: 'notAnalysed', reason: 'memory', detail: 'ERR_WORKER_OUT_OF_MEMORY' });
    workers[1]!.listener.message({ type: 'ready' });
    workers[1]!.listener.died('crashed', 'exit code 7');
    assert.deepEqual(await crash, { kind: 'notAnalysed', reason: 'crashed', detail: 'exit code 7' });
    last().listener.message({ type: 'ready' });
    answer(last(), analyses(last())[0]!);
    assert.equal(textOf(await fine), 'fine@1');
    assert.equal(workers.length, 3);
  });

  it('puts open documents before workspace-scan files', async () => {
    const { scheduler, last, analyses, answer } = harness();
    void scheduler.submit(job('first', 1));
    const scan = scheduler.submit(job('scanned', 1, 'scan'));
    const live = scheduler.submit(job('open', 1));
    last().listener.message({ type: 'ready' });
    answer(last(), analyses(last())[0]!);
    await settled();
    assert.equal(analyses(last())[1]!.text, 'open@1');
    answer(last(), analyses(last())[1]!);
    assert.equal(textOf(await live), 'open@1');
    answer(last(), analyses(last())[2]!);
    assert.equal(textOf(await scan), 'scanned@1');
  });

  it('stops restarting a worker that never becomes ready, and says why', async () => {
    const { scheduler, workers } = harness();
    const a = scheduler.submit(job('a', 1));
    for (let i = 0; i < 3; i++) {
      workers[i]!.listener.died('crashed', 'cannot load');
    }
    const outcome = await a;
    assert.equal(outcome.kind, 'notAnalysed');
    assert.match((outcome as { detail: string }).detail, /cannot load/);
    assert.equal(workers.length, 3);
    const b = await scheduler.submit(job('b', 1));
    assert.equal(b.kind, 'notAnalysed');
  });

  it("asks the worker to be slow on one key only (the in-editor tests' seam), until told 0", async () => {
    const { scheduler, workers, analyses, answer } = harness();
    scheduler.slowDownForTests('runaway', 3000);
    const slow = scheduler.submit(job('runaway', 1));
    workers[0]!.listener.message({ type: 'ready' });
    answer(workers[0]!, analyses(workers[0]!)[0]!);
    await slow;
    const other = scheduler.submit(job('other', 1));
    answer(workers[0]!, analyses(workers[0]!)[1]!);
    await other;
    scheduler.slowDownForTests('runaway', 0);
    void scheduler.submit(job('runaway', 2));
    assert.deepEqual(
      analyses(workers[0]!).map((request) => [request.key, request.testDelayMs]),
      [
        ['runaway', 3000],
        ['other', undefined],
        ['runaway', undefined],
      ],
    );
  });

  it('recycles the worker for a new memory cap only after the running analysis has answered', async () => {
    const { scheduler, workers, analyses, answer } = harness();
    const a = scheduler.submit(job('a', 1));
    workers[0]!.listener.message({ type: 'ready' });
    scheduler.recycle();
    assert.equal(workers[0]!.terminated, false);
    answer(workers[0]!, analyses(workers[0]!)[0]!);
    assert.equal(textOf(await a), 'a@1');
    assert.equal(workers[0]!.terminated, true);
    const b = scheduler.submit(job('b', 1));
    assert.equal(workers.length, 2);
    workers[1]!.listener.message({ type: 'ready' });
    answer(workers[1]!, analyses(workers[1]!)[0]!);
    assert.equal(textOf(await b), 'b@1');
  });

  it('forgets a closed document: its queued analysis ends and the worker drops its state', async () => {
    const { scheduler, last } = harness();
    const a = scheduler.submit(job('a', 1));
    const b = scheduler.submit(job('b', 1));
    last().listener.message({ type: 'ready' });
    scheduler.forget('b');
    assert.deepEqual(await b, { kind: 'superseded' });
    assert.deepEqual(last().sent[1], { type: 'forget', key: 'b' });
    scheduler.dispose();
    assert.deepEqual(await a, { kind: 'superseded' });
    assert.equal(last().terminated, true);
  });
});
