/**
 * The simulation bounded up front: a Monte-Carlo pass over its memory or time bound is refused in
 * words before anything is allocated, degenerate layers and non-finite statistics are notes, and
 * `init-lens simulate` turns each into a note for its model instead of failing the command.
 */
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { degenerateLayers, nonFiniteStatistic } from '../../../src/core/simulate/degenerate';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import { bytesInWords, MonteCarloRefused } from '../../../src/core/simulate/monteCarloBounds';
import type { SimNetwork } from '../../../src/core/simulate/network';
import { runSimulate } from '../../../src/node/simulate';
import { loadGrammar } from '../support/python';

function mlp(widths: number[]): SimNetwork {
  return {
    input: { kind: 'vector', width: widths[0] },
    layers: widths.slice(1).map((width, index) => ({
      name: `layers.${index}`,
      op: 'linear' as const,
      activation: { name: 'relu' },
      inFeatures: widths[index],
      outFeatures: width,
      kernel: [],
      stride: [],
      padding: [],
      groups: 1,
      weight: { kind: 'normal' as const, mean: 0, std: Math.sqrt(2 / widths[index]) },
      bias: null,
    })),
  };
}

/** Runs `init-lens simulate` in-process on a text: exit code, JSON document and notes. */
function simulateText(text: string, method: 'analytic' | 'montecarlo', batch = 64): { code: number; json: unknown; notes: string } {
  let out = '';
  let err = '';
  const code = runSimulate(
    analyzeFile(text, 'model.py'),
    { method, batch, seed: 1 },
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, json: JSON.parse(out), notes: err };
}

describe('simulation bounded up front', function () {
  this.timeout(60_000);
  before(loadGrammar);

  it('refuses a pass over the memory bound in words, before allocating, within a second', () => {
    const start = performance.now();
    assert.throws(
      () => simulateMonteCarlo(mlp([4096, 4096, 4096]), { batch: 100_000, seed: 1 }),
      (error: unknown) =>
        error instanceof MonteCarloRefused &&
        /^a Monte-Carlo pass with batch 100,000 at 4096 features needs \d+(\.\d)? GB; the limit is 1 GB: lower the batch \(batch [\d,]+ fits: [^)]+\) or the input size$/.test(
          error.message,
        ),
    );
    assert.ok(performance.now() - start < 1000);
  });

  it('refuses a pass over the time bound (multiply-adds) in words', () => {
    assert.throws(
      () => simulateMonteCarlo(mlp([64, 64]), { batch: 1000, seed: 1, bounds: { maxBytes: 2 ** 30, maxMultiplyAdds: 1e6 } }),
      /needs 1\.2e\+7 multiply-adds; the limit is 1\.0e\+6: lower the batch \(batch 81 fits: 118 KB, 1\.0e\+6 multiply-adds\) or the input size/,
    );
  });

  it('names the largest batch that fits: it runs, one more is refused; when not even batch 1 fits, it says so', () => {
    const bounds = { maxBytes: 2 ** 30, maxMultiplyAdds: 1e6 };
    assert.equal(simulateMonteCarlo(mlp([64, 64]), { batch: 81, seed: 1, bounds }).layers.length, 1);
    assert.throws(() => simulateMonteCarlo(mlp([64, 64]), { batch: 82, seed: 1, bounds }), /batch 81 fits/);
    assert.throws(
      () => simulateMonteCarlo(mlp([64, 64]), { batch: 10, seed: 1, bounds: { maxBytes: 2 ** 30, maxMultiplyAdds: 1000 } }),
      /: even batch 1 is over the limit: lower the input size$/,
    );
  });

  it('refuses sizes past 2⁵³ in words, not "Invalid typed array length"', () => {
    assert.throws(() => simulateMonteCarlo(mlp([2 ** 40, 2 ** 40]), { batch: 2 ** 20, seed: 1 }), /needs more memory than can be counted \(over 2⁵³ bytes\)/);
  });

  it('runs a pass within its bounds', () => {
    assert.equal(simulateMonteCarlo(mlp([32, 32, 32]), { batch: 64, seed: 1 }).layers.length, 2);
  });

  it('says bytes in words', () => {
    assert.deepEqual([0, 1536, 2 ** 30, 38 * 2 ** 30, Infinity, NaN].map(bytesInWords), [
      '0 bytes',
      '1.5 KB',
      '1 GB',
      '38 GB',
      'more memory than can be counted (over 2⁵³ bytes)',
      'more memory than can be counted (over 2⁵³ bytes)',
    ]);
  });

  it('finds degenerate layers (zero or non-finite sizes) and non-finite statistics', () => {
    assert.deepEqual(degenerateLayers(mlp([0, 5, 5])), ['layers.0 has input size 0: its variance is undefined']);
    assert.deepEqual(degenerateLayers(mlp([8, 8])), []);
    const stats = (value: number) => [{ name: 'fc', forward: { preVar: 1, postMeanSquare: value }, backward: { gradInputVar: null } }];
    assert.equal(nonFiniteStatistic(stats(Infinity)), 'the second moment at fc is not a finite number (it overflows)');
    assert.equal(nonFiniteStatistic(stats(0.5)), undefined);
  });

  const ZERO_IN = [
    'import torch.nn as nn',
    'class M(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.a = nn.Linear(0, 5)',
    '        self.b = nn.Linear(5, 5)',
    '    def forward(self, x):',
    '        return self.b(nn.functional.relu(self.a(x)))',
    'class Ok(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.a = nn.Linear(8, 8)',
    '    def forward(self, x):',
    '        return self.a(x)',
    '',
  ].join('\n');

  for (const method of ['analytic', 'montecarlo'] as const) {
    it(`simulate (${method}): Linear(0, 5) is a note, the other model still runs, exit 0`, () => {
      const run = simulateText(ZERO_IN, method);
      assert.equal(run.code, 0);
      assert.deepEqual(
        (run.json as { models: { name: string }[] }).models.map((model) => model.name),
        ['Ok'],
      );
      assert.match(run.notes, /M: a has input size 0: its variance is undefined; not simulated/);
    });
  }

  it('simulate (montecarlo): a refused pass is a note for its model, exit 0, valid JSON', () => {
    const wide = ZERO_IN.replace('nn.Linear(0, 5)', 'nn.Linear(5, 5)').replace('nn.Linear(8, 8)', 'nn.Linear(20000, 20000)');
    const run = simulateText(wide, 'montecarlo', 100_000);
    assert.equal(run.code, 0);
    assert.deepEqual(
      (run.json as { models: { name: string }[] }).models.map((model) => model.name),
      ['M'],
    );
    assert.match(run.notes, /Ok: a Monte-Carlo pass with batch 100,000 at 20000 features needs \d+ GB; the limit is 1 GB/);
  });
});
