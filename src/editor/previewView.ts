/**
 * The variance preview: a webview view in Init Lens' activity-bar container. It follows the active
 * Python editor and the model under the cursor, sends that model's networks to the webview (which
 * simulates them itself), and answers the webview's requests: reveal a layer, apply the model's fix,
 * show another model of the file. Every message from the webview is validated first.
 */
import * as vscode from 'vscode';
import type { FileAnalysis } from '../core/engine';
import { parseWebviewMessage, type ExtensionMessage, type MonteCarloReport, type PreviewMethod, type WebviewMessage } from '../protocol/preview';
import { translatedPreviewStrings } from '../protocol/previewStrings';
import type { AnalysisStore } from './analysisStore';
import { notAnalysedMessage, toRange } from './diagnostics';
import { makeNonce, previewHtml } from './previewHtml';
import { modelAt, previewModelOf } from './previewModel';
import { uriOfPath } from './vscodeImportFiles';

export const PREVIEW_VIEW_ID = 'initLens.preview';

/** How long the cursor and the text must rest before the panel follows them. */
const FOLLOW_DELAY_MS = 250;

class PreviewViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The model the user picked in the panel, per document, until the cursor moves to another. */
  private readonly picked = new Map<string, string>();
  /** What was last posted (cleared to force a resend when the webview reloads or asks). */
  private lastSent = '';
  private lastMessage: ExtensionMessage | undefined;
  /** The model last sent, so that "reveal" looks in it first (layer names repeat across models). */
  private shown: { uri: string; model: string } | undefined;
  /** The last preview built, by the analysis and model it came from: moving the cursor within a model rebuilds nothing. */
  private built: { analysis: FileAnalysis; model: string; message: ExtensionMessage } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<ExtensionMessage>();
  /** Fires after a message was posted to the webview (the in-editor tests wait on it). */
  readonly onDidPost = this.posted.event;
  private readonly monteCarlo = new vscode.EventEmitter<MonteCarloReport | { error: string }>();
  /** Fires when the panel reports a finished (or failed) Monte-Carlo run. */
  readonly onDidMonteCarlo = this.monteCarlo.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: AnalysisStore,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule()),
      vscode.window.onDidChangeTextEditorSelection((event) => {
        this.picked.delete(event.textEditor.document.uri.toString());
        this.schedule();
      }),
      store.onDidAnalyze((uri) => {
        if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) {
          this.schedule();
        }
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === vscode.window.activeTextEditor?.document) {
          this.schedule();
        }
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    view.webview.html = previewHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      workerUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webviewWorker.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.css')).toString(),
      // The panel speaks the editor's language: its strings go through the extension's l10n bundle.
      l10n: { locale: vscode.env.language, strings: translatedPreviewStrings((message) => vscode.l10n.t(message)) },
    });
    this.lastSent = '';
    view.webview.onDidReceiveMessage((raw) => void this.receive(raw), undefined, this.disposables);
    view.onDidChangeVisibility(() => {
      if (view.visible) {
        this.lastSent = '';
        this.schedule();
      }
    });
    view.onDidDispose(() => {
      if (this.view === view) {
        this.view = undefined;
      }
    });
  }

  /** Debounced: typing and cursor moves never wait on the panel. */
  private schedule(): void {
    if (!this.view?.visible) {
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.send(), FOLLOW_DELAY_MS);
  }

  private send(): void {
    const message = this.messageForActiveEditor();
    // The same preview object was already sent (cursor moved within the model): no need to serialise it again.
    if (!this.view || (message === this.lastMessage && this.lastSent !== '')) {
      return;
    }
    const text = JSON.stringify(message);
    this.lastMessage = message;
    if (text === this.lastSent) {
      return;
    }
    this.lastSent = text;
    this.shown = message.type === 'model' ? { uri: message.model.uri, model: message.model.model } : undefined;
    void this.view.webview.postMessage(message).then(() => this.posted.fire(message));
  }

  private messageForActiveEditor(): ExtensionMessage {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') {
      return { type: 'empty', reason: vscode.l10n.t('Open a Python file with a model to see how the signal travels through its layers.') };
    }
    try {
      const document = editor.document;
      const analysis = this.store.get(document);
      const notAnalysed = analysis ? undefined : this.store.notAnalysed(document);
      if (notAnalysed) {
        return { type: 'empty', reason: notAnalysedMessage(notAnalysed, this.store.current) };
      }
      if (!analysis && this.store.isPending(document)) {
        // Posted again when the analysis finishes (onDidAnalyze).
        return { type: 'empty', reason: vscode.l10n.t('Init Lens is analysing this file…') };
      }
      if (!analysis) {
        return { type: 'empty', reason: vscode.l10n.t('Init Lens does not analyse this file (see the initLens settings).') };
      }
      const models = analysis.graph.models.filter((m) => m.layers.length > 0);
      const key = document.uri.toString();
      const cursor = editor.selection.active;
      const model = models.find((m) => m.name === this.picked.get(key)) ?? modelAt(models, { line: cursor.line, column: cursor.character });
      if (!model) {
        return { type: 'empty', reason: vscode.l10n.t('No model with layers in {0}.', fileNameOf(document)) };
      }
      if (this.built?.analysis === analysis && this.built.model === model.name) {
        return this.built.message;
      }
      const preview = previewModelOf(analysis, model.name, { uri: key, fileName: fileNameOf(document) });
      // A model with too little simulated is still sent: the panel says how much, and why, in its place.
      const message: ExtensionMessage = !preview
        ? { type: 'empty', reason: vscode.l10n.t('{0} has no layer the preview can simulate.', model.name) }
        : { type: 'model', model: preview };
      this.built = { analysis, model: model.name, message };
      return message;
    } catch (error) {
      // A failure here must never reach the user as a crash: log it, show an empty panel.
      this.output.error(`variance preview: ${(error as Error).stack ?? String(error)}`);
      return { type: 'empty', reason: vscode.l10n.t('The preview could not be computed for this file (details in the Init Lens output).') };
    }
  }

  /** A message from the webview (the in-editor tests post one through the extension's API). */
  async receive(raw: unknown): Promise<void> {
    const message: WebviewMessage | undefined = parseWebviewMessage(raw);
    if (!message) {
      this.output.warn(`variance preview: ignored a malformed message from the webview`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.lastSent = '';
        this.send();
        return;
      case 'selectModel':
        this.picked.set(message.uri, message.model);
        this.lastSent = '';
        this.send();
        return;
      case 'reveal':
        await this.reveal(message.uri, message.layer);
        return;
      case 'applyFix':
        await this.applyFix(message.uri, message.model);
        return;
      case 'monteCarloDone': {
        const { type: _type, ...report } = message;
        this.output.info(
          `variance preview: Monte Carlo on ${report.model}: ${report.layers.length} layers in ${Math.round(report.elapsedMs)} ms, ${report.kernel} kernel`,
        );
        this.monteCarlo.fire(report);
        return;
      }
      case 'monteCarloFailed':
        this.output.warn(`variance preview: Monte Carlo on ${message.model} failed: ${message.message}`);
        this.monteCarlo.fire({ error: message.message });
        return;
    }
  }

  /** Chooses the panel's simulation method, as its method field does; false when the panel is not open. */
  async setMethod(method: PreviewMethod): Promise<boolean> {
    return this.view ? this.view.webview.postMessage({ type: 'setMethod', method } satisfies ExtensionMessage) : false;
  }

  /**
   * The panel's "Apply recommended init": only for the model the panel shows, in its document. The
   * webview is not trusted to name a file: a message naming anything else is refused with no edit.
   * Like the quick fix, the edit lands in the editor, which is revealed first: the file stays
   * unsaved (an edit to a file no editor shows may be saved by VS Code) and one undo reverts it.
   */
  private async applyFix(uri: string, model: string): Promise<void> {
    const shown = this.shown;
    const document = shown && vscode.workspace.textDocuments.find((d) => d.uri.toString() === shown.uri);
    if (!shown || !document || uri !== shown.uri || model !== shown.model) {
      this.output.warn(
        `variance preview: refused to apply a fix to ${model} in ${uri}: the panel shows ${shown ? `${shown.model} in ${shown.uri}` : 'nothing'}`,
      );
      return;
    }
    const visible = vscode.window.visibleTextEditors.find((editor) => editor.document === document);
    await vscode.window.showTextDocument(document, { viewColumn: visible?.viewColumn, preserveFocus: false, preview: false });
    await vscode.commands.executeCommand('initLens.applyRecommendations', document.uri, { model: shown.model });
  }

  private async reveal(uri: string, layerName: string): Promise<void> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    const analysis = document ? this.store.get(document) : undefined;
    const models = analysis?.graph.models ?? [];
    const inShown = models.find((m) => this.shown?.uri === uri && m.name === this.shown.model);
    const layer = [...(inShown ? [inShown] : []), ...models].flatMap((m) => m.layers).find((l) => l.name === layerName);
    if (!document || !layer) {
      return;
    }
    const at = layer.definition?.range ?? layer.range;
    const range = toRange(at);
    // A layer whose code is in an imported file is shown there.
    const target = at.path === undefined ? document : await vscode.workspace.openTextDocument(uriOfPath(at.path));
    const editor = await vscode.window.showTextDocument(target, { preserveFocus: false, selection: new vscode.Range(range.start, range.start) });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.posted.dispose();
    this.monteCarlo.dispose();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}

