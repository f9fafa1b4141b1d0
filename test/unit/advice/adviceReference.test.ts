/**
 * The drift that advice predicts over a stack, held to real PyTorch: each case is a 20-layer MLP
 * written as a user would, whose twin was measured in real PyTorch
 * (test/fixtures/torch-reference/*.torch.json, 5 seeds). Forward drift = pre-activation variance of
 * the stack's last layer over its first; backward drift = input-gradient variance of layer 1 over
 * layer 19 (the stack is layers 0–18; layer 19 is the linear output).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';
import { TORCH_REFERENCE_DIR } from '../support/torchOracle';

interface Stat {
  mean: number;
  rel_sd: number;
}
interface TorchLayer {
  stats: { pre_var: Stat; grad_input_var: Stat | null };
}

/** Python for the case: the same network, init spelled the way model code spells it. */
const CASES: Record<string, { activation: string; init: string; bias: string }> = {
  relu_mlp20_default: { activation: 'F.relu(x)', init: '', bias: '' },
  relu_mlp20_kaiming_normal: {
    activation: 'F.relu(x)',
    init: "nn.init.kaiming_normal_(layer.weight, mode='fan_in', nonlinearity='relu')",
    bias: 'nn.init.zeros_(layer.bias)',
  },
  relu_mlp20_kaiming_uniform: {
    activation: 'F.relu(x)',
    init: "nn.init.kaiming_uniform_(layer.weight, mode='fan_in', nonlinearity='relu')",
    bias: 'nn.init.zeros_(layer.bias)',
  },
  relu_mlp20_xavier_uniform: { activation: 'F.relu(x)', init: 'nn.init.xavier_uniform_(layer.weight, gain=1.0)', bias: 'nn.init.zeros_(layer.bias)' },
  leaky_relu02_mlp20_kaiming_normal: {
    activation: 'F.leaky_relu(x, 0.2)',
    init: "nn.init.kaiming_normal_(layer.weight, a=0.2, mode='fan_in', nonlinearity='leaky_relu')",
    bias: 'nn.init.zeros_(layer.bias)',
  },
  tanh_mlp20_xavier_normal: { activation: 'torch.tanh(x)', init: 'nn.init.xavier_normal_(layer.weight, gain=1.0)', bias: 'nn.init.zeros_(layer.bias)' },
  tanh_mlp20_xavier_uniform_gain_tanh: {
    activation: 'torch.tanh(x)',
    init: "nn.init.xavier_uniform_(layer.weight, gain=nn.init.calculate_gain('tanh'))",
    bias: 'nn.init.zeros_(layer.bias)',
  },
  selu_mlp20_lecun_normal: {
    activation: 'F.selu(x)',
    init: 'nn.init.normal_(layer.weight, std=1 / math.sqrt(layer.in_features))',
    bias: 'nn.init.zeros_(layer.bias)',
  },
  gelu_mlp20_normal002: { activation: 'F.gelu(x)', init: 'nn.init.normal_(layer.weight, std=0.02)', bias: 'nn.init.zeros_(layer.bias)' },
};

function modelSource(activation: string, init: string, bias: string): string {
  const initLoop = init ? `        for layer in self.layers:\n            ${init}\n            ${bias}\n` : '';
  return [
    'import math',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    '',
    'class MLP(nn.Module):',
    '    def __init__(self, width=512, depth=20):',
    '        super().__init__()',
    '        self.layers = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])',
    initLoop,
    '    def forward(self, x):',
    '        for layer in self.layers[:-1]:',
    `            x = ${activation.replace('(x', '(layer(x)')}`,
    '        return self.layers[-1](x)',
    '',
  ].join('\n');
}

/** Tolerance on a ratio of two seed means: three combined relative seed deviations, at least 5%. */
function tolerance(a: Stat, b: Stat): number {
  return Math.max(0.05, 3 * Math.hypot(a.rel_sd, b.rel_sd));
}

function assertRatio(label: string, predicted: number | null, measured: number, relTolerance: number): void {
  assert.ok(predicted !== null, `${label}: no prediction`);
  const error = Math.abs(Math.log(predicted) - Math.log(measured));
  assert.ok(
    error <= Math.log1p(relTolerance),
    `${label}: predicted ${predicted.toPrecision(4)}, PyTorch ${measured.toPrecision(4)} (tolerance ±${(relTolerance * 100).toFixed(0)}%)`,
  );
}

describe('advice drift against real PyTorch (test/fixtures/torch-reference)', () => {
  before(loadGrammar);
  for (const [name, spelling] of Object.entries(CASES)) {
    it(`predicts the forward and backward drift of ${name}`, () => {
      const file = path.join(TORCH_REFERENCE_DIR, `${name}.torch.json`);
      assert.ok(fs.existsSync(file), `missing fixture ${file}`);
      const layers = (JSON.parse(fs.readFileSync(file, 'utf8')) as { layers: TorchLayer[] }).layers;
      const analysis = analyzeFile(modelSource(spelling.activation, spelling.init, spelling.bias), `${name}.py`);
      const signals = analysis.advice.signals.filter((s) => s.model === 'MLP');
      assert.equal(signals.length, 19, 'the 19 hidden layers form one stack');
      assert.equal(signals[0]!.depth, 19);
      const first = layers[0]!.stats;
      const last = layers[18]!.stats;
      assertRatio('forward', signals[0]!.forwardDrift, last.pre_var.mean / first.pre_var.mean, tolerance(first.pre_var, last.pre_var));
      const g1 = layers[1]!.stats.grad_input_var!;
      const g19 = layers[19]!.stats.grad_input_var!;
      assertRatio('backward', signals[0]!.backwardDrift, g1.mean / g19.mean, tolerance(g1, g19));
    });
  }

  it('warns on the PyTorch default before ReLU and stays silent on He init', () => {
    const bad = analyzeFile(modelSource('F.relu(x)', '', ''), 'bad.py');
    const good = analyzeFile(modelSource('F.relu(x)', CASES.relu_mlp20_kaiming_normal!.init, 'nn.init.zeros_(layer.bias)'), 'good.py');
    // One finding for the Linear written once in the loop, standing for its 19 instances.
    const warnings = bad.advice.findings.filter((f) => f.rule === 'init-relu' && f.severity === 'warning');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.instances?.length, 19);
    assert.deepEqual(good.advice.findings, []);
  });
});
