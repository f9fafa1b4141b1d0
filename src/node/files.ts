/**
 * Reading model files from disk for the CLI: walks directories for `.py` and `.ipynb` files
 * (skipping virtual envs, caches and VCS folders), decodes text that is not UTF-8 as Latin-1 so
 * nothing is lost, and says why a file was skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './cliErrors';

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', 'site-packages', 'dist', 'build']);

/** Every Python file under the given paths (files are taken as they are). */
export function collectPythonFiles(paths: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      missing.push(dir);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) {
        walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        files.push(full);
      }
    }
  };
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (stat.isDirectory()) {
      walk(p);
    } else {
      files.push(p);
    }
  }
  return { files, missing };
}

/** A file's text: UTF-8 (BOM dropped, and said), or Latin-1 when the bytes are not valid UTF-8. */
export function readSourceFile(file: string): { text: string; note?: string; bom?: true } {
  const bytes = fs.readFileSync(file);
  try {
    // The decoder drops a BOM itself; whether there was one is read from the bytes.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? { text, bom: true } : { text };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), note: 'not valid UTF-8: read as Latin-1' };
  }
}

/** The Python files under the paths; a path that cannot be read is a usage/I-O error. */
export function filesOf(paths: string[]): string[] {
  const { files, missing } = collectPythonFiles(paths);
  if (missing.length > 0) {
    throw new UsageError(`cannot read ${missing[0]}`);
  }
  return files;
}

/** A file's text (through `read`, by default from disk); an unreadable file is a usage/I-O error. */
export function readOrThrow(file: string, read: (file: string) => ReturnType<typeof readSourceFile> = readSourceFile): ReturnType<typeof readSourceFile> {
  try {
    return read(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
