/**
 * Reduces an input the fuzzer saved to a small reproducer: drops chunks of lines (halves, then
 * quarters, … then single lines) while the oracle still reports a problem of the same kind.
 *
 *   node --import tsx test/fuzz/reduce.ts FILE KIND [PATTERN]   (KIND: throw, hang, json, text or fix)
 *
 * Prints the reduced text; PATTERN (a substring of the problem's detail) keeps the same problem.
 */
import * as fs from 'node:fs';
import { checkInput, type Problem } from './oracle';
import { loadGrammar } from '../unit/support/python';

/** True when the text still shows a problem of the kind (and with the pattern in its detail). */
function stillFails(text: string, kind: Problem['kind'], pattern: string): boolean {
  return checkInput(text, 5000).problems.some((problem) => problem.kind === kind && problem.detail.includes(pattern));
}

/** Line-wise delta debugging (ddmin without complements). */
export function reduceLines(text: string, fails: (text: string) => boolean): string {
  let lines = text.split('\n');
  let chunk = Math.max(1, Math.floor(lines.length / 2));
  for (;;) {
    let changed = false;
    for (let start = 0; start < lines.length;) {
      const candidate = [...lines.slice(0, start), ...lines.slice(start + chunk)];
      if (candidate.length > 0 && fails(candidate.join('\n'))) {
        lines = candidate;
        changed = true;
      } else {
        start += chunk;
      }
    }
    if (!changed) {
      if (chunk === 1) {
        return lines.join('\n');
      }
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
}

async function main(): Promise<void> {
  const [file, kind, pattern = ''] = process.argv.slice(2);
  await loadGrammar();
  const text = fs.readFileSync(file, 'utf8');
  const fails = (candidate: string) => stillFails(candidate, kind as Problem['kind'], pattern);
  if (!fails(text)) {
    throw new Error(`${file} shows no ${kind} problem${pattern ? ` with ${JSON.stringify(pattern)}` : ''}`);
  }
  process.stdout.write(`${reduceLines(text, fails)}\n`);
}

if (require.main === module) {
  void main();
}
