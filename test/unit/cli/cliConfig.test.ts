/**
 * `init-lens check` in a project: the [tool.init-lens] table of its pyproject.toml, suppression
 * comments, unused suppressions, and a malformed table as a usage error (exit 2, file:line: key).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertUsageError, ensureCliBuilt, runCli, type Run } from '../support/cli';
import { FC1, FC2, GRU, suppressionModel } from '../support/suppressionModel';

function cli(...args: string[]): Run {
  return runCli(args, 60_000);
}

/** A temporary project: files by relative path. */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-project-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** `rule@line` (1-based) of each finding line of a text run. */
function reported(run: Run): string[] {
  return [...run.stdout.matchAll(/:(\d+):\d+: \w+ ([\w-]+):/g)].map((m) => `${m[2]}@${m[1]}`);
}

describe('CLI check with a project configuration and suppression comments', function () {
  this.timeout(120_000);
  before(ensureCliBuilt);
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const make = (files: Record<string, string>) => {
    const dir = project(files);
    dirs.push(dir);
    return dir;
  };

  it('honours suppression comments: a silenced warning no longer fails the run', () => {
    const dir = make({
      'model.py': suppressionModel({
        [FC1]: '        self.fc1 = nn.Linear(512, 512)  # init-lens: ignore[init-relu]',
        [FC2]: '        self.fc2 = nn.Linear(  # noqa: init-relu',
      }),
    });
    const run = cli('check', dir);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(reported(run), [`init-recurrent@${GRU + 1}`]);
  });

  it('follows the nearest [tool.init-lens] table above the file, skipping a pyproject.toml without one', () => {
    const dir = make({
      'pyproject.toml': '[tool.init-lens]\nignore = ["init-recurrent"]\n\n[tool.init-lens.severity]\ninit-relu = "error"\n',
      'pkg/pyproject.toml': '[tool.ruff]\nline-length = 100\n',
      'pkg/models/model.py': suppressionModel(),
      'legacy/old.py': suppressionModel(),
    });
    const run = cli('check', path.join(dir, 'pkg'));
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(reported(run), [`init-relu@${FC1 + 1}`, `init-relu@${FC2 + 1}`]);
    assert.match(run.stdout, /: error init-relu:/);
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.init-lens]\nexclude = ["legacy/**"]\nselect = ["init-recurrent"]\n');
    const excluded = cli('check', dir);
    assert.equal(excluded.status, 0, excluded.stderr);
    assert.deepEqual(reported(excluded), [`init-recurrent@${GRU + 1}`]);
    assert.match(excluded.stdout, /^1 files, /m);
  });

  it('stops the lookup at --root', () => {
    const dir = make({ 'pyproject.toml': '[tool.init-lens]\nselect = ["init-recurrent"]\n', 'sub/model.py': suppressionModel() });
    assert.equal(reported(cli('check', path.join(dir, 'sub'))).length, 1);
    assert.equal(reported(cli('check', path.join(dir, 'sub'), '--root', path.join(dir, 'sub'))).length, 3);
  });

  it('reports a malformed table with file, line and key on stderr, exit code 2', () => {
    const dir = make({ 'pyproject.toml': '[project]\nname = "x"\n\n[tool.init-lens.severity]\ninit-relu = "loud"\n', 'model.py': suppressionModel() });
    const inside = cli('check', path.join(dir, 'model.py'));
    assertUsageError(inside, /pyproject\.toml:5: tool\.init-lens\.severity\.init-relu: expected one of off, hint, information, warning, error$/);
  });

  it('reports unused suppressions only when asked, failing the run', () => {
    const dir = make({
      'model.py': suppressionModel({ 2: 'x = 1  # init-lens: ignore[init-gain]', 3: 'y = 2  # noqa: E501' }),
    });
    const plain = cli('check', dir, '--format', 'json');
    assert.equal((JSON.parse(plain.stdout) as { unusedSuppressions?: unknown }).unusedSuppressions, undefined);
    const run = cli('check', dir, '--report-unused-suppressions');
    assert.equal(run.status, 1);
    assert.match(run.stdout, /model\.py:3:8: warning unused-suppression: unused suppression of init-gain/);
    assert.ok(!/model\.py:4:/.test(run.stdout), 'a noqa for another tool is not ours to report');
    const sarif = JSON.parse(cli('check', dir, '--report-unused-suppressions', '--format', 'sarif').stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[];
    };
    const unused = sarif.runs[0]!.results.find((r) => r.ruleId === 'unused-suppression')!;
    assert.equal(sarif.runs[0]!.tool.driver.rules[unused.ruleIndex]!.id, 'unused-suppression');
  });
});
