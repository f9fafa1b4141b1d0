/**
 * The `[tool.init-lens]` tables of the workspace's pyproject.toml files, read through
 * `vscode.workspace.fs` (so virtual workspaces work too): for a document, the nearest one above it
 * up to its workspace folder (the filesystem root outside any folder), as the CLI looks. Each file is
 * read once and again when it changes on disk; problems in a table are diagnostics on its lines.
 */
import * as vscode from 'vscode';
import { ancestorDirs, pyprojectIn } from '../core/config/lookup';
import { parsePyproject, type ParsedPyproject, type ProjectConfig } from '../core/config/projectConfig';

/** The table that applies to a document, and the folder of its pyproject.toml. */
export interface DocumentProject {
  config: ProjectConfig;
  /** The pyproject.toml's folder path: `exclude` globs are relative to it. */
  dir: string;
}

export class ProjectConfigs implements vscode.Disposable {
  /** By pyproject.toml URI: its parse, or null when there is no such file. */
  private readonly files = new Map<string, ParsedPyproject | null>();
  private readonly problems = vscode.languages.createDiagnosticCollection('initLens.config');
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a table that applies (or may apply) to some document was read anew. */
  readonly onDidChange = this.changed.event;

  /** The pyproject.toml URIs to look at for a document, nearest first (none for untitled documents). */
  private candidates(uri: vscode.Uri): vscode.Uri[] {
    const file = this.fileOf(uri);
    if (!file) {
      return [];
    }
    const folder = vscode.workspace.getWorkspaceFolder(file);
    const dir = file.path.slice(0, Math.max(file.path.lastIndexOf('/'), 1));
    return ancestorDirs(dir, folder?.uri.path).map((d) => file.with({ path: pyprojectIn(d), query: '', fragment: '' }));
  }

  /** The file a document is stored in: a notebook cell's notebook; none for untitled documents. */
  private fileOf(uri: vscode.Uri): vscode.Uri | undefined {
    if (uri.scheme === 'untitled') {
      return undefined;
    }
    if (uri.scheme === 'vscode-notebook-cell') {
      return vscode.workspace.notebookDocuments.find((notebook) => notebook.uri.path === uri.path)?.uri;
    }
    return uri;
  }

  /**
   * The table for a document when every candidate file has been read ('loading' otherwise, and the
   * reading starts: `onDidChange` fires when it is done). Undefined when no table applies.
   */
  peek(uri: vscode.Uri): DocumentProject | undefined | 'loading' {
    const candidates = this.candidates(uri);
    for (const candidate of candidates) {
      const parsed = this.files.get(candidate.toString());
      if (parsed === undefined) {
        void this.load(candidates);
        return 'loading';
      }
      if (parsed?.hasTable) {
        return { config: parsed.config, dir: candidate.path.slice(0, candidate.path.lastIndexOf('/')) || '/' };
      }
    }
    return undefined;
  }

  /** Reads the candidates not read yet; fires `onDidChange` when any was. */
  private async load(candidates: vscode.Uri[]): Promise<void> {
    const unread = candidates.filter((uri) => !this.files.has(uri.toString()));
    if (unread.length === 0) {
      return;
    }
    await Promise.all(unread.map((uri) => this.read(uri)));
    this.changed.fire();
  }

  private readonly reading = new Map<string, Promise<void>>();

  /** Reads and parses one pyproject.toml (at most one read at a time per file). */
  private read(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    let pending = this.reading.get(key);
    if (!pending) {
      pending = (async () => {
        let text: string | undefined;
        try {
          text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
        } catch {
          text = undefined; // no such file: the lookup goes on upward
        }
        const parsed = text === undefined ? null : parsePyproject(text);
        this.files.set(key, parsed);
        this.showProblems(uri, parsed);
      })().finally(() => this.reading.delete(key));
      this.reading.set(key, pending);
    }
    return pending;
  }

  /** The table's problems as diagnostics on their lines of pyproject.toml. */
  private showProblems(uri: vscode.Uri, parsed: ParsedPyproject | null): void {
    if (!parsed || parsed.problems.length === 0) {
      this.problems.delete(uri);
      return;
    }
    this.problems.set(
      uri,
      parsed.problems.map((problem) => {
        const line = Math.max(0, problem.line - 1);
        const diagnostic = new vscode.Diagnostic(
          new vscode.Range(line, 0, line, 10_000),
          `${problem.key}: ${problem.message}`,
          vscode.DiagnosticSeverity.Error,
        );
        diagnostic.source = 'Init Lens';
        return diagnostic;
      }),
    );
  }

  /** A pyproject.toml changed, appeared or went away: reads it anew (when it was looked at) and fires. */
  async reread(uri: vscode.Uri): Promise<void> {
    if (!this.files.has(uri.toString())) {
      return;
    }
    this.files.delete(uri.toString());
    await this.read(uri);
    this.changed.fire();
  }

  dispose(): void {
    this.problems.dispose();
    this.changed.dispose();
  }
}

/** Registers the loader and follows pyproject.toml files as they are saved, created or deleted. */
export function registerProjectConfigs(context: vscode.ExtensionContext): ProjectConfigs {
  const configs = new ProjectConfigs();
  const watcher = vscode.workspace.createFileSystemWatcher('**/pyproject.toml');
  const reread = (uri: vscode.Uri) => void configs.reread(uri);
  context.subscriptions.push(
    configs,
    watcher,
    watcher.onDidChange(reread),
    watcher.onDidCreate(reread),
    watcher.onDidDelete(reread),
    // The watcher may lag, or miss files outside the workspace: a save is a change too.
    vscode.workspace.onDidSaveTextDocument((document) => {
      if (document.uri.path.endsWith('/pyproject.toml')) {
        reread(document.uri);
      }
    }),
  );
  return configs;
}
