/**
 * Quick fixes: the engine's fix for each finding under the cursor (the first preferred), a fix
 * for every layer of the same model, "Ignore <rule> on this line" (a suppression comment, never
 * preferred), and `source.fixAll.initLens` for `editor.codeActionsOnSave`.
 * The same edits back the `initLens.applyRecommendations` command.
 *
 * An engine fix is checked before it is applied (../core/verifiedFixes.ts: applied, it parses
 * and, re-analysed in the worker, clears its finding). Lazily: the actions are listed without edits,
 * so the lightbulb stays fast, and `resolveCodeAction` checks them and fills in the edit; a fix that
 * fails is logged and said in a warning, and its action applies nothing.
 */
import * as vscode from 'vscode';
import { mergeFixes } from '../core/advice/fixAll';
import { findingCovers } from '../core/advice/findingsByRange';
import type { Finding, TextEdit } from '../core/advice/types';
import { fixCandidates, verifyFixesAsync } from '../core/verifiedFixes';
import { ignoreRuleEdit } from '../core/suppressionEdit';
import type { AnalysisStore } from './analysisStore';
import { documentLines, findingSquiggle, toRange } from './diagnostics';
import { checkedFixScope } from './fixRequest';
import { PROVIDER_WAIT_MS } from './hover';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('initLens');

/** A workspace edit from engine edits. */
export function toWorkspaceEdit(document: vscode.TextDocument, edits: TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const textEdit of edits) {
    edit.replace(document.uri, toRange(textEdit.range), textEdit.newText);
  }
  return edit;
}

/** An action of engine fixes, its edit filled in when resolved: the findings whose fixes it applies, merged. */
class EngineFixAction extends vscode.CodeAction {
  constructor(
    title: string,
    kind: vscode.CodeActionKind,
    readonly document: vscode.TextDocument,
    readonly findings: Finding[],
  ) {
    super(title, kind);
  }
}

/**
 * The edits of the findings' fixes that pass the check, merged (empty when none passes or the text
 * changed meanwhile); each failure is logged.
 */
async function verifiedEdits(store: AnalysisStore, document: vscode.TextDocument, findings: Finding[]): Promise<TextEdit[]> {
  const version = document.version;
  const text = document.getText();
  const started = Date.now();
  const verified = await verifyFixesAsync(text, findings, (fixed) => store.findingsOfFixed(document, fixed));
  const where = vscode.workspace.asRelativePath(document.uri);
  verified.notes.forEach((note) => store.log.warn(`${where}: ${note}`));
  store.log.debug(`${where}: ${findings.length} fix(es) checked in ${Date.now() - started} ms, ${verified.notes.length} not offered`);
  if (document.version !== version) {
    return []; // the text changed while the check ran: its edits would land in the wrong place
  }
  return mergeFixes(verified.findings.filter((finding) => finding.fix));
}

class InitCodeActions implements vscode.CodeActionProvider<vscode.CodeAction> {
  constructor(private readonly store: AnalysisStore) {}

