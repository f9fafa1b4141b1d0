/**
 * The imports of one analysis: the analysed file's import closure placed after its text in one
 * virtual source (./parsedModule.ts), the resolvers its evaluators use, the files it read (for
 * re-analysing dependents and for the incremental memo) and the way back from virtual positions
 * to each file's own (./relocate.ts).
 */
import type { FileGraph } from '../graph';
import type { ModuleResolver, ModuleResolvers } from '../python/eval/imports';
import type { Closure } from './closure';
import type { LinkedModules, ModuleStore, PlacedModule } from './contracts';
import type { WorkspaceFiles } from './files';
import { textHash } from './hash';
import { WorkspaceModuleRunner } from './moduleRunner';
import { placeModule } from './parsedModule';
import { relocateGraph, type Segment } from './relocate';
import { shownFrom } from './paths';
import { resolveModule, type ResolvedModule } from './resolve';
import { isStubPath } from '../stubs/library';

/** A file an analysis read, with a hash of the text it read. */
export interface FileDependency {
  path: string;
  hash: string;
}

function lineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    count++;
  }
  return count;
}

/** One analysis's imports (made by WorkspaceImports.link). */
export class ImportLink implements ModuleResolvers, LinkedModules {
  /** The analysed text, then each imported file after a line break: what the evaluators read. */
  readonly source: string;
  /** The imported files read, nearest first, with their hashes. */
  readonly dependencies: FileDependency[] = [];
  /** What could not be followed, in words. */
  readonly notes: string[];
  private readonly placed = new Map<string, PlacedModule>();
  private readonly segments: Segment[] = [];

  constructor(
    private readonly workspace: ModuleStore,
    /** The analysed file's path. */
    readonly path: string,
    text: string,
    closure: Closure,
  ) {
    this.notes = [...closure.notes];
    const pieces = [text];
    let index = text.length;
    let line = lineBreaks(text);
    for (const file of closure.files) {
      const module = workspace.module(file);
      const raw = workspace.files.read(file);
      if (!module || raw === undefined) {
        this.notes.push(`${shownFrom(path, file)} could not be read or parsed: its names are symbols`);
        continue;
      }
      if (!isStubPath(file)) {
        // A bundled stub never changes while the extension runs: it is no dependency.
        this.dependencies.push({ path: file, hash: textHash(raw) });
      }
      pieces.push('\n', module.text);
      index += 1;
      line += 1;
      this.placed.set(file, { module, index, line });
      this.segments.push({ path: file, line });
      index += module.text.length;
      line += lineBreaks(module.text);
    }
    this.source = pieces.join('');
  }

  get files(): WorkspaceFiles {
    return this.workspace.files;
  }

  get librariesOnly(): boolean {
    return this.workspace.layout.librariesOnly === true;
  }

  /** A key of every imported file's text: equal keys, equal imports. */
  get key(): string {
    return this.dependencies.map((dependency) => `${dependency.path}:${dependency.hash}`).join('|');
  }

  /** Places the imported trees for this analysis (trees are shared between analyses: call it before evaluating). */
  place(): void {
    this.placed.forEach((placed) => placeModule(placed.module, placed.index, placed.line));
  }

  /** The placed imported file at `path`, if it is in the closure. */
  placedModule(path: string): PlacedModule | undefined {
    return this.placed.get(path);
  }

  /** The workspace module `spec` names from the file at `fromPath`. */
  resolve(fromPath: string, spec: string): ResolvedModule | undefined {
    return resolveModule(this.workspace.files, this.workspace.layout, fromPath, spec);
  }

  /** A path as notes show it (relative to the analysed file's folder when under it). */
  shown(path: string): string {
    return shownFrom(this.path, path);
  }

  forEvaluator<H>(): ModuleResolver<H> {
    return new WorkspaceModuleRunner<H>(this);
  }

  /** Moves every position of `graph` that lies in an imported file to that file (see ./relocate.ts). */
  relocate(graph: FileGraph): void {
    relocateGraph(graph, this.segments, (path) => this.shown(path));
  }
}
