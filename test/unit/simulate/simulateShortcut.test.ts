/**
 * Projection shortcuts (`downsample = Sequential(conv1x1(stride 2), BatchNorm2d)`) in the analytic and
 * Monte-Carlo passes and in fromGraph, held to torch: test/fixtures/torch-shortcut/reference.json
 * (make_reference.py, torch 1.13, 5 seeds, the torch oracle's definitions).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { previewModelOf } from '../../../src/editor/previewModel';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { AffineLayer, LayerStats, NormLayer, SimLayer, SimNetwork } from '../../../src/core/simulate/network';
import { resolveNetwork } from '../../../src/core/simulate/resolve';
import { envelope, FLOOR, pick, SPREADS, STATISTICS, type OracleLayer, type Statistic } from '../support/torchOracle';
import { loadGrammar } from '../support/python';
import { dialectFor } from '../../../src/core/frameworks/registry';

interface Reference {
  batch_size: number;
  input: { shape_per_example: number[] };
  stem_channels: number;
  blocks: { in_planes: number; planes: number; stride: number }[];
  variants: Record<'gamma_one' | 'zero_init_residual', (OracleLayer & { name: string })[]>;
}

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'torch-shortcut');
const reference = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'reference.json'), 'utf8')) as Reference;
const [channels, height, width] = reference.input.shape_per_example;

/**
 * With every bn2 at γ = 0 the whole gradient goes through the shortcuts' BatchNorms, whose input
 * gradient is E[g²/σ_c²] over channels; mean field takes 1/E[σ_c²] (signal.ts norm). The channels of a
 * 1×1 conv of correlated post-ReLU channels spread widely (torch, a 16-channel variant of this net:
 * E[1/σ_c²] ≈ 1.2/E[σ_c²] at block1.downsample.1), so the analytic gradients behind them run 9–16% low
 * here: measured, kept as a wider floor rather than hidden. Forward statistics keep the oracle tolerance;
 * the Monte-Carlo pass, which has real channels, keeps it for the gradients too.
 */
const ZERO_INIT_ANALYTIC_FLOORS: Partial<Record<Statistic, number>> = { grad_input_var: 0.2 };

/** torch.nn.init.kaiming_normal_(mode='fan_out', nonlinearity='relu'): N(0, 2/(out·k·k)). */
function conv(name: string, inFeatures: number, outFeatures: number, kernel: number, stride: number): AffineLayer {
  const std = Math.sqrt(2 / (outFeatures * kernel * kernel));
  const pad = (kernel - 1) / 2;
  return {
    name,
    op: 'conv2d',
    activation: null,
    inFeatures,
    outFeatures,
    kernel: [kernel, kernel],
    stride: [stride, stride],
    padding: [pad, pad],
    groups: 1,
    weight: { kind: 'normal', mean: 0, std },
    bias: null,
  };
}

function batchNorm(name: string, gamma: number, relu: boolean): NormLayer {
  return {
    name,
    op: 'batchnorm',
    activation: relu ? { name: 'relu', params: {} } : null,
    weight: { kind: 'constant', value: gamma },
    bias: { kind: 'constant', value: 0 },
    eps: 1e-5,
  };
}

/** The reference's net as a SimNetwork, built by hand (layer order as network.ts documents). */
function referenceNetwork(zeroInitResidual: boolean): SimNetwork {
  const layers: SimLayer[] = [conv('stem.conv', channels, reference.stem_channels, 3, 1), batchNorm('stem.bn', 1, true)];
  reference.blocks.forEach(({ in_planes: inPlanes, planes, stride }, index) => {
    const name = `block${index}`;
    const projects = stride !== 1 || inPlanes !== planes;
    const shortcut = projects ? [conv(`${name}.downsample.0`, inPlanes, planes, 1, stride), batchNorm(`${name}.downsample.1`, 1, false)] : undefined;
    layers.push(
      { name: `${name}:skip`, op: 'residual_begin', activation: null, ...(shortcut ? { shortcut } : {}) },
      conv(`${name}.conv1`, inPlanes, planes, 3, stride),
      batchNorm(`${name}.bn1`, 1, true),
      conv(`${name}.conv2`, planes, planes, 3, 1),
      batchNorm(`${name}.bn2`, zeroInitResidual ? 0 : 1, false),
      { name: `${name}:add`, op: 'residual_end', activation: { name: 'relu', params: {} }, scale: 1 },
    );
  });
  return { input: { kind: 'image', channels, height, width }, layers, inputVariance: 1 };
}

