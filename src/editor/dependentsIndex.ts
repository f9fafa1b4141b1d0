/**
 * Which analysed documents read which workspace files: the reverse of each analysis's
 * `FileGraph.dependencies` (the files its imports read, with their text hashes). When a file
 * changes, only the documents that read another text of it are analysed again; when a file is
 * created, the documents whose analysis found no workspace file for a module (a note) are. No
 * `vscode` import, so it is testable in plain Node.
 */
import type { FileGraph } from '../core/graph';
import { normalizePath } from '../core/workspace/paths';

/** The note of an import no workspace file holds (core/workspace/moduleRunner.ts). */
const MISSING_MODULE = 'no workspace file holds the module';

/** The documents (by key) whose analyses depend on each workspace file. */
export class DependentsIndex {
  /** Per document: the files it read, with the hash of the text it read. */
  private readonly read = new Map<string, Map<string, string>>();
  /** Per file: the documents that read it. */
  private readonly readers = new Map<string, Set<string>>();
  /** Documents whose analysis names a module no workspace file holds. */
  private readonly missing = new Set<string>();

  /** Records what the latest analysis of the document `key` read (replacing the previous one). */
  record(key: string, graph: Pick<FileGraph, 'dependencies' | 'notes'>): void {
    this.forget(key);
    const files = new Map<string, string>();
    for (const { path, hash } of graph.dependencies ?? []) {
      const normal = normalizePath(path);
      files.set(normal, hash);
      let readers = this.readers.get(normal);
      if (!readers) {
        readers = new Set();
        this.readers.set(normal, readers);
      }
      readers.add(key);
    }
    if (files.size > 0) {
      this.read.set(key, files);
    }
    if (graph.notes.some((note) => note.includes(MISSING_MODULE))) {
      this.missing.add(key);
    }
  }

  /** Drops a document (it closed, or its analysis is gone). */
  forget(key: string): void {
    for (const path of this.read.get(key)?.keys() ?? []) {
      const readers = this.readers.get(path);
      readers?.delete(key);
      if (readers?.size === 0) {
        this.readers.delete(path);
      }
    }
    this.read.delete(key);
    this.missing.delete(key);
  }

  /**
   * The documents to analyse again now that the file at `path` has the text of hash `hash`
   * (undefined: it is gone): those that read another text of it. Not itself: a document's own
   * edits re-analyse it anyway.
   */
  changed(path: string, hash: string | undefined): string[] {
    const normal = normalizePath(path);
    const readers = this.readers.get(normal) ?? new Set<string>();
    return [...readers].filter((key) => this.read.get(key)?.get(normal) !== hash);
  }

  /** The documents to analyse again now that a file was created: those that missed a module. */
  created(): string[] {
    return [...this.missing];
  }

  /** The number of documents that read the file at `path`. */
  readersOf(path: string): number {
    return this.readers.get(normalizePath(path))?.size ?? 0;
  }
}
