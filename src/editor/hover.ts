/**
 * Hovers on layer definitions and on the init calls that write them: the init in force and where
 * it came from, the activation, the numbers, and what the recommended init would give.
 * The hover is trusted (its links run our commands), so every piece of text in it is rendered
 * escaped by markdown.ts: a name from source can never become a link, an image or HTML.
 */
import * as vscode from 'vscode';
import { layerHint } from '../core/advice/hints';
import { commandLink, escapeMarkdown, markdownOf } from '../core/advice/markdown';
import type { AnalysisStore } from './analysisStore';
import { toRange } from './diagnostics';

/** How long a hover waits for its own file's analysis; it never waits on any other file's. */
export const PROVIDER_WAIT_MS = 1000;

class InitHover implements vscode.HoverProvider {
  constructor(private readonly store: AnalysisStore) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const version = document.version;
    const analysis = await this.store.whenAnalysed(document, PROVIDER_WAIT_MS);
    // The text changed while the analysis ran: its ranges no longer match the text.
    if (!analysis || document.version !== version) {
      return undefined;
    }
    const sections: string[] = [];
    let hoverRange: vscode.Range | undefined;
    // The layers (by definition) the init call under the cursor sets: a loop or `.apply` covers many.
    const covered = new Set<string>();
    for (const model of analysis.graph.models) {
      for (const layer of model.layers) {
        // Positions above a notebook cell (in earlier cells) are negative here.
        // Ranges with a `path` are in an imported file, not in this document.
        const onLayer = layer.range.start.line >= 0 && layer.range.path === undefined && toRange(layer.range).contains(position);
        const init = layer.init.weight;
        const onInit =
          init !== null &&
          init !== undefined &&
          init.source !== 'default' &&
          init.range.start.line >= 0 &&
          init.range.path === undefined &&
          toRange(init.range).contains(position);
        if (!onLayer && !onInit) {
          continue;
        }
        if (onInit && !onLayer) {
          covered.add(`${layer.range.start.line}:${layer.range.start.column}`);
        }
        const signal = analysis.advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
        const silenced = this.store.silencedRules(document, model.name, layer.name);
        const hint = layerHint(layer, signal, this.store.current.advice.factorTolerance, 'full', model.framework, {
          silenced,
          ruleLevels: this.store.ruleLevelsFor(document),
        });
        if (hint && sections.length < 3) {
          const fixable = analysis.advice.findings.some((f) => f.model === model.name && f.layer === layer.name && f.fix !== null);
          const links = [
            fixable
              ? commandLink(vscode.l10n.t('Apply the recommended init'), 'initLens.applyRecommendations', [
                  document.uri.toString(),
                  { model: model.name, layer: layer.name },
                ])
              : undefined,
            commandLink(vscode.l10n.t('Show variance preview'), 'initLens.showPreview', []),
          ].filter(Boolean);
          sections.push(`${markdownOf(hint.details)}\n\n*${escapeMarkdown(vscode.l10n.t('in model {0}', model.name))}* · ${links.join(' · ')}`);
          hoverRange ??= onLayer ? toRange(layer.range) : toRange(init!.range);
        }
      }
    }
    if (sections.length === 0) {
      return undefined;
    }
    // Only our own two commands may run from these links; no HTML is rendered.
    const markdown = new vscode.MarkdownString();
    markdown.isTrusted = { enabledCommands: ['initLens.applyRecommendations', 'initLens.showPreview'] };
    markdown.supportHtml = false;
    if (covered.size > 1) {
      const count =
        covered.size > sections.length
          ? vscode.l10n.t('This init call sets the weights of {0} layers; the first {1} are shown.', String(covered.size), String(sections.length))
          : vscode.l10n.t('This init call sets the weights of {0} layers.', String(covered.size));
      sections.unshift(`*${escapeMarkdown(count)}*`);
    }
    markdown.appendMarkdown(sections.join('\n\n---\n\n'));
    return new vscode.Hover(markdown, hoverRange);
  }
}

/** Registers the hover provider for Python. */
export function registerHover(context: vscode.ExtensionContext, store: AnalysisStore): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider({ language: 'python' }, new InitHover(store)));
}
