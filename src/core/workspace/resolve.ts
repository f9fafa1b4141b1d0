/**
 * Import resolution: which workspace file an `import` names. Relative imports count folders up
 * from the importing file; absolute ones are searched in ./layout.ts's roots. In each folder a
 * package (`name/__init__.py`) comes before a module (`name.py`); a folder without `__init__.py`
 * is a namespace package, taken only when no root has the name as a package or module.
 * Framework and standard-library modules are never looked for on disk; a library module with a
 * bundled model stub (../stubs/library.ts) is the stub, unless a workspace root holds the module
 * (user code wins). The user's stub folders (`layout.stubPaths`) come after the workspace and before
 * the bundled stubs, for library modules and any other module the workspace does not hold.
 */
import type { WorkspaceFiles } from './files';
import { searchRoots, stubRoots, type WorkspaceLayout } from './layout';
import { basenameOf, dirnameOf, joinPath } from './paths';
import { isStubPath, stubModuleName, stubModulePath } from '../stubs/library';

/** A workspace module an import names. */
export interface ResolvedModule {
  /** The module's file (`…/blocks.py`, `…/pkg/__init__.py`); undefined for a namespace package. */
  path?: string;
  /** For a package: its folder (where its submodules are). */
  folder?: string;
  /** A module of the user's stub folders: its dotted name, and the names it does not bind are the framework's. */
  userStub?: { name: string };
}

/** Top-level names never looked up in the workspace: the frameworks, their libraries, the standard library. */
const NOT_WORKSPACE = new Set([
  'torch', 'torchvision', 'torchaudio', 'torchtext', 'keras', 'tf_keras', 'keras_hub', 'keras_nlp', 'keras_cv', 'tensorflow',
  'flax', 'jax', 'jaxlib', 'optax', 'numpy', 'scipy', 'timm', 'transformers', 'einops', '__future__',
  'abc', 'argparse', 'collections', 'contextlib', 'copy', 'dataclasses', 'enum', 'functools', 'inspect', 'io', 'itertools',
  'json', 'logging', 'math', 'operator', 'os', 'pathlib', 'pickle', 'random', 're', 'string', 'sys', 'time', 'types',
  'typing', 'typing_extensions', 'warnings',
]); // prettier-ignore

/** True when `qualified` (an absolute module name) is never a workspace module. */
export function isForeignModule(qualified: string): boolean {
  return NOT_WORKSPACE.has(qualified.split('.')[0]!);
}

/** The module named by `spec` (leading dots for relative) imported from the file at `fromPath`, or undefined. */
export function resolveModule(files: WorkspaceFiles, layout: WorkspaceLayout, fromPath: string, spec: string): ResolvedModule | undefined {
  const found = resolveSpec(files, layout, fromPath, spec);
  return found?.path !== undefined && layout.stubPaths?.length ? asUserStub(layout, fromPath, found) : found;
}

function resolveSpec(files: WorkspaceFiles, layout: WorkspaceLayout, fromPath: string, spec: string): ResolvedModule | undefined {
  const dots = spec.length - spec.replace(/^\.+/, '').length;
  const parts = spec
    .slice(dots)
    .split('.')
    .filter((part) => part !== '');
  if (dots > 0) {
    if (layout.librariesOnly && !isStubPath(fromPath) && !underUserStubs(layout, fromPath)) {
      return undefined;
    }
    let folder = dirnameOf(fromPath);
    for (let level = 1; level < dots; level++) {
      folder = dirnameOf(folder);
    }
    return parts.length === 0 ? packageAt(files, folder) : locate(files, folder, parts);
  }
  if (parts.length === 0) {
    return undefined;
  }
  const stubbed = () => inUserStubs(files, layout, fromPath, parts);
  if (isForeignModule(spec)) {
    // A library module: its stub (the user's, else the bundled one), unless the workspace holds the module itself (user code wins).
    const stub = stubbed() ?? stubModulePath(parts.join('.'));
    if (stub === undefined) {
      return undefined;
    }
    const own = layout.librariesOnly ? undefined : inRoots(files, layout, fromPath, parts);
    return own?.path !== undefined ? own : typeof stub === 'string' ? { path: stub } : stub;
  }
  if (layout.librariesOnly) {
    return stubbed();
  }
  const own = inRoots(files, layout, fromPath, parts);
  return own?.path !== undefined ? own : (stubbed() ?? own);
}

