/** The [tool.init-lens] table: what it sets, the problems it reports (key and line), the lookup and the precedence of settings. */
import * as assert from 'node:assert/strict';
import { DEFAULT_ADVICE_OPTIONS } from '../../../src/core/advice/advise';
import { ancestorDirs, pyprojectIn } from '../../../src/core/config/lookup';
import { formatProblem, parsePyproject } from '../../../src/core/config/projectConfig';
import { projectRuleLevels, withProject, type CheckSettings } from '../../../src/core/config/precedence';
import { applyRuleLevels, ruleLevelsOf } from '../../../src/core/config/ruleLevels';
import type { Finding } from '../../../src/core/advice/types';

const toml = (...lines: string[]) => lines.join('\n');

describe('project configuration', () => {
  it('reads every key of [tool.init-lens]', () => {
    const parsed = parsePyproject(
      toml(
        '[project]',
        'name = "x"',
        '',
        '[tool.init-lens]',
        'select = ["init-relu", "init-residual", "init-recurrent"]',
        'ignore = ["init-residual"]',
        'frameworks = ["pytorch"]',
        'exclude = ["legacy/**"]',
        'drift-threshold = 8',
        '',
        '[tool.init-lens.severity]',
        'init-recurrent = "warning"',
        '"init-relu" = "off"',
      ),
    );
    assert.equal(parsed.hasTable, true);
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.config, {
      select: ['init-relu', 'init-residual', 'init-recurrent'],
      ignore: ['init-residual'],
      frameworks: ['pytorch'],
      exclude: ['legacy/**'],
      driftThreshold: 8,
      severity: { 'init-recurrent': 'warning', 'init-relu': 'off' },
    });
  });

  it('says a pyproject.toml without the table has none, so the lookup goes on upward', () => {
    assert.deepEqual(parsePyproject(toml('[tool.ruff]', 'line-length = 100')), { hasTable: false, config: {}, problems: [] });
  });

  it('names the key and its line for each malformed entry, and keeps the good ones', () => {
    const parsed = parsePyproject(
      toml(
        '[tool.init-lens]',
        'select = ["init-relu", "init-foo"]',
        'drift-threshold = 0.5',
        'frameworks = ["torch"]',
        'colour = "blue"',
        'exclude = ["a/**"]',
        '',
        '[tool.init-lens.severity]',
        'init-gain = "hint"',
        'init-relu = "loud"',
      ),
    );
    assert.deepEqual(
      parsed.problems.map((p) => formatProblem('pyproject.toml', p)),
      [
        "pyproject.toml:2: tool.init-lens.select: unknown rule code 'init-foo' (expected one of init-relu, init-tanh-sigmoid, init-selu, init-gain, init-recurrent, init-residual)",
        'pyproject.toml:3: tool.init-lens.drift-threshold: expected a number from 1.1 to 1000',
        'pyproject.toml:4: tool.init-lens.frameworks: expected a list of frameworks, each one of pytorch, keras, flax',
        'pyproject.toml:5: tool.init-lens.colour: unknown key (expected one of select, ignore, severity, frameworks, exclude, drift-threshold)',
        'pyproject.toml:10: tool.init-lens.severity.init-relu: expected one of off, hint, information, warning, error',
      ],
    );
    assert.deepEqual(parsed.config, { exclude: ['a/**'], severity: { 'init-gain': 'hint' } });
  });

  it('places a problem inside an inline table on the line of its key', () => {
    const parsed = parsePyproject(toml('[tool]', '', '"init-lens".severity = { init-relu = "loud" }'));
    assert.deepEqual(
      parsed.problems.map((p) => [p.line, p.key]),
      [[3, 'tool.init-lens.severity.init-relu']],
    );
  });

  it('reports broken TOML with its line, and counts the file as the project one when it names the table', () => {
    const parsed = parsePyproject(toml('[tool.init-lens]', 'select = ["init-relu"', ''));
    assert.equal(parsed.hasTable, true);
    assert.equal(parsed.problems.length, 1);
    assert.match(formatProblem('pyproject.toml', parsed.problems[0]!), /^pyproject\.toml:\d+: pyproject\.toml: invalid TOML: /);
  });

  it('looks upward from the file to the stop folder, or to the root', () => {
    assert.deepEqual(ancestorDirs('/w/proj/src/models', '/w/proj'), ['/w/proj/src/models', '/w/proj/src', '/w/proj']);
    assert.deepEqual(ancestorDirs('/w/a', '/elsewhere'), ['/w/a', '/w', '/']);
    assert.deepEqual(ancestorDirs('/w/a/', '/w/'), ['/w/a', '/w']);
    assert.equal(pyprojectIn('/'), '/pyproject.toml');
    assert.equal(pyprojectIn('/w'), '/w/pyproject.toml');
  });
});

describe('settings precedence', () => {
  const settings: CheckSettings = { frameworks: { pytorch: true, keras: true, flax: true }, advice: DEFAULT_ADVICE_OPTIONS, rules: {} };

  it('turns off what select leaves out and what ignore names; ignore wins; severity gives levels', () => {
    assert.deepEqual(
      projectRuleLevels({ select: ['init-relu', 'init-gain'], ignore: ['init-gain'], severity: { 'init-relu': 'error', 'init-selu': 'hint' } }),
      {
        'init-relu': 'error',
        'init-tanh-sigmoid': 'off',
        'init-selu': 'off',
        'init-gain': 'off',
        'init-recurrent': 'off',
        'init-residual': 'off',
      },
    );
  });

  it("takes the project's values over defaults, and explicit settings over the project's", () => {
    const project = { frameworks: ['pytorch' as const], driftThreshold: 8, severity: { 'init-residual': 'off' as const, 'init-relu': 'error' as const } };
    const fromProject = withProject(settings, project);
    assert.deepEqual(fromProject.frameworks, { pytorch: true, keras: false, flax: false });
    assert.equal(fromProject.advice.driftThreshold, 8);
    assert.deepEqual(fromProject.rules, { 'init-residual': 'off', 'init-relu': 'error' });
    const user = withProject({ ...settings, advice: { ...DEFAULT_ADVICE_OPTIONS, driftThreshold: 2 }, rules: { 'init-residual': 'warning' } }, project, {
      frameworks: ['keras'],
      driftThreshold: true,
    });
    assert.deepEqual(user.frameworks, { pytorch: true, keras: true, flax: false });
    assert.equal(user.advice.driftThreshold, 2);
    assert.deepEqual(user.rules, { 'init-residual': 'warning', 'init-relu': 'error' });
    assert.equal(withProject(settings, undefined), settings);
  });

  it('holds a rules setting to rule codes and levels, and applies levels without changing the findings given', () => {
    assert.deepEqual(ruleLevelsOf({ 'init-relu': 'off', 'init-nope': 'error', 'init-gain': 'loud', 'init-selu': 'hint' }), {
      'init-relu': 'off',
      'init-selu': 'hint',
    });
    assert.deepEqual(ruleLevelsOf(['init-relu']), {});
    const finding = { rule: 'init-gain', severity: 'warning' } as Finding;
    const relu = { rule: 'init-relu', severity: 'warning' } as Finding;
    const leveled = applyRuleLevels([finding, relu], { 'init-gain': 'hint', 'init-relu': 'off' });
    assert.deepEqual(
      leveled.map((f) => [f.rule, f.severity]),
      [['init-gain', 'hint']],
    );
    assert.equal(finding.severity, 'warning');
  });
});
