/**
 * Quick fixes: the engine's fix for each finding under the cursor, the main one preferred.
 */
import * as vscode from 'vscode';
import type { AnalysisStore } from './diagnostics';
import { toRange } from './diagnostics';

class InitCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly store: AnalysisStore) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const analysis = this.store.get(document);
    const actions: vscode.CodeAction[] = [];
    for (const finding of analysis.advice.findings) {
      if (!finding.fix || !toRange(finding.range).intersection(range)) {
        continue;
      }
      const action = new vscode.CodeAction(finding.fix.title, vscode.CodeActionKind.QuickFix);
      const edit = new vscode.WorkspaceEdit();
      for (const textEdit of finding.fix.edits) {
        edit.replace(document.uri, toRange(textEdit.range), textEdit.newText);
      }
      action.edit = edit;
      action.isPreferred = actions.length === 0;
      actions.push(action);
    }
    return actions;
  }
}

/** Registers the quick-fix provider for Python. */
export function registerCodeActions(context: vscode.ExtensionContext, store: AnalysisStore): void {
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ language: 'python' }, new InitCodeActions(store), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}
