/**
 * Channel concatenation (concat.ts) in both passes: an Inception-style fork with two branches and a
 * DenseNet-style cat([x, f(x)]), the analytic pass held to Monte Carlo, and the kept tensor's total
 * gradient reported by every layer that reads it.
 */
import assert from 'node:assert/strict';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { AffineLayer, SimLayer, SimNetwork } from '../../../src/core/simulate/network';

function conv(name: string, inFeatures: number, outFeatures: number): AffineLayer {
  return {
    name,
    op: 'conv2d',
    activation: { name: 'relu', params: {} },
    inFeatures,
    outFeatures,
    kernel: [3, 3],
    stride: [1, 1],
    padding: [1, 1],
    groups: 1,
    weight: { kind: 'normal', mean: 0, std: Math.sqrt(2 / (9 * inFeatures)) },
    bias: null,
  };
}

function network(layers: SimLayer[]): SimNetwork {
  return { input: { kind: 'image', channels: 16, height: 8, width: 8 }, layers };
}

const INCEPTION = network([
  { name: 'fork', op: 'fork', activation: null },
  conv('a', 16, 24),
  { name: 'branch', op: 'branch', activation: null },
  conv('b', 16, 8),
  { name: 'concat', op: 'concat', activation: null, withInput: false },
  conv('after', 32, 32),
]);

// The stem has no activation, as DenseNet's conv0: a ReLU right before the fork makes the kept
// tensor's gradient depend on its own value (the norm's ReLU opens where x is large), which mean
// field's one number per tensor misses (about 25 % low at the stem's input).
const DENSE = network([
  { ...conv('stem', 16, 16), activation: null },
  { name: 'fork', op: 'fork', activation: null },
  {
    name: 'norm',
    op: 'batchnorm',
    activation: { name: 'relu', params: {} },
    weight: { kind: 'constant', value: 1 },
    bias: { kind: 'constant', value: 0 },
    eps: 1e-5,
  },
  conv('f', 16, 12),
  { name: 'concat', op: 'concat', activation: null, withInput: true },
  conv('after', 28, 32),
]);

describe('simulate: concatenation', () => {
  for (const [label, net] of [
    ['Inception-style branches', INCEPTION],
    ['DenseNet-style cat([x, f(x)])', DENSE],
  ] as const) {
    it(`${label}: analytic within 15 % of Monte Carlo per layer, both directions`, () => {
      const analytic = simulateAnalytic(net);
      // Four seeds: a small layer's gradient (12 filters) varies by 20 % with the weight draw.
      const runs = [1, 2, 3, 4].map((seed) => simulateMonteCarlo(net, { batch: 64, seed }).layers);
      const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
      const sampled = runs[0].map((row, index) => ({
        name: row.name,
        forward: { preVar: mean(runs.map((run) => run[index].forward.preVar)) },
        backward: { gradInputVar: mean(runs.map((run) => run[index].backward.gradInputVar as number)) },
      }));
      assert.deepEqual(
        analytic.map((row) => row.name),
        sampled.map((row) => row.name),
      );
      for (const [index, row] of analytic.entries()) {
        const reference = sampled[index];
        assert.ok(
          Math.abs(Math.log(row.forward.preVar / reference.forward.preVar)) < Math.log(1.15),
          `${row.name} forward ${row.forward.preVar} vs ${reference.forward.preVar}`,
        );
        const gradient = row.backward.gradInputVar as number;
        const sampledGradient = reference.backward.gradInputVar as number;
        assert.ok(Math.abs(Math.log(gradient / sampledGradient)) < Math.log(1.15), `${row.name} backward ${gradient} vs ${sampledGradient}`);
      }
    });
  }

  it('every reader of the kept tensor reports its total gradient (the branches add up at the fork)', () => {
    const rows = simulateAnalytic(INCEPTION);
    const byName = new Map(rows.map((row) => [row.name, row.backward.gradInputVar as number]));
    assert.equal(byName.get('a'), byName.get('fork'));
    assert.equal(byName.get('b'), byName.get('fork'));
    // the fork's total is more than either branch's share alone
    assert.ok((byName.get('fork') as number) > (byName.get('branch') as number));
    const joined = rows.find((row) => row.name === 'concat');
    assert.equal(joined?.forward.preVar !== undefined, true);
  });
});
