/**
 * The latest analysis of each open Python document. The analysis itself runs in a worker
 * (analysisScheduler.ts, analysisWorkerCore.ts), which keeps each document's syntax tree and
 * incremental memo; this store sends it each new version's text with the settings in force (framework
 * switch, exclusions, size limit, then the project's `[tool.init-lens]` table merged under the
 * settings, core/config/precedence.ts) and keeps the finished results by document version. Every
 * feature reads from here and never waits on a runaway analysis: `get` answers at once with the
 * current version's result or nothing; `whenAnalysed` waits a bounded time for it. `onDidAnalyze`
 * tells features to refresh. Until the project's table is read, a document has no analysis.
 */
import * as vscode from 'vscode';
import { findingCovers } from '../core/advice/findingsByRange';
import { withProject, type CheckSettings } from '../core/config/precedence';
import type { Finding } from '../core/advice/types';
import type { FileAnalysis } from '../core/engine';
import { matchesAnyGlob } from '../core/glob';
import { textHash } from '../core/workspace/hash';
import type { AnalysisOptions, ImportFiles } from '../protocol/analysis';
import { AnalysisScheduler, type Outcome, type StartWorker } from './analysisScheduler';
import { DependentsIndex } from './dependentsIndex';
import { HostImportFiles } from './hostImportFiles';
import { cellContext, shiftToCell } from './notebookCells';
import type { DocumentProject, ProjectConfigs } from './projectConfigs';
import { anyFramework, checkSettings, readSettings, type Settings } from './settings';
import { editorLayout, VSCODE_FILES, workspacePathOf } from './vscodeImportFiles';

/** Why a document has no analysis (`loading`: its project's table is being read). */
export type Skipped = { reason: 'disabled' | 'excluded' | 'tooLarge' | 'notPython' | 'loading' };

/** A file the worker did not analyse, and why. */
export type NotAnalysed = Extract<Outcome, { kind: 'notAnalysed' }>;

/** How a document's analysis ended: analysed, not analysed, superseded by a newer version, or skipped. */
export type DocumentOutcome = Outcome | { kind: 'skipped'; skipped: Skipped };

/** An abandoned analysis may keep the worker this long before the worker is restarted. */
const CANCEL_GRACE_MS = 300;

interface Stamp {
  version: number;
  /** Bumped when settings or a project's table change: older results no longer apply. */
  generation: number;
  /** Bumped per document when a file its analysis read changed: older results no longer apply. */
  epoch: number;
}

/** A document whose analysis read a file that changed. */
export interface StaleDocument {
  /** The document's key: its URI string, or `scan:` + URI for a scanned file. */
  key: string;
  /** The change is an edit being typed in an open document (more are likely to follow): re-analyse after the usual pause. */
  typing: boolean;
}

/** A finished outcome of a document's current version, with when it finished (for the status item). */
export type FinishedOutcome = Extract<Outcome, { kind: 'analysed' | 'notAnalysed' }> & { finishedAt?: number };

export class AnalysisStore implements vscode.Disposable {
  private readonly scheduler: AnalysisScheduler;
  private readonly results = new Map<string, Stamp & { outcome: FinishedOutcome }>();
  private readonly pending = new Map<string, Stamp & { promise: Promise<DocumentOutcome> }>();
  private generation = 0;
  /** Numbers the fix checks, so that two running at once never supersede each other. */
  private fixChecks = 0;
  private readonly epochs = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly submitted = new vscode.EventEmitter<vscode.Uri>();
  private settings: Settings = readSettings();
  /** Fires after a document's analysis finished (or was given up). */
  readonly onDidAnalyze = this.changed.event;
  /** Fires when a document's analysis is queued (the status item shows it busy). */
  readonly onDidSubmit = this.submitted.event;
  /** The workspace files imports read, as the host sees them. */
  private readonly importFiles = new HostImportFiles(VSCODE_FILES);
  /** Which documents read which workspace files (keys: URI strings, `scan:` for scanned files). */
  readonly dependents = new DependentsIndex();
  private readonly stale = new vscode.EventEmitter<StaleDocument>();
  /** Fires when a file a document's analysis read changed: its analysis was dropped and it should be analysed again. */
  readonly onDidGoStale = this.stale.event;
  private readonly watching: vscode.Disposable[] = [];

