/**
 * Init Lens in the web-worker extension host (vscode.dev, github.dev, code-server's browser host): the
 * shared activation (editor/activation.ts) with every file read through `vscode.workspace.fs`, the
 * wasm files handed to web-tree-sitter as bytes (editor/wasmBytes.ts), and the analysis in a nested
 * Web Worker started from a `blob:` URL of its bundle (editor/webAnalysisWorker.ts). What needs Node stays with the desktop entry (extension.ts): the CLI, the worker's heap cap.
 */
import * as vscode from 'vscode';
import { activateIn, type InitLensApi } from './editor/activation';
import { inThreadStarter } from './editor/inThreadAnalysis';
import { wasmBytesLocation, WASM_FILES, type WasmBytes } from './editor/wasmBytes';
import { webWorkerConstructor, webWorkerStarter } from './editor/webAnalysisWorker';

export type { InitLensApi } from './editor/activation';

/** What the web host lacks, said in the log at activation (and in the README). */
const LIMITATIONS = [
  'the analysis memory cap (initLens.analysisMemoryLimitMb): a Web Worker has no heap limit; the time budget still applies',
  'the command-line interface and the pre-commit hook (they need Node)',
];

async function readWasm(dist: vscode.Uri): Promise<WasmBytes> {
  const [runtime, python] = await Promise.all(WASM_FILES.map((name) => vscode.workspace.fs.readFile(vscode.Uri.joinPath(dist, name))));
  return { 'web-tree-sitter.wasm': runtime!, 'tree-sitter-python.wasm': python! };
}

export function activate(context: vscode.ExtensionContext): Promise<InitLensApi | undefined> {
  const wasm = readWasm(vscode.Uri.joinPath(context.extensionUri, 'dist'));
  return activateIn(context, {
    kind: 'web',
    wasm: async () => wasmBytesLocation(await wasm),
    analysisWorker: async (dist) => {
      const Worker = webWorkerConstructor();
      if (!Worker) {
        return { start: inThreadStarter(wasm), thread: 'host-thread' };
      }
      const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dist, 'web', 'analysisWorker.js')));
      return { start: webWorkerStarter(Worker, source, await wasm), thread: 'web-worker' };
    },
    limitations: LIMITATIONS,
  });
}

export function deactivate(): void {}
