/**
 * Workspace imports for analyses: one object per view of the workspace's files (a snapshot the
 * editor loaded, or the disk for the CLI). For each analysed file it gives an `ImportLink` (its
 * import closure placed after its text, see ./importLink.ts). Imported files are parsed once per
 * text and kept here, so analysing many files that import the same modules parses each once.
 */
import { DEFAULT_CLOSURE_BOUNDS, importClosure, importedFiles, type ClosureBounds } from './closure';
import type { ModuleStore } from './contracts';
import type { WorkspaceFiles } from './files';
import { ImportLink } from './importLink';
import type { WorkspaceLayout } from './layout';
import { parseModule, type ParsedModule } from './parsedModule';
import { normalizePath } from './paths';
import { parsedStub, withStubs } from './stubbedFiles';
import { isStubPath } from '../stubs/library';

/** Parsed modules kept at most (the oldest are dropped first). */
const MAX_KEPT_MODULES = 2_000;

/** Resolves and reads the workspace modules analysed files import. */
export class WorkspaceImports implements ModuleStore {
  /** Parsed files by path, with the text they were parsed from. */
  private readonly parsed = new Map<string, { text: string; module: ParsedModule | undefined }>();
  /** The files each file imports, by path, with the text they were read from (this view's files do not change). */
  private readonly imported = new Map<string, { text: string; files: string[] }>();

  /**
   * `canonical` spells an analysed file's path as the files' paths are spelled (the CLI makes a
   * relative path absolute), so that a file is the same module however it is reached.
   */
  /** The workspace's files, with the bundled model stubs readable at their own paths. */
  readonly files: WorkspaceFiles;

  constructor(
    files: WorkspaceFiles,
    readonly layout: WorkspaceLayout,
    readonly bounds: ClosureBounds = DEFAULT_CLOSURE_BOUNDS,
    private readonly canonical: (path: string) => string = (path) => path,
  ) {
    this.files = withStubs(files);
  }

  /**
   * The link of one analysis of the file at `path` whose current text is `text` (maybe unsaved),
   * or undefined when the file imports no workspace module (then nothing changes for it).
   */
  link(path: string, text: string): ImportLink | undefined {
    const normal = normalizePath(this.canonical(path));
    const closure = importClosure(this.files, this.layout, normal, text, this.bounds, (at, atText) => this.importsOf(at, atText));
    if (closure.files.length === 0 && closure.notes.length === 0) {
      return undefined;
    }
    return new ImportLink(this, normal, text, closure);
  }

  /** The files the file at `path` with `text` imports, found once per text. */
  private importsOf(path: string, text: string): string[] {
    const kept = this.imported.get(path);
    if (kept?.text === text) {
      return kept.files;
    }
    const files = importedFiles(this.files, this.layout, path, text);
    this.imported.delete(path);
    this.imported.set(path, { text, files });
    if (this.imported.size > MAX_KEPT_MODULES) {
      this.imported.delete(this.imported.keys().next().value!);
    }
    return files;
  }

  /** The parsed file at `path` (its current text), or undefined when it cannot be read or parsed. */
  module(path: string): ParsedModule | undefined {
    if (isStubPath(path)) {
      return parsedStub(path);
    }
    const text = this.files.read(path);
    if (text === undefined) {
      return undefined;
    }
    const kept = this.parsed.get(path);
    if (kept?.text === text) {
      return kept.module;
    }
    const module = parseModule(text);
    this.parsed.delete(path);
    this.parsed.set(path, { text, module });
    if (this.parsed.size > MAX_KEPT_MODULES) {
      this.parsed.delete(this.parsed.keys().next().value!);
    }
    return module;
  }
}