/**
 * The torch oracle's tolerance (support/torchOracle.ts) per layer and statistic; a statistic torch
 * measures as exactly 0 (the branch behind a zero γ) must be 0 here too.
 */
function failuresAgainst(stats: LayerStats[], layers: OracleLayer[], floors: Partial<Record<Statistic, number>> = {}): string[] {
  assert.equal(stats.length, layers.length, 'one statistic row per torch layer');
  const failures: string[] = [];
  layers.forEach((layer, index) => {
    for (const statistic of STATISTICS) {
      const measured = layer.stats[statistic];
      const simulated = pick(stats[index], statistic);
      if (measured === null || simulated === null) {
        if (measured !== simulated) {
          failures.push(`layer ${index} ${statistic}: torch ${JSON.stringify(measured)}, simulated ${simulated}`);
        }
        continue;
      }
      if (measured.mean === 0) {
        if (Math.abs(simulated) > 1e-9) {
          failures.push(`layer ${index} ${statistic}: torch 0, simulated ${simulated}`);
        }
        continue;
      }
      const tolerance = Math.max(SPREADS * envelope(layers, statistic, index), floors[statistic] ?? FLOOR);
      const error = Math.abs(simulated - measured.mean) / Math.abs(measured.mean);
      if (!(error <= tolerance)) {
        failures.push(
          `layer ${index} (${stats[index].name}) ${statistic}: simulated ${simulated}, torch ${measured.mean} (error ${(error * 100).toFixed(1)}% > ${(tolerance * 100).toFixed(1)}%)`,
        );
      }
    }
  });
  return failures;
}

/** The same net as PyTorch source, torchvision style (the shortcut after the branch, or before it). */
function modelSource(shortcutFirst: boolean, zeroInitResidual: boolean): string {
  const forward = shortcutFirst
    ? `        identity = x
        if self.downsample is not None:
            identity = self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))`
    : `        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)`;
  const blocks = reference.blocks.map((block) => `BasicBlock(${block.in_planes}, ${block.planes}, ${block.stride})`).join(', ');
  return `import torch.nn as nn

class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_planes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )

    def forward(self, x):
${forward}
        out += identity
        return self.relu(out)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(${channels}, ${reference.stem_channels}, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(${reference.stem_channels})
        self.relu = nn.ReLU(inplace=True)
        self.layers = nn.Sequential(${blocks})
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
${
  zeroInitResidual
    ? `        for m in self.modules():
            if isinstance(m, BasicBlock):
                nn.init.constant_(m.bn2.weight, 0)
`
    : ''
}
    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        return self.layers(x)
`;
}

function networkOfSource(source: string, model: string): SimNetwork {
  const found = analyzeFile(source, 'model.py').graph.models.find((candidate) => candidate.name === model);
  assert.ok(found, `model ${model}`);
  return networkFromModel(found, { init: 'current', input: { kind: 'image', channels, height, width }, dialect: dialectFor(found.framework) });
}

