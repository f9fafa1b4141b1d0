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

/** Consecutive equal layer lines as one line `line ×n`, the corpus's expected form. */
export function collapseRepeats(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out[out.length - 1];
    const match = last?.match(/^(.*) ×(\d+)$/);
    if (last === line) {
      out[out.length - 1] = `${line} ×2`;
    } else if (match && match[1] === line) {
      out[out.length - 1] = `${line} ×${Number(match[2]) + 1}`;
    } else {
      out.push(line);
    }
  }
  return out;
}

/** The evaluator's notes as `note: …` lines, their line numbers shifted from the whole text back to the case's own code. */
export function noteLines(notes: readonly string[], prelude: string): string[] {
  const shift = prelude.split('\n').length - 1;
  return notes.map((note) => `note: ${note.replace(/^line (\d+):/, (_, n: string) => `line ${Number(n) - shift}:`)}`);
}
