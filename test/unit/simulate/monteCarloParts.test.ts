import assert from 'node:assert/strict';
import type { AffineLayer, SimLayer, SimNetwork } from '../../../src/core/simulate/network';
import { monteCarloPassCost } from '../../../src/core/simulate/monteCarloPassCost';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import { monteCarloParts } from '../../../webview/src/monteCarloParts';

function mlp(widths: number[]): SimNetwork {
  const layers: SimLayer[] = widths.slice(1).map((width, index) => ({
    name: `fc${index}`,
    op: 'linear',
    activation: { name: 'relu' },
    inFeatures: widths[index],
    outFeatures: width,
    kernel: [],
    stride: [],
    padding: [],
    groups: 1,
    weight: { kind: 'normal', mean: 0, std: Math.sqrt(2 / widths[index]) },
    bias: { kind: 'constant', value: 0 },
  }));
  return { input: { kind: 'vector', width: widths[0] }, layers };
}

describe('Monte Carlo over the cores: one worker per network when both fit', () => {
  it('splits the current and the recommended pass over two workers on two or more cores', () => {
    const job = { current: mlp([32, 32, 32]), recommended: mlp([32, 32, 32]), batch: 64 };
    assert.deepEqual(monteCarloParts(job, 2), ['current', 'recommended']);
    assert.deepEqual(monteCarloParts(job, 16), ['current', 'recommended']);
    assert.deepEqual(monteCarloParts(job, 1), ['both']);
    assert.deepEqual(monteCarloParts(job, Number.NaN), ['both'], 'an unknown core count is one core');
  });

  it('keeps one worker when the two arenas together would pass the memory bound, or a network cannot be planned', () => {
    const job = { current: mlp([256, 256]), recommended: mlp([256, 256]), batch: 64 };
    const one = monteCarloPassCost(job.current, job.batch);
    assert.ok(one !== undefined && one.bytes > 0);
    assert.deepEqual(monteCarloParts(job, 2, 2 * one.bytes), ['current', 'recommended']);
    assert.deepEqual(monteCarloParts(job, 2, 2 * one.bytes - 1), ['both']);
    const broken = mlp([32, 32]);
    (broken.layers[0] as AffineLayer).inFeatures = 16; // expects 16 features, gets 32: planning throws
    assert.equal(monteCarloPassCost(broken, 8), undefined);
    assert.deepEqual(monteCarloParts({ ...job, recommended: broken }, 2), ['both']);
  });

  it('prices a pass as the pass itself does: the pass refuses exactly above the priced bytes', () => {
    const net = mlp([64, 64, 64]);
    const cost = monteCarloPassCost(net, 16);
    assert.ok(cost !== undefined);
    assert.equal(simulateMonteCarlo(net, { batch: 16, seed: 1, bounds: { maxBytes: cost.bytes, maxMultiplyAdds: cost.multiplyAdds } }).layers.length, 2);
    assert.throws(() => simulateMonteCarlo(net, { batch: 16, seed: 1, bounds: { maxBytes: cost.bytes - 1, maxMultiplyAdds: cost.multiplyAdds } }), /needs/);
  });
});
