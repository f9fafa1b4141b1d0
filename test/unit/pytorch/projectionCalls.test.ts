/**
 * Layer outputs that meet no hidden activation (issue 12 item 3): a VAE's log-variance head turned
 * into a scale by `exp`, and projections passed by their weights to `F.multi_head_attention_forward`
 * (CLIP's attention pool). Both are linear (`null`), not `unknown`; and a raw parameter no
 * forward reads (PPO's `actor_logstd`) has none, with the reason in words.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import type { Model } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

function activations(model: Model | undefined): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const layer of model?.layers ?? []) {
    out[layer.name] = layer.activation === null || layer.activation === 'unknown' ? layer.activation : layer.activation.name;
  }
  return out;
}

describe('PyTorch: heads used as scales and projections into attention', () => {
  before(loadGrammar);

  it('gives a log-variance head that feeds torch.exp or .exp() no activation, and its sibling head none either', () => {
    for (const scale of ['torch.exp(0.5 * logvar)', '(0.5 * logvar).exp()']) {
      const graph = analyzeText(
        `${HEADER}class VAE(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.enc = nn.Linear(8, 16)\n        self.mu = nn.Linear(16, 4)\n        self.logvar = nn.Linear(16, 4)\n        self.dec = nn.Linear(4, 8)\n\n    def forward(self, x):\n        h = F.relu(self.enc(x))\n        mu, logvar = self.mu(h), self.logvar(h)\n        std = ${scale}\n        z = mu + torch.randn_like(std) * std\n        return torch.sigmoid(self.dec(z)), mu, logvar\n`,
        'vae.py',
      );
      assert.deepEqual(activations(graph.models[0]), { enc: 'relu', mu: null, logvar: null, dec: 'sigmoid' }, scale);
    }
  });

  it('gives the projections F.multi_head_attention_forward takes by weight no activation, the out-projection what follows', () => {
    const graph = analyzeText(
      `${HEADER}class Pool(nn.Module):\n    def __init__(self, d=8, heads=2):\n        super().__init__()\n        self.pos = nn.Parameter(torch.randn(5, d))\n        self.q = nn.Linear(d, d)\n        self.k = nn.Linear(d, d)\n        self.v = nn.Linear(d, d)\n        self.c = nn.Linear(d, 3)\n        self.heads = heads\n\n    def forward(self, x):\n        x = x + self.pos\n        x, _ = F.multi_head_attention_forward(\n            query=x, key=x, value=x, embed_dim_to_check=8, num_heads=self.heads,\n            q_proj_weight=self.q.weight, k_proj_weight=self.k.weight, v_proj_weight=self.v.weight,\n            in_proj_weight=None, in_proj_bias=torch.cat([self.q.bias, self.k.bias, self.v.bias]),\n            bias_k=None, bias_v=None, add_zero_attn=False, dropout_p=0.0,\n            out_proj_weight=self.c.weight, out_proj_bias=self.c.bias, use_separate_proj_weight=True,\n        )\n        return torch.tanh(x)\n`,
      'pool.py',
    );
    assert.deepEqual(activations(graph.models[0]), { pos: null, q: null, k: null, v: null, c: 'tanh' });
  });

  it('gives a raw parameter no forward reads no activation and says it is not used by forward; an unused layer stays unknown', () => {
    const graph = analyzeText(
      `${HEADER}class Agent(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.mean = nn.Linear(4, 2)\n        self.spare = nn.Linear(4, 2)\n        self.logstd = nn.Parameter(torch.zeros(1, 2))\n\n    def forward(self, x):\n        return self.mean(x)\n`,
      'agent.py',
    );
    const layers = graph.models[0]!.layers;
    const logstd = layers.find((l) => l.name === 'logstd')!;
    assert.equal(logstd.activation, null);
    assert.equal(logstd.activationReason, 'not used by forward');
    const spare = layers.find((l) => l.name === 'spare')!;
    assert.equal(spare.activation, 'unknown');
    assert.equal(spare.activationReason, 'no forward the analysis ran uses this layer');
  });
});
