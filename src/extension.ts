/**
 * Init Lens: activation wiring only. Loads the Python grammar from the extension's own dist/
 * folder, then registers each editor feature.
 */
import * as vscode from 'vscode';
import { loadPython } from './core/python/parser';
import { registerCodeActions } from './editor/codeActions';
import { registerDiagnostics } from './editor/diagnostics';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Init Lens');
  context.subscriptions.push(output);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  await loadPython({
    locate: (name: string) => (context.extensionUri.scheme === 'file' ? vscode.Uri.joinPath(dist, name).fsPath : vscode.Uri.joinPath(dist, name).toString(true)),
  });
  const store = registerDiagnostics(context, output);
  registerCodeActions(context, store);
}

export function deactivate(): void {}
