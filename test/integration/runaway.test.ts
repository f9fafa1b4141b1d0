/**
 * A runaway file inside a real editor, in both extension hosts: while the analysis worker is busy on
 * it, a hover in another file still answers in under 200 ms. Two runaways:
 * - the issue's `num_layers=10**9` model made slow by the test-only seam (`api.testOnly.slowAnalysis`,
 *   present in `ExtensionMode.Test` alone): the worker busy-waits 5 s, past a 2.5 s timeout, so the file
 *   gets its "not analysed" note and the next file is analysed by the restarted worker;
 * - the same model as it is: the evaluator's hard bounds end it quickly, with its own note in words.
 * The seam costs the extension host nothing (the file is five lines), so the hovers measure the host alone.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InitLensApi, TestOnlyApi } from '../../src/editor/activation';

const EXTENSION_ID = 'init-lens.init-lens';
const HOVER_BUDGET_MS = 200;
const TIMEOUT_MS = 2500;
/** How long the seam keeps the worker busy on the runaway file: twice the timeout. */
const SLOW_MS = 5000;

/** The five-line file of the issue: an LSTM of a billion layers. */
const RUNAWAY = [
  'import torch.nn as nn',
  'class M(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.rnn = nn.LSTM(8, 8, num_layers=10**9)',
  '',
].join('\n');

/** A small ReLU stack with the default init: it has findings and hovers. */
function model(name: string): string {
  return [
    'import torch.nn as nn',
    '',
    '',
    `class ${name}(nn.Module):`,
    '    def __init__(self):',
    '        super().__init__()',
    '        layers = []',
    '        for _ in range(8):',
    '            layers += [nn.Linear(256, 256), nn.ReLU()]',
    '        self.net = nn.Sequential(*layers)',
    '',
    '    def forward(self, x):',
    '        return self.net(x)',
    '',
  ].join('\n');
}

function mine(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Init Lens');
}

/** Resolves once the document has Init Lens diagnostics satisfying `ready`. */
function diagnosticsFor(uri: vscode.Uri, ready: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve) => {
    if (ready(mine(uri))) {
      resolve(mine(uri));
      return;
    }
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString()) && ready(mine(uri))) {
        listener.dispose();
        resolve(mine(uri));
      }
    });
  });
}

/** Resolves once `condition` holds, checking every 10 ms (the worker's state has no event). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function isNote(diagnostic: vscode.Diagnostic): boolean {
  return diagnostic.code === 'not-analysed';
}

function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  return (diagnostic.code as { value?: string } | undefined)?.value;
}

/** Median and max, for the test's output. */
function summary(timings: number[]): string {
  const sorted = [...timings].sort((a, b) => a - b);
  return `median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms (${timings.map((t) => t.toFixed(1)).join(', ')})`;
}

/** How late a 10 ms timer fires on the extension host's own thread, from `start()` until `stop()`. */
function timerLag(): { stop(): number } {
  let worst = 0;
  let tick = performance.now();
  const probe = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - tick - 10);
    tick = now;
  }, 10);
  return {
    stop: () => {
      clearInterval(probe);
      return worst;
    },
  };
}

/**
 * Hovers at `at` in `other`, one after another while `busy()` holds (at most `count` and a warm-up),
 * keeping the latencies of those answered while it still held. The first hover of a burst is a
 * warm-up, reported apart: on this 2-core machine it takes 0.2–2.7 s with no runaway at all (the
 * baseline the suite logs: the browser's renderer catching up), while the extension host's timer stays on time.
 */
async function hoverBurst(other: vscode.TextDocument, at: vscode.Position, count: number, busy: () => boolean = () => true, watched?: () => boolean) {
  const timings: number[] = [];
  let warmUp: number | undefined;
  /** How many hovers began while `watched()` held. */
  let begunWhileWatched = 0;
  while (timings.length < count && busy()) {
    begunWhileWatched += watched?.() ? 1 : 0;
    const start = performance.now();
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', other.uri, at);
    const elapsed = performance.now() - start;
    assert.ok(hovers.length > 0, 'a hover on the other file');
    if (warmUp === undefined) {
      warmUp = elapsed;
    } else if (busy()) {
      timings.push(elapsed);
    }
  }
  return { warmUp: warmUp ?? NaN, timings, begunWhileWatched, text: () => `${summary(timings)}; warm-up hover ${(warmUp ?? NaN).toFixed(1)} ms` };
}

