/**
 * Reading model files from disk for the CLI: walks directories for `.py` and `.ipynb` files
 * (skipping virtual envs, caches and VCS folders), decodes text that is not UTF-8 as Latin-1 so
 * nothing is lost, and says why a file was skipped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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

/** A file's text: UTF-8 (BOM dropped), or Latin-1 when the bytes are not valid UTF-8. */
export function readSourceFile(file: string): { text: string; note?: string } {
  const bytes = fs.readFileSync(file);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), note: 'not valid UTF-8: read as Latin-1' };
  }
}
