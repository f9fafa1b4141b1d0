/**
 * scripts/check-cycles.mjs (run by `npm run lint`) on small trees of its own: it finds file and
 * folder cycles, type-only imports included, accepts exactly the cycles its baseline lists, and
 * fails when a baseline entry no longer exists (so that the baseline only shrinks).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.join(__dirname, '..', '..', '..', 'scripts', 'check-cycles.mjs');

interface Entry {
  level: 'file' | 'folder';
  members: string[];
  note: string;
}

/** Writes the files (path → text) under a fresh root and runs the check there with this baseline. */
function check(files: Record<string, string>, baseline: Entry[], ...flags: string[]): { status: number | null; output: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'check-cycles-'));
  try {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
    const baselineFile = path.join(root, 'baseline.json');
    fs.writeFileSync(baselineFile, JSON.stringify({ cycles: baseline }));
    const run = spawnSync(process.execPath, [SCRIPT, '--root', root, '--baseline', baselineFile, ...flags], { encoding: 'utf8' });
    return { status: run.status, output: run.stdout + run.stderr };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const TYPE_ONLY_CYCLE = {
  'src/core/a.ts': "import type { B } from './b';\nexport interface A { b?: B }\n",
  'src/core/b.ts': "import { type A } from './a.js';\nexport interface B { a?: A }\n",
  'src/core/c.ts': "import type { A } from './a';\nexport type C = A;\n",
};

describe('scripts/check-cycles.mjs', function () {
  // Each test starts node on the script (well under a second alone); a loaded machine stretches that past mocha's 20 s.
  this.timeout(120_000);

  it('fails on a cycle of type-only imports that the baseline does not list, naming its files', () => {
    const { status, output } = check(TYPE_ONLY_CYCLE, []);
    assert.equal(status, 1, output);
    assert.match(output, /a file import cycle that the baseline does not list:\s+src\/core\/a\.ts\s+src\/core\/b\.ts\n/);
    assert.doesNotMatch(output, /src\/core\/c\.ts\n/, 'c.ts only imports into the cycle');
  });

  it('accepts a cycle that the baseline lists with exactly its files', () => {
    const { status, output } = check(TYPE_ONLY_CYCLE, [{ level: 'file', members: ['src/core/b.ts', 'src/core/a.ts'], note: 'known' }]);
    assert.equal(status, 0, output);
  });

  it('fails when a baseline entry no longer exists, or lists more files than the cycle has', () => {
    const acyclic = { 'src/core/a.ts': 'export const a = 1;\n', 'src/core/b.ts': "import { a } from './a';\nexport const b = a;\n" };
    const gone = check(acyclic, [{ level: 'file', members: ['src/core/a.ts', 'src/core/b.ts'], note: 'fixed since' }]);
    assert.equal(gone.status, 1, gone.output);
    assert.match(gone.output, /a baseline file cycle that no longer exists as listed \(fixed since\)/);
    const shrunk = check(TYPE_ONLY_CYCLE, [{ level: 'file', members: ['src/core/a.ts', 'src/core/b.ts', 'src/core/c.ts'], note: 'was larger' }]);
    assert.equal(shrunk.status, 1, shrunk.output);
    assert.match(shrunk.output, /no longer exists as listed \(was larger\)/);
  });

  it('finds a cycle between folders that no chain of single files closes', () => {
    const files = {
      'src/core/advice/rules.ts': "import { gain } from '../frameworks/torch/gain';\nexport const rule = gain;\n",
      'src/core/advice/types.ts': 'export interface Fix { title: string }\n',
      'src/core/frameworks/torch/gain.ts': 'export const gain = 2;\n',
      'src/core/frameworks/torch/fixes.ts': "import type { Fix } from '../../advice/types';\nexport const fixes: Fix[] = [];\n",
    };
    const { status, output } = check(files, []);
    assert.equal(status, 1, output);
    assert.match(output, /a folder import cycle that the baseline does not list:\s+src\/core\/advice\s+src\/core\/frameworks\/torch\n/);
    assert.doesNotMatch(output, /a file import cycle/);
  });

  it('passes on a tree without cycles, and reads imports, re-exports and import() types alike', () => {
    const files = {
      'src/core/a.ts': "export * from './b';\nexport type D = import('./d').D;\n",
      'src/core/b.ts': 'export const b = 1;\n',
      'src/core/d.ts': "export interface D { x: number }\nexport { b } from './b';\n",
      'webview/src/main.ts': "import { b } from '../../../src/core/a';\nconsole.log(b);\n",
    };
    assert.equal(check(files, []).status, 0);
    const listed = check({ ...files, 'src/core/b.ts': "export type { D } from './d';\nexport const b = 1;\n" }, [], '--list');
    assert.match(listed.output, /file cycle of 2:\s+src\/core\/b\.ts\s+src\/core\/d\.ts/);
  });
});
