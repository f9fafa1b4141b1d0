/**
 * The workspace scan: finds the Python files of the workspace (respecting `files.exclude`,
 * `search.exclude` and `initLens.exclude`), analyses those not open in an editor one at a time
 * (yielding between files so the editor never blocks), caches results by content, and follows
 * changes with a file watcher. A progress notification can cancel it.
 */
import * as vscode from 'vscode';
import { BoundedCache } from '../core/boundedCache';
import { analyzeFile } from '../core/engine';
import { matchesAnyGlob } from '../core/glob';
import type { Finding } from '../core/advice/types';
import type { AnalysisStore } from './analysisStore';
import { toDiagnostic } from './diagnostics';
import { anyFramework } from './settings';

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

/** Registers the scan, its command and its watcher; diagnostics go to the shared collection. */
export function registerWorkspaceScan(context: vscode.ExtensionContext, store: AnalysisStore, collection: vscode.DiagnosticCollection): void {
  const cache = new BoundedCache<{ hash: number; findings: Finding[] }>(MAX_CACHED);
  const decoder = new TextDecoder('utf-8');
  const isOpen = (uri: vscode.Uri) => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

  const excludedGlobs = () => [
    ...store.current.exclude,
    ...Object.entries(vscode.workspace.getConfiguration('search').get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on === true)
      .map(([glob]) => glob),
  ];
  const scanFile = async (uri: vscode.Uri) => {
    if (isOpen(uri)) {
      return; // open documents are analysed live by the diagnostics feature
    }
    if (matchesAnyGlob(vscode.workspace.asRelativePath(uri, false), excludedGlobs())) {
      collection.delete(uri);
      return;
    }
    const settings = store.current;
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length > settings.maxFileSize) {
      collection.delete(uri);
      return;
    }
    const text = decoder.decode(bytes);
    const key = uri.toString();
    // Findings depend on the text and on the settings that shape advice.
    const digest = hash(`${JSON.stringify([settings.frameworks, settings.advice])}\n${text}`);
    const cached = cache.get(key);
    let findings = cached?.hash === digest ? cached.findings : undefined;
    if (!findings) {
      findings = analyzeFile(text, uri.fsPath || key, { maxSize: settings.maxFileSize, advice: settings.advice, frameworks: settings.frameworks }).advice
        .findings;
      cache.set(key, { hash: digest, findings });
    }
    collection.set(
      uri,
      findings.map((finding) => toDiagnostic(uri, finding)),
    );
  };

  const scan = async (): Promise<number> => {
    const settings = store.current;
    if (!settings.workspaceScan || !anyFramework(settings) || !vscode.workspace.workspaceFolders) {
      return 0;
    }
    // findFiles applies files.exclude when no exclude is given; search.exclude and ours are applied here.
    const excluded = excludedGlobs();
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
    if (store.current.workspaceScan) {
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
  );
  void scan();
}
