/**
 * The analysis worker's view of the workspace's files: one snapshot per layout (workspace folders
 * and extra paths), filled from what the host sends with each analysis (protocol/analysis.ts
 * `ImportFiles`), and one `WorkspaceImports` over it, so an imported file is parsed once per text
 * however many documents import it. The host's loader sends every path resolution asks about, so
 * the snapshot always answers the current analysis with the host's current view.
 */
import { SnapshotFiles } from '../core/workspace/files';
import { WorkspaceImports } from '../core/workspace/workspaceImports';
import type { ImportFiles } from '../protocol/analysis';

/** Layouts kept at most (a window has a handful; the oldest is dropped). */
const MAX_LAYOUTS = 8;

/** Files kept per layout before the snapshot starts afresh (memory stays bounded in a big workspace). */
const MAX_FILES = 5_000;

interface Workspace {
  files: SnapshotFiles;
  imports: WorkspaceImports;
}

/** The worker's snapshots, by layout. */
export class WorkerWorkspaces {
  private readonly spaces = new Map<string, Workspace>();

  /** The imports of an analysis, with the host's files added to its layout's snapshot first. */
  importsFor(sent: ImportFiles): WorkspaceImports {
    const key = JSON.stringify([sent.layout.folders, sent.layout.extraPaths ?? [], sent.layout.stubPaths ?? [], sent.layout.root ?? null]);
    const kept = this.spaces.get(key);
    // A file that appeared or went away changes what resolves (WorkspaceImports keeps resolutions per
    // text) and a snapshot cannot forget a text: start afresh from what this analysis reads.
    const fresh = !kept || kept.files.loadedFiles().length > MAX_FILES || existenceChanged(kept.files, sent);
    const files = fresh ? new SnapshotFiles() : kept.files;
    const space: Workspace = fresh ? { files, imports: new WorkspaceImports(files, sent.layout) } : kept;
    this.spaces.delete(key);
    this.spaces.set(key, space);
    if (this.spaces.size > MAX_LAYOUTS) {
      this.spaces.delete(this.spaces.keys().next().value!);
    }
    sent.exists.forEach(([path, exists]) => files.setExists(path, exists));
    sent.texts.forEach(([path, text]) => files.setText(path, text));
    return space.imports;
  }

  /** Drops every snapshot (nothing analysed keeps a reference to them). */
  clear(): void {
    this.spaces.clear();
  }
}

/** True when the snapshot knew a path the sent files say the opposite of (it exists now, or no longer). */
function existenceChanged(files: SnapshotFiles, sent: ImportFiles): boolean {
  const differs = (path: string, exists: boolean) => files.probed(path) && files.exists(path) !== exists;
  return sent.exists.some(([path, exists]) => differs(path, exists)) || sent.texts.some(([path]) => differs(path, true));
}
