/**
 * The house rules that eslint.config.mjs enforces (run by `npm run lint`), checked on small texts of
 * our own: no function over 100 lines in src/ and webview/ without a disable comment saying why, and
 * no module-level mutable state (a top-level `let`, an empty top-level Map or Set) in src/core.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The rule ids ESLint reports for `text` as if it were the file at `file` (relative to the root). */
async function ruleIdsFor(eslint: ESLint, file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

/** A function of `lines` statements (each one non-blank code line), exported so nothing is unused. */
function functionOfLines(lines: number, disable?: string): string {
  const body = Array.from({ length: lines }, (_, i) => `  total += ${i};`).join('\n');
  const header = disable ? `// eslint-disable-next-line max-lines-per-function -- ${disable}\n` : '';
  return `${header}export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

/** A module-level counter (reassigned, so prefer-const has nothing to say). */
const COUNTER = 'let counter = 0;\nexport function next(): number {\n  return ++counter;\n}\n';

describe('house rules in the lint config', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: ROOT });

  it('rejects a function over 100 lines in src/ and webview/, and accepts one with a disable comment', async () => {
    assert.ok((await ruleIdsFor(eslint, 'src/core/simulate/long.ts', functionOfLines(120))).includes('max-lines-per-function'));
    assert.ok((await ruleIdsFor(eslint, 'src/editor/long.ts', functionOfLines(120))).includes('max-lines-per-function'));
    assert.ok((await ruleIdsFor(eslint, 'webview/src/long.ts', functionOfLines(120))).includes('max-lines-per-function'));
    assert.deepEqual(await ruleIdsFor(eslint, 'src/core/simulate/long.ts', functionOfLines(90)), []);
    assert.deepEqual(await ruleIdsFor(eslint, 'src/core/simulate/long.ts', functionOfLines(120, 'a tight kernel')), []);
  });

  it('holds every framework folder to both rules', async () => {
    for (const framework of ['pytorch', 'keras', 'flax']) {
      assert.ok((await ruleIdsFor(eslint, `src/core/frameworks/${framework}/long.ts`, functionOfLines(120))).includes('max-lines-per-function'), framework);
      assert.ok((await ruleIdsFor(eslint, `src/core/frameworks/${framework}/state.ts`, COUNTER)).includes('no-restricted-syntax'), framework);
    }
  });

  it('rejects module-level let and var in src/core, exported or not', async () => {
    for (const text of [COUNTER, 'export let last = 0;\n', 'export var last = 0;\n']) {
      assert.ok((await ruleIdsFor(eslint, 'src/core/advice/state.ts', text)).includes('no-restricted-syntax'), text);
    }
    // A let inside a function is local state, and outside src/core the rule does not apply.
    assert.deepEqual(await ruleIdsFor(eslint, 'src/core/advice/state.ts', 'export function f(): number {\n  let x = 1;\n  x++;\n  return x;\n}\n'), []);
    assert.deepEqual(await ruleIdsFor(eslint, 'src/editor/state.ts', COUNTER), []);
  });

  it('rejects an empty module-level Map or Set in src/core, and accepts a constant table', async () => {
    assert.ok((await ruleIdsFor(eslint, 'src/core/advice/cache.ts', 'export const cache = new Map<string, number>();\n')).includes('no-restricted-syntax'));
    assert.ok(
      (await ruleIdsFor(eslint, 'src/core/advice/cache.ts', 'const seen = new WeakMap<object, number>();\nexport { seen };\n')).includes(
        'no-restricted-syntax',
      ),
    );
    assert.deepEqual(await ruleIdsFor(eslint, 'src/core/advice/names.ts', "export const NAMES = new Set(['relu', 'tanh']);\n"), []);
  });
});
