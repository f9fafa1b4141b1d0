/**
 * What workspace imports read: files through a small read-only interface. The evaluator is
 * synchronous, so analysis reads a synchronous view (`WorkspaceFiles`); the editor (desktop and
 * web, through `vscode.workspace.fs`) loads an import closure asynchronously into a snapshot first
 * (./loader.ts), and the CLI reads the disk directly.
 */

/** Synchronous read-only access to workspace files (paths as ./paths.ts spells them). */
export interface WorkspaceFiles {
  /** True when a file or folder exists at `path`. */
  exists(path: string): boolean;
  /** The text of the file at `path`, or undefined when there is none (or it cannot be read). */
  read(path: string): string | undefined;
}

/** Asynchronous read-only access to workspace files (the editor's `vscode.workspace.fs`). */
export interface AsyncWorkspaceFiles {
  exists(path: string): Promise<boolean>;
  read(path: string): Promise<string | undefined>;
}

/** Thrown by a snapshot asked about a path nobody loaded: the loader probes it and asks again. */
export class NotLoaded extends Error {
  constructor(readonly path: string) {
    super(`not loaded: ${path}`);
  }
}

/**
 * A pre-loaded view of some workspace files: what exists and what files say, as one loader saw it.
 * By default a path nobody probed does not exist; `strict` snapshots throw NotLoaded instead (the
 * loader's way to learn which paths resolution needs).
 */
export class SnapshotFiles implements WorkspaceFiles {
  private readonly present = new Map<string, boolean>();
  private readonly texts = new Map<string, string>();

  constructor(private readonly strict = false) {}

  /** Records whether `path` exists. */
  setExists(path: string, exists: boolean): void {
    this.present.set(path, exists);
  }

  /** Records a file's text (the file exists). */
  setText(path: string, text: string): void {
    this.present.set(path, true);
    this.texts.set(path, text);
  }

  /** True when the snapshot knows whether `path` exists. */
  probed(path: string): boolean {
    return this.present.has(path);
  }

  /** The paths of the files whose text is loaded. */
  loadedFiles(): string[] {
    return [...this.texts.keys()];
  }

  /** The loaded text of `path`, without asking for it (undefined when not loaded). */
  loadedText(path: string): string | undefined {
    return this.texts.get(path);
  }

  exists(path: string): boolean {
    const known = this.present.get(path);
    if (known === undefined && this.strict) {
      throw new NotLoaded(path);
    }
    return known ?? false;
  }

  read(path: string): string | undefined {
    const text = this.texts.get(path);
    if (text === undefined && this.strict && this.present.get(path) !== false) {
      throw new NotLoaded(path);
    }
    return text;
  }

  /** A non-strict copy (what analysis reads once loading is done). */
  frozen(): SnapshotFiles {
    const copy = new SnapshotFiles(false);
    this.present.forEach((exists, path) => copy.present.set(path, exists));
    this.texts.forEach((text, path) => copy.texts.set(path, text));
    return copy;
  }
}
