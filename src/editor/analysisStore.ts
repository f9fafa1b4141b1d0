/**
 * The latest analysis of each open Python document: one syntax tree per document re-parsed
 * incrementally and an IncrementalCache that lets an edit redo only what it changed (see
 * BENCHMARKS.md), analysis cached by document version, settings applied (framework switch,
 * exclusions, size limit), then the project's `[tool.init-lens]` table (merged under the settings,
 * core/config/precedence.ts) and the suppression comments. Every feature reads from here;
 * `onDidAnalyze` tells them to refresh. Until the project's table is read, a document has no analysis.
 */
import * as vscode from 'vscode';
import { withProject, type CheckSettings } from '../core/config/precedence';
import { analyzeFile, type FileAnalysis } from '../core/engine';
import { matchesAnyGlob } from '../core/glob';
import { lintAnalysis } from '../core/lint';
import { IncrementalCache } from '../core/incremental/cache';
import { DocumentTrees } from '../core/python/documentTrees';
import { cellContext, shiftToCell } from './notebookCells';
import type { DocumentProject, ProjectConfigs } from './projectConfigs';
import { anyFramework, checkSettings, readSettings, type Settings } from './settings';

/** Why a document has no analysis (`loading`: its project's table is being read). */
export type Skipped = { reason: 'disabled' | 'excluded' | 'tooLarge' | 'notPython' | 'loading' };

export class AnalysisStore implements vscode.Disposable {
  private readonly trees = new DocumentTrees();
  /** Per document, what its previous analysis leaves for the next edit (copied syntax, models, advice). */
  private readonly reuse = new Map<string, IncrementalCache>();
  private readonly cache = new Map<string, { version: number; analysis: FileAnalysis }>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private settings: Settings = readSettings();
  /** Fires after a document's analysis changed. */
  readonly onDidAnalyze = this.changed.event;

  constructor(
    private readonly output: vscode.OutputChannel,
    readonly projects: ProjectConfigs,
  ) {}

  /** Re-reads the settings and drops every cached analysis. */
  reloadSettings(): void {
    this.settings = readSettings();
    this.dropAnalyses();
  }

  /** Drops every cached analysis (a project's table changed). */
  dropAnalyses(): void {
    this.cache.clear();
    this.reuse.clear();
  }

  /** The settings in force for a file with this project's table. */
  settingsFor(project: DocumentProject | undefined): CheckSettings {
    return withProject(checkSettings(this.settings), project?.config, this.settings.explicit);
  }

  /**
   * True when the project's `exclude` matches the file (a path below the table's folder). In an
   * untrusted workspace a project's exclusions are not followed, as `initLens.exclude` is not.
   */
  excludedByProject(uri: vscode.Uri, project: DocumentProject | undefined): boolean {
    const globs = project?.config.exclude;
    if (!globs || !vscode.workspace.isTrusted || !uri.path.startsWith(`${project.dir.replace(/\/$/, '')}/`)) {
      return false;
    }
    return matchesAnyGlob(uri.path.slice(project.dir.replace(/\/$/, '').length + 1), globs);
  }

  get current(): Settings {
    return this.settings;
  }

  /** Whether the document is analysed at all, and why not. */
  skipReason(document: vscode.TextDocument): Skipped | undefined {
    if (document.languageId !== 'python') {
      return { reason: 'notPython' };
    }
    const project = this.projects.peek(document.uri);
    if (project === 'loading') {
      return { reason: 'loading' };
    }
    if (!anyFramework({ ...this.settings, frameworks: this.settingsFor(project).frameworks })) {
      return { reason: 'disabled' };
    }
    if (this.excludedByProject(document.uri, project)) {
      return { reason: 'excluded' };
    }
    // The same matcher as the workspace scan (which adds search.exclude, a setting for searches).
    if (document.uri.scheme === 'file' && matchesAnyGlob(vscode.workspace.asRelativePath(document.uri, false), this.settings.exclude)) {
      return { reason: 'excluded' };
    }
    if (document.getText().length > this.settings.maxFileSize) {
      return { reason: 'tooLarge' };
    }
    return undefined;
  }

  /** The analysis of the document's current version (undefined when it is skipped or fails). */
  get(document: vscode.TextDocument): FileAnalysis | undefined {
    if (this.skipReason(document)) {
      return undefined;
    }
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) {
      return cached.analysis;
    }
    try {
      const cell = cellContext(document);
      const text = cell?.text ?? document.getText();
      const tree = this.trees.update(key, text);
      let incremental = this.reuse.get(key);
      if (!incremental) {
        incremental = new IncrementalCache();
        this.reuse.set(key, incremental);
      }
      const project = this.projects.peek(document.uri);
      const settings = this.settingsFor(project === 'loading' ? undefined : project);
      const full = analyzeFile(text, document.uri.fsPath || key, {
        tree,
        incremental,
        maxSize: this.settings.maxFileSize,
        advice: settings.advice,
        frameworks: settings.frameworks,
      });
      // Rule levels and suppression comments, on the text the analysis read (a cell's, before the shift).
      const linted = lintAnalysis(full, text, settings.rules, tree).analysis;
      const analysis = cell ? shiftToCell(linted, cell.lineOffset) : linted;
      this.cache.set(key, { version: document.version, analysis });
      this.changed.fire(document.uri);
      return analysis;
    } catch (error) {
      // The engine does not throw on any text; if it ever does, log it and show nothing.
      this.output.appendLine(`${key}: ${(error as Error).stack ?? String(error)}`);
      return undefined;
    }
  }

  /** Frees what is kept for a closed document. */
  forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.cache.delete(key);
    this.reuse.delete(key);
    this.trees.close(key);
  }

  dispose(): void {
    this.trees.dispose();
    this.reuse.clear();
    this.changed.dispose();
  }
}
