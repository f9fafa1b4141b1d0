/**
 * `--model NAME` for `graph`, `check` and `simulate`: one model of the file, a class or an entry
 * point named as the user calls it (`resnet50`), and one finding per source range in every format.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertUsageError, ensureCliBuilt, ROOT, runCli, type Run } from '../support/cli';

function cli(...args: string[]): Run {
  return runCli(args, 60_000);
}

const FACTORIES = 'test/fixtures/pytorch/resnet_factory_weights.py';
const LOOP = 'test/fixtures/findings/sequential_loop.py';

interface JsonFinding {
  rule: string;
  model: string;
  layer: string;
  message: string;
  instances?: { model: string; layer: string }[];
}

describe('command line: --model (dist/cli.js)', function () {
  this.timeout(120_000);

  before(ensureCliBuilt);

  it('graph --model resnet50 gives that entry point alone', () => {
    const run = cli('graph', FACTORIES, '--model', 'resnet50');
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { files: { models: { name: string; layers: unknown[] }[] }[] };
    assert.deepEqual(
      json.files.map((file) => file.models.map((model) => [model.name, model.layers.length])),
      [[['resnet50', 107]]],
    );
  });

  it('graph and check --model with a name no file has is a usage error naming the models', () => {
    assertUsageError(cli('graph', FACTORIES, '--model=resnet152'), /no model resnet152 .*models: resnet18, resnet50/);
    const run = cli('check', FACTORIES, '--model', 'resnet152');
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no model resnet152 in the files checked/);
  });

  it('check --model keeps the findings of that model, one per source range with its instances', () => {
    const run = cli('check', LOOP, '--output-format', 'json', '--model', 'DeepMLP');
    assert.equal(run.status, 1, run.stderr);
    const { findings } = JSON.parse(run.stdout) as { findings: JsonFinding[] };
    assert.deepEqual(
      findings.map((f) => [f.rule, f.model, f.layer, f.instances?.length]),
      [['init-tanh-sigmoid', 'DeepMLP', 'net.0.fc', 18]],
    );
    assert.match(findings[0]!.message, /18 layers built here/);
    const text = cli('check', LOOP).stdout.trimEnd().split('\n');
    assert.equal(text.filter((line) => /init-tanh-sigmoid/.test(line)).length, 1, text.join('\n'));
  });

  it('check --fix applies the one fix of a layer built 18 times once, and clears it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-fix-'));
    const file = path.join(dir, 'loop.py');
    fs.copyFileSync(path.join(ROOT, LOOP), file);
    const run = cli('check', file, '--fix');
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stderr, /fixed 1: init-tanh-sigmoid/);
    assert.equal(fs.readFileSync(file, 'utf8').match(/xavier_uniform_/g)?.length, 1);
  });

  it('check --model of a composed class reports nothing of its own and says where it is judged', () => {
    const run = cli('check', LOOP, '--model', 'Block');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /Block: other models of the file build it; its layers are judged in them/);
  });

  it('simulate --model resnet18 simulates that entry point', () => {
    const run = cli('simulate', FACTORIES, '--model', 'resnet18');
    assert.equal(run.status, 0, run.stderr);
    const json = JSON.parse(run.stdout) as { models: { name: string }[] };
    assert.deepEqual(
      json.models.map((model) => model.name),
      ['resnet18'],
    );
  });
});
