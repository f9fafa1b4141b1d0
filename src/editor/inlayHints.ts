/**
 * Inlay hints at the end of each layer's statement (hintPlacement.ts: never inside an expression):
 * the init in force and what it does per layer, compact by default (`He ✓`, `⚠ ×0.17`) or longer
 * (`He·N ✓ ReLU`, `initLens.inlayHints.verbosity`), never past a sensible length, with the numbers
 * and the rule's source in the tooltip. A finding silenced by a suppression comment shows no ⚠.
 * Off when `editor.inlayHints.enabled` or `initLens.inlayHints.enabled` says so.
 */
import * as vscode from 'vscode';
import { layerHint, type LayerHint } from '../core/advice/hints';
import { layerUses } from '../core/advice/layerUses';
import { code, markdownOf } from '../core/advice/markdown';
import type { FileAnalysis } from '../core/engine';
import type { AnalysisStore } from './analysisStore';
import { hintPosition, truncateLabel } from './hintPlacement';
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
    return this.hintsOf(document, analysis, range);
  }

  /** One hint per place: layers whose statements end on the same line share it, each named. */
  private hintsOf(document: vscode.TextDocument, analysis: FileAnalysis, range: vscode.Range): vscode.InlayHint[] {
    const settings = this.store.current;
    const lines = document.getText().split(/\r\n|\r|\n/);
    const places = new Map<string, { at: vscode.Position; parts: { name: string; hint: LayerHint }[] }>();
    const seen = new Set<string>();
    const ruleLevels = this.store.ruleLevelsFor(document);
    // A layer written once and built many times is hinted from the model that uses it (the instance its diagnostic speaks of).
    for (const uses of layerUses(analysis.graph.models).values()) {
      for (const { model, layer } of uses) {
        const end = layer.range.end;
        const layerKey = `${end.line}:${end.column}`;
        // Defined in an earlier notebook cell or in an imported file, or already hinted from an earlier instance.
        if (end.line < 0 || layer.range.path !== undefined || seen.has(layerKey)) {
          continue;
        }
        const position = hintPosition(lines, { line: end.line, character: end.column });
        const at = new vscode.Position(position.line, position.character);
        if (!range.contains(at)) {
          continue;
        }
        const signal = analysis.advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
        const silenced = this.store.silencedRules(document, model.name, layer.name);
        const hint = layerHint(layer, signal, settings.advice.factorTolerance, settings.hintVerbosity, model.framework, { silenced, ruleLevels });
        if (!hint) {
          continue;
        }
        seen.add(layerKey);
        const key = `${at.line}:${at.character}`;
        const place = places.get(key) ?? { at, parts: [] };
        place.parts.push({ name: layer.name, hint });
        places.set(key, place);
      }
    }
    return [...places.values()].map(({ at, parts }) => placedHint(at, parts));
  }
}

/** The hint at `at`: one layer's label, or several named ones; cut to a sensible length, all of it in the tooltip. */
function placedHint(at: vscode.Position, parts: { name: string; hint: LayerHint }[]): vscode.InlayHint {
  const full = parts.length === 1 ? parts[0]!.hint.label : parts.map(({ name, hint }) => `${name}: ${hint.label}`).join(' · ');
  const { text, truncated } = truncateLabel(full);
  const inlay = new vscode.InlayHint(at, text, vscode.InlayHintKind.Type);
  inlay.paddingLeft = true;
  // Untrusted and built from escaped text: names from source never become links or images.
  const tooltip = parts.map(({ hint }) => markdownOf(hint.details)).join('\n\n---\n\n');
  inlay.tooltip = new vscode.MarkdownString(truncated ? `${markdownOf([{ runs: [code(full)] }])}\n\n${tooltip}` : tooltip);
  return inlay;
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
