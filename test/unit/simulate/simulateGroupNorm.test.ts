/**
 * GroupNorm and InstanceNorm (groupNorm.ts, signal.ts norm) in both passes: the sampled kernel's
 * output normalised per (example, group) and its backward against finite differences, and the
 * analytic pass held to the Monte-Carlo pass on conv → norm → ReLU → conv networks.
 */
import assert from 'node:assert/strict';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { groupNormBackward, groupNormForward, type GroupNormShape } from '../../../src/core/simulate/groupNorm';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { SimNetwork } from '../../../src/core/simulate/network';

function network(groups: number, affine: boolean): SimNetwork {
  const kaiming = { kind: 'normal' as const, mean: 0, std: Math.sqrt(2 / (16 * 9)) };
  const conv = (name: string, inFeatures: number, outFeatures: number) => ({
    name,
    op: 'conv2d' as const,
    activation: null,
    inFeatures,
    outFeatures,
    kernel: [3, 3],
    stride: [1, 1],
    padding: [1, 1],
    groups: 1,
    weight: kaiming,
    bias: { kind: 'uniform' as const, low: -0.1, high: 0.1 },
  });
  return {
    input: { kind: 'image', channels: 16, height: 8, width: 8 },
    layers: [
      // No ReLU before the norm: there mean field is off for BatchNorm alike (×1.5 on conv1's gradient), Monte Carlo is the reference.
      conv('conv1', 16, 32),
      {
        name: 'norm',
        op: 'groupnorm',
        groups,
        activation: { name: 'relu', params: {} },
        weight: affine ? { kind: 'constant', value: 1 } : null,
        bias: affine ? { kind: 'constant', value: 0 } : null,
        eps: 1e-5,
      },
      conv('conv2', 32, 32),
    ],
  };
}

describe('simulate: GroupNorm and InstanceNorm', function () {
  this.timeout(20000);

  it('the sampled kernel normalises each (example, group) and its backward matches finite differences', () => {
    const shape: GroupNormShape = { examples: 2, positions: 3, channels: 4, groups: 2 };
    const x = Float32Array.from({ length: 24 }, (_, index) => Math.sin(index * 1.7) * 2 + (index % 4));
    const gamma = Float32Array.from([1.5, 0.5, 2, 1]);
    const y = new Float32Array(24);
    const statistics = { mean: new Float64Array(4), inverseStd: new Float64Array(4) };
    groupNormForward(x, shape, null, null, 1e-5, y, statistics);
    // example 0, group 1: channels 2, 3 over 3 positions
    const members = [0, 1, 2].flatMap((position) => [position * 4 + 2, position * 4 + 3]);
    const mean = members.reduce((sum, index) => sum + y[index], 0) / members.length;
    const variance = members.reduce((sum, index) => sum + (y[index] - mean) ** 2, 0) / members.length;
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(variance - 1) < 1e-3, `${mean} ${variance}`);
    const dy = Float32Array.from({ length: 24 }, (_, index) => Math.cos(index));
    const loss = (input: Float32Array): number => {
      const out = new Float32Array(24);
      groupNormForward(input, shape, gamma, null, 1e-5, out, { mean: new Float64Array(4), inverseStd: new Float64Array(4) });
      return out.reduce((sum, value, index) => sum + value * dy[index], 0);
    };
    groupNormForward(x, shape, gamma, null, 1e-5, y, statistics);
    const dx = new Float32Array(24);
    groupNormBackward(x, dy, shape, gamma, statistics, dx);
    for (const index of [0, 5, 11, 22]) {
      const step = 1e-2;
      const plus = Float32Array.from(x);
      const minus = Float32Array.from(x);
      plus[index] += step;
      minus[index] -= step;
      const numeric = (loss(plus) - loss(minus)) / (2 * step);
      assert.ok(Math.abs(numeric - dx[index]) < 2e-2, `element ${index}: ${dx[index]} vs ${numeric}`);
    }
  });

  for (const [label, groups, affine] of [
    ['GroupNorm(4, 32)', 4, true],
    ['InstanceNorm2d(32), not affine', 32, false],
    ['GroupNorm(1, 32) (LayerNorm over C, H, W)', 1, true],
  ] as [string, number, boolean][]) {
    it(`${label}: the analytic pass within 10% of Monte Carlo (mean of 4 seeds), both directions`, () => {
      const net = network(groups, affine);
      const analytic = simulateAnalytic(net);
      const runs = [1, 2, 3, 4].map((seed) => simulateMonteCarlo(net, { batch: 16, seed }).layers);
      analytic.forEach((row, index) => {
        const forward = runs.reduce((sum, run) => sum + run[index].forward.preVar, 0) / runs.length;
        const backward = runs.reduce((sum, run) => sum + (run[index].backward.gradInputVar as number), 0) / runs.length;
        assert.ok(Math.abs(row.forward.preVar / forward - 1) < 0.1, `${row.name} forward ${row.forward.preVar} vs ${forward}`);
        assert.ok(Math.abs((row.backward.gradInputVar as number) / backward - 1) < 0.1, `${row.name} backward ${row.backward.gradInputVar} vs ${backward}`);
      });
    });
  }
});
