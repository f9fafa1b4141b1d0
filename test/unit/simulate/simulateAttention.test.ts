/**
 * Self-attention (attention.ts) and positional embeddings: the mean-field pass against the exact
 * Monte-Carlo op on a small token model, and the factors on cases with a closed form.
 */
import assert from 'node:assert/strict';
import { attentionFactors } from '../../../src/core/simulate/attention';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import { analyzeFile } from '../../../src/core/engine';
import { dialectFor } from '../../../src/core/frameworks/registry';
import { loadGrammar } from '../support/python';
import type { SimNetwork } from '../../../src/core/simulate/network';

function tokenModel(causal: boolean, std: number): SimNetwork {
  const width = 32;
  const normal = { kind: 'normal' as const, mean: 0, std };
  return {
    input: { kind: 'tokens', length: 16 },
    layers: [
      { name: 'wte', op: 'embedding', activation: null, numEmbeddings: 100, embeddingDim: width, weight: { kind: 'normal', mean: 0, std: 1 } },
      {
        name: 'wpe',
        op: 'embedding',
        positional: true,
        activation: null,
        numEmbeddings: 16,
        embeddingDim: width,
        weight: { kind: 'normal', mean: 0, std: 0.3 },
      },
      {
        name: 'qkv',
        op: 'linear',
        activation: null,
        inFeatures: width,
        outFeatures: 3 * width,
        kernel: [],
        stride: [],
        padding: [],
        groups: 1,
        weight: normal,
        bias: null,
      },
      { name: 'attn', op: 'attention', activation: null, causal, length: 16 },
      {
        name: 'proj',
        op: 'linear',
        activation: null,
        inFeatures: width,
        outFeatures: width,
        kernel: [],
        stride: [],
        padding: [],
        groups: 1,
        weight: normal,
        bias: null,
      },
    ],
  };
}

describe('simulate: self-attention and positional embeddings', () => {
  before(loadGrammar);

  it('token ids that would reach a layer before their embedding: nothing simulated, said in notes, empty results from both passes', () => {
    const source = `
import torch.nn as nn

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(100, 32)
        self.norm = nn.LayerNorm(32)
        self.proj = nn.Linear(16, 32)
        self.drop = nn.Dropout(0.1)

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = Block()
`;
    const model = analyzeFile(source, 'encoder.py').graph.models.find((found) => found.name === 'Encoder');
    assert.ok(model !== undefined);
    // A residual layer left out takes its branch with it, from the embedding on; the dropout after it would read token ids.
    const layers = model.layers.map((layer) => (layer.name === 'enc.proj' ? { ...layer, residual: true } : layer));
    const network = networkFromModel({ ...model, layers }, { init: 'current', dialect: dialectFor(model.framework) });
    assert.deepEqual(network.layers, []);
    assert.match((network.notes ?? [])[0], /^simulated 0 of 3 parametrised layers; left out: enc\.emb, enc\.norm, enc\.proj$/);
    assert.ok(network.notes?.some((note) => /left out: the token embedding before them is not simulated/.test(note)));
    assert.deepEqual(simulateAnalytic(network), []);
    assert.deepEqual(simulateMonteCarlo(network, { batch: 2, seed: 1 }).layers, []);
  });

  it('averages over the keys a query sees: 1/T without mask, the harmonic mean with a causal one', () => {
    assert.ok(Math.abs(attentionFactors(8, false, 0).values - 1 / 8) < 1e-12);
    const harmonic = [1, 2, 3, 4].reduce((sum, n) => sum + 1 / n, 0) / 4;
    assert.ok(Math.abs(attentionFactors(4, true, 0).values - harmonic) < 1e-12);
    assert.equal(attentionFactors(1, true, 3).values, 1);
  });

  for (const [causal, std] of [
    [true, 0.05],
    [false, 0.05],
    [true, 0.1],
  ] as const) {
    it(`mean field agrees with the sampled op (${causal ? 'causal' : 'full'}, weight std ${std.toFixed(3)}) within 20 %`, () => {
      const network = tokenModel(causal, std);
      const analytic = simulateAnalytic(network);
      const runs = [1, 2, 3, 4].map((seed) => simulateMonteCarlo(network, { batch: 32, seed }).layers);
      for (const [index, row] of analytic.entries()) {
        const sampled = runs.map((run) => run[index]);
        const preVar = sampled.reduce((sum, entry) => sum + entry.forward.preVar, 0) / runs.length;
        assert.ok(Math.abs(Math.log(row.forward.preVar / preVar)) < Math.log(1.2), `${row.name} forward ${row.forward.preVar} vs ${preVar}`);
        if (index >= 2) {
          const gradient = sampled.reduce((sum, entry) => sum + (entry.backward.gradInputVar as number), 0) / runs.length;
          const predicted = row.backward.gradInputVar as number;
          assert.ok(Math.abs(Math.log(predicted / gradient)) < Math.log(1.2), `${row.name} backward ${predicted} vs ${gradient}`);
        }
      }
      // The positional embedding's own input is position ids: no gradient is reported for it.
      assert.equal(analytic[1].backward.gradInputVar, null);
      assert.equal(runs[0][1].backward.gradInputVar, null);
    });
  }
});
