/**
 * The PyTorch fix speller's view of the whole file, as one string: the incremental memo reuses a
 * model's advice only while it is unchanged (the adapter hands it over as `spellingKey`).
 */
import { firstLineBreak } from '../../python/lines';
import { initPrefix, prefersDoubleQuotes } from './fixes';

/**
 * Everything of the whole text that the PyTorch fix speller reads besides the model's own units
 * (mirrors `sourceInfo` and `initPrefix` in ./fixes.ts; the equality test in
 * test/unit/python/incremental.test.ts catches a drift between the two). Lines are split as there
 * (CRLF, CR or LF), but only until the first indented line and the first import are found.
 */
export function pytorchSpellingKey(text: string): string {
  let indented: string | undefined;
  let firstImport = -1;
  let afterFuture = -1;
  const breaks = /\r\n|\r|\n/g;
  for (let line = 0, start = 0; indented === undefined || firstImport < 0; line++) {
    const found = breaks.exec(text);
    const content = text.slice(start, found ? found.index : text.length);
    if (indented === undefined && /^(\t| +)\S/.test(content)) {
      indented = content;
    }
    // Where `import math` goes (python/importAliases.ts addImportEdit): the first import after any `from __future__` ones.
    if (/^from\s+__future__\s/.test(content)) {
      afterFuture = line + 1;
    } else if (firstImport < 0 && /^(import|from)\s/.test(content)) {
      firstImport = line;
    }
    if (!found) {
      break;
    }
    start = found.index + found[0].length;
  }
  return JSON.stringify([
    firstLineBreak(text),
    prefersDoubleQuotes(text),
    /^(\t| *)/.exec(indented ?? '')![0].slice(0, 9),
    initPrefix(text),
    /^\s*import\s+math\b/m.test(text),
    /^\s*import\s+torch\b/m.test(text),
    firstImport,
    afterFuture,
  ]);
}