/** Registers the view provider and the command that shows it. */
export function registerPreviewView(context: vscode.ExtensionContext, store: AnalysisStore, output: vscode.LogOutputChannel): PreviewViewHandle {
  const provider = new PreviewViewProvider(context.extensionUri, store, output);
  context.subscriptions.push(
    provider,
    vscode.window.registerWebviewViewProvider(PREVIEW_VIEW_ID, provider),
    vscode.commands.registerCommand('initLens.showPreview', () => vscode.commands.executeCommand(`${PREVIEW_VIEW_ID}.focus`)),
  );
  return {
    onDidPost: provider.onDidPost,
    receive: (raw) => provider.receive(raw),
    onDidMonteCarlo: provider.onDidMonteCarlo,
    setMethod: (method) => provider.setMethod(method),
  };
}

/** What activation keeps of the preview: for the in-editor tests. */
export interface PreviewViewHandle {
  onDidPost: vscode.Event<ExtensionMessage>;
  receive(raw: unknown): Promise<void>;
  /** The panel's Monte-Carlo reports (a finished run, or the error of a failed one). */
  onDidMonteCarlo: vscode.Event<MonteCarloReport | { error: string }>;
  /** Chooses the panel's simulation method (false when the panel is not open). */
  setMethod(method: PreviewMethod): Promise<boolean>;
}

/** The document's file name without its folder (from its URI, whose path uses `/` on every host and OS). */
function fileNameOf(document: vscode.TextDocument): string {
  return document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
}
