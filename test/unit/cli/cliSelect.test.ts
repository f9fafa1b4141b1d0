/**
 * `check --select/--extend-select/--ignore`: rule codes, prefixes and ALL, resolved as Ruff
 * resolves them against the project's `[tool.init-lens]` select and ignore.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertUsageError, ensureCliBuilt, runCli, type Run } from '../support/cli';
import { suppressionModel } from '../support/suppressionModel';

function cli(...args: string[]): Run {
  return runCli(args, 60_000);
}

/** The rules of a text run's findings, sorted and without repeats. */
function rules(run: Run): string[] {
  return [...new Set([...run.stdout.matchAll(/:\d+:\d+: \w+ ([\w-]+):/g)].map((m) => m[1]!))].sort();
}

describe('CLI check --select, --extend-select and --ignore', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);
  let dir: string;
  let model: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-select-'));
    model = path.join(dir, 'model.py');
    fs.writeFileSync(model, suppressionModel());
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports init-relu and init-recurrent with no selector', () => {
    assert.deepEqual(rules(cli('check', model)), ['init-recurrent', 'init-relu']);
  });

  it('--select keeps only the selected rules; a prefix selects every rule it starts', () => {
    assert.deepEqual(rules(cli('check', model, '--select', 'init-recurrent')), ['init-recurrent']);
    assert.deepEqual(rules(cli('check', model, '--select=init-rel')), ['init-relu']);
    assert.deepEqual(rules(cli('check', model, '--select', 'init-gain,init-relu')), ['init-relu']);
    assert.deepEqual(rules(cli('check', model, '--select', 'ALL')), ['init-recurrent', 'init-relu']);
  });

  it('--ignore removes rules, and the more specific selector wins', () => {
    assert.deepEqual(rules(cli('check', model, '--ignore', 'init-relu')), ['init-recurrent']);
    assert.deepEqual(rules(cli('check', model, '--ignore', 'ALL', '--select', 'init-relu')), ['init-relu']);
    assert.deepEqual(rules(cli('check', model, '--select', 'init-re', '--ignore', 'init-rel')), ['init-recurrent']);
    const none = cli('check', model, '--ignore', 'init');
    assert.deepEqual(rules(none), []);
    assert.equal(none.status, 0, 'nothing left at warning level');
  });

  it('agrees with the project table: --select starts afresh, --extend-select and --ignore adjust it', () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-select-project-'));
    try {
      fs.writeFileSync(path.join(project, 'pyproject.toml'), '[tool.init-lens]\nignore = ["init-recurrent"]\n');
      const file = path.join(project, 'model.py');
      fs.writeFileSync(file, suppressionModel());
      assert.deepEqual(rules(cli('check', file)), ['init-relu'], 'the table alone');
      assert.deepEqual(rules(cli('check', file, '--extend-select', 'init-recurrent')), ['init-recurrent', 'init-relu']);
      assert.deepEqual(rules(cli('check', file, '--select', 'init-recurrent')), ['init-recurrent'], 'the command line select wins');
      assert.deepEqual(rules(cli('check', file, '--ignore', 'init-relu')), [], 'both ignores apply');
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses an unknown selector with a one-line usage error', () => {
    assertUsageError(cli('check', model, '--select', 'E501'), /--select: unknown rule selector 'E501'/);
    assertUsageError(cli('check', model, '--ignore', 'init-relu,nope'), /--ignore: unknown rule selector 'nope'/);
    assertUsageError(cli('check', model, '--extend-select'), /--extend-select needs a value/);
  });
});
