/**
 * Init Lens on desktop (and in any Node extension host): the shared activation (editor/activation.ts)
 * with the wasm files read from disk and the analysis in a `worker_threads` worker with a heap cap.
 * The web-worker host's entry is extensionWeb.ts.
 */
import * as vscode from 'vscode';
import { activateIn, type InitLensApi } from './editor/activation';
import { nodeWorkerStarter } from './editor/nodeAnalysisWorker';
import { readSettings } from './editor/settings';

export type { InitLensApi } from './editor/activation';

export function activate(context: vscode.ExtensionContext): Promise<InitLensApi | undefined> {
  return activateIn(context, {
    kind: 'desktop',
    wasm: (dist) =>
      Promise.resolve({
        locate: (name: string) => (dist.scheme === 'file' ? vscode.Uri.joinPath(dist, name).fsPath : vscode.Uri.joinPath(dist, name).toString(true)),
      }),
    // The analysis runs in a worker thread with a heap cap, never on the extension host's thread.
    analysisWorker: (dist) => ({ start: nodeWorkerStarter(dist.fsPath, () => readSettings().analysisMemoryLimitMb), thread: 'worker_threads' }),
    limitations: [],
  });
}

export function deactivate(): void {}
