/**
 * Diagnostics for open Python files: analysed on open and, debounced, on every edit; cleared when
 * a file closes. The engine never throws; an unexpected error is logged, not shown.
 */
import * as vscode from 'vscode';
import { analyzeFile, type FileAnalysis } from '../core/engine';
import type { Finding } from '../core/advice/types';
import type { Range } from '../core/graph';

const DEBOUNCE_MS = 250;

/** The latest analysis per open document, shared with the code-action provider. */
export class AnalysisStore {
  private readonly analyses = new Map<string, { version: number; analysis: FileAnalysis }>();

  get(document: vscode.TextDocument): FileAnalysis {
    const key = document.uri.toString();
    const cached = this.analyses.get(key);
    if (cached && cached.version === document.version) {
      return cached.analysis;
    }
    const analysis = analyzeFile(document.getText(), document.uri.fsPath || document.uri.toString());
    this.analyses.set(key, { version: document.version, analysis });
    return analysis;
  }

  forget(document: vscode.TextDocument): void {
    this.analyses.delete(document.uri.toString());
  }
}

/** Converts a graph range to an editor range. */
export function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

function toDiagnostic(document: vscode.TextDocument, finding: Finding): vscode.Diagnostic {
  const severity = finding.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : finding.severity === 'information' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Hint;
  const diagnostic = new vscode.Diagnostic(toRange(finding.range), finding.message, severity);
  diagnostic.source = 'Init Lens';
  diagnostic.code = finding.rule;
  if (finding.activationRange) {
    diagnostic.relatedInformation = [new vscode.DiagnosticRelatedInformation(new vscode.Location(document.uri, toRange(finding.activationRange)), 'the activation that calls for a different init')];
  }
  return diagnostic;
}

/** Registers diagnostics; returns the store the other features read. */
export function registerDiagnostics(context: vscode.ExtensionContext, output: vscode.OutputChannel): AnalysisStore {
  const store = new AnalysisStore();
  const collection = vscode.languages.createDiagnosticCollection('initLens');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const refresh = (document: vscode.TextDocument) => {
    if (document.languageId !== 'python') {
      return;
    }
    try {
      const analysis = store.get(document);
      collection.set(document.uri, analysis.advice.findings.map((finding) => toDiagnostic(document, finding)));
    } catch (error) {
      output.appendLine(`${document.uri.toString()}: ${(error as Error).stack ?? String(error)}`);
    }
  };
  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => refresh(document), DEBOUNCE_MS));
  };
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((event) => schedule(event.document)),
    vscode.workspace.onDidCloseTextDocument((document) => {
      collection.delete(document.uri);
      store.forget(document);
    }),
  );
  vscode.workspace.textDocuments.forEach(refresh);
  return store;
}
