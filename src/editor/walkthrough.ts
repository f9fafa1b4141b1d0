/**
 * The walkthrough's first step: *Init Lens: Open an Example Model* opens the bundled example
 * (media/walkthrough/example.py, a deep ReLU MLP on PyTorch's default init) as an untitled Python
 * document, so a user sees a finding, its fix and the preview without a model of their own. It is
 * read through `workspace.fs`, so it works in the web-worker extension host as on desktop.
 */
import * as vscode from 'vscode';

/** The example's path inside the extension (test/unit/editor/walkthrough.test.ts checks it). */
const WALKTHROUGH_EXAMPLE = ['media', 'walkthrough', 'example.py'] as const;

/** Registers `initLens.openExample`. */
export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('initLens.openExample', async () => {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, ...WALKTHROUGH_EXAMPLE));
      // Untitled, so trying a fix never writes into the extension's own files.
      const document = await vscode.workspace.openTextDocument({ language: 'python', content: new TextDecoder().decode(bytes) });
      return vscode.window.showTextDocument(document);
    }),
  );
}
