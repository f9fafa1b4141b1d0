/**
 * Activation shared by both entries (extension.ts on desktop, extensionWeb.ts in the web-worker
 * extension host): the log channel, the grammar, then each editor feature over one analysis store.
 * What differs by host (where the wasm files are, how the analysis worker starts, what the host
 * lacks) comes in as an `ActivationHost`; nothing here imports Node.
 */
import * as vscode from 'vscode';
import { loadPython, type WasmLocation } from '../core/python/parser';
import type { ExtensionMessage, MonteCarloReport, PreviewMethod } from '../protocol/preview';
import type { StartWorker } from './analysisScheduler';
import { AnalysisStore, type FinishedOutcome } from './analysisStore';
import { registerCodeActions } from './codeActions';
import { registerDiagnostics } from './diagnostics';
import { registerHover } from './hover';
import { registerInlayHints } from './inlayHints';
import { registerLanguageStatus, type LanguageStatusView } from './languageStatus';
import { registerPreviewView } from './previewView';
import { registerProjectConfigs } from './projectConfigs';
import { registerWalkthrough } from './walkthrough';
import { registerWorkspaceScan } from './workspaceScan';

/** What activation returns: only the in-editor tests use it. */
export interface InitLensApi {
  onDidPostPreview: vscode.Event<ExtensionMessage>;
  /** Plays the preview webview: handles `message` as if the panel had posted it. */
  postFromPreview(message: unknown): Promise<void>;
  /** The document (URI string) the analysis worker is reading now, if any. */
  analysisInProgress(): string | undefined;
  /** What the language status item shows now. */
  languageStatus(): LanguageStatusView;
  /** The log output channel (its name and level). */
  log: vscode.LogOutputChannel;
  /** The folder of this extension's logs (the log channel's file is below it). */
  logUri: vscode.Uri;
  /** Which extension host runs this copy. */
  host: 'desktop' | 'web';
  /** Where the analysis runs: a `worker_threads` worker, a Web Worker, or (fallback) the host's own thread. */
  analysisThread: AnalysisThread;
  /** Milliseconds from the start of activation to the first diagnostics published (undefined until then). */
  coldStartMs(): number | undefined;
  /** Seams for the in-editor tests: present only in `ExtensionMode.Test`, so no setting or file of a normal install reaches them. */
  testOnly?: TestOnlyApi;
}

/** What only the in-editor tests may do (activation's `testOnly`). */
export interface TestOnlyApi {
  /** The worker busy-waits `ms` before each later analysis of `uri`, like a runaway file (0 ends it). */
  slowAnalysis(uri: vscode.Uri, ms: number): void;
  /** The document's last finished outcome: its analysis (with the graph's notes), or why it was not analysed. */
  outcomeOf(document: vscode.TextDocument): FinishedOutcome | undefined;
  /** Chooses the preview's simulation method as its method field does (false when the panel is not open). */
  setPreviewMethod(method: PreviewMethod): Promise<boolean>;
  /** The preview's Monte-Carlo reports: per-layer values and kernel of a finished run, or the error of a failed one. */
  onDidPreviewMonteCarlo: vscode.Event<MonteCarloReport | { error: string }>;
}

/** Where the analysis runs. */
export type AnalysisThread = 'worker_threads' | 'web-worker' | 'host-thread';

/** How the analysis worker starts, and where it runs. */
export interface AnalysisWorker {
  start: StartWorker;
  thread: AnalysisThread;
}

/** What one kind of extension host provides to activation. */
export interface ActivationHost {
  kind: 'desktop' | 'web';
  /** Where the grammar's two wasm files are found, given the extension's dist/ folder. */
  wasm(dist: vscode.Uri): Promise<WasmLocation>;
  /** How the analysis worker starts, given the extension's dist/ folder (once what it needs is read). */
  analysisWorker(dist: vscode.Uri): AnalysisWorker | Promise<AnalysisWorker>;
  /** What this host cannot do, said once in the log at activation. */
  limitations: readonly string[];
}

/** Activates Init Lens in the host described by `host`. */
export async function activateIn(context: vscode.ExtensionContext, host: ActivationHost): Promise<InitLensApi | undefined> {
  const started = Date.now();
  // A log channel: its level is VS Code's own (Developer: Set Log Level…), info by default.
  const output = vscode.window.createOutputChannel('Init Lens', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('initLens.showLogs', () => output.show(true)),
  );
  const version = (context.extension.packageJSON as { version?: string }).version ?? '?';
  output.info(
    `Init Lens ${version} in VS Code ${vscode.version} (${vscode.env.appHost}), workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'}, ${host.kind} extension host`,
  );
  for (const limitation of host.limitations) {
    output.warn(`not available in this extension host: ${limitation}`);
  }
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  let worker: AnalysisWorker;
  try {
    [, worker] = await Promise.all([host.wasm(dist).then(loadPython), host.analysisWorker(dist)]);
  } catch (error) {
    output.error(`The Python grammar or the analysis worker did not load: ${(error as Error).stack ?? String(error)}`);
    return undefined;
  }
  if (worker.thread === 'host-thread') {
    output.warn('this extension host cannot start a worker: the analysis runs on its own thread (the time budget ends its result, not its work)');
  }
  const store = new AnalysisStore(output, registerProjectConfigs(context), worker.start);
  context.subscriptions.push(store);
  const diagnostics = registerDiagnostics(context, store);
  let coldStartMs: number | undefined;
  const firstDiagnostics = vscode.languages.onDidChangeDiagnostics((event) => {
    if (event.uris.some((uri) => vscode.languages.getDiagnostics(uri).some((d) => d.source === 'Init Lens'))) {
      coldStartMs = Date.now() - started;
      output.info(`cold start: first diagnostics ${coldStartMs} ms after activation began`);
      firstDiagnostics.dispose();
    }
  });
  context.subscriptions.push(firstDiagnostics);
  registerCodeActions(context, store);
  registerInlayHints(context, store);
  registerHover(context, store);
  registerWorkspaceScan(context, store, diagnostics);
  registerWalkthrough(context);
  const preview = registerPreviewView(context, store, output);
  const languageStatus = registerLanguageStatus(context, store);
  output.info(
    `settings: diagnosticMode ${store.current.diagnosticMode}, analysis budget ${store.current.analysisTimeoutMs} ms and ${store.current.analysisMemoryLimitMb} MB`,
  );
  return {
    onDidPostPreview: preview.onDidPost,
    postFromPreview: (message) => preview.receive(message),
    analysisInProgress: () => store.busyWith,
    languageStatus,
    log: output,
    logUri: context.logUri,
    host: host.kind,
    analysisThread: worker.thread,
    coldStartMs: () => coldStartMs,
    ...(context.extensionMode === vscode.ExtensionMode.Test
      ? {
          testOnly: {
            slowAnalysis: (uri, ms) => store.slowDownForTests(uri, ms),
            outcomeOf: (document) => store.outcome(document),
            setPreviewMethod: (method) => preview.setMethod(method),
            onDidPreviewMonteCarlo: preview.onDidMonteCarlo,
          } satisfies TestOnlyApi,
        }
      : {}),
  };
}
