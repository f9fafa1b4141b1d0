/** The bench's one-character edits of the generated file (workload 3), shared by ./bench.ts and ./focus.ts. */
import { prng } from './generate';

/** One edit of the bench: insert `insert` at `index`. */
export interface EditSpec {
  index: number;
  insert: string;
  kind: 'identifier' | 'open-paren';
}

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case'.split(
    ' ',
  ),
);

/**
 * Deterministic one-character edits: four in five insert `x` inside an identifier (syntax stays
 * valid, the meaning may change), one in five appends `(` to a code line (an unclosed bracket,
 * the usual state while typing a call; it takes the syntax-error path).
 */
export function editSpecs(text: string, count: number, seed: number): EditSpec[] {
  const rand = prng(seed);
  const identifiers: { start: number; end: number }[] = [];
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const before = m.index > 0 ? text[m.index - 1]! : '';
    if (!KEYWORDS.has(m[0]) && !/[0-9]/.test(before)) {
      identifiers.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  const lineEnds: number[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line.trim() !== '' && !line.trim().startsWith('#') && !line.trim().startsWith('"""')) {
      lineEnds.push(offset + line.length);
    }
    offset += line.length + 1;
  }
  const specs: EditSpec[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 5 === 4) {
      specs.push({ index: lineEnds[Math.floor(rand() * lineEnds.length)]!, insert: '(', kind: 'open-paren' });
    } else {
      const id = identifiers[Math.floor(rand() * identifiers.length)]!;
      const at = id.start + 1 + Math.floor(rand() * (id.end - id.start));
      specs.push({ index: at, insert: 'x', kind: 'identifier' });
    }
  }
  return specs;
}