/** `parts` as a package or module of the user's stub folders, in order. */
function inUserStubs(files: WorkspaceFiles, layout: WorkspaceLayout, fromPath: string, parts: string[]): ResolvedModule | undefined {
  for (const root of layout.stubPaths?.length ? stubRoots(layout, fromPath) : []) {
    const found = locate(files, root, parts);
    if (found?.path !== undefined) {
      return found;
    }
  }
  return undefined;
}

/** True when `path` lies in one of the user's stub folders. */
function underUserStubs(layout: WorkspaceLayout, path: string): boolean {
  return stubRoots(layout, path).some((root) => path.startsWith(`${root}/`));
}

/** `found` marked as a module of the user's stubs when its file lies in one of their folders. */
function asUserStub(layout: WorkspaceLayout, fromPath: string, found: ResolvedModule): ResolvedModule {
  const root = stubRoots(layout, fromPath).find((each) => found.path!.startsWith(`${each}/`));
  if (root === undefined) {
    return found;
  }
  const name = found
    .path!.slice(root.length + 1)
    .replace(/(\/?__init__)?\.py$/, '')
    .split('/')
    .join('.');
  return { ...found, userStub: { name } };
}

/** `parts` searched in the roots of absolute imports from `fromPath`: the first package or module, else a namespace package. */
function inRoots(files: WorkspaceFiles, layout: WorkspaceLayout, fromPath: string, parts: string[]): ResolvedModule | undefined {
  let namespace: ResolvedModule | undefined;
  for (const root of searchRoots(files, layout, fromPath)) {
    const found = locate(files, root, parts);
    if (found?.path !== undefined) {
      return found;
    }
    namespace ??= found;
  }
  return namespace;
}

/** The package whose folder is `folder` (`from . import x`). */
function packageAt(files: WorkspaceFiles, folder: string): ResolvedModule {
  const init = joinPath(folder, '__init__.py');
  return files.exists(init) ? { path: init, folder } : { folder };
}

/** `parts` under `root`: a package, a module, or a namespace package; undefined when none is there. */
function locate(files: WorkspaceFiles, root: string, parts: string[]): ResolvedModule | undefined {
  const folder = joinPath(root, ...parts);
  const init = joinPath(folder, '__init__.py');
  if (files.exists(init)) {
    return { path: init, folder };
  }
  const module = `${folder}.py`;
  if (files.exists(module)) {
    return { path: module };
  }
  return files.exists(folder) ? { folder } : undefined;
}

/**
 * True when a relative import of `module` from the file at `fromPath` runs the packages above
 * them first: workspace code only (a bundled or user stub describes one library module, whose
 * package `__init__` is the library's own).
 */
export function withParents(fromPath: string, module: ResolvedModule): boolean {
  return !isStubPath(fromPath) && module.userStub === undefined && !(module.path !== undefined && isStubPath(module.path));
}

/**
 * The `__init__.py` files of the packages that hold the file (or package folder) at `path`,
 * outermost first: what Python runs before the module (`…/pkg/sub/blocks.py` → `pkg/__init__.py`,
 * `pkg/sub/__init__.py`). A package's own `__init__.py` is not among its parents.
 */
export function parentPackages(files: WorkspaceFiles, path: string): string[] {
  const inits: string[] = [];
  let folder = dirnameOf(basenameOf(path) === '__init__.py' ? dirnameOf(path) : path);
  while (folder !== '/' && folder !== '.') {
    const init = joinPath(folder, '__init__.py');
    if (!files.exists(init)) {
      break;
    }
    inits.unshift(init);
    folder = dirnameOf(folder);
  }
  return inits;
}

/**
 * The dotted name of the module in the file at `path`, from the `__init__.py` chain above it
 * (`…/mynet/layers/conv.py` → `mynet.layers.conv`; a package's `__init__.py` is the package).
 */
export function moduleNameOf(files: WorkspaceFiles, path: string): string {
  if (isStubPath(path)) {
    return stubModuleName(path);
  }
  const base = basenameOf(path);
  const names = base === '__init__.py' ? [] : [base.replace(/\.py$/, '')];
  let folder = dirnameOf(path);
  while (folder !== '/' && folder !== '.' && files.exists(joinPath(folder, '__init__.py'))) {
    names.unshift(basenameOf(folder));
    folder = dirnameOf(folder);
  }
  return names.join('.') || basenameOf(dirnameOf(path));
}
