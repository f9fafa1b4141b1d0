/**
 * `init-lens simulate`, run as users run it (`node dist/cli.js simulate …` in a child process): the
 * JSON shape on the bundled examples and a fixture, the numbers against the analytic pass, Monte
 * Carlo through the same interface, and usage errors (exit 2, one line on stderr).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertUsageError, ensureCliBuilt, ROOT, runCli, type Run } from '../support/cli';

interface SimulatedLayer {
  name: string;
  type: string;
  forward: { preVar: number; postMeanSquare: number };
  backward: { gradInputVar: number | null };
}

interface SimulateDocument {
  models: { name: string; layers: SimulatedLayer[] }[];
}

function cli(...args: string[]): Run {
  return runCli(args, 120_000);
}

function simulate(...args: string[]): SimulateDocument {
  const run = cli('simulate', ...args);
  assert.equal(run.status, 0, `exit code (stderr: ${run.stderr})`);
  return JSON.parse(run.stdout) as SimulateDocument;
}

const PARAMETRISED = new Set(['linear', 'conv1d', 'conv2d', 'embedding', 'batchnorm', 'layernorm']);

describe('command line: simulate', function () {
  this.timeout(180_000);

  before(ensureCliBuilt);

  for (const example of fs
    .readdirSync(path.join(ROOT, 'examples'))
    .filter((file) => file.endsWith('.py'))
    .sort()) {
    it(`examples/${example}: every model, parametrised layers in forward order, finite numbers`, () => {
      const run = cli('simulate', `examples/${example}`, '--format', 'json');
      assert.equal(run.status, 0, `exit code (stderr: ${run.stderr})`);
      const document = JSON.parse(run.stdout) as SimulateDocument;
      assert.ok(document.models.length > 0, 'some model is simulated');
      for (const model of document.models) {
        assert.ok(model.layers.length > 0, `${model.name} has layers`);
        for (const layer of model.layers) {
          assert.deepEqual(Object.keys(layer).sort(), ['backward', 'forward', 'name', 'type']);
          assert.ok(PARAMETRISED.has(layer.type), `${layer.name}: ${layer.type} is parametrised`);
          assert.ok(Number.isFinite(layer.forward.preVar) && layer.forward.preVar >= 0, `${layer.name} preVar ${layer.forward.preVar}`);
          assert.ok(Number.isFinite(layer.forward.postMeanSquare) && layer.forward.postMeanSquare >= 0);
          assert.ok(layer.backward.gradInputVar === null || (Number.isFinite(layer.backward.gradInputVar) && layer.backward.gradInputVar >= 0));
        }
      }
    });
  }

  it('mlp_default_init: the PyTorch default shrinks the ReLU signal by 1/6 per layer, the known mean-field figure', () => {
    // The script's `model = DeepReLUMLP()` builds what the class builds: the model keeps the class's name.
    const document = simulate('examples/mlp_default_init.py', '--model', 'DeepReLUMLP', '--format', 'json');
    assert.deepEqual(
      document.models.map((model) => model.name),
      ['DeepReLUMLP'],
    );
    const layers = document.models[0]!.layers;
    assert.deepEqual(layers.map((layer) => layer.name).slice(0, 3), ['net.0', 'net.2', 'net.4']);
    assert.equal(layers.length, 20);
    // Linear(784, 512) default: Var W = Var b = 1/(3·784); input N(0, 1): q = 784/(3·784) + 1/(3·784)
    assert.ok(Math.abs(layers[0]!.forward.preVar - (1 / 3 + 1 / (3 * 784))) < 1e-12, `${layers[0]!.forward.preVar}`);
    // then q ← q/6 + 1/(3·512) per layer: far below 1 at the end
    assert.ok(layers[18]!.forward.preVar < 1e-2, `${layers[18]!.forward.preVar}`);
    // backward: the gradient shrinks towards the input by about 1/6 per layer
    assert.ok((layers[0]!.backward.gradInputVar as number) < 1e-10);
  });

  it("keras_mlp_default_init: Keras' default glorot_uniform halves the ReLU signal per layer, he_normal keeps it at 2", () => {
    const document = simulate('examples/keras_mlp_default_init.py');
    assert.deepEqual(
      document.models.map((model) => model.name),
      ['deep_relu_mlp', 'deep_relu_mlp_he'],
    );
    const [glorot, he] = document.models.map((model) => model.layers);
    assert.equal(glorot!.length, 9);
    // Dense(784 → 512), Var W = 2/(784 + 512), input N(0, 1): q = 784·2/1296; then σ_w² = 1 on 512×512 before ReLU: ×1/2
    assert.ok(Math.abs(glorot![0]!.forward.preVar - 1568 / 1296) < 1e-12, `${glorot![0]!.forward.preVar}`);
    for (let index = 1; index < 8; index++) {
      assert.ok(Math.abs(glorot![index]!.forward.preVar / glorot![index - 1]!.forward.preVar - 0.5) < 1e-9, `layer ${index}`);
    }
    // he_normal: Keras' std-corrected truncated normal has Var W = 2/fan_in exactly
    for (const layer of he!.slice(0, 8)) {
      assert.ok(Math.abs(layer.forward.preVar - 2) < 1e-9, `${layer.name}: ${layer.forward.preVar}`);
    }
  });

  it("flax_mlp_default_init: Flax's default lecun_normal halves the ReLU signal per layer, he_normal keeps it at 2", () => {
    const document = simulate('examples/flax_mlp_default_init.py');
    assert.deepEqual(
      document.models.map((model) => model.name),
      ['DeepReluMLP', 'DeepReluMLPHe'],
    );
    const [lecun, he] = document.models.map((model) => model.layers);
    assert.deepEqual(lecun!.map((layer) => layer.name).slice(0, 3), ['input_layer', 'hidden.0', 'hidden.1']);
    assert.equal(lecun!.length, 14);
    // Var W = 1/fan_in, zero bias: q = 1 after the input layer, then ×1/2 per ReLU layer
    lecun!.forEach((layer, index) => assert.ok(Math.abs(layer.forward.preVar - 0.5 ** index) < 1e-12, `${layer.name}: ${layer.forward.preVar}`));
    for (const layer of he!.slice(0, 13)) {
      assert.ok(Math.abs(layer.forward.preVar - 2) < 1e-9, `${layer.name}: ${layer.forward.preVar}`);
    }
    const sampled = simulate('examples/flax_mlp_default_init.py', '--model', 'DeepReluMLPHe', '--method', 'montecarlo', '--batch', '256', '--seed', '1');
    assert.ok(Math.abs(sampled.models[0]!.layers[0]!.forward.preVar / 2 - 1) < 0.1, 'Monte Carlo samples the truncated normal with variance 2/fan_in');
  });

  it('a linen model learns its input size at the first call: left out with a hint, simulated with --input-shape', () => {
    const run = cli('simulate', 'test/fixtures/flax/linen_gelu_mlp.py');
    assert.equal(run.status, 0);
    assert.match(run.stderr, /GeluMLP: sizes the analysis cannot resolve \(x\.shape\[-1\]\); not simulated \(give the input size with --input-shape\)/);
    const document = simulate('test/fixtures/flax/linen_gelu_mlp.py', '--model', 'GeluMLP', '--input-shape', '64');
    const layers = document.models[0]!.layers;
    assert.deepEqual(
      layers.map((layer) => layer.name),
      ['stem', ...Array.from({ length: 8 }, (_, index) => `Dense_${index}`), 'head'],
    );
    // lecun_normal on N(0, 1): q = 1; then nn.gelu's default tanh form, E[gelu_tanh(z)²] ≈ 0.4252 at q = 1
    assert.ok(Math.abs(layers[0]!.forward.preVar - 1) < 1e-12);
    assert.ok(Math.abs(layers[1]!.forward.preVar - 0.4252) < 1e-3, `${layers[1]!.forward.preVar}`);
  });

  it('a conv fixture with --input-shape C,L: the strided 80-tap front end gives He variance 2', () => {
    const document = simulate('test/fixtures/pytorch/conv1d_audio.py', '--input-shape', '1,16000', '--format', 'json');
    const layers = document.models[0]!.layers;
    assert.equal(layers[0]!.name, 'conv1');
    assert.equal(layers[0]!.type, 'conv1d');
    // kaiming_uniform(relu) with zero bias on N(0, 1) input, no padding: q = 2 exactly
    assert.ok(Math.abs(layers[0]!.forward.preVar - 2) < 1e-9);
    assert.equal(layers[1]!.type, 'batchnorm');
    assert.ok(Math.abs(layers[1]!.forward.preVar - 1) < 1e-4, 'BatchNorm resets to γ² = 1');
  });

  it('--method montecarlo gives the same layers, close to the analytic numbers on a wide MLP', () => {
    const analytic = simulate('examples/mlp_default_init.py', '--model', 'DeepTanhMLP');
    const sampled = simulate('examples/mlp_default_init.py', '--model', 'DeepTanhMLP', '--method', 'montecarlo', '--batch', '256', '--seed', '3');
    const names = (document: SimulateDocument): string[] => document.models[0]!.layers.map((layer) => layer.name);
    assert.deepEqual(names(sampled), names(analytic));
    const first = (document: SimulateDocument): number => document.models[0]!.layers[0]!.forward.preVar;
    assert.ok(Math.abs(first(sampled) / first(analytic) - 1) < 0.1, `${first(sampled)} vs ${first(analytic)}`);
    const again = simulate('examples/mlp_default_init.py', '--model', 'DeepTanhMLP', '--method=montecarlo', '--batch=256', '--seed=3');
    assert.deepEqual(again, sampled, 'seeded: the same numbers twice');
  });

  it('usage errors: exit 2 and one line on stderr', () => {
    assertUsageError(cli('simulate'), /simulate: no paths given/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', 'examples/resnet_good.py'), /one FILE/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', '--method', 'exact'), /--method must be analytic or montecarlo/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', '--batch', '0'), /--batch must be an integer ≥ 1/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', '--seed'), /--seed needs a value/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', '--input-shape', '3,x'), /--input-shape must be an integer/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', '--format', 'text'), /--format must be one of json/);
    assertUsageError(cli('simulate', 'examples/gpt_block.py', '--model', 'Nope'), /no model Nope in examples\/gpt_block\.py \(models: .*GPT/);
    assertUsageError(
      cli('simulate', 'examples/mlp_default_init.py', '--model', 'DeepTanhMLP', '--input-shape', '3,32,32'),
      /--input-shape: model DeepTanhMLP takes WIDTH/,
    );
    assertUsageError(cli('simulate', 'missing_file.py'), /cannot read missing_file\.py/);
  });

  it('a model whose sizes do not resolve is left out with a note (and is an error when asked for by name)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-simulate-'));
    const file = path.join(dir, 'blocks.py');
    fs.writeFileSync(
      file,
      [
        'import torch.nn as nn',
        '',
        'class Block(nn.Module):',
        '    def __init__(self, in_planes, planes):',
        '        super().__init__()',
        '        self.conv = nn.Conv2d(in_planes, planes, 3, padding=1)',
        '',
        '    def forward(self, x):',
        '        return self.conv(x)',
        '',
        'class Head(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.fc = nn.Linear(8, 2)',
        '',
        '    def forward(self, x):',
        '        return self.fc(x)',
        '',
      ].join('\n'),
    );
    try {
      const run = cli('simulate', file);
      assert.equal(run.status, 0);
      const document = JSON.parse(run.stdout) as SimulateDocument;
      assert.deepEqual(
        document.models.map((model) => model.name),
        ['Head'],
      );
      assert.match(run.stderr, /Block: sizes the analysis cannot resolve \(in_planes, planes\); not simulated/);
      assertUsageError(cli('simulate', file, '--model', 'Block'), /Block: sizes the analysis cannot resolve/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the class name for a script line that builds what the class builds (`model = ResNet18()` under __main__)', () => {
    const run = cli('simulate', 'examples/resnet_good.py');
    assert.equal(run.status, 0);
    const document = JSON.parse(run.stdout) as SimulateDocument;
    assert.deepEqual(
      document.models.map((model) => model.name),
      ['ResNet18'],
    );
    const layers = simulate('examples/resnet_good.py', '--model', 'ResNet18').models[0]!.layers.map((layer) => layer.name);
    assert.ok(layers.includes('layer3.0.downsample.0') && layers.includes('layer4.1.conv2'), layers.join(', '));
  });
});
