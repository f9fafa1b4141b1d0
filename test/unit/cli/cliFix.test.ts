/**
 * `check --fix` and `check --diff`, run as users run them: a fix writes a file that parses and no
 * longer has its finding; `--diff` writes nothing, exits 1, and is exactly the change `--fix`
 * makes; every fixture, fixed, still parses and has no fixable finding left.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parsePython } from '../../../src/core/python/parser';
import { ensureCliBuilt, ROOT, runCli, type Run } from '../support/cli';
import { loadGrammar } from '../support/python';
import { suppressionModel } from '../support/suppressionModel';
import { applyUnifiedDiff, splitDiff } from '../support/unifiedPatch';

function cli(...args: string[]): Run {
  return runCli(args, 120_000);
}

/** True when the text parses with no syntax error. */
function parses(text: string): boolean {
  const tree = parsePython(text.replace(/\r(?!\n)/g, '\n'))!;
  const clean = !tree.rootNode.hasError;
  tree.delete();
  return clean;
}

interface JsonLine {
  file: string;
  rule: string;
  fix: unknown;
}

/** The findings of a `--output-format json-lines` run. */
function jsonLines(run: Run): JsonLine[] {
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonLine);
}

/** The .py files under a folder, relative to it. */
function pythonFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith('.py')).sort();
}

describe('CLI check --fix and --diff', function () {
  this.timeout(300_000);
  before(ensureCliBuilt);
  before(loadGrammar);
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-fix-'));
    dirs.push(dir);
    return dir;
  };

  it('--fix writes a file that parses, clears its findings and says what it fixed', () => {
    const file = path.join(tempDir(), 'model.py');
    fs.writeFileSync(file, suppressionModel());
    const before = jsonLines(cli('check', file, '--output-format', 'json-lines'));
    assert.ok(
      before.some((finding) => finding.rule === 'init-relu' && finding.fix),
      'a fixable init-relu finding to start with',
    );
    const run = cli('check', file, '--fix');
    const fixed = fs.readFileSync(file, 'utf8');
    assert.notEqual(fixed, suppressionModel(), 'the file was rewritten');
    assert.ok(parses(fixed), `the fixed file parses:\n${fixed}`);
    assert.match(run.stderr, /model\.py: fixed \d+: .*init-relu/);
    assert.match(run.stdout, /, [1-9]\d* fixed\n$/, 'the summary counts the fixes');
    const after = jsonLines(cli('check', file, '--output-format', 'json-lines'));
    assert.deepEqual(
      after.filter((finding) => finding.fix),
      [],
      'no fixable finding left',
    );
    assert.ok(!after.some((finding) => finding.rule === 'init-relu'), 'the init-relu findings are gone');
    const warnings = Number(/(\d+) warnings/.exec(run.stdout)?.[1]);
    assert.equal(run.status, warnings > 0 ? 1 : 0, 'the exit code is that of what remains');
  });

  it('--diff writes nothing, exits 1, and applied to the file gives what --fix writes', () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.py');
    fs.writeFileSync(file, suppressionModel());
    const diff = cli('check', file, '--diff');
    assert.equal(diff.status, 1, diff.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), suppressionModel(), '--diff wrote nothing');
    assert.match(diff.stderr, /Would fix [1-9]\d* findings in 1 files/);
    const patches = splitDiff(diff.stdout);
    assert.deepEqual([...patches.keys()], [file.split(path.sep).join('/')]);
    cli('check', file, '--fix');
    assert.equal(applyUnifiedDiff(suppressionModel(), patches.get(file.split(path.sep).join('/'))!), fs.readFileSync(file, 'utf8'));
  });

  it('--diff of a file with nothing to fix prints nothing and exits 0', () => {
    const run = cli('check', 'examples/resnet_good.py', '--diff');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
  });

  it('keeps CRLF line breaks and a BOM when it fixes', () => {
    const file = path.join(tempDir(), 'crlf.py');
    const text = `\ufeff${suppressionModel().replace(/\n/g, '\r\n')}`;
    fs.writeFileSync(file, text);
    cli('check', file, '--fix');
    const fixed = fs.readFileSync(file, 'utf8');
    assert.notEqual(fixed, text, 'the file was fixed');
    assert.ok(fixed.startsWith('\ufeff'), 'the BOM is kept');
    assert.ok(!/[^\r]\n/.test(fixed), 'every line break is still CRLF');
    assert.ok(parses(fixed.slice(1)));
  });

  it('leaves a file with a syntax error as it is, and says so', () => {
    const file = path.join(tempDir(), 'broken.py');
    const text = `${suppressionModel()}\ndef broken(:\n    pass\n`;
    fs.writeFileSync(file, text);
    const run = cli('check', file, '--fix');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    assert.match(run.stderr, /broken\.py: note: fixes not applied: the file has a syntax error/);
  });

  it('--fix on every fixture leaves Python that parses and no fixable finding; --diff is that change', () => {
    const fixDir = tempDir();
    const diffDir = tempDir();
    for (const dir of [fixDir, diffDir]) {
      // The hostile inputs are checked for bounds on their own (core/hostileFixtures.test.ts); here they only cost time.
      fs.cpSync(path.join(ROOT, 'test', 'fixtures'), dir, { recursive: true, filter: (source) => path.basename(source) !== 'hostile' });
    }
    const diffRun = runCliIn(diffDir, ['check', '.', '--diff']);
    assert.equal(diffRun.status, 1, diffRun.stderr);
    const fix = runCliIn(fixDir, ['check', '.', '--fix', '--quiet']);
    assert.ok(fix.status === 0 || fix.status === 1, fix.stderr);
    const patches = splitDiff(diffRun.stdout);
    assert.ok(patches.size > 5, `several fixtures have fixes (${patches.size}):\n${diffRun.stdout.slice(0, 300)}\n${diffRun.stderr.slice(-300)}`);
    for (const name of pythonFiles(fixDir)) {
      const original = fs.readFileSync(path.join(diffDir, name), 'utf8');
      const fixed = fs.readFileSync(path.join(fixDir, name), 'utf8');
      const patch = patches.get(name.split(path.sep).join('/'));
      assert.equal(patch ? applyUnifiedDiff(original, patch) : original, fixed, `${name}: --diff is the change --fix made`);
      if (fixed !== original) {
        assert.ok(parses(fixed), `${name} parses after --fix`);
      }
    }
    const left = jsonLines(runCliIn(fixDir, ['check', '.', '--output-format', 'json-lines'])).filter((finding) => finding.fix);
    assert.deepEqual(
      left.map((finding) => `${finding.file}: ${finding.rule}`),
      [],
      'no fixable finding left',
    );
  });
});

/** The CLI run from another working folder. */
function runCliIn(cwd: string, args: string[]): Run {
  return runCli(args, 240_000, cwd);
}
