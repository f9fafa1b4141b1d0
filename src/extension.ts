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
import { registerLanguageStatus, type LanguageStatusView } from './editor/languageStatus';
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
  /** What the language status item shows now. */
  languageStatus(): LanguageStatusView;
  /** The log output channel (its name and level). */
  log: vscode.LogOutputChannel;
  /** The folder of this extension's logs (the log channel's file is below it). */
  logUri: vscode.Uri;
}

export async function activate(context: vscode.ExtensionContext): Promise<InitLensApi | undefined> {
  // A log channel: its level is VS Code's own (Developer: Set Log Level…), info by default.
  const output = vscode.window.createOutputChannel('Init Lens', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('initLens.showLogs', () => output.show(true)),
  );
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  output.info(`Init Lens ${version} in VS Code ${vscode.version} (${vscode.env.appHost}), workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'}`);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  try {
    await loadPython({
      locate: (name: string) =>
        context.extensionUri.scheme === 'file' ? vscode.Uri.joinPath(dist, name).fsPath : vscode.Uri.joinPath(dist, name).toString(true),
    });
  } catch (error) {
    output.error(`The Python grammar did not load: ${(error as Error).stack ?? String(error)}`);
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
  const languageStatus = registerLanguageStatus(context, store);
  output.info(
    `settings: diagnosticMode ${store.current.diagnosticMode}, analysis budget ${store.current.analysisTimeoutMs} ms and ${store.current.analysisMemoryLimitMb} MB`,
  );
  return { onDidPostPreview: preview.onDidPost, analysisInProgress: () => store.busyWith, languageStatus, log: output, logUri: context.logUri };
}

export function deactivate(): void {}
