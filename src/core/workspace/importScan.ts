/**
 * The imports a file's text names, read without parsing (the loader walks an import closure
 * before anything is evaluated). It may find more than the code runs (an import under `if`, in a
 * docstring): a file more in the closure costs a read, never a wrong answer.
 */

import { lineStartMatches } from '../python/lineStartMatches';

/** One import: the module spelled as written (leading dots for relative), and the names taken from it. */
export interface ScannedImport {
  module: string;
  /** `from module import a, b`: the names (each may be a submodule); empty for `import module`. */
  names: string[];
}

const FROM_IMPORT = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|(?:[^\n\\]|\\\n)*)/gm;
const PLAIN_IMPORT = /^[ \t]*import[ \t]+((?:[^\n\\#]|\\\n)*)/gm;

/** Every import statement of `text`. */
export function scanImports(text: string): ScannedImport[] {
  const found: ScannedImport[] = [];
  if (!text.includes('import')) {
    return found;
  }
  for (const match of lineStartMatches(text, FROM_IMPORT, ['from'])) {
    const names = match[2]!
      .replace(/#[^\n]*/g, '')
      .replace(/[()\\]/g, ' ')
      .split(',')
      .map((item) => item.trim().split(/\s+/)[0] ?? '')
      .filter((name) => /^\w+$/.test(name));
    found.push({ module: match[1]!, names });
  }
  for (const match of lineStartMatches(text, PLAIN_IMPORT, ['import'])) {
    for (const item of match[1]!.replace(/\\\n/g, ' ').split(',')) {
      const module = item.trim().split(/\s+/)[0] ?? '';
      if (/^\w+(\.\w+)*$/.test(module)) {
        found.push({ module, names: [] });
      }
    }
  }
  return found;
}

/** `name` under `module` as an import spells it (`.` + `x` → `.x`, `a` + `x` → `a.x`). */
export function submoduleOf(module: string, name: string): string {
  return module.endsWith('.') ? `${module}${name}` : `${module}.${name}`;
}
