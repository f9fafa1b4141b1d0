/**
 * The language status item of Python files (the `{}` next to the language in the status bar, where
 * Pylance and Ruff say what they are doing): the active file's framework and state (analysed, with
 * its models, findings and how long it took; not analysed and why; busy), with a link to the logs.
 */
import * as vscode from 'vscode';
import type { AnalysisStore } from './analysisStore';
import { notAnalysedMessage, skipReasonText } from './diagnostics';

/** What the item shows, for the in-editor tests. */
export interface LanguageStatusView {
  text: string;
  detail: string | undefined;
  busy: boolean;
  severity: vscode.LanguageStatusSeverity;
  command: string | undefined;
}

/** The framework a file's analysis found, as its users write it. */
const FRAMEWORK_NAMES: Record<string, string> = { pytorch: 'PyTorch', keras: 'Keras', flax: 'Flax' };

/** Sets the item for the document (undefined: no Python editor is active). */
function show(item: vscode.LanguageStatusItem, store: AnalysisStore, document: vscode.TextDocument | undefined): void {
  item.busy = false;
  item.severity = vscode.LanguageStatusSeverity.Information;
  item.detail = undefined;
  if (!document || document.languageId !== 'python') {
    item.text = vscode.l10n.t('Init Lens');
    return;
  }
  const skipped = store.skipReason(document);
  if (skipped) {
    item.text = vscode.l10n.t('Init Lens: not analysed');
    item.detail = skipReasonText(skipped);
    item.busy = skipped.reason === 'loading';
    return;
  }
  const outcome = store.outcome(document);
  if (!outcome || store.isPending(document)) {
    item.text = vscode.l10n.t('Init Lens: analysing…');
    item.busy = true;
    return;
  }
  const at = outcome.finishedAt === undefined ? '' : new Date(outcome.finishedAt).toLocaleTimeString();
  if (outcome.kind === 'notAnalysed') {
    item.text = vscode.l10n.t('Init Lens: not analysed');
    item.detail = notAnalysedMessage(outcome, store.current);
    item.severity = vscode.LanguageStatusSeverity.Warning;
    return;
  }
  const { graph, advice } = outcome.analysis;
  const framework = FRAMEWORK_NAMES[graph.framework];
  if (!framework || graph.models.length === 0) {
    item.text = vscode.l10n.t('Init Lens: no model');
    item.detail = vscode.l10n.t('no PyTorch, Keras or Flax model in this file · analysed at {0}', at);
    return;
  }
  const models = graph.models.length === 1 ? vscode.l10n.t('1 model') : vscode.l10n.t('{0} models', String(graph.models.length));
  const findings = advice.findings.length === 1 ? vscode.l10n.t('1 finding') : vscode.l10n.t('{0} findings', String(advice.findings.length));
  item.text = vscode.l10n.t('Init Lens: {0} · {1}, {2}', framework, models, findings);
  const took = outcome.durationMs === undefined ? '' : vscode.l10n.t(' in {0} ms', String(outcome.durationMs));
  item.detail = vscode.l10n.t('analysed at {0}{1}', at, took);
}

/** Registers the item; it follows the active editor and each analysis. Returns what it shows. */
export function registerLanguageStatus(context: vscode.ExtensionContext, store: AnalysisStore): () => LanguageStatusView {
  const item = vscode.languages.createLanguageStatusItem('initLens.status', { language: 'python' });
  item.name = vscode.l10n.t('Init Lens');
  item.command = { title: vscode.l10n.t('Show Logs'), command: 'initLens.showLogs' };
  const update = () => show(item, store, vscode.window.activeTextEditor?.document);
  const updateFor = (uri: vscode.Uri) => {
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()) {
      update();
    }
  };
  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    store.onDidAnalyze(updateFor),
    store.onDidSubmit(updateFor),
    store.projects.onDidChange(update),
    vscode.workspace.onDidChangeConfiguration(update),
  );
  update();
  return () => ({ text: item.text, detail: item.detail, busy: item.busy, severity: item.severity, command: item.command?.command });
}