  async resolveCodeAction(action: vscode.CodeAction): Promise<vscode.CodeAction> {
    if (!(action instanceof EngineFixAction) || action.edit) {
      return action;
    }
    const edits = await verifiedEdits(this.store, action.document, action.findings);
    if (edits.length > 0) {
      action.edit = toWorkspaceEdit(action.document, edits);
    } else {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Init Lens: "{0}" was not applied: re-checked, it would not clear its finding (see the log).', action.title),
      );
    }
    return action;
  }

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const version = document.version;
    const analysis = await this.store.whenAnalysed(document, PROVIDER_WAIT_MS);
    // The text changed while the analysis ran: its edits would land in the wrong place.
    if (!analysis || document.version !== version) {
      return [];
    }
    const findings = analysis.advice.findings.filter((finding) => finding.fix);
    if (context.only && FIX_ALL_KIND.contains(context.only) && !vscode.CodeActionKind.QuickFix.contains(context.only)) {
      return this.fixAll(document, findings);
    }
    return [...this.fixes(document, range, context, findings), ...this.ignores(document, range, context, analysis.advice.findings)];
  }

  /** One "Ignore <rule> on this line" per rule and line under the cursor. */
  private ignores(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext, all: Finding[]): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const seen = new Set<string>();
    for (const finding of all.filter((f) => toRange(f.range).intersection(range))) {
      const key = `${finding.rule}@${finding.range.start.line}`;
      if (seen.has(key)) {
        continue;
      }
      seen.add(key);
      const edit = ignoreRuleEdit(document.getText(), finding);
      if (!edit) {
        continue;
      }
      const action = new vscode.CodeAction(vscode.l10n.t('Ignore {0} on this line', finding.rule), vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, [edit]);
      const squiggle = findingSquiggle(finding, documentLines(document));
      action.diagnostics = context.diagnostics.filter((d) => d.range.isEqual(squiggle) && (d.code as { value?: string })?.value === finding.rule);
      action.isPreferred = false;
      actions.push(action);
    }
    return actions;
  }

  /** The engine's fixes for the findings under the cursor, and one for every layer of their model. */
  private fixes(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext, findings: Finding[]): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const here = findings.filter((finding) => toRange(finding.range).intersection(range));
    for (const finding of here) {
      const squiggle = findingSquiggle(finding, documentLines(document));
      const diagnostics = context.diagnostics.filter((d) => d.range.isEqual(squiggle) && (d.code as { value?: string })?.value === finding.rule);
      // One action per distinct edit: a layer built 12 times offers its fix once.
      for (const candidate of fixCandidates(finding)) {
        const action = new EngineFixAction(candidate.fix!.title, vscode.CodeActionKind.QuickFix, document, [candidate]);
        action.diagnostics = diagnostics;
        action.isPreferred = actions.length === 0;
        actions.push(action);
      }
    }
    const model = here[0]?.model;
    const sameModel = model === undefined ? [] : findings.filter((finding) => findingCovers(finding, model));
    if (model && sameModel.length > 1) {
      const title = vscode.l10n.t('Use the recommended init for every layer of {0}', model);
      actions.push(new EngineFixAction(title, vscode.CodeActionKind.QuickFix, document, sameModel));
    }
    return actions;
  }

  private fixAll(document: vscode.TextDocument, findings: Finding[]): vscode.CodeAction[] {
    if (findings.length === 0) {
      return [];
    }
    return [new EngineFixAction(vscode.l10n.t('Apply every Init Lens fix'), FIX_ALL_KIND, document, findings)];
  }
}

/**
 * The open document a command argument names (a URI or its string), or undefined: the command
 * never opens a file itself, so a crafted argument cannot reach a file the user has not opened.
 */
function openDocumentOf(uri: unknown): vscode.TextDocument | undefined {
  let key: string | undefined;
  try {
    key = typeof uri === 'string' ? vscode.Uri.parse(uri, true).toString() : uri instanceof vscode.Uri ? uri.toString() : undefined;
  } catch {
    return undefined; // not a URI
  }
  return key === undefined ? undefined : vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/**
 * The command behind "Apply Recommended Inits to File", the hover's links and the panel's button:
 * the engine's fixes for the file, or for one model or layer of it. Arguments come from command
 * links as JSON, so the URI may be a string and the scope a plain object; both are checked (an open
 * Python document Init Lens analysed, a model and layer of its analysis) and anything else is
 * refused with no edit.
 */
async function applyRecommendations(store: AnalysisStore, uri?: unknown, scope?: unknown): Promise<boolean> {
  const document = uri === undefined ? vscode.window.activeTextEditor?.document : openDocumentOf(uri);
  const version = document?.version;
  const analysis = document ? await store.whenAnalysed(document, PROVIDER_WAIT_MS) : undefined;
  if (document && document.version !== version) {
    return false; // the text changed while the analysis ran: its edits would land in the wrong place
  }
  if (uri === undefined && (!document || !analysis)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Init Lens: no model in the active editor.'));
    return false;
  }
  const checked = document && analysis ? checkedFixScope(analysis.graph, scope) : undefined;
  if (!document || !analysis || !checked) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Init Lens: the fix request does not name a model of an open, analysed Python file; nothing was changed.'),
    );
    return false;
  }
  const findings = analysis.advice.findings.filter((f) => findingCovers(f, checked.model, checked.layer));
  if (!findings.some((finding) => finding.fix)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Init Lens: nothing to fix here.'));
    return false;
  }
  const edits = await verifiedEdits(store, document, findings);
  if (edits.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Init Lens: no fix was applied: re-checked, none would clear its finding (see the log).'));
    return false;
  }
  return vscode.workspace.applyEdit(toWorkspaceEdit(document, edits));
}

/** Registers the code-action provider and the command that applies every fix of the active file. */
export function registerCodeActions(context: vscode.ExtensionContext, store: AnalysisStore): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, new InitCodeActions(store), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
    }),
    vscode.commands.registerCommand('initLens.applyRecommendations', (uri?: unknown, scope?: unknown) => applyRecommendations(store, uri, scope)),
  );
}
