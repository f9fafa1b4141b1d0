/**
 * Notebook cells are documents of their own, but a model cell needs the imports and helpers of the
 * cells above it. The analysis runs on the code cells up to this one, joined; what lies in this
 * cell is moved back to the cell's own lines, and what lies above it is dropped.
 */
import * as vscode from 'vscode';
import type { Fix } from '../core/advice/types';
import type { FileAnalysis } from '../core/engine';

/** The text to analyse for a cell (earlier code cells first) and the line where the cell starts in it. */
export function cellContext(document: vscode.TextDocument): { text: string; lineOffset: number } | undefined {
  if (document.uri.scheme !== 'vscode-notebook-cell') {
    return undefined;
  }
  const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((cell) => cell.document === document));
  if (!notebook) {
    return undefined;
  }
  const before: string[] = [];
  for (const cell of notebook.getCells()) {
    if (cell.document === document) {
      break;
    }
    if (cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === 'python') {
      // IPython magics and shell escapes are not Python: keep the line count, drop the text.
      before.push(cell.document.getText().replace(/^[ \t]*[%!].*$/gm, ''));
    }
  }
  const prefix = before.length > 0 ? `${before.join('\n')}\n` : '';
  return { text: prefix + document.getText(), lineOffset: prefix.split('\n').length - 1 };
}

/** Moves every position of an analysis up by `lineOffset` lines; findings and fixes above the cell go. */
export function shiftToCell(analysis: FileAnalysis, lineOffset: number): FileAnalysis {
  if (lineOffset === 0) {
    return analysis;
  }
  const shifted = shiftPositions(structuredClone(analysis), lineOffset, new Set()) as FileAnalysis;
  shifted.advice.findings = shifted.advice.findings.filter((finding) => finding.range.start.line >= 0);
  const inCell = (fix: Fix) => fix.edits.every((edit) => edit.range.start.line >= 0);
  for (const finding of shifted.advice.findings) {
    if (finding.fix && !inCell(finding.fix)) {
      finding.fix = null;
    }
    // A finding for many instances may offer several fixes: those that would edit an earlier cell go.
    if (finding.fixes) {
      finding.fixes = finding.fixes.filter(inCell);
      finding.fix = finding.fixes[0] ?? null;
    }
  }
  return shifted;
}

/** Shifts every position once: the analysis shares range objects (a default init's range is its layer's). */
function shiftPositions(value: unknown, lineOffset: number, seen: Set<object>): unknown {
  if (value === null || typeof value !== 'object' || seen.has(value)) {
    return value;
  }
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item) => shiftPositions(item, lineOffset, seen));
    return value;
  }
  const record = value as Record<string, unknown>;
  if (typeof record.line === 'number' && typeof record.column === 'number') {
    record.line -= lineOffset;
  } else {
    Object.values(record).forEach((item) => shiftPositions(item, lineOffset, seen));
  }
  return value;
}
