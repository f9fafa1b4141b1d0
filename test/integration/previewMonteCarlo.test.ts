/**
 * Monte Carlo in the variance preview, in both extension hosts: the panel opens on the deep ReLU MLP,
 * the method is switched to Monte Carlo as its method field does (the test-only seam
 * `api.testOnly.setPreviewMethod`, present in `ExtensionMode.Test` alone), the panel's own Web Worker
 * runs both networks, and the panel reports the run back to the extension (which logs it): per-layer
 * forward variances and the matrix kernel that ran. The webview is a page of the browser in both hosts,
 * so the kernel is WebAssembly SIMD in both.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InitLensApi, TestOnlyApi } from '../../src/editor/activation';
import type { ExtensionMessage, MonteCarloReport, PreviewModel } from '../../src/protocol/preview';

const EXTENSION_ID = 'init-lens.init-lens';
const MODEL = 'DeepReLUMLP';
/** One attempt: the panel's debounce (≈0.5 s) and two passes of a 20-layer MLP on a loaded machine. */
const ATTEMPT_MS = 20_000;
const ATTEMPTS = 3;

function fileUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, name);
}

/** The next message of `event` that `pick` accepts (undefined after `ms`). */
function next<T, U>(event: vscode.Event<T>, pick: (value: T) => U | undefined, ms: number): Promise<U | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(undefined);
    }, ms);
    const listener = event((value) => {
      const picked = pick(value);
      if (picked !== undefined) {
        clearTimeout(timer);
        listener.dispose();
        resolve(picked);
      }
    });
  });
}

/** Switches the panel to Monte Carlo until it reports a run on MODEL (the page may still be loading at first). */
async function monteCarloRun(testOnly: TestOnlyApi): Promise<MonteCarloReport> {
  const errors: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const report = next(
      testOnly.onDidPreviewMonteCarlo,
      (value) => ('error' in value ? (errors.push(value.error), undefined) : value.model === MODEL ? value : undefined),
      ATTEMPT_MS,
    );
    await testOnly.setPreviewMethod('montecarlo');
    const done = await report;
    if (done) {
      return done;
    }
  }
  assert.fail(`no Monte-Carlo report from the panel after ${ATTEMPTS} attempts; errors: ${errors.join('; ') || 'none'}`);
}

describe('Monte Carlo in the variance preview', () => {
  it('runs in the panel on a real model and reports per-layer variances and the WebAssembly kernel', async function () {
    this.timeout(ATTEMPTS * ATTEMPT_MS + 30_000);
    const api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as InitLensApi;
    const testOnly = api.testOnly;
    assert.ok(testOnly, 'the test-only seam exists in ExtensionMode.Test');
    const uri = fileUri('deep_mlp.py');
    const editor = await vscode.window.showTextDocument(uri);
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((text) => text.startsWith(`class ${MODEL}`));
    editor.selection = new vscode.Selection(line + 2, 0, line + 2, 0);
    await vscode.commands.executeCommand('initLens.showPreview');
    const shown = next(
      api.onDidPostPreview,
      (message: ExtensionMessage) => (message.type === 'model' && message.model.model === MODEL ? message.model : undefined),
      ATTEMPT_MS,
    );
    // The picker's message makes the extension post the model again, whether or not it was shown already.
    await api.postFromPreview({ type: 'selectModel', uri: uri.toString(), model: MODEL });
    const model: PreviewModel | undefined = await shown;
    assert.ok(model, `the panel was not sent ${MODEL}`);
    try {
      const report = await monteCarloRun(testOnly);
      assert.equal(report.uri, uri.toString());
      assert.match(report.kernel, /^wasm-(relaxed-)?simd$/, 'the panel worker ran a WebAssembly SIMD kernel');
      const names = new Set(report.layers.map((layer) => layer.name));
      for (const row of model.rows) {
        assert.ok(names.has(row.name), `Monte Carlo reports layer ${row.name}`);
      }
      const linear = report.layers.filter((layer) => model.rows.some((row) => row.name === layer.name));
      assert.ok(linear.length >= 20, `${linear.length} linear layers`);
      for (const layer of linear) {
        assert.ok(layer.current !== null && layer.current > 0, `${layer.name}: variance now ${layer.current}`);
        assert.ok(layer.recommended !== null && layer.recommended > 0, `${layer.name}: variance with He ${layer.recommended}`);
      }
      // PyTorch's default keeps 1/6 of the signal per ReLU layer until the biases hold it near 8e-4 (the
      // example's docstring); He keeps it steady. Sampled, so only orders of magnitude are asserted.
      const first = linear[0]!;
      const last = linear.at(-2)!;
      assert.ok(last.current! < first.current! / 100, `default init: ${first.current} → ${last.current}`);
      assert.ok(last.recommended! > first.recommended! / 4 && last.recommended! < first.recommended! * 4, `He: ${first.recommended} → ${last.recommended}`);
    } finally {
      await testOnly.setPreviewMethod('analytic');
    }
  });
});