describe('projection shortcuts (residual_begin.shortcut)', () => {
  before(loadGrammar);

  for (const variant of ['gamma_one', 'zero_init_residual'] as const) {
    const torch = reference.variants[variant];
    const network = referenceNetwork(variant === 'zero_init_residual');

    it(`${variant}: analytic pass, every layer within the torch seed spread`, () => {
      const stats = simulateAnalytic(network);
      assert.deepEqual(
        stats.map((row) => row.name.replace(/:.*$/, '')),
        torch.map((layer) => layer.name.replace(/:.*$/, '')),
      );
      assert.deepEqual(failuresAgainst(stats, torch, variant === 'zero_init_residual' ? ZERO_INIT_ANALYTIC_FLOORS : {}), []);
    });

    it(`${variant}: Monte-Carlo pass (batch ${reference.batch_size}), every layer within the torch seed spread`, () => {
      const result = simulateMonteCarlo(network, { batch: reference.batch_size, seed: 7 });
      assert.equal(result.histograms.length, torch.length);
      // One Monte-Carlo seed against a five-seed mean: its own sampling spread (≈ the torch seeds' sd) comes on top.
      assert.deepEqual(failuresAgainst(result.layers, torch, { pre_var: 0.08, post_m2: 0.08, grad_input_var: 0.08 }), []);
    });
  }

  it('the block input gradient is the branch share plus the shortcut share', () => {
    const stats = simulateAnalytic(referenceNetwork(true));
    const row = (name: string) => stats.find((candidate) => candidate.name === name) as LayerStats;
    // γ = 0 on bn2: no gradient reaches the branch, so the block input's gradient is all the shortcut's.
    assert.equal(row('block1.bn1').backward.gradInputVar, 0);
    assert.ok((row('block1:skip').backward.gradInputVar ?? 0) > 0.1);
    assert.equal(row('block1.downsample.0').backward.gradInputVar, row('block1:skip').backward.gradInputVar);
    assert.equal(row('block1.conv1').backward.gradInputVar, row('block1:skip').backward.gradInputVar);
  });

  it('a scaled add with a shortcut throws instead of guessing where the scale goes', () => {
    const network = referenceNetwork(false);
    const end = network.layers.find((layer) => layer.name === 'block1:add');
    assert.ok(end?.op === 'residual_end');
    end.scale = 0.5;
    assert.throws(() => simulateAnalytic(network), /scaled residual add with a projection shortcut/);
  });

  it('resolve resolves the shortcut dims and renames it with the depth copies', () => {
    const linear = (name: string, inFeatures: number | string, outFeatures: number | string): AffineLayer => ({
      name,
      op: 'linear',
      activation: null,
      inFeatures,
      outFeatures,
      kernel: [],
      stride: [],
      padding: [],
      groups: 1,
      weight: { kind: 'normal', mean: 0, std: 0.1 },
      bias: null,
    });
    const network: SimNetwork = {
      input: { kind: 'vector', width: 8 },
      layers: [
        { name: 'skip', op: 'residual_begin', activation: null, shortcut: [linear('proj', 8, 'width')] },
        linear('fc', 8, 'width'),
        { name: 'add', op: 'residual_end', activation: null, scale: 1 },
        linear('back', 'width', 8),
      ],
    };
    const resolved = resolveNetwork(network, { symbols: { width: 8 }, depthMultiplier: 2 });
    const shortcuts = resolved.layers.flatMap((layer) => (layer.op === 'residual_begin' ? (layer.shortcut ?? []) : []));
    assert.deepEqual(
      shortcuts.map((layer) => [layer.name, layer.op === 'linear' ? layer.outFeatures : null]),
      [
        ['proj', 8],
        ['proj#2', 8],
      ],
    );
    assert.deepEqual(
      simulateAnalytic(resolved).map((row) => row.name),
      ['skip', 'fc', 'proj', 'add', 'back', 'skip#2', 'fc#2', 'proj#2', 'add#2', 'back#2'],
    );
  });

  for (const shortcutFirst of [false, true]) {
    const order = shortcutFirst ? 'before' : 'after';
    it(`fromGraph: a torchvision BasicBlock with the downsample ${order} the branch gives the reference network`, () => {
      const network = networkOfSource(modelSource(shortcutFirst, true), 'Net');
      const begins = network.layers.filter((layer) => layer.op === 'residual_begin');
      assert.equal(begins.length, reference.blocks.length, (network.notes ?? []).join('\n'));
      assert.deepEqual(
        begins.map((layer) =>
          layer.op === 'residual_begin'
            ? (layer.shortcut ?? []).map((inner) => `${inner.name}:${inner.op}:${'kernel' in inner ? inner.kernel.join('x') : ''}`)
            : [],
        ),
        [
          [],
          ['layers.1.downsample.0:conv2d:1x1', 'layers.1.downsample.1:batchnorm:'],
          [],
          ['layers.3.downsample.0:conv2d:1x1', 'layers.3.downsample.1:batchnorm:'],
        ],
      );
      assert.ok(!(network.notes ?? []).some((note) => /residual/.test(note) && /not simulated/.test(note)), (network.notes ?? []).join('\n'));
      // The same numbers as torch, through the whole pipeline.
      const stats = simulateAnalytic(resolveNetwork(network));
      assert.deepEqual(failuresAgainst(stats, reference.variants.zero_init_residual, ZERO_INIT_ANALYTIC_FLOORS), []);
    });
  }

  it('examples/resnet_good.py: a live signal through every downsampling block', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'resnet_good.py'), 'utf8');
    const found = analyzeFile(source, 'resnet_good.py').graph.models.find((candidate) => candidate.name === 'ResNet18');
    assert.ok(found);
    const network = networkFromModel(found, {
      init: 'current',
      input: { kind: 'image', channels: 3, height: 32, width: 32 },
      dialect: dialectFor(found.framework),
    });
    const notes = (network.notes ?? []).join('\n');
    assert.doesNotMatch(notes, /layer[234]\.0\.(bn2|downsample)/);
    assert.doesNotMatch(notes, /residual (add|branch) .*not simulated/);
    const stats = simulateAnalytic(resolveNetwork(network));
    const names = stats.map((row) => row.name);
    for (const block of ['layer2.0', 'layer3.0', 'layer4.0']) {
      assert.ok(names.includes(`${block}.downsample.0`) && names.includes(`${block}.downsample.1`), `${block} shortcut simulated`);
    }
    // Zero-init last BN: each branch is silent (bn2 and what it feeds back are 0), the residual stream is not.
    const live = stats.filter((row) => !/\.(bn2)$/.test(row.name) && row.type !== 'residual_begin');
    for (const row of live.filter((candidate) => candidate.type === 'conv2d' || candidate.type === 'residual_end' || /downsample/.test(candidate.name))) {
      assert.ok(row.forward.preVar > 0.05, `${row.name} forward preVar ${row.forward.preVar}`);
    }
    // The head after the global pooling is simulated too (the pool read from its 512 inputs).
    const join = stats[stats.length - 4];
    assert.deepEqual(
      stats.slice(-4).map((row) => row.type),
      ['residual_end', 'pool', 'flatten', 'linear'],
    );
    assert.ok(join.forward.postMeanSquare > 0.3, `output E[x²] ${join.forward.postMeanSquare}`);
    // The panel's table lists the shortcut layers too.
    const preview = previewModelOf(
      analyzeFile(source, 'resnet_good.py'),
      'ResNet18',
      { uri: 'file:///resnet_good.py', fileName: 'resnet_good.py' },
      { kind: 'image', channels: 3, height: 32, width: 32 },
    );
    assert.ok(
      preview?.rows.some((row) => row.name === 'layer3.0.downsample.0'),
      'downsample row in the preview table',
    );
    // Against the gradient that reaches the convolutional trunk (at the pooling's input).
    const trunk = stats.find((row) => row.type === 'pool')?.backward.gradInputVar ?? Number.NaN;
    for (const block of ['layer2.0', 'layer3.0', 'layer4.0']) {
      const grad = stats.find((row) => row.name === `${block}.downsample.0`)?.backward.gradInputVar ?? 0;
      assert.ok(grad > 0.1 * trunk, `${block} input gradient ${grad} (trunk ${trunk})`);
    }
  });
});
