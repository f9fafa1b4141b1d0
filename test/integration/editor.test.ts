/**
 * Init Lens inside a real editor, asserted through the API: diagnostics, quick fixes applied and
 * re-analysed, inlay hints, hovers, fix-all, and settings taking effect. Waits on events, never sleeps.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionMessage, PreviewModel } from '../../src/protocol/preview';

const EXTENSION_ID = 'init-lens.init-lens';

function fileUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders![0]!.uri;
  return vscode.Uri.joinPath(folder, name);
}

/** Resolves once the document has diagnostics from Init Lens satisfying `ready`. */
function diagnosticsFor(uri: vscode.Uri, ready: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const mine = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Init Lens');
  return new Promise((resolve) => {
    if (ready(mine())) {
      resolve(mine());
      return;
    }
    const listener = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString()) && ready(mine())) {
        listener.dispose();
        resolve(mine());
      }
    });
  });
}

describe('Init Lens in the editor', () => {
  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  it('reports a warning with rule, source and related activation on each default-init ReLU layer', async () => {
    const uri = fileUri('deep_mlp.py');
    await vscode.window.showTextDocument(uri);
    const diagnostics = await diagnosticsFor(uri, (d) => d.length > 0);
    const relu = diagnostics.filter((d) => (d.code as { value: string }).value === 'init-relu');
    assert.equal(relu.length, 19);
    assert.equal(relu[0]!.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(relu[0]!.relatedInformation?.[0]?.message.includes('activation'));
  });

  it('shows inlay hints on layer definitions', async () => {
    const uri = fileUri('deep_mlp.py');
    const document = await vscode.workspace.openTextDocument(uri);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    );
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(
      labels.some((l) => l.startsWith('torch default ⚠ ×0.167/layer ReLU')),
      labels.join(' | '),
    );
  });

  it('shows the init in force and the rule in a hover on a layer', async () => {
    const uri = fileUri('deep_mlp.py');
    const [diagnostic] = await diagnosticsFor(uri, (d) => d.length > 0);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, diagnostic!.range.start);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /He et al\. 2015/);
  });

  it('offers a preferred quick fix whose edit removes the finding after re-analysis', async () => {
    const uri = fileUri('deep_mlp.py');
    const before = await diagnosticsFor(uri, (d) => d.length > 0);
    const tanh = before.find((d) => (d.code as { value: string }).value === 'init-tanh-sigmoid')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      tanh.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred?.edit, 'a preferred quick fix with an edit');
    assert.ok(await vscode.workspace.applyEdit(preferred.edit));
    const after = await diagnosticsFor(uri, (d) => d.length === before.length - 1);
    assert.ok(!after.some((d) => d.range.start.line === tanh.range.start.line), 'the fixed layer has no finding left');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('applies every fix of the file with the command, leaving no fixable finding', async () => {
    const uri = fileUri('deep_mlp.py');
    await vscode.window.showTextDocument(uri);
    await diagnosticsFor(uri, (d) => d.length > 0);
    assert.equal(await vscode.commands.executeCommand('initLens.applyRecommendations'), true);
    await diagnosticsFor(uri, (d) => d.length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it("offers one layer's fix as a link in its hover; the linked command fixes that layer only", async () => {
    const uri = fileUri('deep_mlp.py');
    await vscode.window.showTextDocument(uri);
    const before = await diagnosticsFor(uri, (d) => d.length > 0);
    // A tanh layer of its own (`self.fc2 = …`): its fix touches that layer only.
    const target = before.find((d) => (d.code as { value: string }).value === 'init-tanh-sigmoid')!;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, target.range.start);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    const link = /\(command:initLens\.applyRecommendations\?([^)]+)\)/.exec(text);
    assert.ok(link, text);
    assert.match(text, /command:initLens\.showPreview/);
    const args = JSON.parse(decodeURIComponent(link[1]!)) as unknown[];
    assert.equal(await vscode.commands.executeCommand('initLens.applyRecommendations', ...args), true);
    const after = await diagnosticsFor(uri, (d) => d.length === before.length - 1);
    assert.ok(!after.some((d) => d.range.start.line === target.range.start.line), 'the linked layer has no finding left');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await diagnosticsFor(uri, (d) => d.length === before.length);
  });

  it('shows the model under the cursor in the variance preview, and follows the cursor to another model', async () => {
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { onDidPostPreview: vscode.Event<ExtensionMessage> };
    const nextModel = (name: string) =>
      new Promise<PreviewModel>((resolve) => {
        const listener = api.onDidPostPreview((message) => {
          if (message.type === 'model' && message.model.model === name) {
            listener.dispose();
            resolve(message.model);
          }
        });
      });
    const uri = fileUri('deep_mlp.py');
    const editor = await vscode.window.showTextDocument(uri);
    const document = editor.document;
    const reluLine = document
      .getText()
      .split('\n')
      .findIndex((line) => line.startsWith('class DeepReLUMLP'));
    const tanhLine = document
      .getText()
      .split('\n')
      .findIndex((line) => line.startsWith('class DeepTanhMLP'));
    editor.selection = new vscode.Selection(reluLine + 2, 0, reluLine + 2, 0);
    const relu = nextModel('DeepReLUMLP');
    await vscode.commands.executeCommand('initLens.showPreview');
    const shown = await relu;
    assert.equal(shown.rows.length, shown.current.layers.filter((l) => l.op === 'linear').length);
    assert.ok(shown.rows.length >= 20, `${shown.rows.length} rows`);
    assert.equal(shown.rows[0]!.initNow, 'torch default');
    assert.equal(shown.rows[0]!.initRecommended, 'He');
    assert.ok(shown.fixable);
    const tanh = nextModel('DeepTanhMLP');
    editor.selection = new vscode.Selection(tanhLine + 2, 0, tanhLine + 2, 0);
    assert.equal((await tanh).model, 'DeepTanhMLP');
  });

  it("reports a Keras model's default init and fixes it in Keras spelling", async () => {
    const uri = fileUri('keras_mlp.py');
    await vscode.window.showTextDocument(uri);
    const before = await diagnosticsFor(uri, (d) => d.length > 0);
    assert.ok(
      before.every((d) => (d.code as { value: string }).value === 'init-relu'),
      before.map((d) => d.message).join('\n'),
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      before[0]!.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const preferred = actions.find((a) => a.isPreferred);
    assert.ok(preferred?.edit, 'a preferred quick fix with an edit');
    assert.ok(await vscode.workspace.applyEdit(preferred.edit));
    // The loop's one Dense(...) call builds every hidden layer: one edit fixes them all.
    await diagnosticsFor(uri, (d) => d.length === 0);
    const text = (await vscode.workspace.openTextDocument(uri)).getText();
    assert.match(text, /layers\.Dense\(width, activation="relu", kernel_initializer="he_normal"\)/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('lists findings of files that are not open through the workspace scan, and none for a good model', async () => {
    const scanned = await vscode.commands.executeCommand<number>('initLens.scanWorkspace');
    assert.ok(scanned >= 3, `scanned ${scanned} files`);
    assert.ok(
      vscode.workspace.textDocuments.every((d) => !d.uri.path.endsWith('closed_tanh.py')),
      'the file is not open',
    );
    assert.equal(vscode.languages.getDiagnostics(fileUri('closed_tanh.py')).filter((d) => d.source === 'Init Lens').length, 3);
    assert.equal(vscode.languages.getDiagnostics(fileUri('resnet_good.py')).length, 0);
  });

  it("analyses a notebook cell with the imports of the cells above it, on the cell's own lines", async () => {
    const notebook = await vscode.workspace.openNotebookDocument(fileUri('notebook.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(1).document;
    const diagnostics = await diagnosticsFor(cell.uri, (d) => d.length > 0);
    assert.deepEqual(
      diagnostics.map((d) => d.range.start.line),
      [3, 4],
      'fc1 and fc2, on their lines in the cell',
    );
  });

  it('registers every command that package.json contributes', async () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
    );
  });

  it('clears the findings of a file that is deleted', async () => {
    const uri = fileUri('to_delete.py');
    const text = (await vscode.workspace.fs.readFile(fileUri('closed_tanh.py'))).slice();
    await vscode.workspace.fs.writeFile(uri, text);
    await vscode.window.showTextDocument(uri);
    await diagnosticsFor(uri, (d) => d.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(uri);
    await diagnosticsFor(uri, (d) => d.length === 0);
  });

  it('skips a file over initLens.maxFileSize instead of analysing it', async () => {
    const uri = fileUri('deep_mlp.py');
    await vscode.window.showTextDocument(uri);
    await diagnosticsFor(uri, (d) => d.length > 0);
    const config = vscode.workspace.getConfiguration('initLens');
    await config.update('maxFileSize', 1000, vscode.ConfigurationTarget.Workspace);
    try {
      await diagnosticsFor(uri, (d) => d.length === 0);
    } finally {
      await config.update('maxFileSize', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await diagnosticsFor(uri, (d) => d.length > 0);
  });

  it('follows initLens.severity.mismatch', async () => {
    const uri = fileUri('deep_mlp.py');
    await diagnosticsFor(uri, (d) => d.length > 0);
    const config = vscode.workspace.getConfiguration('initLens');
    await config.update('severity.mismatch', 'error', vscode.ConfigurationTarget.Workspace);
    try {
      const errors = await diagnosticsFor(uri, (d) => d.some((x) => x.severity === vscode.DiagnosticSeverity.Error));
      assert.ok(errors.length > 0);
    } finally {
      await config.update('severity.mismatch', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
