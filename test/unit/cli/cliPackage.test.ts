/**
 * How a Python project gets the CLI: the npm package holds the built CLI and its wasm files (and
 * no sources), its `bin` is that CLI with a shebang, `prepack` builds it, and the pre-commit hooks
 * run that `bin` on Python files with `language: node`.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCliBuilt, ROOT } from '../support/cli';

interface Manifest {
  bin: Record<string, string>;
  scripts: Record<string, string>;
}

describe('CLI packaging for npx and pre-commit', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

  it('has an init-lens bin that is the built CLI with a node shebang, built by prepack', () => {
    assert.equal(manifest.bin['init-lens'], './dist/cli.js');
    assert.match(fs.readFileSync(path.join(ROOT, 'dist', 'cli.js'), 'utf8').split('\n')[0]!, /^#!\/usr\/bin\/env node$/);
    assert.match(manifest.scripts.prepack ?? '', /esbuild\.mjs|npm run build/);
  });

  it('packs the CLI bundle and both wasm files, and no sources or tests', () => {
    const { NODE_OPTIONS: _loader, ...env } = process.env;
    const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    });
    assert.equal(run.status, 0, run.stderr);
    const files = (JSON.parse(run.stdout) as { files: { path: string }[] }[])[0]!.files.map((file) => file.path);
    for (const needed of ['dist/cli.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'package.json']) {
      assert.ok(files.includes(needed), `${needed} in ${files.join(', ')}`);
    }
    assert.deepEqual(
      files.filter((file) => /^(src|test|node_modules)\//.test(file)),
      [],
    );
  });

  it('declares pre-commit hooks that run the bin on Python files with language: node', () => {
    const text = fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    const hooks = text.split(/^- /m).slice(1);
    assert.deepEqual(
      hooks.map((hook) => /^id: (\S+)$/m.exec(hook)?.[1]),
      ['init-lens', 'init-lens-fix'],
    );
    for (const hook of hooks) {
      assert.match(hook, /^\s*language: node$/m);
      assert.match(hook, /^\s*types: \[python\]$/m);
      assert.match(hook, /^\s*entry: init-lens check( --fix)?$/m, 'the entry is the bin');
    }
  });
});