  constructor(
    readonly log: vscode.LogOutputChannel,
    readonly projects: ProjectConfigs,
    startWorker: StartWorker,
  ) {
    this.scheduler = new AnalysisScheduler(
      startWorker,
      () => ({ timeoutMs: this.settings.analysisTimeoutMs, cancelGraceMs: CANCEL_GRACE_MS }),
      undefined,
      (level, message) => log[level](message),
    );
    // A change to a workspace file, on disk or in an open document, re-analyses the documents that read it.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
    this.watching.push(
      watcher,
      watcher.onDidChange((uri) => void this.fileChanged(uri, false, false)),
      watcher.onDidCreate((uri) => void this.fileChanged(uri, true, false)),
      watcher.onDidDelete((uri) => void this.fileChanged(uri, false, false)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.languageId === 'python' && event.contentChanges.length > 0) {
          void this.fileChanged(event.document.uri, false, true);
        }
      }),
    );
  }

  /**
   * A workspace file changed, appeared or went away: the documents whose analyses read another text
   * of it (or, for a new file, missed a module) lose their analyses and are told (`onDidGoStale`).
   */
  async fileChanged(uri: vscode.Uri, created: boolean, typing: boolean): Promise<string[]> {
    const path = workspacePathOf(uri);
    if (path === undefined) {
      return [];
    }
    this.importFiles.changed(path);
    if (!created && this.dependents.readersOf(path) === 0) {
      return [];
    }
    const text = await this.importFiles.currentText(path);
    const keys = new Set(this.dependents.changed(path, text === undefined ? undefined : textHash(text)));
    if (created) {
      this.dependents.created().forEach((key) => keys.add(key));
    }
    for (const key of keys) {
      this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
      this.stale.fire({ key, typing });
    }
    return [...keys];
  }

  /** Re-reads the settings and drops every cached analysis. */
  reloadSettings(): void {
    const memoryMb = this.settings.analysisMemoryLimitMb;
    this.settings = readSettings();
    if (this.settings.analysisMemoryLimitMb !== memoryMb) {
      this.scheduler.recycle(); // the cap is set when a worker starts
    }
    this.dropAnalyses();
  }

  /** Drops every cached analysis (a project's table changed). */
  dropAnalyses(): void {
    this.generation++;
    this.results.clear();
    this.pending.clear();
  }

  /** The rule levels in force for the document (settings over its project's table): hints follow them as diagnostics do. */
  ruleLevelsFor(document: vscode.TextDocument): CheckSettings['rules'] {
    const project = this.projects.peek(document.uri);
    return this.settingsFor(project === 'loading' ? undefined : project).rules;
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

  /**
   * The analysis of the document's current version if it has finished, else undefined (and the
   * analysis is started). Never waits.
   */
  get(document: vscode.TextDocument): FileAnalysis | undefined {
    const finished = this.finished(document);
    if (finished?.kind === 'analysed') {
      return finished.analysis;
    }
    if (!finished) {
      void this.analyse(document);
    }
    return undefined;
  }

  /** The finished outcome of the document's current version (with its time), if there is one. */
  outcome(document: vscode.TextDocument): FinishedOutcome | undefined {
    return this.finished(document);
  }

  /** Why the current version was not analysed (a timeout, the memory cap, a crash), if it was not. */
  notAnalysed(document: vscode.TextDocument): NotAnalysed | undefined {
    const finished = this.finished(document);
    return finished?.kind === 'notAnalysed' ? finished : undefined;
  }

  /**
   * The rules a suppression comment silenced on a layer of the current version's analysis, when no
   * finding is left on that layer (hints and hovers then show no ⚠); empty otherwise.
   */
  silencedRules(document: vscode.TextDocument, model: string, layer: string): string[] {
    const finished = this.finished(document);
    if (finished?.kind !== 'analysed' || finished.analysis.advice.findings.some((f) => findingCovers(f, model, layer))) {
      return [];
    }
    return [...new Set((finished.suppressed ?? []).filter((s) => s.model === model && s.layer === layer).map((s) => s.rule))];
  }

  /** True while the current version's analysis is queued or running. */
  isPending(document: vscode.TextDocument): boolean {
    const pending = this.pending.get(document.uri.toString());
    return pending !== undefined && pending.version === document.version && this.applies(document.uri.toString(), pending);
  }

  /** The current version's analysis, waiting for it at most `waitMs` (undefined past that). */
  async whenAnalysed(document: vscode.TextDocument, waitMs: number): Promise<FileAnalysis | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    });
    const outcome = await Promise.race([this.analyse(document), gaveUp]);
    clearTimeout(timer);
    return outcome?.kind === 'analysed' ? outcome.analysis : undefined;
  }

  /** The outcome of the current version's analysis: at once if known, else when the worker answers. */
  analyse(document: vscode.TextDocument): Promise<DocumentOutcome> {
    const skipped = this.skipReason(document);
    if (skipped) {
      return Promise.resolve({ kind: 'skipped', skipped });
    }
    const finished = this.finished(document);
    if (finished) {
      return Promise.resolve(finished);
    }
    const key = document.uri.toString();
    if (this.isPending(document)) {
      return this.pending.get(key)!.promise;
    }
    const stamp: Stamp = { version: document.version, generation: this.generation, epoch: this.epochs.get(key) ?? 0 };
    const cell = cellContext(document);
    const text = cell?.text ?? document.getText();
    const project = this.projects.peek(document.uri);
    const loadedAt = this.importFiles.now;
    const submitted = this.importsOf(key, document.uri, text).then((imports) =>
      // A newer version or new settings came while the imports loaded: this one is not submitted.
      this.isCurrent(key, stamp)
        ? this.scheduler.submit({
            key,
            version: document.version,
            text,
            path: document.uri.fsPath || key,
            incremental: true,
            options: this.optionsFor(project === 'loading' ? undefined : project),
            ...(imports ? { imports } : {}),
            priority: 'live',
          })
        : ({ kind: 'superseded' } as const),
    );
    const promise = submitted.then((outcome) => this.record(document.uri, stamp, outcome, cell?.lineOffset ?? 0, loadedAt));
    this.pending.set(key, { ...stamp, promise });
    this.log.trace(`queued ${vscode.workspace.asRelativePath(document.uri)} (version ${document.version}, ${text.length} characters)`);
    this.submitted.fire(document.uri);
    return promise;
  }

  /** The document (URI string, `scan:` for a scanned file) the worker is analysing now, if any. */
  get busyWith(): string | undefined {
    return this.scheduler.busyWith;
  }

  /** In-editor tests only: the worker busy-waits `ms` before each analysis of `uri` (0 ends it). */
  slowDownForTests(uri: vscode.Uri, ms: number): void {
    this.scheduler.slowDownForTests(uri.toString(), ms);
  }

  /** Analyses a file that is not open (the workspace scan), from scratch, after the open documents. */
  async analyseFile(uri: vscode.Uri, text: string, project: DocumentProject | undefined): Promise<Outcome> {
    const key = `scan:${uri.toString()}`;
    const imports = await this.importsOf(key, uri, text);
    const outcome = await this.scheduler.submit({
      key,
      version: 0,
      text,
      path: uri.fsPath || uri.toString(),
      incremental: false,
      options: this.optionsFor(project),
      ...(imports ? { imports } : {}),
      priority: 'scan',
    });
    if (outcome.kind === 'analysed') {
      this.dependents.record(key, outcome.analysis.graph);
    }
    return outcome;
  }

  /**
   * The findings of `text`, a fixed version of `document`, by the same analysis as the document's
   * (its settings, project table and imports), from scratch in the worker; undefined when it was not
   * analysed (timeout, crash, superseded). A fix is checked so before it is applied
   * (../core/verifiedFixes.ts); the check leaves nothing behind.
   */
  async findingsOfFixed(document: vscode.TextDocument, text: string): Promise<Finding[] | undefined> {
    const cell = cellContext(document);
    // A notebook cell is analysed after the cells above it, as its own analysis was.
    const full = cell ? cell.text.slice(0, cell.text.length - document.getText().length) + text : text;
    const key = `fix:${document.uri.toString()}#${this.fixChecks++}`;
    const project = this.projects.peek(document.uri);
    const imports = await this.importsOf(key, document.uri, full);
    this.importFiles.forget(key);
    const outcome = await this.scheduler.submit({
      key,
      version: document.version,
      text: full,
      path: document.uri.fsPath || document.uri.toString(),
      incremental: false,
      options: this.optionsFor(project === 'loading' ? undefined : project),
      ...(imports ? { imports } : {}),
      priority: 'live',
    });
    return outcome.kind === 'analysed' ? outcome.analysis.advice.findings : undefined;
  }

  /** The workspace files the analysis of `text` at `uri` reads, or undefined when it reads none (another scheme, a failed load). */
  private async importsOf(key: string, uri: vscode.Uri, text: string): Promise<ImportFiles | undefined> {
    const path = workspacePathOf(uri);
    if (path === undefined) {
      return undefined;
    }
    try {
      return await this.importFiles.load(key, editorLayout(this.settings.extraPaths, this.settings.stubPaths), path, text);
    } catch (error) {
      this.log.warn(`The imports of ${uri.toString()} were not loaded: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** True while `stamp` is the document's newest submission under the current settings. */
  private isCurrent(key: string, stamp: Stamp): boolean {
    const pending = this.pending.get(key);
    return pending !== undefined && pending.version === stamp.version && pending.generation === stamp.generation && this.applies(key, stamp);
  }

  /** Frees what is kept for a closed document, here and in the worker. */
  forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    this.results.delete(key);
    this.pending.delete(key);
    this.scheduler.forget(key);
    this.dependents.forget(key);
    this.importFiles.forget(key);
    this.epochs.delete(key);
  }

  dispose(): void {
    this.scheduler.dispose();
    this.changed.dispose();
    this.submitted.dispose();
    this.stale.dispose();
    this.watching.forEach((disposable) => disposable.dispose());
  }

  private optionsFor(project: DocumentProject | undefined): AnalysisOptions {
    return { ...this.settingsFor(project), maxSize: this.settings.maxFileSize };
  }

  /** True when a result stamped so still holds: same settings, and no file it read changed since. */
  private applies(key: string, stamp: Stamp): boolean {
    return stamp.generation === this.generation && stamp.epoch === (this.epochs.get(key) ?? 0);
  }

  /** The finished outcome of the document's current version under the current settings, if any. */
  private finished(document: vscode.TextDocument): FinishedOutcome | undefined {
    const result = this.results.get(document.uri.toString());
    return result && result.version === document.version && this.applies(document.uri.toString(), result) ? result.outcome : undefined;
  }

  /** Keeps a finished outcome if it is still the newest for its document, and tells the features. */
  private record(uri: vscode.Uri, stamp: Stamp, outcome: Outcome, lineOffset: number, loadedAt: number): DocumentOutcome {
    const key = uri.toString();
    const pending = this.pending.get(key);
    if (pending?.version === stamp.version && pending.generation === stamp.generation && pending.epoch === stamp.epoch) {
      this.pending.delete(key);
    }
    if (outcome.kind === 'superseded' || !this.applies(key, stamp)) {
      this.log.debug(`${vscode.workspace.asRelativePath(uri)} (version ${stamp.version}): superseded by a newer version, new settings or a changed import`);
      return { kind: 'superseded' };
    }
    // A cell's analysis read the cells above it too: move it back to the cell's own lines.
    const kept: FinishedOutcome =
      outcome.kind === 'analysed'
        ? { ...outcome, analysis: shiftToCell(outcome.analysis, lineOffset), finishedAt: Date.now() }
        : { ...outcome, finishedAt: Date.now() };
    logOutcome(this.log, vscode.workspace.asRelativePath(uri), stamp.version, kept);
    if (kept.kind === 'analysed') {
      this.dependents.record(key, kept.analysis.graph);
    }
    // A file it read changed while it ran (the index did not know it read it yet): analyse it again.
    const readOld = kept.kind === 'analysed' && (kept.analysis.graph.dependencies ?? []).some((d) => this.importFiles.changedSince(d.path, loadedAt));
    const newer = this.results.get(key);
    if (!newer || newer.generation !== stamp.generation || newer.version <= stamp.version) {
      this.results.set(key, { ...stamp, outcome: kept });
    }
    this.changed.fire(uri);
    if (readOld) {
      this.epochs.set(key, (this.epochs.get(key) ?? 0) + 1);
      this.stale.fire({ key, typing: false });
    }
    return kept;
  }
}

/** What a user needs to trust an analysis, at info level (warn for a file not analysed); details at debug. */
function logOutcome(log: vscode.LogOutputChannel, file: string, version: number, outcome: FinishedOutcome): void {
  if (outcome.kind === 'notAnalysed') {
    log.warn(`${file} (version ${version}) was not analysed: ${outcome.reason}: ${outcome.detail}`);
    return;
  }
  const { graph, advice } = outcome.analysis;
  const models = graph.models.map((model) => `${model.name} (${model.framework ?? 'pytorch'}, ${model.layers.length} layers)`);
  const took = outcome.durationMs === undefined ? '' : ` in ${outcome.durationMs} ms`;
  log.info(
    `analysed ${file} (version ${version})${took}: framework ${graph.framework}, ${models.length} model(s)${models.length > 0 ? `: ${models.join(', ')}` : ''}, ${advice.findings.length} finding(s)`,
  );
  for (const note of graph.notes) {
    log.info(`${file}: not analysed in part: ${note}`);
  }
  for (const finding of advice.findings) {
    log.debug(`${file}:${finding.range.start.line + 1}: ${finding.rule} ${finding.severity}: ${finding.message}`);
  }
  if ((outcome.suppressed ?? []).length > 0) {
    log.debug(`${file}: ${outcome.suppressed!.length} finding(s) silenced by suppression comments`);
  }
}
