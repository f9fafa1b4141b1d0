/**
 * Init Lens: activation wiring only. Loads the Python grammar from the extension's own dist/
 * folder, then registers each editor feature over one shared analysis store.
 */
import * as vscode from 'vscode';
import { loadPython } from './core/python/parser';
import { AnalysisStore } from './editor/analysisStore';
import { registerCodeActions } from './editor/codeActions';
import { registerDiagnostics } from './editor/diagnostics';
import { registerHover } from './editor/hover';
import { registerInlayHints } from './editor/inlayHints';
import { registerPreviewView } from './editor/previewView';
import { registerProjectConfigs } from './editor/projectConfigs';
import { nodeWorkerStarter } from './editor/nodeAnalysisWorker';
import { readSettings } from './editor/settings';
import { registerWorkspaceScan } from './editor/workspaceScan';
import type { ExtensionMessage } from './protocol/preview';

/** What activation returns: only the in-editor tests use it. */
export interface InitLensApi {
  onDidPostPreview: vscode.Event<ExtensionMessage>;
  /** The document (URI string) the analysis worker is reading now, if any. */
  analysisInProgress(): string | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<InitLensApi | undefined> {
  const output = vscode.window.createOutputChannel('Init Lens');
  context.subscriptions.push(output);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  try {
    await loadPython({
      locate: (name: string) =>
        context.extensionUri.scheme === 'file' ? vscode.Uri.joinPath(dist, name).fsPath : vscode.Uri.joinPath(dist, name).toString(true),
    });
  } catch (error) {
    output.appendLine(`The Python grammar did not load: ${(error as Error).stack ?? String(error)}`);
    return undefined;
  }
  // The analysis runs in a worker thread with a heap cap, never on the extension host's thread.
  const startWorker = nodeWorkerStarter(dist.fsPath, () => readSettings().analysisMemoryLimitMb);
  const store = new AnalysisStore(output, registerProjectConfigs(context), startWorker);
  context.subscriptions.push(store);
  const diagnostics = registerDiagnostics(context, store);
  registerCodeActions(context, store);
  registerInlayHints(context, store);
  registerHover(context, store);
  registerWorkspaceScan(context, store, diagnostics);
  const preview = registerPreviewView(context, store, output);
  return { onDidPostPreview: preview.onDidPost, analysisInProgress: () => store.busyWith };
}

export function deactivate(): void {}
