/**
 * Hovers on layer definitions and on the init calls that write them: the init in force and where
 * it came from, the activation, the numbers, and what the recommended init would give.
 * The hover is trusted (its links run our commands), so every piece of text in it is rendered
 * escaped by markdown.ts: a name from source can never become a link, an image or HTML.
 */
import * as vscode from 'vscode';
import { reasonDetails } from '../core/advice/findingReasons';
import { findingCovers } from '../core/advice/findingsByRange';
import { layerHint } from '../core/advice/hints';
import { instanceSummary } from '../core/advice/instances';
import { layerUses } from '../core/advice/layerUses';
import { commandLink, escapeMarkdown, markdownOf } from '../core/advice/markdown';
import type { InitInForce } from '../core/graph';
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
    // Each layer definition once, from the model that uses it (the instance its diagnostic and hint speak of).
    for (const uses of layerUses(analysis.graph.models).values()) {
      const { model, layer } = uses[0]!;
      // Positions above a notebook cell (in earlier cells) are negative here.
      // Ranges with a `path` are in an imported file, not in this document.
      const onLayer = layer.range.start.line >= 0 && layer.range.path === undefined && toRange(layer.range).contains(position);
      const init = uses.map((use) => use.layer.init.weight).find((weight) => weight !== null && weight !== undefined && onInitCall(weight, position));
      if (!onLayer && !init) {
        continue;
      }
      if (init && !onLayer) {
        covered.add(`${layer.range.start.line}:${layer.range.start.column}`);
      }
      const signal = analysis.advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
      const silenced = this.store.silencedRules(document, model.name, layer.name);
      const hint = layerHint(layer, signal, this.store.current.advice.factorTolerance, 'full', model.framework, {
        silenced,
        ruleLevels: this.store.ruleLevelsFor(document),
      });
      if (hint && sections.length < 3) {
        const fixable = analysis.advice.findings.some((f) => findingCovers(f, model.name, layer.name) && f.fix !== null);
        const links = [
          fixable
            ? commandLink(vscode.l10n.t('Apply the recommended init'), 'initLens.applyRecommendations', [
                document.uri.toString(),
                { model: model.name, layer: layer.name },
              ])
            : undefined,
          commandLink(vscode.l10n.t('Show variance preview'), 'initLens.showPreview', []),
        ].filter(Boolean);
        const from =
          uses.length > 1
            ? vscode.l10n.t('in model {0}, one of {1}', model.name, instanceSummary(uses.map((use) => ({ model: use.model.name, layer: use.layer.name }))))
            : vscode.l10n.t('in model {0}', model.name);
        // A finding on this range states the reasons of every instance it stands for, not only this one's.
        const reasons = analysis.advice.findings.filter((f) => uses.some((use) => findingCovers(f, use.model.name, use.layer.name))).flatMap(reasonDetails);
        sections.push(`${markdownOf([...hint.details, ...reasons])}\n\n*${escapeMarkdown(from)}* · ${links.join(' · ')}`);
        hoverRange ??= onLayer ? toRange(layer.range) : toRange(init!.range);
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

/** True when the position is on the init call that sets the weight (not a default, not in another file or cell). */
function onInitCall(init: InitInForce, position: vscode.Position): boolean {
  return init.source !== 'default' && init.range.start.line >= 0 && init.range.path === undefined && toRange(init.range).contains(position);
}

/** Registers the hover provider for Python. */
export function registerHover(context: vscode.ExtensionContext, store: AnalysisStore): void {
  context.subscriptions.push(vscode.languages.registerHoverProvider({ language: 'python' }, new InitHover(store)));
}
