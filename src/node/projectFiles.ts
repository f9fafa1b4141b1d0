/**
 * The CLI's workspace for imports: the disk, read synchronously, each file read once per run (the
 * files `check DIR` analyses and the files they import are the same reads). Imports are searched
 * from the current folder, or from `--root DIR` when given (it replaces the package root and the
 * workspace folder, see core/workspace/layout.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceFiles } from '../core/workspace/files';
import { WorkspaceImports } from '../core/workspace/workspaceImports';
import { readSourceFile } from './files';

type SourceRead = ReturnType<typeof readSourceFile>;

/** Texts kept at most: `check` streams, so its memory must not grow with the number of files. */
const MAX_KEPT_TEXTS = 4_000;

/** The disk as WorkspaceFiles, with its answers kept for the run (texts up to MAX_KEPT_TEXTS, oldest dropped). */
export class DiskFiles implements WorkspaceFiles {
  private readonly present = new Map<string, boolean>();
  private readonly texts = new Map<string, SourceRead | undefined>();

  exists(file: string): boolean {
    let known = this.present.get(file);
    if (known === undefined) {
      known = fs.existsSync(file);
      this.present.set(file, known);
    }
    return known;
  }

  read(file: string): string | undefined {
    return this.source(file)?.text;
  }

  /** A file's text and decoding note, read once; throws when it cannot be read (the CLI reports it). */
  readSource(file: string): SourceRead {
    const key = absolute(file);
    const kept = this.texts.get(key);
    if (kept) {
      return kept;
    }
    const read = readSourceFile(file);
    this.keep(key, read);
    return read;
  }

  /** Drops what is kept of a file the run has just written. */
  forget(file: string): void {
    this.texts.delete(absolute(file));
    this.present.delete(file);
  }

  private keep(key: string, read: SourceRead | undefined): void {
    this.texts.set(key, read);
    if (this.texts.size > MAX_KEPT_TEXTS) {
      this.texts.delete(this.texts.keys().next().value!);
    }
  }

  private source(file: string): SourceRead | undefined {
    try {
      return this.readSource(file);
    } catch {
      this.keep(absolute(file), undefined);
      return undefined;
    }
  }
}

function absolute(file: string): string {
  return path.resolve(file).split(path.sep).join('/');
}

/** The CLI's project: its files (read once) and its imports. */
export interface ProjectFiles {
  files: DiskFiles;
  imports: WorkspaceImports;
}

/** The project of one CLI run; `root` is `--root DIR`, `stubPaths` the `--stub-path DIR` folders of the user's model stubs. */
export function projectFiles(root?: string, stubPaths: readonly string[] = []): ProjectFiles {
  const files = new DiskFiles();
  const folders = root !== undefined ? { folders: [], root: absolute(root) } : { folders: [absolute(process.cwd())] };
  const layout = stubPaths.length > 0 ? { ...folders, stubPaths: stubPaths.map(absolute) } : folders;
  return { files, imports: new WorkspaceImports(files, layout, undefined, absolute) };
}
