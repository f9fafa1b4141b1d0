/**
 * The names a file's import statements bind, for spelling new code the way the file already
 * reaches a module (`nn.init` under `import torch.nn as nn`, `init` under `from torch.nn import
 * init`), and the edit that adds an import when nothing reaches it. Read from the text, not the
 * syntax tree: the fix spellers get the text, and an import is one logical line (parenthesised
 * and backslash-continued ones included). Relative and star imports bind nothing usable here.
 */
import { LineTable } from './lines';

/** One name bound by an import statement. */
export interface ImportBinding {
  /** The name bound in the file (`nn`, `init`, `torch`), dotted for `import a.b` (`a.b`). */
  name: string;
  /** The qualified module or member it refers to (`torch.nn`, `torch.nn.init`, `torch`). */
  target: string;
  /** The line of the statement. */
  line: number;
  /** True for `from __future__ import …`, which must stay first. */
  future: boolean;
}

const DOTTED = /^[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*$/;

/** Every name the file's import statements bind, in file order. */
export function importBindings(text: string): ImportBinding[] {
  if (!/\b(?:import|from)\b/.test(text)) {
    return [];
  }
  const lineOf = increasingLineOf(text);
  const bindings: ImportBinding[] = [];
  // The end of the last statement read: a continuation line starting with `import` is not a statement.
  let readUntil = 0;
  for (const start of statementStarts(text)) {
    if (start < readUntil) {
      continue;
    }
    const { statement, end } = logicalLine(text, start);
    readUntil = end;
    const line = lineOf(start);
    const from = /^from\s+(\S+)\s+import\s+(.*)$/s.exec(statement);
    if (from) {
      const module = from[1]!;
      if (!DOTTED.test(module)) {
        continue;
      }
      for (const [name, alias] of importedNames(from[2]!)) {
        if (name !== '*' && DOTTED.test(name)) {
          bindings.push({ name: alias ?? name, target: `${module}.${name}`, line, future: module === '__future__' });
        }
      }
      continue;
    }
    const plain = /^import\s+(.*)$/s.exec(statement);
    for (const [name, alias] of plain ? importedNames(plain[1]!) : []) {
      if (DOTTED.test(name)) {
        // `import a.b.c` binds `a`, but only `a.b.c` is sure to be loaded: it is read as naming `a.b.c`
        // (what else `a` holds depends on its `__init__`); `import a.b.c as x` binds `x` to `a.b.c`.
        bindings.push({ name: alias ?? name, target: name, line, future: false });
      }
    }
  }
  return bindings;
}

/**
 * `LineTable.lineOf` for offsets asked in increasing order: without CRs, only the line breaks up to
 * the last offset asked are counted (imports are near the top, the file can be long).
 */
function increasingLineOf(text: string): (offset: number) => number {
  if (text.includes('\r')) {
    const lines = new LineTable(text);
    return (offset) => lines.lineOf(offset);
  }
  let line = 0;
  let nextBreak = text.indexOf('\n');
  return (offset) => {
    while (nextBreak >= 0 && nextBreak < offset) {
      line++;
      nextBreak = text.indexOf('\n', nextBreak + 1);
    }
    return line;
  };
}

/**
 * The offsets of `import`/`from` keywords that start a line after its indentation (imports inside
 * blocks count too), in file order. Searching for the keywords first and looking back to the line
 * start is several times faster than a regex anchored at every line break of the file.
 */
function statementStarts(text: string): number[] {
  const starts: number[] = [];
  for (const match of text.matchAll(/(?:import|from)[ \t\\]/g)) {
    // Only indentation may stand between the line start and the keyword.
    let before = match.index - 1;
    while (before >= 0 && (text.charCodeAt(before) === 32 || text.charCodeAt(before) === 9)) {
      before--;
    }
    if (before < 0 || text.charCodeAt(before) === 10 || text.charCodeAt(before) === 13) {
      starts.push(match.index);
    }
  }
  return starts;
}

/** The statement starting at `start` up to the end of its logical line (comments and continuations dropped, spaces collapsed), and where it ends. */
function logicalLine(text: string, start: number): { statement: string; end: number } {
  let depth = 0;
  let out = '';
  let i = start;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '#') {
      while (i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r') {
        i++;
      }
    } else if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' && text[i + 2] === '\n' ? 2 : 1;
      out += ' ';
    } else if (c === '\n' || c === '\r' || c === ';') {
      if (depth === 0 || c === ';') {
        break;
      }
      out += ' ';
    } else if (c === '(') {
      depth++;
      out += ' ';
    } else if (c === ')') {
      depth--;
      out += ' ';
    } else {
      out += c;
    }
  }
  return {
    statement: out
      .replace(/\s+/g, ' ')
      .replace(/\s*\.\s*/g, '.')
      .trim(),
    end: i,
  };
}

