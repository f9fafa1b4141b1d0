/**
 * Where absolute imports are searched, in order (as Python's `sys.path` and Pylance's
 * `python.analysis.extraPaths` do): the importing file's package root, the workspace folders, their
 * `src/` layouts, then extra paths. A given root (the CLI's `--root`) replaces the package root and
 * the folders. The user's stub folders are kept apart (`stubRoots`): resolution reads them after all these.
 */
import type { WorkspaceFiles } from './files';
import { dirnameOf, joinPath, normalizePath } from './paths';

/** The folders imports are searched in. */
export interface WorkspaceLayout {
  /** The workspace folders (absolute paths). */
  folders: readonly string[];
  /** More folders to search last (the setting `initLens.extraPaths`); relative ones are taken from the first folder. */
  extraPaths?: readonly string[];
  /**
   * Folders of the user's own model stubs (the setting `initLens.stubPaths`, the CLI's `--stub-path`):
   * searched after the workspace (user code wins) and before the bundled stubs (the user's stubs win
   * over Init Lens's); relative ones are taken from the first folder.
   */
  stubPaths?: readonly string[];
  /** One root that replaces the file's package root and the workspace folders (the CLI's `--root DIR`). */
  root?: string;
  /**
   * Resolve library modules only (to their bundled model stubs): a file analysed without a
   * workspace, whose relative and workspace imports stay symbols.
   */
  librariesOnly?: boolean;
}

/**
 * The folder above the topmost `__init__.py` chain that holds `path`: for a file of no package it is
 * the file's own folder (Python puts a script's folder first on its path).
 */
export function packageRootOf(files: WorkspaceFiles, path: string): string {
  let folder = dirnameOf(path);
  while (folder !== '/' && folder !== '.' && files.exists(joinPath(folder, '__init__.py'))) {
    folder = dirnameOf(folder);
  }
  return folder;
}

/** The folders an absolute import in the file at `path` is searched in, in order, without repeats. */
export function searchRoots(files: WorkspaceFiles, layout: WorkspaceLayout, path: string): string[] {
  const roots: string[] = [];
  const folders = layout.root !== undefined ? [normalizePath(layout.root)] : [packageRootOf(files, path), ...layout.folders.map(normalizePath)];
  for (const folder of folders) {
    roots.push(folder);
    const src = joinPath(folder, 'src');
    if (layout.root !== undefined || layout.folders.some((f) => normalizePath(f) === folder)) {
      // A `src/` layout: the packages live one folder down.
      if (files.exists(src)) {
        roots.push(src);
      }
    }
  }
  roots.push(...absoluteFolders(layout, layout.extraPaths, path));
  return [...new Set(roots)];
}

/** The user's stub folders as absolute paths, in order. */
export function stubRoots(layout: WorkspaceLayout, path: string): string[] {
  return absoluteFolders(layout, layout.stubPaths, path);
}

/** `paths` made absolute: relative ones from the first workspace folder (else the root, else the file's folder). */
function absoluteFolders(layout: WorkspaceLayout, paths: readonly string[] | undefined, path: string): string[] {
  const base = layout.folders[0] ?? layout.root ?? dirnameOf(path);
  return (paths ?? []).map((each) => {
    const normal = normalizePath(each);
    return normal.startsWith('/') || /^[A-Za-z]:/.test(normal) ? normal : joinPath(base, normal);
  });
}
