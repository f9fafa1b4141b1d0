/**
 * Cold start, in whichever extension host runs the suite (desktop's Node host, or the web-worker host
 * in the web run): the time from the start of activation to the first diagnostics Init Lens
 * published, as the extension measured it. Printed for BENCHMARKS.md; asserted to be a real figure.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InitLensApi } from '../../src/editor/activation';

describe('Init Lens cold start', () => {
  it('publishes its first diagnostics after activation, and says how long that took', async () => {
    const api = (await vscode.extensions.getExtension('init-lens.init-lens')!.activate()) as InitLensApi;
    await vscode.window.showTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'deep_mlp.py'));
    const started = Date.now();
    while (api.coldStartMs() === undefined) {
      assert.ok(Date.now() - started < 60_000, 'no diagnostics within 60 s of opening deep_mlp.py');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const coldStartMs = api.coldStartMs()!;
    assert.ok(coldStartMs > 0 && coldStartMs < 60_000, String(coldStartMs));
    console.log(`cold start (${api.host} extension host): activation to first diagnostics in ${coldStartMs} ms`);
  });
});
