/**
 * Model stubs: small Python files, bundled with the extension, that describe library blocks
 * (torchvision.ops, timm.layers, transformers' base classes) as plain model code, so the one
 * evaluator reads them as it reads user code. They live under a root no workspace path can have
 * (`<stubs>/torchvision/ops/misc.py`); the texts come from ./bundled.ts, generated from the
 * repository's `stubs/` folder (scripts/gen-stubs.mjs), so the core needs no file system.
 */
import { BUNDLED_STUBS } from './bundled';

/** The folder the stubs are placed under: not an absolute path, and no workspace folder is named so. */
export const STUB_ROOT = '<stubs>';

/** True when `path` is a bundled stub's (or a folder of them). */
export function isStubPath(path: string): boolean {
  return path === STUB_ROOT || path.startsWith(`${STUB_ROOT}/`);
}

/** The text of the stub at `path`, or undefined. */
export function stubText(path: string): string | undefined {
  return isStubPath(path) ? BUNDLED_STUBS[path.slice(STUB_ROOT.length + 1)] : undefined;
}

/** The stub file of the absolute module `qualified` (`a/b/__init__.py`, else `a/b.py`), or undefined. */
export function stubModulePath(qualified: string): string | undefined {
  const relative = qualified.split('.').join('/');
  for (const candidate of [`${relative}/__init__.py`, `${relative}.py`]) {
    if (BUNDLED_STUBS[candidate] !== undefined) {
      return `${STUB_ROOT}/${candidate}`;
    }
  }
  return undefined;
}

/** The dotted module name of the stub at `path` (`<stubs>/timm/layers/__init__.py` → `timm.layers`). */
export function stubModuleName(path: string): string {
  return path
    .slice(STUB_ROOT.length + 1)
    .replace(/(\/__init__)?\.py$/, '')
    .split('/')
    .join('.');
}

/** True when some stub lies at or under `path` (a stub file, or a folder of stubs). */
export function stubExists(path: string): boolean {
  if (stubText(path) !== undefined) {
    return true;
  }
  const prefix = `${path.slice(STUB_ROOT.length + 1)}/`;
  return Object.keys(BUNDLED_STUBS).some((key) => key.startsWith(prefix));
}
