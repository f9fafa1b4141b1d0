/**
 * Diagnostics for open Python files: analysed on open and, debounced, on every edit, and again when
 * a project's `[tool.init-lens]` table changes; cleared when a file closes (in `workspace` mode the
 * workspace scan takes the file over). A file over the size limit gets one information message, not a hang.
 */
import * as vscode from 'vscode';
import { ruleDocUrl } from '../core/advice/rules';
import type { Finding } from '../core/advice/types';
import type { Range } from '../core/graph';
import type { AnalysisStore } from './analysisStore';
import { affects } from './settings';

const DEBOUNCE_MS = 250;

/** Converts a graph range to an editor range. */
export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

const SEVERITIES: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** A finding as a diagnostic of the file at `uri`. */
export function toDiagnostic(uri: vscode.Uri, finding: Finding): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, SEVERITIES[finding.severity]);
  diagnostic.source = 'Init Lens';
  // The rule's code, linked to its documentation in the README (the registry's anchor).
  diagnostic.code = { value: finding.rule, target: vscode.Uri.parse(ruleDocUrl(finding.rule)) };
  if (finding.activationRange && finding.activationRange.start.line >= 0) {
    diagnostic.relatedInformation = [
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(uri, toRange(finding.activationRange)),
        vscode.l10n.t('the activation that calls for a different init'),
      ),
    ];
  }
  return diagnostic;
}

/** Registers diagnostics for open documents. */
export function registerDiagnostics(context: vscode.ExtensionContext, store: AnalysisStore): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('initLens');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const toldTooLarge = new Set<string>();
  const refresh = (document: vscode.TextDocument) => {
    const skipped = store.skipReason(document);
    if (skipped?.reason === 'loading') {
      return; // the project's table is being read: refreshed when it is
    }
    if (skipped) {
      collection.delete(document.uri);
      if (skipped.reason === 'tooLarge' && !toldTooLarge.has(document.uri.toString())) {
        toldTooLarge.add(document.uri.toString());
        void vscode.window.showInformationMessage(
          vscode.l10n.t('Init Lens skipped {0}: it is larger than initLens.maxFileSize.', vscode.workspace.asRelativePath(document.uri)),
        );
      }
      return;
    }
    const analysis = store.get(document);
    collection.set(document.uri, analysis ? analysis.advice.findings.map((finding) => toDiagnostic(document.uri, finding)) : []);
  };
  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refresh(document);
      }, DEBOUNCE_MS),
    );
  };
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((event) => schedule(event.document)),
    vscode.workspace.onDidCloseTextDocument((document) => {
      clearTimeout(timers.get(document.uri.toString()));
      store.forget(document);
      // In workspace mode a closed file's findings stay in the Problems panel (re-read from disk).
      if (store.current.diagnosticMode !== 'workspace' || document.isUntitled) {
        collection.delete(document.uri);
      } else {
        void vscode.commands.executeCommand('initLens.rescanFile', document.uri);
      }
    }),
    vscode.workspace.onDidDeleteFiles((event) => event.files.forEach((uri) => collection.delete(uri))),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affects(event)) {
        store.reloadSettings();
        vscode.workspace.textDocuments.forEach(refresh);
      }
    }),
    store.projects.onDidChange(() => {
      store.dropAnalyses();
      vscode.workspace.textDocuments.forEach(refresh);
    }),
  );
  vscode.workspace.textDocuments.forEach(refresh);
  return collection;
}
