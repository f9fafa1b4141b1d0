/**
 * The web run's own checks: the suite and Init Lens really run in VS Code's web-worker extension
 * host (no Node: no `process`, no `require('fs')`), with the `browser` entry and its Web Worker.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InitLensApi } from '../../../src/editor/activation';

describe('Init Lens in the web-worker extension host', () => {
  it('runs without Node, from the browser entry', async () => {
    const api = (await vscode.extensions.getExtension('init-lens.init-lens')!.activate()) as InitLensApi;
    assert.equal(api.host, 'web', 'the browser entry (dist/web/extension.js) activated');
    assert.equal(typeof (globalThis as { process?: unknown }).process, 'undefined', 'no Node `process` in this host');
    assert.equal(typeof (globalThis as { importScripts?: unknown }).importScripts, 'function', 'a worker global scope');
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    // A name the bundler cannot see, so the host's own `require` is asked (it knows only `vscode`).
    const nodeFs = ['f', 's'].join('');
    assert.throws(() => (require as (id: string) => unknown)(nodeFs), 'no Node `fs` module');
  });

  it('runs the analysis in a Web Worker, not on the host thread, and reads the workspace through workspace.fs', async () => {
    const api = (await vscode.extensions.getExtension('init-lens.init-lens')!.activate()) as InitLensApi;
    assert.equal(api.analysisThread, 'web-worker');
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'resnet_good.py');
    await vscode.window.showTextDocument(uri);
    const started = Date.now();
    while (!/^Init Lens: PyTorch · /.test(api.languageStatus().text)) {
      assert.ok(Date.now() - started < 30_000, `not analysed: ${JSON.stringify(api.languageStatus())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
