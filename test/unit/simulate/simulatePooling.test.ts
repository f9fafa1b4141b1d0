/**
 * Pooling (pooling.ts) in both passes: the sampled kernels against a direct reading of their
 * definition, and the analytic pass held to the Monte-Carlo pass (the reference where mean field is
 * approximate) on conv → ReLU → pool → linear networks.
 */
import assert from 'node:assert/strict';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { SimNetwork } from '../../../src/core/simulate/network';
import { poolBackward, poolForward, poolGeometry } from '../../../src/core/simulate/pooling';

function network(mode: 'max' | 'avg', kernel: number, activation: 'relu' | null): SimNetwork {
  const relu = activation === null ? null : { name: activation, params: {} };
  const kaiming = { kind: 'normal' as const, mean: 0, std: Math.sqrt(2 / 72) };
  return {
    input: { kind: 'image', channels: 8, height: 8, width: 8 },
    layers: [
      {
        name: 'conv',
        op: 'conv2d',
        activation: relu,
        inFeatures: 8,
        outFeatures: 32,
        kernel: [3, 3],
        stride: [1, 1],
        padding: [1, 1],
        groups: 1,
        weight: kaiming,
        bias: null,
      },
      { name: 'pool', op: 'pool', activation: null, mode, kernel: [kernel, kernel], stride: [kernel, kernel] },
      { name: 'flatten', op: 'flatten', activation: null },
      {
        name: 'fc',
        op: 'linear',
        activation: null,
        inFeatures: 32 * (8 / kernel) ** 2,
        outFeatures: 512, // many units: after a global pool the output varies mostly across units (one weight draw each)
        kernel: [],
        stride: [],
        padding: [],
        groups: 1,
        weight: { kind: 'normal', mean: 0, std: Math.sqrt(1 / (32 * (8 / kernel) ** 2)) },
        bias: null,
      },
    ],
  };
}

describe('simulate: pooling', () => {
  it('kernels: 2×2 max takes the first maximum and routes the gradient to it; average spreads it', () => {
    // one example, 2×2 positions, 2 channels, channels-last
    const x = Float32Array.from([1, -1, 3, -2, 3, 5, 0, 4]);
    const g = poolGeometry([2, 2], 2, [2, 2], [2, 2]);
    const y = new Float32Array(2);
    const argmax = new Int32Array(2);
    poolForward(x, g, 1, 'max', y, argmax);
    assert.deepEqual([...y], [3, 5]);
    assert.deepEqual([...argmax], [1, 2]);
    const dx = new Float32Array(8);
    poolBackward(Float32Array.from([1, 2]), g, 1, 'max', argmax, dx);
    assert.deepEqual([...dx], [0, 0, 1, 0, 0, 2, 0, 0]);
    poolForward(x, g, 1, 'avg', y, null);
    assert.deepEqual([...y], [7 / 4, 6 / 4]);
    poolBackward(Float32Array.from([4, 8]), g, 1, 'avg', null, dx);
    assert.deepEqual([...dx], [1, 2, 1, 2, 1, 2, 1, 2]);
  });

  // A global average sums 64 neighbours whose values share inputs (overlapping receptive fields):
  // mean field takes them as independent, so it is held to 25 % there.
  for (const [mode, kernel, activation, tolerance] of [
    ['max', 2, 'relu', 1.15],
    ['max', 2, null, 1.15],
    ['avg', 2, 'relu', 1.15],
    ['avg', 8, 'relu', 1.25],
  ] as const) {
    it(`${mode} ${kernel}×${kernel} after ${activation ?? 'no activation'}: analytic within ${Math.round((tolerance - 1) * 100)} % of Monte Carlo, both directions`, () => {
      const net = network(mode, kernel, activation);
      const analytic = simulateAnalytic(net);
      const sampled = simulateMonteCarlo(net, { batch: 64, seed: 3 }).layers;
      for (const [index, row] of analytic.entries()) {
        const reference = sampled[index];
        const forward = Math.abs(Math.log(row.forward.preVar / reference.forward.preVar));
        const backward = Math.abs(Math.log((row.backward.gradInputVar as number) / (reference.backward.gradInputVar as number)));
        assert.ok(forward < Math.log(tolerance), `${row.name} forward ${row.forward.preVar} vs ${reference.forward.preVar}`);
        assert.ok(backward < Math.log(tolerance), `${row.name} backward ${row.backward.gradInputVar} vs ${reference.backward.gradInputVar}`);
      }
    });
  }
});