/** `a as b, c` → [['a', 'b'], ['c', null]]. */
function importedNames(list: string): [string, string | null][] {
  const names: [string, string | null][] = [];
  for (const part of list.split(',')) {
    const item = /^\s*(\S+)(?:\s+as\s+([A-Za-z_]\w*))?\s*$/.exec(part);
    if (item) {
      names.push([item[1]!, item[2] ?? null]);
    }
  }
  return names;
}

/** How the file can name `qualified` through one binding, and how many segments it still spells out. */
export interface ImportReference {
  /** The expression (`nn.init`, `init`, `torch.nn.init`). */
  text: string;
  /** Dotted segments after the bound name: 0 when the name is the thing itself. */
  spelled: number;
  binding: ImportBinding;
}

/** Every way the bindings reach `qualified` (the binding names it or a module above it), in file order. */
export function referencesTo(bindings: readonly ImportBinding[], qualified: string): ImportReference[] {
  const references: ImportReference[] = [];
  for (const binding of bindings) {
    if (binding.target === qualified || qualified.startsWith(`${binding.target}.`)) {
      const rest = qualified.slice(binding.target.length);
      references.push({ text: `${binding.name}${rest}`, spelled: rest === '' ? 0 : rest.split('.').length - 1, binding });
    }
  }
  return references;
}

/**
 * The most direct name the file has for any of `qualified` (the first one in the file among the
 * fewest spelled-out segments: `init` before `nn.init` before `torch.nn.init`), or null.
 */
export function aliasFor(bindings: readonly ImportBinding[], ...qualified: string[]): string | null {
  let best: ImportReference | undefined;
  for (const name of qualified) {
    for (const reference of referencesTo(bindings, name)) {
      if (!best || reference.spelled < best.spelled || (reference.spelled === best.spelled && reference.binding.line < best.binding.line)) {
        best = reference;
      }
    }
  }
  return best?.text ?? null;
}

/** True when `import module` (without `as`) is in the file, so that `module.x` can be written. */
export function importsModule(bindings: readonly ImportBinding[], module: string): boolean {
  return bindings.some((binding) => binding.name === module && binding.target === module);
}

/**
 * The offset edit that adds a line `statement` (`import math`): before the first top-level import
 * that is not `from __future__`, else after the `from __future__` imports, else at the top of the
 * file. The line break is the file's own.
 */
export function addImportEdit(text: string, statement: string): { start: number; end: number; newText: string } {
  const lines = new LineTable(text);
  let afterFuture = -1;
  for (let line = 0; line < lines.lineCount; line++) {
    const content = lines.lineText(line);
    if (/^from\s+__future__\s/.test(content)) {
      afterFuture = line + 1;
    } else if (/^(import|from)\s/.test(content)) {
      const at = lines.lineStart(line);
      return { start: at, end: at, newText: `${statement}${lines.eol}` };
    }
  }
  if (afterFuture >= lines.lineCount) {
    // The `from __future__` import is the last line and has no line break.
    return { start: text.length, end: text.length, newText: `${lines.eol}${statement}` };
  }
  if (afterFuture >= 0) {
    const at = lines.lineStart(afterFuture);
    return { start: at, end: at, newText: `${statement}${lines.eol}` };
  }
  return { start: 0, end: 0, newText: `${statement}${lines.eol}` };
}
