/**
 * What Init Lens says when asked, in a real editor: the language status item of the active Python
 * file (framework, models, findings, when and how fast; not analysed and why), its link to the logs,
 * the "Show Logs" command, and the log channel that the analyses and the worker write to.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InitLensApi } from '../../src/editor/activation';

const EXTENSION_ID = 'init-lens.init-lens';

/** Waits until the condition holds, polling (no event tells a test what a status item shows). */
async function until(condition: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) {
      assert.fail(`timed out waiting: ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every file named `name` below `dir`. */
function filesNamed(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesNamed(full, name) : entry.name === name ? [full] : [];
  });
}

describe('Init Lens says what it does', () => {
  let api: InitLensApi;

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as InitLensApi;
  });

  it('shows the framework, models and findings of the active file in the language status item, linked to the logs', async () => {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'deep_mlp.py');
    await vscode.window.showTextDocument(uri);
    const status = () => api.languageStatus();
    await until(
      () => /^Init Lens: PyTorch · \d+ models, \d+ findings$/.test(status().text),
      () => JSON.stringify(status()),
    );
    assert.equal(status().busy, false);
    assert.equal(status().command, 'initLens.showLogs');
    assert.match(status().detail ?? '', /analysed at .+ in \d+ ms/);
    const findings = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Init Lens').length;
    assert.ok(status().text.endsWith(`, ${findings} findings`), `${status().text} vs ${findings} diagnostics`);
  });

  it('says why a file is not analysed, and shows the Keras framework of a Keras file', async () => {
    const plain = await vscode.workspace.openTextDocument({ language: 'python', content: 'print("no model here")\n' });
    await vscode.window.showTextDocument(plain);
    await until(
      () => api.languageStatus().text === 'Init Lens: no model',
      () => JSON.stringify(api.languageStatus()),
    );
    await vscode.window.showTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'keras_mlp.py'));
    await until(
      () => /^Init Lens: Keras · 2 models, \d+ findings?$/.test(api.languageStatus().text),
      () => JSON.stringify(api.languageStatus()),
    );
  });

  it('runs "Show Logs", and the log channel holds the version and each analysis with its framework and time', async () => {
    assert.equal(api.log.name, 'Init Lens');
    assert.ok(Object.values(vscode.LogLevel).includes(api.log.logLevel), "the level is one of VS Code's");
    await vscode.commands.executeCommand('initLens.showLogs');
    const logsRoot = path.dirname(api.logUri.fsPath);
    const text = () =>
      filesNamed(logsRoot, 'Init Lens.log')
        .map((file) => fs.readFileSync(file, 'utf8'))
        .join('\n');
    await until(
      () => /analysed deep_mlp\.py \(version \d+\) in \d+ ms: framework pytorch, \d+ model\(s\)/.test(text()),
      () => `no analysis line yet under ${logsRoot}:\n${text().slice(-2000)}`,
    );
    assert.match(text(), /\[info\] Init Lens \d+\.\d+\.\d+ in VS Code/);
  });
});
