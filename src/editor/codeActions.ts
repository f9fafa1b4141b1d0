/**
 * Quick fixes: the engine's fix for each finding under the cursor (the first preferred), a fix
 * for every layer of the same model, and `source.fixAll.initLens` for `editor.codeActionsOnSave`.
 * The same edits back the `initLens.applyRecommendations` command.
 */
import * as vscode from 'vscode';
import { mergeFixes } from '../core/advice/fixAll';
import type { Finding, TextEdit } from '../core/advice/types';
import type { AnalysisStore } from './analysisStore';
import { toRange } from './diagnostics';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('initLens');

/** A workspace edit from engine edits. */
export function toWorkspaceEdit(document: vscode.TextDocument, edits: TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const textEdit of edits) {
    edit.replace(document.uri, toRange(textEdit.range), textEdit.newText);
  }
  return edit;
}

class InitCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly store: AnalysisStore) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const analysis = this.store.get(document);
    if (!analysis) {
      return [];
    }
    const findings = analysis.advice.findings.filter((finding) => finding.fix);
    if (context.only && FIX_ALL_KIND.contains(context.only) && !vscode.CodeActionKind.QuickFix.contains(context.only)) {
      return this.fixAll(document, findings);
    }
    const actions: vscode.CodeAction[] = [];
    const here = findings.filter((finding) => toRange(finding.range).intersection(range));
    for (const finding of here) {
      const action = new vscode.CodeAction(finding.fix!.title, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, finding.fix!.edits);
      action.diagnostics = context.diagnostics.filter((d) => d.range.isEqual(toRange(finding.range)));
      action.isPreferred = actions.length === 0;
      actions.push(action);
    }
    const model = here[0]?.model;
    const sameModel = findings.filter((finding) => finding.model === model);
    if (model && sameModel.length > 1) {
      const action = new vscode.CodeAction(vscode.l10n.t('Use the recommended init for every layer of {0}', model), vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, mergeFixes(sameModel));
      actions.push(action);
    }
    return actions;
  }

  private fixAll(document: vscode.TextDocument, findings: Finding[]): vscode.CodeAction[] {
    const edits = mergeFixes(findings);
    if (edits.length === 0) {
      return [];
    }
    const action = new vscode.CodeAction(vscode.l10n.t('Apply every Init Lens fix'), FIX_ALL_KIND);
    action.edit = toWorkspaceEdit(document, edits);
    return [action];
  }
}

/** Which fixes a command run applies: a model's, one layer's, or (no scope) the whole file's. */
export interface FixScope {
  model?: string;
  layer?: string;
}

/**
 * The command behind "Apply Recommended Inits to File", the hover's links and the panel's button:
 * the engine's fixes for the file, or for one model or layer of it. Arguments come from command
 * links as JSON, so the URI may be a string and the scope a plain object.
 */
async function applyRecommendations(store: AnalysisStore, uri?: vscode.Uri | string, scope?: FixScope): Promise<boolean> {
  const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
  const document = target ? await vscode.workspace.openTextDocument(target) : vscode.window.activeTextEditor?.document;
  const analysis = document ? store.get(document) : undefined;
  if (!document || !analysis) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Init Lens: no model in the active editor.'));
    return false;
  }
  const model = typeof scope?.model === 'string' ? scope.model : undefined;
  const layer = typeof scope?.layer === 'string' ? scope.layer : undefined;
  const findings = analysis.advice.findings.filter((f) => (model === undefined || f.model === model) && (layer === undefined || f.layer === layer));
  const edits = mergeFixes(findings);
  if (edits.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Init Lens: nothing to fix here.'));
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
    vscode.commands.registerCommand('initLens.applyRecommendations', (uri?: vscode.Uri | string, scope?: FixScope) => applyRecommendations(store, uri, scope)),
  );
}
