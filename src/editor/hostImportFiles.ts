/**
 * The extension host's view of the workspace files imports read, and the loading of one analysis's
 * import closure from it (core/workspace/loader.ts) into what the worker is sent
 * (protocol/analysis.ts `ImportFiles`). Reads go through a `FileSource` (`vscode.workspace.fs` in
 * the editor, desktop and web alike) and are kept until the file watcher or an edit says the file
 * changed; an open document's text, saved or not, wins over the disk. While neither a document's
 * imports nor any file it may read changed, its last load is reused: an edit of the body costs a
 * scan of its import lines. No `vscode` import, so it is testable in plain Node.
 */
import { loadImportClosure } from '../core/workspace/loader';
import { SnapshotFiles, type AsyncWorkspaceFiles } from '../core/workspace/files';
import { scanImports } from '../core/workspace/importScan';
import type { WorkspaceLayout } from '../core/workspace/layout';
import { dirnameOf, normalizePath } from '../core/workspace/paths';
import type { ImportFiles } from '../protocol/analysis';

/** Where files are read from (paths with `/`). */
export interface FileSource {
  exists(path: string): Promise<boolean>;
  /** The text, or undefined when there is no readable file. */
  read(path: string): Promise<string | undefined>;
  /** The text of the open document at `path`, if one is open (it wins over the disk). */
  openText(path: string): string | undefined;
}

/** Answers kept at most (the oldest are dropped first). */
const MAX_KEPT = 4_000;

/** Loads kept at most, one per document. */
const MAX_LOADS = 500;

interface Load {
  signature: string;
  version: number;
  files: ImportFiles;
}

/** The host's cached view of workspace files, and the loads of import closures from it. */
export class HostImportFiles {
  private readonly exists = new Map<string, Promise<boolean>>();
  /** The answers of `exists` that have arrived, for the loader to use without asking. */
  private readonly existsKnown = new Map<string, boolean>();
  private readonly texts = new Map<string, Promise<string | undefined>>();
  private readonly loads = new Map<string, Load>();
  /** Paths a load read from an open document (their edits make loads stale). */
  private readonly readOpen = new Set<string>();
  /** Bumped whenever a kept answer is dropped: a load made before may be stale. */
  private version = 0;
  /** Counts every change; `changedAt` holds each changed path's count (an analysis's reads are checked against it). */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly source: FileSource) {}

  /**
   * What the analysis of the document `key` (the file at `path` with `text`) reads of the workspace,
   * reusing the document's last load while its imports and the files are unchanged.
   */
  async load(key: string, layout: WorkspaceLayout, path: string, text: string): Promise<ImportFiles> {
    const signature = JSON.stringify([layout, normalizePath(path), scanImports(text)]);
    const kept = this.loads.get(key);
    if (kept && kept.signature === signature && kept.version === this.version) {
      return kept.files;
    }
    const version = this.version;
    const files = await this.loadAfresh(layout, normalizePath(path), text);
    if (version === this.version) {
      this.loads.delete(key);
      this.loads.set(key, { signature, version, files });
      trim(this.loads, MAX_LOADS);
    }
    return files;
  }

  /** The file at `path` changed, appeared or went away: its answers, and its folders' (they may have appeared or gone), are dropped. */
  changed(path: string): void {
    let at = normalizePath(path);
    this.changedAt.delete(at);
    this.changedAt.set(at, ++this.changes);
    trim(this.changedAt, MAX_KEPT);
    // A file no load ever asked about (the edited document itself, mostly) leaves the loads valid.
    let known = this.texts.delete(at) || this.readOpen.has(at);
    for (;;) {
      this.existsKnown.delete(at);
      known = this.exists.delete(at) || known;
      const up = dirnameOf(at);
      if (up === at) {
        break;
      }
      at = up;
    }
    if (known) {
      this.version++;
    }
  }

  /** A mark of now, for `changedSince`. */
  get now(): number {
    return this.changes;
  }

  /**
   * True when the file at `path` changed after the mark `since` (an analysis that began loading then
   * may have read its older text). Marks older than the changes kept answer true: unsure is changed.
   */
  changedSince(path: string, since: number): boolean {
    const at = this.changedAt.get(normalizePath(path));
    if (at !== undefined) {
      return at > since;
    }
    return this.changedAt.size >= MAX_KEPT && since < this.changes - MAX_KEPT;
  }

  /** Drops what is kept for a document that closed. */
  forget(key: string): void {
    this.loads.delete(key);
  }

  /** The current text of the file at `path` (open document first), as the next analysis would read it. */
  currentText(path: string): Promise<string | undefined> {
    return this.text(normalizePath(path));
  }

  private async loadAfresh(layout: WorkspaceLayout, path: string, text: string): Promise<ImportFiles> {
    const exists = new Map<string, boolean>();
    const texts = new Map<string, string>();
    // Records every answer the loader asks for: exactly what the worker's resolution will ask.
    const recorder: AsyncWorkspaceFiles = {
      exists: async (at) => {
        const found = await this.existsAt(at);
        exists.set(at, found);
        return found;
      },
      read: async (at) => {
        const found = await this.text(at);
        if (found === undefined) {
          exists.set(at, false);
        } else {
          texts.set(at, found);
        }
        return found;
      },
    };
    // Answers already known go into the loader's snapshot as it asks, so it does not stop to ask for them.
    const into = new KnownAnswers((at) => {
      const found = this.existsNow(at);
      if (found !== undefined) {
        exists.set(at, found);
      }
      return found;
    });
    await loadImportClosure(recorder, layout, path, text, undefined, into);
    return { layout, exists: [...exists], texts: [...texts] };
  }

  private existsAt(path: string): Promise<boolean> {
    if (this.source.openText(path) !== undefined) {
      this.readOpen.add(path);
      return Promise.resolve(true);
    }
    return this.kept(this.exists, path, () => {
      const answer = this.source.exists(path);
      void answer.then((found) => {
        if (this.exists.get(path) === answer) {
          this.existsKnown.set(path, found);
          trim(this.existsKnown, MAX_KEPT);
        }
      });
      return answer;
    });
  }

  /** Whether something exists at `path`, when that is known without asking the source. */
  private existsNow(path: string): boolean | undefined {
    if (this.source.openText(path) !== undefined) {
      this.readOpen.add(path);
      return true;
    }
    return this.existsKnown.get(path);
  }

  private text(path: string): Promise<string | undefined> {
    const open = this.source.openText(path);
    if (open !== undefined) {
      this.readOpen.add(path);
      return Promise.resolve(open);
    }
    return this.kept(this.texts, path, () => this.source.read(path));
  }

  private kept<T>(map: Map<string, Promise<T>>, path: string, ask: () => Promise<T>): Promise<T> {
    let answer = map.get(path);
    if (!answer) {
      answer = ask();
      map.set(path, answer);
      trim(map, MAX_KEPT);
    }
    return answer;
  }
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    map.delete(map.keys().next().value!);
  }
}

/** The loader's strict snapshot, answering from known answers before it stops to ask the source. */
class KnownAnswers extends SnapshotFiles {
  constructor(private readonly known: (path: string) => boolean | undefined) {
    super(true);
  }

  override exists(path: string): boolean {
    if (!this.probed(path)) {
      const found = this.known(path);
      if (found !== undefined) {
        this.setExists(path, found);
      }
    }
    return super.exists(path);
  }
}
