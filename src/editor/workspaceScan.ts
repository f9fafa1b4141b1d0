/**
 * The workspace scan, for `initLens.diagnosticMode: workspace` only: finds the Python files of the
 * workspace (respecting `files.exclude`, `search.exclude`, `initLens.exclude` and the project's
 * `exclude`), analyses those not open in an editor one at a time in the analysis worker (after the open
 * documents, with the same time budget and memory cap; a file given up on gets the same note) with their project's table and suppression comments, caches results by
 * content and settings, and follows changes with a file watcher. A progress notification can cancel
 * it. Switching to `openFilesOnly` removes the findings of files that are not open.
 */
import * as vscode from 'vscode';
import { BoundedCache } from '../core/boundedCache';
import { matchesAnyGlob } from '../core/glob';
import type { Finding } from '../core/advice/types';
import type { AnalysisStore, NotAnalysed } from './analysisStore';
import { notAnalysedDiagnostic, toDiagnostic } from './diagnostics';
import { affects, anyFramework } from './settings';
import { lineReader } from './squiggle';

const MAX_FILES = 20_000;
/**
 * Cached results are bounded: past this many files the least recently scanned are dropped (they are
 * analysed again if they change or the scan runs again). Files without findings cost one number.
 */
const MAX_CACHED = 5_000;

/** A cheap content hash (FNV-1a) for the cache. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

function yieldToEditor(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** True when the file is open in an editor (open documents are analysed live, not by the scan). */
function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
}

/** Our exclusions and the user's `search.exclude` (findFiles applies `files.exclude` itself). */
function excludedGlobs(store: AnalysisStore): string[] {
  return [
    ...store.current.exclude,
    ...Object.entries(vscode.workspace.getConfiguration('search').get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on === true)
      .map(([glob]) => glob),
  ];
}

/** A file's findings, or why it was not analysed (kept too, so an unchanged runaway file is not retried). */
type ScanCache = BoundedCache<{ hash: number; findings: Finding[]; note?: NotAnalysed }>;

/** Analyses one file that is not open (or reuses its cached findings) and publishes its diagnostics. */
function fileScanner(store: AnalysisStore, collection: vscode.DiagnosticCollection, cache: ScanCache): (uri: vscode.Uri) => Promise<void> {
  const decoder = new TextDecoder('utf-8');
  return async (uri: vscode.Uri) => {
    if (isOpen(uri)) {
      return; // open documents are analysed live by the diagnostics feature
    }
    if (matchesAnyGlob(vscode.workspace.asRelativePath(uri, false), excludedGlobs(store))) {
      collection.delete(uri);
      return;
    }
    const settings = store.current;
    let project = store.projects.peek(uri);
    while (project === 'loading') {
      // Reading the table has started: wait for it (at most one change event per read).
      await new Promise<void>((resolve) => {
        const listener = store.projects.onDidChange(() => {
          listener.dispose();
          resolve();
        });
      });
      project = store.projects.peek(uri);
    }
    if (store.excludedByProject(uri, project)) {
      collection.delete(uri);
      return;
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length > settings.maxFileSize) {
      collection.delete(uri);
      return;
    }
    const text = decoder.decode(bytes);
    const key = uri.toString();
    const fileSettings = store.settingsFor(project);
    // Findings depend on the text and on the settings (with the project's table) that shape advice.
    // A note on a file not analysed depends on the worker's budgets too.
    const budgets = `${settings.analysisTimeoutMs}/${settings.analysisMemoryLimitMb}`;
    const digest = hash(`${JSON.stringify(fileSettings)}\n${budgets}\n${text}`);
    const cached = cache.get(key);
    let result = cached?.hash === digest ? cached : undefined;
    if (!result) {
      // In the analysis worker, after the open documents; rule levels and suppressions applied there.
      const outcome = await store.analyseFile(uri, text, project);
      if (outcome.kind === 'superseded') {
        return; // the file is being scanned again
      }
      result = outcome.kind === 'analysed' ? { hash: digest, findings: outcome.analysis.advice.findings } : { hash: digest, findings: [], note: outcome };
      cache.set(key, result);
    }
    if (store.current.diagnosticMode !== 'workspace' && !isOpen(uri)) {
      collection.delete(uri); // the mode changed while the file was read
      return;
    }
    const lineAt = lineReader(text);
    collection.set(
      uri,
      result.note ? [notAnalysedDiagnostic(result.note, store.current)] : result.findings.map((finding) => toDiagnostic(uri, finding, lineAt)),
    );
  };
}

/** Registers the scan, its command and its watcher; diagnostics go to the shared collection. */
export function registerWorkspaceScan(context: vscode.ExtensionContext, store: AnalysisStore, collection: vscode.DiagnosticCollection): void {
  const cache: ScanCache = new BoundedCache(MAX_CACHED);
  const scanFile = fileScanner(store, collection, cache);

  const scan = async (): Promise<number> => {
    const settings = store.current;
    if (settings.diagnosticMode !== 'workspace' || !anyFramework(settings) || !vscode.workspace.workspaceFolders) {
      return 0;
    }
    // findFiles applies files.exclude when no exclude is given; search.exclude and ours are applied here.
    const excluded = excludedGlobs(store);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Init Lens: scanning model files'), cancellable: true },
      async (progress, token) => {
        const files = (await vscode.workspace.findFiles('**/*.py', undefined, MAX_FILES, token)).filter(
          (uri) => !matchesAnyGlob(vscode.workspace.asRelativePath(uri, false), excluded),
        );
        let done = 0;
        for (const uri of files) {
          if (token.isCancellationRequested) {
            break;
          }
          try {
            await scanFile(uri);
          } catch {
            // unreadable file: nothing to show
          }
          done++;
          progress.report({ increment: 100 / files.length, message: `${done}/${files.length}` });
          await yieldToEditor();
        }
        return done;
      },
    );
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
  const rescan = (uri: vscode.Uri) => {
    if (store.current.diagnosticMode === 'workspace') {
      void scanFile(uri).catch(() => undefined);
    }
  };
  context.subscriptions.push(
    watcher,
    watcher.onDidChange(rescan),
    watcher.onDidCreate(rescan),
    watcher.onDidDelete((uri) => {
      cache.delete(uri.toString());
      collection.delete(uri);
    }),
    vscode.commands.registerCommand('initLens.scanWorkspace', scan),
    vscode.commands.registerCommand('initLens.rescanFile', (uri: vscode.Uri) => scanFile(uri).catch(() => collection.delete(uri))),
    // Registered after the diagnostics' listener, so the store holds the new settings here.
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!affects(event)) {
        return;
      }
      if (store.current.diagnosticMode === 'workspace') {
        void scan();
      } else {
        // openFilesOnly: only open files keep findings.
        const closed: vscode.Uri[] = [];
        collection.forEach((uri) => {
          if (!isOpen(uri)) {
            closed.push(uri);
          }
        });
        closed.forEach((uri) => collection.delete(uri));
      }
    }),
    store.projects.onDidChange(() => {
      if (store.current.diagnosticMode === 'workspace') {
        void scan();
      }
    }),
  );
  void scan();
}
