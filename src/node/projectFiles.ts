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

/** The disk as WorkspaceFiles, with every answer kept for the run. */
export class DiskFiles implements WorkspaceFiles {
  private readonly present = new Map<string, boolean>();
  private readonly texts = new Map<string, { text: string; note?: string } | undefined>();

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
  readSource(file: string): { text: string; note?: string } {
    const key = absolute(file);
    const kept = this.texts.get(key);
    if (kept) {
      return kept;
    }
    const read = readSourceFile(file);
    this.texts.set(key, read);
    return read;
  }

  private source(file: string): { text: string; note?: string } | undefined {
    try {
      return this.readSource(file);
    } catch {
      this.texts.set(absolute(file), undefined);
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

/** The project of one CLI run; `root` is `--root DIR`. */
export function projectFiles(root?: string): ProjectFiles {
  const files = new DiskFiles();
  const layout = root !== undefined ? { folders: [], root: absolute(root) } : { folders: [absolute(process.cwd())] };
  return { files, imports: new WorkspaceImports(files, layout, undefined, absolute) };
}
