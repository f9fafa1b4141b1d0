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

/** Where `token` occurs in Markdown not escaped (preceded by an even number of backslashes). */
function unescapedAt(markdown: string, token: string): number[] {
  const found: number[] = [];
  for (let at = markdown.indexOf(token); at >= 0; at = markdown.indexOf(token, at + 1)) {
    let backslashes = 0;
    while (at - backslashes - 1 >= 0 && markdown[at - backslashes - 1] === '\\') {
      backslashes++;
    }
    if (backslashes % 2 === 0) {
      found.push(at);
    }
  }
  return found;
}

/** Markdown with its code spans (literal text, where nothing is a link) blanked out. */
function outsideCodeSpans(markdown: string): string {
  return markdown.replace(/(?<!\\)(`+)([\s\S]*?[^`])\1(?!`)/g, ' ');
}

/** Markdown with its backslash escapes removed: what the text reads as. */
function unescaped(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** The Markdown values of hover contents or a tooltip. */
function markdownValues(contents: readonly (vscode.MarkdownString | vscode.MarkedString | string | undefined)[]): string[] {
  return contents.flatMap((c) => (c === undefined ? [] : typeof c === 'string' ? [c] : [c.value]));
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
    // 19 layers from two source lines (a layer built in a loop is one diagnostic naming its instances).
    assert.equal(relu.length, 2);
    assert.ok(
      relu.some((d) => /\d+ layers built here/.test(d.message)),
      relu.map((d) => d.message).join('\n'),
    );
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
    // Compact by default: the verdict, with the init and the numbers in the tooltip.
    const warned = hints.filter((_, i) => labels[i] === '⚠ ×0.17');
    assert.ok(warned.length > 0, labels.join(' | '));
    const tooltip = warned[0]!.tooltip;
    assert.match(typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? ''), /reset\\_parameters/);
  });

  it("places a Keras functional layer's hint after `(x)`, at the end of its statement", async () => {
    const uri = fileUri('keras_mlp.py');
    const document = await vscode.workspace.openTextDocument(uri);
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    );
    const line = document.lineAt([...Array(document.lineCount).keys()].find((i) => /= layers\.Dense\(.*\)\(x\)$/.test(document.lineAt(i).text))!);
    const onLine = hints.filter((h) => h.position.line === line.lineNumber);
    assert.equal(onLine.length, 1, `one hint on: ${line.text}`);
    assert.equal(onLine[0]!.position.character, line.text.length, 'after `(x)`, not between `)` and `(x)`');
  });

  it('shows the init in force and the rule in a hover on a layer', async () => {
    const uri = fileUri('deep_mlp.py');
    const [diagnostic] = await diagnosticsFor(uri, (d) => d.length > 0);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, diagnostic!.range.start);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(unescaped(text), /He et al\. 2015/);
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
      10,
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

  it('applies "Apply recommended init" from the panel like the quick fix: editor revealed, file unsaved, one undo reverts it', async () => {
    const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as {
      onDidPostPreview: vscode.Event<ExtensionMessage>;
      postFromPreview(message: unknown): Promise<void>;
    };
    const uri = fileUri('deep_mlp.py');
    const document = (await vscode.window.showTextDocument(uri)).document;
    await diagnosticsFor(uri, (d) => d.length > 0);
    await vscode.commands.executeCommand('initLens.showPreview');
    const shown = new Promise<void>((resolve) => {
      const listener = api.onDidPostPreview((message) => {
        if (message.type === 'model' && message.model.model === 'DeepReLUMLP') {
          listener.dispose();
          resolve();
        }
      });
    });
    // The panel's model picker: the extension resends the picked model.
    await api.postFromPreview({ type: 'selectModel', uri: document.uri.toString(), model: 'DeepReLUMLP' });
    await shown;
    const original = document.getText();
    assert.equal(document.isDirty, false);
    // Focus elsewhere, as when the user clicks the button in the panel.
    await vscode.commands.executeCommand('initLens.preview.focus');
    // A message naming another document than the one the panel shows is refused.
    await api.postFromPreview({ type: 'applyFix', uri: fileUri('keras_mlp.py').toString(), model: 'DeepReLUMLP' });
    assert.equal(document.getText(), original);
    await api.postFromPreview({ type: 'applyFix', uri: document.uri.toString(), model: 'DeepReLUMLP' });
    assert.notEqual(document.getText(), original, 'the fix was applied');
    assert.equal(document.isDirty, true, 'the file is left unsaved');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), document.uri.toString(), 'the editor is revealed');
    assert.equal(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), original, 'nothing was written to disk');
    // Ctrl+Z in the revealed editor: the document changes back once, to the original text.
    const reverted = new Promise<boolean>((resolve) => {
      const listener = vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document) {
          listener.dispose();
          resolve(document.getText() === original);
        }
      });
    });
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.equal(await reverted, true, 'one undo reverts the whole fix');
    await vscode.commands.executeCommand('workbench.action.files.revert');
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
      10,
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

  it('shows layer names and init arguments from source as text: no link, image or HTML comes from them, and crafted command calls are refused', async () => {
    const uri = fileUri('hostile_names.py');
    const editor = await vscode.window.showTextDocument(uri);
    const document = editor.document;
    await diagnosticsFor(uri, (d) => d.length > 0);
    const lines = document.getText().split('\n');
    const crafted = [
      'blocks.[x](command:initLens.applyRecommendations?%5B%5D)',
      'blocks.![i](https://example.com/a.png)',
      'blocks.a)![j](https://example.com/b.png',
      '<img src=x>',
    ];
    // Hover on every layer definition and on the init call with the crafted `mode=`.
    const positions = lines.flatMap((line, i) => {
      const at = Math.max(line.indexOf('nn.Linear('), line.indexOf('nn.init.kaiming_normal_('));
      return at >= 0 ? [new vscode.Position(i, at + 3)] : [];
    });
    assert.equal(positions.length, 6);
    const applyArgs: unknown[][] = [];
    for (const position of positions) {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      const values = markdownValues(hovers.flatMap((h) => h.contents));
      assert.ok(values.length > 0, `a hover at line ${position.line + 1}`);
      for (const markdown of values.map(outsideCodeSpans)) {
        assert.deepEqual(unescapedAt(markdown, '<'), [], markdown);
        assert.deepEqual(unescapedAt(markdown, '!['), [], markdown);
        assert.ok(!markdown.includes('https://'), markdown);
        // Every link is one of our two commands, and every `[` that is not escaped opens one of them.
        const targets = unescapedAt(markdown, '](').map((at) => markdown.slice(at + 2));
        assert.ok(targets.length >= 1, markdown);
        assert.equal(unescapedAt(markdown, '[').length, targets.length, markdown);
        for (const target of targets) {
          const link = /^command:(initLens\.applyRecommendations|initLens\.showPreview)\?([^)\s]*)\)/.exec(target);
          assert.ok(link, target);
          const args = JSON.parse(decodeURIComponent(link[2]!)) as unknown[];
          if (link[1] === 'initLens.showPreview') {
            assert.deepEqual(args, []);
          } else {
            applyArgs.push(args);
          }
        }
      }
    }
    // The fix links carry this document and a crafted layer of its model, as we built them.
    assert.deepEqual(
      applyArgs.map((args) => args[0]),
      applyArgs.map(() => uri.toString()),
    );
    assert.deepEqual([...new Set(applyArgs.map((args) => (args[1] as { layer: string }).layer))].sort(), crafted.slice(0, 3).sort());
    // Inlay hint tooltips: no link at all, no image, no HTML.
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    );
    const tooltips = markdownValues(hints.map((h) => h.tooltip));
    assert.equal(tooltips.length, 5);
    for (const markdown of tooltips.map(outsideCodeSpans)) {
      assert.deepEqual([...unescapedAt(markdown, '['), ...unescapedAt(markdown, '<'), ...unescapedAt(markdown, '](')], [], markdown);
      assert.ok(!markdown.includes('https://'), markdown);
    }
    assert.ok(
      crafted.every((name) => tooltips.some((t) => unescaped(t).includes(name))),
      'each crafted name reads as itself once the escapes are removed',
    );
    // Command calls the extension did not build are refused with no edit, and open no file.
    const version = document.version;
    for (const args of [
      [fileUri('closed_tanh.py').toString(), { model: 'ClosedTanh' }],
      [uri.toString(), { model: 'NoSuchModel' }],
      [uri.toString(), { model: 'Hostile', layer: 'blocks.nope' }],
      [uri.toString(), { model: 7 }],
      [{ scheme: 'file', path: uri.path }, { model: 'Hostile' }],
      ['untitled:evil.py', {}],
    ]) {
      assert.equal(await vscode.commands.executeCommand('initLens.applyRecommendations', ...args), false, JSON.stringify(args));
    }
    assert.equal(document.version, version);
    assert.ok(
      vscode.workspace.textDocuments.every((d) => !d.uri.path.endsWith('closed_tanh.py')),
      'closed_tanh.py was not opened',
    );
    // The link we built fixes the crafted layer it names.
    const before = await diagnosticsFor(uri, (d) => d.length > 0);
    assert.equal(await vscode.commands.executeCommand('initLens.applyRecommendations', ...applyArgs[0]!), true);
    // The fix initialises the ModuleDict's layers in one loop: the linked layer's finding is gone with its siblings'.
    const linkedLine = lines.findIndex((line) => line.includes('"[x](command:'));
    const after = await diagnosticsFor(uri, (d) => d.length < before.length);
    assert.ok(!after.some((d) => d.range.start.line === linkedLine), 'the linked layer has no finding left');
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('drops the diagnostic a suppression comment names, and the quick fix inserts that comment', async () => {
    const uri = fileUri('deep_mlp.py');
    const editor = await vscode.window.showTextDocument(uri);
    const before = await diagnosticsFor(uri, (d) => d.length > 0);
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((text) => text.includes('self.fc2 = nn.Linear('));
    const target = before.find((d) => d.range.start.line === line && (d.code as { value: string }).value === 'init-tanh-sigmoid')!;
    assert.ok(target, 'a tanh finding on self.fc2');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const ignore = actions.find((a) => a.title === 'Ignore init-tanh-sigmoid on this line');
    assert.ok(ignore?.edit, actions.map((a) => a.title).join(' | '));
    assert.equal(ignore.isPreferred, false);
    assert.ok(await vscode.workspace.applyEdit(ignore.edit));
    const after = await diagnosticsFor(uri, (d) => d.length === before.length - 1);
    assert.ok(!after.some((d) => d.range.start.line === line), 'the ignored line has no finding left');
    assert.match(editor.document.lineAt(line).text, /self\.fc2 = nn\.Linear\(width, width\)  # init-lens: ignore\[init-tanh-sigmoid\]$/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await diagnosticsFor(uri, (d) => d.length === before.length);
  });

  it("follows the [tool.init-lens] table of pyproject.toml, re-analyses open files when it is edited, and shows a malformed key's problem on its line", async () => {
    const uri = fileUri('deep_mlp.py');
    await vscode.window.showTextDocument(uri);
    const before = await diagnosticsFor(uri, (d) => d.some((x) => (x.code as { value: string }).value === 'init-relu'));
    const pyproject = fileUri('pyproject.toml');
    await vscode.workspace.fs.writeFile(pyproject, new TextEncoder().encode('[project]\nname = "demo"\n'));
    const document = await vscode.workspace.openTextDocument(pyproject);
    const setText = async (text: string) => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(pyproject, new vscode.Range(0, 0, document.lineCount, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await document.save());
    };
    const isRelu = (d: vscode.Diagnostic) => (d.code as { value: string }).value === 'init-relu';
    try {
      await setText('[project]\nname = "demo"\n\n[tool.init-lens]\nignore = ["init-relu"]\n');
      const ignored = await diagnosticsFor(uri, (d) => d.length > 0 && !d.some(isRelu));
      assert.equal(ignored.length, before.filter((d) => !isRelu(d)).length);
      await setText('[project]\nname = "demo"\n\n[tool.init-lens.severity]\ninit-relu = "loud"\ninit-tanh-sigmoid = "error"\n');
      const problems = await diagnosticsFor(pyproject, (d) => d.length > 0);
      assert.equal(problems[0]!.range.start.line, 4);
      assert.equal(problems[0]!.message, 'tool.init-lens.severity.init-relu: expected one of off, hint, information, warning, error');
      // The malformed key is left out; the good one applies.
      const leveled = await diagnosticsFor(uri, (d) => d.some(isRelu) && d.some((x) => x.severity === vscode.DiagnosticSeverity.Error));
      const tanh = leveled.filter((d) => (d.code as { value: string }).value === 'init-tanh-sigmoid');
      assert.ok(tanh.length > 0 && tanh.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
      assert.ok(leveled.filter(isRelu).every((d) => d.severity === vscode.DiagnosticSeverity.Warning));
    } finally {
      await setText('[project]\nname = "demo"\n');
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(pyproject);
    }
    await diagnosticsFor(pyproject, (d) => d.length === 0);
    await diagnosticsFor(uri, (d) => d.length === before.length && d.every((x) => x.severity !== vscode.DiagnosticSeverity.Error));
  });

  it('reports nothing for unopened files in openFilesOnly mode, and an opened file as before', async () => {
    const config = vscode.workspace.getConfiguration('initLens');
    const closed = fileUri('closed_tanh.py');
    await vscode.commands.executeCommand('initLens.scanWorkspace');
    await diagnosticsFor(closed, (d) => d.length === 3);
    await config.update('diagnosticMode', 'openFilesOnly', vscode.ConfigurationTarget.Workspace);
    try {
      await diagnosticsFor(closed, (d) => d.length === 0);
      assert.equal(await vscode.commands.executeCommand<number>('initLens.scanWorkspace'), 0, 'no scan in openFilesOnly mode');
      await vscode.window.showTextDocument(closed);
      await diagnosticsFor(closed, (d) => d.length === 3);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await config.update('diagnosticMode', 'workspace', vscode.ConfigurationTarget.Workspace);
    }
  });
  it('shows the layers a model imports from a sibling module, and re-analyses the model when that module is edited and saved', async function () {
    this.timeout(60_000);
    const folder = fileUri('twofile');
    const blocks = fileUri('twofile/blocks.py');
    const model = fileUri('twofile/model.py');
    const write = (uri: vscode.Uri, text: string) => vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    await write(fileUri('twofile/__init__.py'), '');
    await write(
      blocks,
      'import torch.nn as nn\n\n\nclass Block(nn.Module):\n    def __init__(self, dim):\n        super().__init__()\n        self.fc = nn.Linear(dim, dim)\n        self.act = nn.ReLU()\n\n    def forward(self, x):\n        return self.act(self.fc(x))\n',
    );
    await write(
      model,
      'import torch.nn as nn\n\nfrom .blocks import Block\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.blocks = nn.Sequential(*[Block(256) for _ in range(8)])\n        self.head = nn.Linear(256, 10)\n\n    def forward(self, x):\n        return self.head(self.blocks(x))\n',
    );
    const relu = (d: vscode.Diagnostic[]) => d.filter((x) => (x.code as { value?: string } | undefined)?.value === 'init-relu');
    try {
      await vscode.window.showTextDocument(model);
      // The 8 blocks' layer is one line of blocks.py: one diagnostic naming its 8 instances.
      const found = relu(await diagnosticsFor(model, (d) => relu(d).length === 1));
      // Placed in the model file, with a link to where the layer is defined.
      assert.ok(found[0]!.message.includes('blocks.py line 7'), found[0]!.message);
      const link = found[0]!.relatedInformation?.find((r) => r.location.uri.path.endsWith('/twofile/blocks.py'));
      assert.equal(link?.location.range.start.line, 6);
      const document = await vscode.workspace.openTextDocument(blocks);
      const editor = await vscode.window.showTextDocument(document);
      await editor.edit((edit) => edit.insert(new vscode.Position(8, 0), "        nn.init.kaiming_normal_(self.fc.weight, nonlinearity='relu')\n"));
      assert.ok(await document.save());
      await diagnosticsFor(model, (d) => relu(d).length === 0);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });
});
