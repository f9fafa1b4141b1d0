/**
 * The CLI's lookup of a file's `[tool.init-lens]` table: the nearest `pyproject.toml` with the
 * table, from the file's folder upward to `--root` or the filesystem root (core/config/lookup.ts),
 * each file read and parsed once per run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ancestorDirs, pyprojectIn } from '../core/config/lookup';
import { parsePyproject, type ParsedPyproject } from '../core/config/projectConfig';

/** The project file that applies to a file, parsed. */
export interface FoundConfig {
  /** The pyproject.toml's path, as the CLI prints it (relative to the working folder when inside it). */
  file: string;
  /** Its folder (absolute, `/`-separated): `exclude` globs are relative to it. */
  dir: string;
  parsed: ParsedPyproject;
}

/** Finds and caches project files for the files of one run. */
export class ProjectConfigFinder {
  private readonly parsed = new Map<string, FoundConfig | null>();

  /** `root`: the folder the lookup stops at (inclusive); the filesystem root when undefined. */
  constructor(private readonly root?: string) {}

  /** The nearest pyproject.toml with a `[tool.init-lens]` table above `file`, if any. */
  find(file: string): FoundConfig | undefined {
    const slashed = (p: string) => p.split(path.sep).join('/');
    const dir = slashed(path.dirname(path.resolve(file)));
    const stop = this.root === undefined ? undefined : slashed(path.resolve(this.root));
    for (const candidate of ancestorDirs(dir, stop)) {
      const found = this.read(candidate);
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  /** The folder's pyproject.toml when it has the table; null (cached) when it has none or no such file. */
  private read(dir: string): FoundConfig | null {
    const cached = this.parsed.get(dir);
    if (cached !== undefined) {
      return cached;
    }
    const file = pyprojectIn(dir);
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = undefined; // no such file (or unreadable): look further up
    }
    const parsed = text === undefined ? undefined : parsePyproject(text);
    const relative = path.relative(process.cwd(), file);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
    const found = parsed?.hasTable ? { file: shown, dir, parsed } : null;
    this.parsed.set(dir, found);
    return found;
  }
}
