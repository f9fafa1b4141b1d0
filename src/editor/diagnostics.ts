/**
 * Diagnostics for open Python files: analysed on open and, debounced, on every edit, and again when
 * a project's `[tool.init-lens]` table changes; cleared when a file closes (in `workspace` mode the
 * workspace scan takes the file over). A file over the size limit gets one information message, not a
 * hang. A file the worker gave up on (time budget, memory cap, crash) gets one Information diagnostic
 * at line 1 saying why, where Pylance users look for what a tool says about a file: the Problems panel
 * and the file itself. It stays with the file (also a closed one in `workspace` mode) until a newer
 * version is analysed, which a status-bar message, shown for the active editor only, would not.
 */
import * as vscode from 'vscode';
import { ruleDocUrl } from '../core/advice/rules';
import type { Finding } from '../core/advice/types';
import type { Range } from '../core/graph';
import type { AnalysisStore, NotAnalysed, Skipped } from './analysisStore';
import { affects } from './settings';
import { squiggleRange } from './squiggle';
import { uriOfPath } from './vscodeImportFiles';

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

/** The range a finding's squiggle underlines: its constructor name (squiggle.ts), given the file's lines. */
export function findingSquiggle(finding: Finding, lineAt: (line: number) => string | undefined): vscode.Range {
  return toRange(squiggleRange(finding.range, lineAt(finding.range.start.line)));
}

/** A finding as a diagnostic of the file at `uri`, underlining its constructor name (`lineAt` reads the file's lines). */
export function toDiagnostic(uri: vscode.Uri, finding: Finding, lineAt: (line: number) => string | undefined): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(findingSquiggle(finding, lineAt), finding.message, SEVERITIES[finding.severity]);
  diagnostic.source = 'Init Lens';
  // The rule's code, linked to its documentation in the README (the registry's anchor).
  diagnostic.code = { value: finding.rule, target: vscode.Uri.parse(ruleDocUrl(finding.rule)) };
  const related: vscode.DiagnosticRelatedInformation[] = [];
  if (finding.activationRange && finding.activationRange.start.line >= 0 && finding.activationRange.path === undefined) {
    related.push(
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(uri, toRange(finding.activationRange)),
        vscode.l10n.t('the activation that calls for a different init'),
      ),
    );
  }
  // A layer whose code is in an imported file: a link to where it is defined.
  if (finding.definedAt?.path !== undefined) {
    related.push(
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(uriOfPath(finding.definedAt.path), toRange(finding.definedAt)),
        vscode.l10n.t('where the layer is defined'),
      ),
    );
  }
  if (related.length > 0) {
    diagnostic.relatedInformation = related;
  }
  return diagnostic;
}

/** The code of the note on a file that was not analysed (not a rule: it has no finding and no fix). */
export const NOT_ANALYSED_CODE = 'not-analysed';

/** Why a file was not analysed, in words, with the setting that bounds it. */
export function notAnalysedMessage(note: NotAnalysed, settings: { analysisTimeoutMs: number; analysisMemoryLimitMb: number }): string {
  switch (note.reason) {
    case 'timeout':
      return vscode.l10n.t(
        'Init Lens did not analyse this file: its analysis took longer than {0} ms (initLens.analysisTimeoutMs) and was stopped.',
        String(settings.analysisTimeoutMs),
      );
    case 'memory':
      return vscode.l10n.t(
        'Init Lens did not analyse this file: its analysis passed the memory limit of {0} MB (initLens.analysisMemoryLimitMb) and was stopped.',
        String(settings.analysisMemoryLimitMb),
      );
    case 'crashed':
      return vscode.l10n.t('Init Lens did not analyse this file: the analysis worker stopped ({0}).', note.detail);
    case 'failed':
      return vscode.l10n.t('Init Lens did not analyse this file: its analysis failed (see the Init Lens output).');
  }
}

/** The note on a file that was not analysed: one Information diagnostic on its first line. */
export function notAnalysedDiagnostic(note: NotAnalysed, settings: { analysisTimeoutMs: number; analysisMemoryLimitMb: number }): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), notAnalysedMessage(note, settings), vscode.DiagnosticSeverity.Information);
  diagnostic.source = 'Init Lens';
  diagnostic.code = NOT_ANALYSED_CODE;
  return diagnostic;
}

/** A document's lines by number, undefined past its end (a finding of an older text). */
export function documentLines(document: vscode.TextDocument): (line: number) => string | undefined {
  return (line) => (line >= 0 && line < document.lineCount ? document.lineAt(line).text : undefined);
}

/** Why a file is skipped, in words, for the log and the status item. */
export function skipReasonText(skipped: Skipped): string {
  switch (skipped.reason) {
    case 'disabled':
      return vscode.l10n.t('every framework is switched off (initLens.frameworks.*)');
    case 'excluded':
      return vscode.l10n.t('excluded by initLens.exclude or by exclude in [tool.init-lens]');
    case 'tooLarge':
      return vscode.l10n.t('larger than initLens.maxFileSize');
    case 'notPython':
      return vscode.l10n.t('not a Python file');
    case 'loading':
      return vscode.l10n.t('reading [tool.init-lens] in pyproject.toml');
  }
}

/** Registers diagnostics for open documents. */
export function registerDiagnostics(context: vscode.ExtensionContext, store: AnalysisStore): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('initLens');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const toldTooLarge = new Set<string>();
  // The reason each skipped file was last logged with, so an edit does not log it again.
  const loggedSkips = new Map<string, string>();
  const refresh = (document: vscode.TextDocument) => {
    const skipped = store.skipReason(document);
    if (skipped?.reason === 'loading') {
      return; // the project's table is being read: refreshed when it is
    }
    if (skipped && skipped.reason !== 'notPython' && loggedSkips.get(document.uri.toString()) !== skipped.reason) {
      loggedSkips.set(document.uri.toString(), skipped.reason);
      store.log.info(`skipped ${vscode.workspace.asRelativePath(document.uri)}: ${skipReasonText(skipped)}`);
    } else if (!skipped) {
      loggedSkips.delete(document.uri.toString());
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
    void store.analyse(document).then((outcome) => {
      // A newer version or new settings are on their way: their own refresh publishes.
      if (document.isClosed || outcome.kind === 'superseded' || outcome.kind === 'skipped') {
        return;
      }
      collection.set(
        document.uri,
        outcome.kind === 'analysed'
          ? outcome.analysis.advice.findings.map((finding) => toDiagnostic(document.uri, finding, documentLines(document)))
          : [notAnalysedDiagnostic(outcome, store.current)],
      );
    });
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
      loggedSkips.delete(document.uri.toString());
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
    // A file an open document's analysis read changed: analyse the document again (a scanned file is rescanned).
    store.onDidGoStale(({ key, typing }) => {
      const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === key);
      if (document) {
        // While the imported file is being typed in, wait for the pause as its own analysis does.
        if (typing) {
          schedule(document);
        } else {
          refresh(document);
        }
      } else if (key.startsWith('scan:') && store.current.diagnosticMode === 'workspace') {
        void vscode.commands.executeCommand('initLens.rescanFile', vscode.Uri.parse(key.slice('scan:'.length)));
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
