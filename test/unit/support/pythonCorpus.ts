/**
 * The Python-semantics corpus (test/fixtures/python-corpus/*.txt, tree-sitter corpus style): one
 * reader for the toy, Keras, Flax and PyTorch runs, so that each runs the same cases.
 */
import { join } from 'node:path';

/** Where the corpus files are. */
export const CORPUS_DIR = join(__dirname, '..', '..', 'fixtures', 'python-corpus');

/** One titled case: its code and the expected layers and notes. */
export interface Case {
  title: string;
  code: string;
  expected: string;
}

/** Splits a corpus file into its cases. */
export function parseCorpus(text: string): Case[] {
  const cases: Case[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('====')) {
      continue;
    }
    const title = lines[i + 1]!.trim();
    let j = i + 3;
    const code: string[] = [];
    while (j < lines.length && !lines[j]!.startsWith('----')) {
      code.push(lines[j++]!);
    }
    const expected: string[] = [];
    j++;
    while (j < lines.length && !lines[j]!.startsWith('====')) {
      expected.push(lines[j++]!);
    }
    cases.push({ title, code: code.join('\n') + '\n', expected: expected.join('\n').trim() });
    i = j - 1;
  }
  return cases;
}