describe('Init Lens with a runaway file', () => {
  let api: InitLensApi;
  let seam: TestOnlyApi;
  let other: vscode.TextDocument;
  let at: vscode.Position;

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as InitLensApi;
    assert.ok(api.testOnly, 'the test-only API in ExtensionMode.Test');
    seam = api.testOnly;
    await vscode.workspace.getConfiguration('initLens').update('analysisTimeoutMs', TIMEOUT_MS, vscode.ConfigurationTarget.Global);
    other = await vscode.workspace.openTextDocument({ language: 'python', content: model('Other') });
    const [finding] = await diagnosticsFor(other.uri, (d) => d.length > 0);
    at = finding!.range.start;
    // The baseline on this machine, no runaway: the same burst of hovers right after another file opens.
    const control = await vscode.workspace.openTextDocument({ language: 'python', content: model('Control') });
    await until(() => seam.outcomeOf(control) !== undefined);
    console.log(`      [${api.host}] baseline, no runaway: hovers ${(await hoverBurst(other, at, 5)).text()}`);
    await vscode.window.showTextDocument(control);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('initLens').update('analysisTimeoutMs', undefined, vscode.ConfigurationTarget.Global);
  });

  it('keeps hovers in another file under 200 ms while the worker is stuck on the runaway file, and notes the runaway file', async function () {
    // Two more tries: the machine's load alone puts single hovers past 200 ms at times (see the
    // baseline), while a host blocked by the runaway would fail every try by seconds.
    this.retries(2);
    // An untitled file of a known name, edited without an editor (as the second test, no rendering in
    // the measurement): the seam is set on it once its empty first version is analysed.
    const uri = vscode.Uri.from({ scheme: 'untitled', path: `/runaway-${Date.now()}.py` });
    const runaway = await vscode.workspace.openTextDocument(uri);
    await until(() => seam.outcomeOf(runaway) !== undefined);
    seam.slowAnalysis(runaway.uri, SLOW_MS);
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(runaway.uri, new vscode.Position(0, 0), RUNAWAY);
      assert.ok(await vscode.workspace.applyEdit(edit));
      const stuck = () => api.analysisInProgress() === runaway.uri.toString();
      await until(stuck);
      const lag = timerLag();
      const burst = await hoverBurst(other, at, 6, stuck);
      const worstLag = lag.stop();
      console.log(`      [${api.host}] while the worker was stuck on the runaway file: hovers ${burst.text()}; host timer lag max ${worstLag.toFixed(1)} ms`);
      assert.ok(burst.timings.length >= 3, `at least three hovers while the runaway file was being analysed (${burst.timings.length})`);
      for (const elapsed of burst.timings) {
        assert.ok(elapsed < HOVER_BUDGET_MS, `hovers ${burst.text()}`);
      }
      assert.ok(worstLag < HOVER_BUDGET_MS, `extension-host timer lag up to ${worstLag.toFixed(1)} ms`);

      const notes = await diagnosticsFor(runaway.uri, (d) => d.some(isNote));
      assert.equal(notes.length, 1);
      assert.equal(notes[0]!.severity, vscode.DiagnosticSeverity.Information);
      assert.equal(notes[0]!.range.start.line, 0);
      assert.match(notes[0]!.message, new RegExp(`did not analyse this file: its analysis took longer than ${TIMEOUT_MS} ms`));
      assert.equal(seam.outcomeOf(runaway)?.kind, 'notAnalysed');
    } finally {
      seam.slowAnalysis(runaway.uri, 0);
      await vscode.window.showTextDocument(runaway);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }

    // The restarted worker analyses the next file.
    const next = await vscode.workspace.openTextDocument({ language: 'python', content: model('Next') });
    const findings = await diagnosticsFor(next.uri, (d) => d.length > 0);
    assert.ok(findings.every((d) => !isNote(d)));
    assert.ok(findings.some((d) => ruleOf(d) === 'init-relu'));
  });

  it('keeps hovers under 200 ms around the real num_layers=10**9 file, which gets the bounded analysis and its note in words', async function () {
    this.retries(2); // as above
    // Opened but not shown, so the hovers can start at once (no editor to render) and race its analysis.
    const runaway = await vscode.workspace.openTextDocument({ language: 'python', content: RUNAWAY });
    const analysing = () => api.analysisInProgress() === runaway.uri.toString();
    await until(() => analysing() || seam.outcomeOf(runaway) !== undefined);
    const lag = timerLag();
    const burst = await hoverBurst(other, at, 5, () => true, analysing);
    const worstLag = lag.stop();
    console.log(
      `      [${api.host}] from its opening: hovers ${burst.text()} (${burst.begunWhileWatched} begun while it was analysed); host timer lag max ${worstLag.toFixed(1)} ms`,
    );
    for (const elapsed of burst.timings) {
      assert.ok(elapsed < HOVER_BUDGET_MS, `hovers ${burst.text()}`);
    }
    assert.ok(worstLag < HOVER_BUDGET_MS, `extension-host timer lag up to ${worstLag.toFixed(1)} ms`);

    // Analysed, not given up on: the bound's own note, a partial model, and never an internal error.
    const findings = await diagnosticsFor(runaway.uri, (d) => d.length > 0);
    assert.deepEqual(findings.filter(isNote), [], findings.map((d) => d.message).join('\n'));
    assert.ok(
      findings.some((d) => ruleOf(d) === 'init-recurrent'),
      findings.map((d) => d.message).join('\n'),
    );
    const outcome = seam.outcomeOf(runaway);
    assert.equal(outcome?.kind, 'analysed');
    const notes = outcome.kind === 'analysed' ? outcome.analysis.graph.notes : [];
    console.log(`      [${api.host}] its analysis took ${outcome.kind === 'analysed' ? outcome.durationMs : '?'} ms; notes: ${notes.join(' | ')}`);
    assert.ok(
      notes.some((note) => /num_layers of 10⁹ is over the limit of \d+ copies/.test(note)),
      notes.join('\n'),
    );
    assert.ok(
      notes.every((note) => !/internal|error|exception/i.test(note)),
      notes.join('\n'),
    );
    await vscode.window.showTextDocument(runaway);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
