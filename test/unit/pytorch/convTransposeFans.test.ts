/**
 * ConvTranspose's fans are torch's `_calculate_fan_in_and_fan_out` on its weight layout
 * [in, out/groups, k, k]: fan_in = out/groups·k², fan_out = in·k², and its default init's variance is
 * 1/(3·fan_in). Figures printed by torch 1.13 for these three layers.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const SOURCE = `import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.ConvTranspose2d(64, 32, 2, stride=2)
        self.b = nn.ConvTranspose2d(64, 32, 3, stride=2, groups=2)
        self.c = nn.ConvTranspose2d(16, 48, 4, stride=2, groups=4)

    def forward(self, x):
        return self.c(self.b(self.a(x)))
`;

describe('ConvTranspose fans (PyTorch)', () => {
  before(loadGrammar);

  it("gives torch's fans and default variance for ConvTranspose2d, grouped or not", () => {
    const model = analyzeFile(SOURCE, 'm.py').graph.models.find((candidate) => candidate.name === 'M');
    assert.ok(model);
    const torch: Record<string, [number, number]> = { a: [128, 256], b: [144, 576], c: [192, 256] };
    for (const layer of model.layers) {
      const [fanIn, fanOut] = torch[layer.name];
      assert.deepEqual([layer.name, layer.fanIn, layer.fanOut], [layer.name, fanIn, fanOut]);
      const variance = layer.init.weight?.variance;
      assert.ok(variance !== null && variance !== undefined && Math.abs(variance - 1 / (3 * fanIn)) < 1e-12, `${layer.name}: ${variance}`);
    }
  });
});
