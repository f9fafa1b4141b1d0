/**
 * Loads the import closure of a file asynchronously (the editor reads through
 * `vscode.workspace.fs`, which is asynchronous) into a snapshot that analysis then reads
 * synchronously. Resolution runs against a strict snapshot: a path it needs and nobody probed
 * stops it, the path is probed, and it runs again, so the snapshot holds exactly what the
 * synchronous resolution will ask.
 */
import { ClosureWalk, DEFAULT_CLOSURE_BOUNDS, importedFiles, type ClosureBounds } from './closure';
import { NotLoaded, SnapshotFiles, type AsyncWorkspaceFiles } from './files';
import type { WorkspaceLayout } from './layout';
import { isStubPath, stubText } from '../stubs/library';
import { withStubs } from './stubbedFiles';

/** What loading gave: the snapshot to analyse with, and what the bounds left out. */
export interface LoadedClosure {
  files: SnapshotFiles;
  notes: string[];
}

/** Probes of one path at most; a resolution needs a handful per import. */
const MAX_PROBES_PER_FILE = 10_000;

/** Loads the closure of `path` (whose current text is `text`, maybe unsaved) into a snapshot; `into` adds to an existing one. */
export async function loadImportClosure(
  source: AsyncWorkspaceFiles,
  layout: WorkspaceLayout,
  path: string,
  text: string,
  bounds: ClosureBounds = DEFAULT_CLOSURE_BOUNDS,
  into: SnapshotFiles = new SnapshotFiles(true),
): Promise<LoadedClosure> {
  const walk = new ClosureWalk(path, bounds);
  // Bundled stubs are read from the extension, never from the workspace (the analysis reads them the same way).
  const view = withStubs(into);
  walk.visit(await probing(source, into, () => importedFiles(view, layout, path, text)), 1);
  for (let next = walk.next(); next; next = walk.next()) {
    const fileText = stubText(next.path) ?? into.loadedText(next.path) ?? (await source.read(next.path));
    if (fileText === undefined) {
      into.setExists(next.path, false);
      continue;
    }
    if (!isStubPath(next.path)) {
      into.setText(next.path, fileText);
    }
    if (walk.take(next.path, fileText.length)) {
      const at = next;
      walk.visit(await probing(source, into, () => importedFiles(view, layout, at.path, fileText)), at.depth + 1);
    }
  }
  return { files: into.frozen(), notes: walk.result().notes };
}

/** Runs `work` over the strict snapshot, probing each path it needs, until it completes. */
async function probing<T>(source: AsyncWorkspaceFiles, files: SnapshotFiles, work: () => T): Promise<T> {
  for (let probes = 0; probes < MAX_PROBES_PER_FILE; probes++) {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof NotLoaded)) {
        throw error;
      }
      files.setExists(error.path, await source.exists(error.path));
    }
  }
  throw new Error('import resolution needed too many probes');
}
