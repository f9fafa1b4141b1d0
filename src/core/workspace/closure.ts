/**
 * The import closure of a file: the workspace files its imports name, theirs, and so on,
 * breadth-first (nearest first), within bounds on files, bytes and depth. The same walk serves
 * the analysis (synchronous, over a snapshot or the disk) and the loader (./loader.ts).
 */
import type { WorkspaceFiles } from './files';
import { scanImports, submoduleOf } from './importScan';
import type { WorkspaceLayout } from './layout';
import { parentPackages, resolveModule, withParents } from './resolve';

/** Bounds of one closure. */
export interface ClosureBounds {
  /** Files besides the analysed one. */
  files: number;
  /** Characters of those files, in all. */
  bytes: number;
  /** Import steps from the analysed file. */
  depth: number;
}

export const DEFAULT_CLOSURE_BOUNDS: Readonly<ClosureBounds> = { files: 64, bytes: 4_000_000, depth: 8 };

/** A closure: its files (nearest first, the analysed file not among them) and what the bounds left out, in words. */
export interface Closure {
  files: string[];
  notes: string[];
}

/**
 * The workspace files the imports of the file at `path` (with `text`) name. `from m import a`
 * names `m` and, when they are modules, `m.a`; an absolute `a.b` names `a` and `a.b` (Python runs
 * the parent packages first); a relative one names the `__init__.py` of every package above the
 * importer and above the module (Python runs those first too). May throw the snapshot's NotLoaded (the loader probes and asks again).
 */
export function importedFiles(files: WorkspaceFiles, layout: WorkspaceLayout, path: string, text: string): string[] {
  const found = new Set<string>();
  const add = (spec: string): void => {
    const module = resolveModule(files, layout, path, spec);
    if (module === undefined) {
      return;
    }
    if (spec.startsWith('.') && withParents(path, module)) {
      // A relative import runs the packages above the importer and above the module first.
      [...parentPackages(files, path), ...parentPackages(files, module.path ?? module.folder!)].forEach((init) => init !== path && found.add(init));
    }
    if (module.path !== undefined && module.path !== path) {
      found.add(module.path);
    }
  };
  for (const { module, names } of scanImports(text)) {
    if (module.startsWith('.')) {
      add(module);
    } else {
      // Python runs an absolute module's parent packages first.
      const parts = module.split('.');
      parts.forEach((_, i) => add(parts.slice(0, i + 1).join('.')));
    }
    // Only names that are modules add a file (a class `Block` has no `Block.py`).
    names.forEach((name) => add(submoduleOf(module, name)));
  }
  return [...found];
}

/**
 * Walks the closure synchronously (the analysis's view). `importsOf` gives the files one file
 * imports (default: importedFiles; a caller analysing many files memoizes it per file text).
 */
export function importClosure(
  files: WorkspaceFiles,
  layout: WorkspaceLayout,
  path: string,
  text: string,
  bounds: ClosureBounds = DEFAULT_CLOSURE_BOUNDS,
  importsOf: (path: string, text: string) => string[] = (at, atText) => importedFiles(files, layout, at, atText),
): Closure {
  const walk = new ClosureWalk(path, bounds);
  walk.visit(importsOf(path, text), 1);
  for (let next = walk.next(); next; next = walk.next()) {
    const fileText = files.read(next.path);
    if (fileText !== undefined && walk.take(next.path, fileText.length)) {
      walk.visit(importsOf(next.path, fileText), next.depth + 1);
    }
  }
  return walk.result();
}

/** The bookkeeping of a breadth-first walk within bounds (shared by the synchronous and the asynchronous walk). */
export class ClosureWalk {
  private readonly queue: { path: string; depth: number }[] = [];
  private readonly seen = new Set<string>();
  private readonly taken: string[] = [];
  private readonly notes = new Set<string>();
  private bytes = 0;

  constructor(
    entry: string,
    private readonly bounds: ClosureBounds,
  ) {
    this.seen.add(entry);
  }

  /** Queues the files one file imports, found at `depth` steps from the analysed file. */
  visit(paths: string[], depth: number): void {
    for (const path of paths) {
      if (this.seen.has(path)) {
        continue;
      }
      this.seen.add(path);
      if (depth > this.bounds.depth) {
        this.notes.add(`imports more than ${this.bounds.depth} steps away are not followed (${path})`);
        continue;
      }
      this.queue.push({ path, depth });
    }
  }

  /** The next file to read, or undefined when the walk is done. */
  next(): { path: string; depth: number } | undefined {
    return this.queue.shift();
  }

  /** Takes a read file into the closure when the bounds allow; false (with a note) when not. */
  take(path: string, size: number): boolean {
    if (this.taken.length >= this.bounds.files) {
      this.notes.add(`the import closure is over ${this.bounds.files} files: ${path} and further ones are not followed`);
      return false;
    }
    if (this.bytes + size > this.bounds.bytes) {
      this.notes.add(`the import closure is over ${this.bounds.bytes} characters: ${path} is not followed`);
      return false;
    }
    this.bytes += size;
    this.taken.push(path);
    return true;
  }

  result(): Closure {
    return { files: [...this.taken], notes: [...this.notes] };
  }
}
