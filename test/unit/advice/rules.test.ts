/**
 * The rule registry (src/core/advice/rules.ts) against everything that reads it: the codes advice
 * emits, each rule's documentation and its examples, the README's generated section, the editor's
 * severity classes and the CLI's JSON and SARIF output.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ADVICE_OPTIONS } from '../../../src/core/advice/advise';
import { isRuleCode, RULE_LIST, RULES, ruleDocUrl, type RuleCode } from '../../../src/core/advice/rules';
import { RULES_SECTION_END, RULES_SECTION_START, rulesSection, withRulesSection } from '../../../src/core/advice/rulesMarkdown';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import { runCheck } from '../../../src/node/check';
import { ROOT } from '../support/cli';
import { loadGrammar } from '../support/python';

/** Every file under `dir` whose name ends with `extension`. */
function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full, extension) : entry.name.endsWith(extension) ? [full] : [];
  });
}

/** The parts of a SARIF reportingDescriptor the CLI writes. */
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
}

function codesIn(analysis: FileAnalysis): string[] {
  return analysis.advice.findings.map((finding) => finding.rule);
}

const README = path.join(ROOT, 'README.md');

describe('rule registry', () => {
  before(loadGrammar);

  it('keys every rule by its own code, with a unique name, a title, a source, docs and a rule-<code> anchor', () => {
    assert.deepEqual(
      RULE_LIST.map((rule) => rule.code),
      ['init-relu', 'init-tanh-sigmoid', 'init-selu', 'init-gain', 'init-recurrent', 'init-residual'],
    );
    for (const [key, rule] of Object.entries(RULES)) {
      assert.equal(rule.code, key);
      assert.equal(rule.anchor, `rule-${rule.code}`);
      assert.match(rule.name, /^[A-Z][A-Za-z]+$/, `${key}: a PascalCase name`);
      for (const text of [rule.title, rule.source, rule.docs.whatItDoes, rule.docs.whyIsThisBad, rule.docs.example, rule.docs.useInstead]) {
        assert.ok(text.trim().length > 10, `${key}: ${JSON.stringify(text)}`);
      }
      assert.ok(rule.docs.example !== rule.docs.useInstead, `${key}: the example and its fix differ`);
    }
    assert.equal(new Set(RULE_LIST.map((rule) => rule.name)).size, RULE_LIST.length);
    assert.equal(ruleDocUrl('init-relu'), 'https://github.com/init-lens/init-lens#rule-init-relu');
  });

  it("reports each rule on its example and not on the example's 'use instead'", () => {
    for (const rule of RULE_LIST) {
      const before = codesIn(analyzeFile(rule.docs.example, `${rule.code}.py`));
      assert.ok(before.includes(rule.code), `${rule.code}: the example gives ${JSON.stringify(before)}`);
      const after = codesIn(analyzeFile(rule.docs.useInstead, `${rule.code}_fixed.py`));
      assert.deepEqual(after, [], `${rule.code}: 'use instead' gives ${JSON.stringify(after)}`);
    }
  });

  it('knows every code advice emits over every fixture and example file', function () {
    // Analyses every fixture (some 300 files, ~10 s alone): the timeout follows the corpus, not a speed claim.
    this.timeout(120_000);
    // The hostile fixtures (slow on purpose, up to the budget) have their own test (core/hostileFixtures).
    const fixtures = filesUnder(path.join(ROOT, 'test', 'fixtures'), '.py').filter((file) => !file.includes(`${path.sep}hostile${path.sep}`));
    const files = [...fixtures, ...filesUnder(path.join(ROOT, 'examples'), '.py')];
    assert.ok(files.length > 50, `${files.length} files`);
    const emitted = new Set<string>();
    for (const file of files) {
      codesIn(analyzeFile(fs.readFileSync(file, 'utf8'), file)).forEach((code) => emitted.add(code));
    }
    assert.ok(emitted.size >= 5, `codes emitted: ${[...emitted].join(', ')}`);
    for (const code of emitted) {
      assert.ok(isRuleCode(code), `${code} is in the registry`);
    }
  });

  it('has every rule code written in src/ in the registry (no code spelled outside it)', () => {
    const written = new Set<string>();
    for (const file of filesUnder(path.join(ROOT, 'src'), '.ts')) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/['"`](init-[a-z]+(?:-[a-z]+)*)['"`]/g)) {
        written.add(match[1]!);
      }
    }
    const unknown = [...written].filter((code) => !isRuleCode(code));
    assert.deepEqual(unknown, [], `codes in src/ that are not rules: ${unknown.join(', ')}`);
    assert.ok(written.has('init-relu'), 'the scan finds the registry itself');
  });

  it("gives a mismatch rule's finding the mismatch setting and the other rules the minor one", () => {
    const advice = { ...DEFAULT_ADVICE_OPTIONS, mismatchSeverity: 'error' as const, minorSeverity: 'hint' as const };
    const severities = (code: RuleCode) =>
      analyzeFile(RULES[code].docs.example, `${code}.py`, { advice })
        .advice.findings.filter((finding) => finding.rule === code)
        .map((finding) => finding.severity);
    assert.deepEqual(severities('init-relu'), ['error', 'error']);
    assert.deepEqual(severities('init-recurrent'), ['hint']);
    assert.ok(severities('init-residual').every((severity) => severity === 'hint'));
  });

  describe('README', () => {
    it('holds the generated rules section between its markers (npm run docs:rules writes it)', () => {
      const readme = fs.readFileSync(README, 'utf8');
      const section = readme.slice(readme.indexOf(RULES_SECTION_START), readme.indexOf(RULES_SECTION_END) + RULES_SECTION_END.length);
      assert.equal(section, rulesSection());
      assert.equal(withRulesSection(readme), readme);
    });

    it("has each rule's anchor once, with the rule's title and source", () => {
      const readme = fs.readFileSync(README, 'utf8');
      for (const rule of RULE_LIST) {
        assert.equal(readme.split(`<a id="${rule.anchor}"></a>`).length, 2, `${rule.code}: one anchor ${rule.anchor}`);
        assert.ok(readme.includes(rule.title) && readme.includes(rule.source), rule.code);
      }
    });

    it('refuses a README without the markers instead of dropping the section', () => {
      assert.throws(() => withRulesSection('# Init Lens\n'), /no rules section/);
    });
  });

  describe('check output', () => {
    const analyses = () => RULE_LIST.map((rule) => analyzeFile(rule.docs.example, `${rule.code}.py`));
    const run = (format: string): string => {
      let text = '';
      runCheck(
        analyses(),
        format,
        (chunk) => (text += chunk),
        () => undefined,
      );
      return text;
    };

    it("declares the registry's rules in SARIF tool.driver.rules, and each result's ruleIndex points at its rule", () => {
      const log = JSON.parse(run('sarif'));
      const driver: { rules: SarifRule[] } = log.runs[0].tool.driver;
      assert.deepEqual(
        driver.rules.map((rule) => rule.id),
        RULE_LIST.map((rule) => rule.code),
      );
      driver.rules.forEach((descriptor, index) => {
        const rule = RULE_LIST[index]!;
        assert.equal(descriptor.name, rule.name);
        assert.equal(descriptor.shortDescription.text, rule.title);
        assert.equal(descriptor.fullDescription.text, rule.docs.whatItDoes);
        assert.ok(descriptor.help.text.includes(rule.docs.whyIsThisBad) && descriptor.help.text.includes(rule.source), rule.code);
        assert.equal(descriptor.helpUri, ruleDocUrl(rule.code));
        assert.equal(descriptor.defaultConfiguration.level, rule.severityClass === 'mismatch' ? 'warning' : 'note');
      });
      const results: { ruleId: string; ruleIndex: number }[] = log.runs[0].results;
      assert.ok(new Set(results.map((result) => result.ruleId)).size === RULE_LIST.length, 'every rule has a result');
      for (const result of results) {
        assert.equal(driver.rules[result.ruleIndex]?.id, result.ruleId);
      }
    });

    it("links each JSON finding to its rule's documentation", () => {
      const findings: { rule: RuleCode; url: string }[] = JSON.parse(run('json')).findings;
      assert.ok(findings.length >= RULE_LIST.length);
      for (const finding of findings) {
        assert.equal(finding.url, ruleDocUrl(finding.rule));
      }
    });
  });
});
