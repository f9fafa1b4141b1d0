/**
 * Inlay hints after each layer definition: the init in force and what it does per layer
 * (`He·N ✓ ReLU`, `torch default ⚠ ×0.167/layer ReLU`), with the numbers and the rule's source in
 * the tooltip. Off when `editor.inlayHints.enabled` or `initLens.inlayHints.enabled` says so.
 */
import * as vscode from 'vscode';
import { layerHint } from '../core/advice/hints';
import { markdownOf } from '../core/advice/markdown';
import type { AnalysisStore } from './analysisStore';
import { PROVIDER_WAIT_MS } from './hover';
import { affects } from './settings';

class InitInlayHints implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(private readonly store: AnalysisStore) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range): Promise<vscode.InlayHint[]> {
    const settings = this.store.current;
    const editorSetting = vscode.workspace.getConfiguration('editor.inlayHints', document).get<string>('enabled', 'on');
    if (!settings.hintsEnabled || editorSetting === 'off') {
      return [];
    }
    const version = document.version;
    const analysis = await this.store.whenAnalysed(document, PROVIDER_WAIT_MS);
    // The text changed while the analysis ran: its ranges no longer match the text.
    if (!analysis || document.version !== version) {
      return [];
    }
    const hints: vscode.InlayHint[] = [];
    const placed = new Set<string>();
    for (const model of analysis.graph.models) {
      for (const layer of model.layers) {
        if (layer.range.end.line < 0 || layer.range.path !== undefined) {
          continue; // defined in an earlier notebook cell, or in an imported file
        }
        const at = new vscode.Position(layer.range.end.line, layer.range.end.column);
        const key = `${at.line}:${at.character}`;
        // A layer written once but used in many models gets one hint, from the first model.
        if (placed.has(key) || !range.contains(at)) {
          continue;
        }
        const signal = analysis.advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
        const hint = layerHint(layer, signal, settings.advice.factorTolerance, settings.hintVerbosity, model.framework);
        if (!hint) {
          continue;
        }
        placed.add(key);
        const inlay = new vscode.InlayHint(at, hint.label, vscode.InlayHintKind.Type);
        inlay.paddingLeft = true;
        // Untrusted and built from escaped text: names from source never become links or images.
        inlay.tooltip = new vscode.MarkdownString(markdownOf(hint.details));
        hints.push(inlay);
      }
    }
    return hints;
  }
}

/** Registers the inlay hints provider for Python. */
export function registerInlayHints(context: vscode.ExtensionContext, store: AnalysisStore): void {
  const provider = new InitInlayHints(store);
  context.subscriptions.push(
    vscode.languages.registerInlayHintsProvider({ language: 'python' }, provider),
    store.onDidAnalyze(() => provider.refresh()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affects(event) || event.affectsConfiguration('editor.inlayHints')) {
        provider.refresh();
      }
    }),
  );
}
