/**
 * The command line, run as users run it: `node dist/cli.js …` in a child process. Exit codes,
 * the linter-style text output, JSON, SARIF 2.1.0, the graph, usage errors, and files that are
 * binary or not UTF-8.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertUsageError, ensureCliBuilt, runCli, type Run } from '../support/cli';

function cli(...args: string[]): Run {
  return runCli(args, 60_000);
}

function parseJson<T>(run: Run, what: string): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch (error) {
    throw new Error(`${what}: stdout is not JSON (${(error as Error).message}):\n${run.stdout.slice(0, 500)}`);
  }
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  model: string;
  layer: string;
  message: string;
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
    }[];
  }[];
}

interface GraphLayer {
  name: string;
  type: string;
  fanIn: number | string | null;
  fanOut: number | string | null;
  activation: string | null;
  init: Record<string, { name: string } | null>;
  line: number;
}

interface GraphDocument {
  files: { path: string; framework: string; models: { name: string; line: number; layers: GraphLayer[] }[]; notes: string[] }[];
}

describe('command line (dist/cli.js)', function () {
  this.timeout(120_000);

  before(ensureCliBuilt);

  describe('check', () => {
    it('check examples exits 1 and prints file:line:col: warning init-relu: lines', () => {
      const run = cli('check', 'examples');
      assert.equal(run.status, 1, run.stderr);
      const lines = run.stdout.trimEnd().split('\n');
      const pattern = /^(examples[/\\][\w.]+\.py):(\d+):(\d+): (warning|information|hint) ([\w-]+): \S/;
      const findings = lines.filter((line) => pattern.test(line));
      assert.ok(findings.length > 0, run.stdout);
      assert.ok(
        findings.some((line) => /^examples[/\\]mlp_default_init\.py:\d+:\d+: warning init-relu: /.test(line)),
        `an init-relu warning for mlp_default_init.py in:\n${run.stdout}`,
      );
      for (const line of findings) {
        const [, , lineNumber, column] = pattern.exec(line)!;
        assert.ok(Number(lineNumber) >= 1 && Number(column) >= 1, `1-based positions: ${line}`);
      }
      assert.equal(findings.length, lines.length - 1, 'every line but the summary is a finding');
      assert.match(lines[lines.length - 1]!, /^\d+ files, \d+ models, [1-9]\d* warnings, \d+ other findings$/);
    });

    it('check examples/resnet_good.py exits 0 with no findings', () => {
      const run = cli('check', 'examples/resnet_good.py');
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout, /^1 files, \d+ models, 0 warnings, 0 other findings\n$/);
    });

    it('check --format json prints findings[] with rule, line, column and message, one per text line', () => {
      const run = cli('check', 'examples', '--format', 'json');
      assert.equal(run.status, 1, run.stderr);
      const json = parseJson<{ findings: JsonFinding[] }>(run, 'check --format json');
      assert.ok(Array.isArray(json.findings) && json.findings.length > 0);
      for (const finding of json.findings) {
        assert.equal(typeof finding.rule, 'string');
        assert.ok(Number.isInteger(finding.line) && finding.line >= 1, `line ${finding.line}`);
        assert.ok(Number.isInteger(finding.column) && finding.column >= 1, `column ${finding.column}`);
        assert.ok(typeof finding.message === 'string' && finding.message.length > 0);
        assert.ok(['warning', 'information', 'hint'].includes(finding.severity), finding.severity);
      }
      assert.ok(json.findings.some((f) => f.rule === 'init-relu' && f.severity === 'warning' && /mlp_default_init\.py$/.test(f.file)));
      const text = cli('check', 'examples').stdout.trimEnd().split('\n').slice(0, -1);
      assert.deepEqual(
        json.findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`),
        text,
        'the JSON findings are the text findings',
      );
      assert.equal(cli('check', 'examples/resnet_good.py', '--format=json').stdout.trim(), '{\n  "findings": []\n}');
    });

    it('check --format sarif is SARIF 2.1.0 from "Init Lens" with ruleId and physicalLocation.region.startLine', () => {
      const run = cli('check', 'examples', '--format', 'sarif');
      assert.equal(run.status, 1, run.stderr);
      const log = parseJson<SarifLog>(run, 'check --format sarif');
      assert.equal(log.version, '2.1.0');
      assert.equal(log.runs.length, 1);
      const [sarifRun] = log.runs;
      assert.equal(sarifRun!.tool.driver.name, 'Init Lens');
      const ruleIds = new Set(sarifRun!.tool.driver.rules.map((rule) => rule.id));
      const json = parseJson<{ findings: JsonFinding[] }>(cli('check', 'examples', '--format', 'json'), 'json');
      assert.equal(sarifRun!.results.length, json.findings.length, 'one result per finding');
      for (const result of sarifRun!.results) {
        assert.ok(ruleIds.has(result.ruleId), `${result.ruleId} is declared in tool.driver.rules`);
        assert.ok(['error', 'warning', 'note', 'none'].includes(result.level), result.level);
        assert.ok(result.message.text.length > 0);
        const location = result.locations[0]!.physicalLocation;
        assert.ok(Number.isInteger(location.region.startLine) && location.region.startLine >= 1);
        assert.ok(location.region.startColumn >= 1);
        assert.match(location.artifactLocation.uri, /^examples\/[\w.]+\.py$/, 'a relative URI with forward slashes');
      }
      assert.ok(sarifRun!.results.some((r) => r.ruleId === 'init-relu' && r.level === 'warning'));
    });
  });

  describe('graph', () => {
    it('graph gpt2_nanogpt.py --format json gives the models with name, type, fanIn, fanOut, activation, init.weight.name and line per layer', () => {
      const run = cli('graph', 'test/fixtures/pytorch/gpt2_nanogpt.py', '--format', 'json');
      assert.equal(run.status, 0, run.stderr);
      const doc = parseJson<GraphDocument>(run, 'graph');
      assert.equal(doc.files.length, 1);
      const file = doc.files[0]!;
      assert.equal(file.framework, 'pytorch');
      assert.deepEqual(file.models.map((m) => m.name).sort(), ['Block', 'CausalSelfAttention', 'GPT', 'MLP']);
      for (const model of file.models) {
        assert.ok(model.layers.length > 0, `${model.name} has layers`);
        for (const layer of model.layers) {
          const where = `${model.name}.${layer.name}`;
          assert.equal(typeof layer.name, 'string', where);
          assert.equal(typeof layer.type, 'string', where);
          for (const key of ['fanIn', 'fanOut', 'activation'] as const) {
            assert.ok(key in layer, `${where} has ${key}`);
          }
          assert.ok(Number.isInteger(layer.line) && layer.line >= 1, `${where}: line`);
          assert.equal(typeof layer.init, 'object', `${where}: init`);
          if (['Linear', 'Embedding', 'LayerNorm'].includes(layer.type)) {
            assert.equal(typeof layer.init.weight?.name, 'string', `${where}: init.weight.name`);
          }
        }
      }
      const gpt = file.models.find((m) => m.name === 'GPT')!;
      const fc = gpt.layers.find((l) => l.name === 'transformer.h.0.mlp.c_fc')!;
      assert.deepEqual([fc.type, fc.activation, fc.init.weight?.name], ['Linear', 'gelu', 'normal']);
      assert.ok(gpt.layers.some((l) => l.name === 'lm_head' && l.type === 'Linear'));
    });

    it('graph defaults to JSON', () => {
      const run = cli('graph', 'examples/resnet_good.py');
      assert.equal(run.status, 0, run.stderr);
      assert.equal(parseJson<GraphDocument>(run, 'graph').files.length, 1);
    });
  });

  describe('usage errors', () => {
    it('exits 2 with a message on stderr when no arguments are given', () => {
      const run = cli();
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /usage/i);
    });

    it('exits 2 with a one-line message naming an unknown command, with or without paths', () => {
      assertUsageError(cli('frobnicate', 'examples'), /unknown command 'frobnicate'/);
      assertUsageError(cli('frobnicate'), /unknown command 'frobnicate'/);
    });

    it('exits 2 with a one-line usage message when no command or no path is given', () => {
      assertUsageError(cli(), /usage: init-lens check PATH/);
      assertUsageError(cli('check'), /check: no paths given/);
    });

    it('exits 2 with a one-line message for an unknown option', () => {
      assertUsageError(cli('check', 'examples', '--frobnicate'), /unknown option --frobnicate/);
    });

    it('exits 2 with a one-line message for --format xml', () => {
      assertUsageError(cli('check', 'examples', '--format', 'xml'), /--format must be one of text, json, sarif/);
      assertUsageError(cli('check', 'examples', '--format=xml'), /--format/);
      assertUsageError(cli('graph', 'examples', '--format', 'text'), /--format must be one of json/);
    });

    it('exits 2 with a one-line message for --format without a value', () => {
      assertUsageError(cli('check', 'examples', '--format'), /--format needs a value/);
    });

    it('exits 2 with a one-line message naming a missing path', () => {
      assertUsageError(cli('check', 'no/such/file.py'), /no\/such\/file\.py/);
      assertUsageError(cli('check', 'examples', 'no-such-dir'), /no-such-dir/);
      assertUsageError(cli('graph', 'no/such/file.py'), /no\/such\/file\.py/);
    });
  });

  describe('binary and non-UTF-8 files', () => {
    let dir: string;

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-cli-'));
      // Binary: NUL bytes and bytes that are not UTF-8.
      fs.writeFileSync(path.join(dir, 'binary.py'), Buffer.from([0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x0a, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]));
      // Binary but valid UTF-8: NUL bytes only.
      fs.writeFileSync(path.join(dir, 'nul.py'), 'import torch\nx = 1\u0000\n');
      // Latin-1: a model whose comments hold bytes that are not UTF-8.
      fs.writeFileSync(
        path.join(dir, 'latin1.py'),
        Buffer.concat([
          Buffer.from('import torch\nimport torch.nn as nn\n\n# caf', 'latin1'),
          Buffer.from([0xe9, 0x0a]),
          Buffer.from('class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)  # ', 'latin1'),
          Buffer.from([0xe8, 0xff, 0x0a]),
          Buffer.from('\n    def forward(self, x):\n        return self.fc(x)\n', 'latin1'),
        ]),
      );
    });

    after(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('check on a directory with a binary .py and a non-UTF-8 .py exits 0 or 1 and says on stderr what was skipped and how files were read', () => {
      const run = cli('check', dir);
      assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
      const stderr = run.stderr.split('\n');
      assert.ok(
        stderr.some((line) => line.includes('binary.py') && /skip/i.test(line) && /NUL|binary/i.test(line)),
        `stderr says binary.py was skipped:\n${run.stderr}`,
      );
      assert.ok(
        stderr.some((line) => line.includes('nul.py') && /skip/i.test(line) && /NUL|binary/i.test(line)),
        `stderr says nul.py was skipped:\n${run.stderr}`,
      );
      assert.ok(
        stderr.some((line) => line.includes('latin1.py') && /UTF-8/i.test(line) && /Latin-1/i.test(line)),
        `stderr says latin1.py was read as Latin-1:\n${run.stderr}`,
      );
      assert.match(run.stdout, /^3 files, 1 models, /m, 'the Latin-1 file is analysed');
    });

    it('keeps stdout valid JSON and SARIF when files are skipped (notes go to stderr)', () => {
      for (const format of ['json', 'sarif']) {
        const run = cli('check', dir, '--format', format);
        assert.ok(run.status === 0 || run.status === 1, `${format}: exit ${run.status}: ${run.stderr}`);
        parseJson<unknown>(run, format);
        assert.match(run.stderr, /binary\.py/);
      }
    });

    it('graph reads a non-UTF-8 file as Latin-1 and finds its model', () => {
      const run = cli('graph', path.join(dir, 'latin1.py'));
      assert.equal(run.status, 0, run.stderr);
      const file = parseJson<GraphDocument>(run, 'graph').files[0]!;
      assert.deepEqual(
        file.models.map((m) => [m.name, m.layers.map((l) => l.name)]),
        [['Net', ['fc']]],
      );
      assert.ok(
        file.notes.some((note) => /Latin-1/i.test(note)),
        JSON.stringify(file.notes),
      );
    });
  });
});
