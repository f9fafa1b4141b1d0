/**
 * Parameter-free ops that change the tensor's shape are in the PyTorch model graph (`Model.ops`),
 * each after the layer whose output it reads: pools as modules in a Sequential or as F.* calls, a
 * shared pool module applied twice, upsampling, pixel shuffle, torch.cat; a pool that opens a parallel
 * branch from an earlier tensor is marked `branch`. The layers themselves do not change.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import type { Model } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

function model(source: string, name: string): Model {
  const found = analyzeFile(`${HEAD}${source}`, 'm.py').graph.models.find((candidate) => candidate.name === name);
  assert.ok(found, `model ${name}`);
  return found;
}

/** `kind[:mode]@after[(module)][ branch] config` for each op. */
function ops(found: Model): string[] {
  return (found.ops ?? []).map(
    (op) =>
      `${op.kind}${op.mode ? `:${op.mode}` : ''}@${op.after}${op.module ? `(${op.module})` : ''}${op.branch ? ' branch' : ''} ${JSON.stringify(op.config)}`,
  );
}

describe('structural ops in the model graph (PyTorch)', () => {
  before(loadGrammar);

  it('records module pools of a Sequential built from a cfg table, and an adaptive pool and flatten', () => {
    const found = model(
      `class VGG(nn.Module):
    def __init__(self):
        super().__init__()
        layers = []
        cin = 3
        for v in [16, "M", 32, "M"]:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU()]
                cin = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.fc = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.fc(torch.flatten(x, 1))
`,
      'VGG',
    );
    assert.deepEqual(
      found.layers.map((layer) => layer.name),
      ['features.0', 'features.3', 'fc'],
    );
    assert.deepEqual(ops(found), [
      'pool:max@features.0(features.2) {"kernel_size":2,"stride":2,"padding":0}',
      'pool:max@features.3(features.5) {"kernel_size":2,"stride":2,"padding":0}',
      'adaptive_pool:avg@features.3(avgpool) {"output_size":{"expr":"(2, 2)"}}',
      'flatten@features.3 {"start_dim":1}',
    ]);
  });

  it('records functional pools, a shared pool module applied twice, upsampling, pixel shuffle and torch.cat', () => {
    const found = model(
      `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.c3 = nn.Conv2d(16, 16, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)

    def forward(self, x):
        a = F.relu(self.c1(x))
        b = F.relu(self.c2(self.pool(a)))
        b = F.avg_pool2d(self.pool(b), 2)
        u = F.interpolate(b, scale_factor=4)
        y = self.c3(torch.cat([u, a], dim=1))
        return self.shuffle(y)
`,
      'Net',
    );
    assert.deepEqual(ops(found), [
      'pool:max@c1(pool) {"kernel_size":2,"stride":null,"padding":0}',
      'pool:max@c2(pool) {"kernel_size":2,"stride":null,"padding":0}',
      'pool:avg@c2 {"kernel_size":2}',
      'upsample@c2 {"scale_factor":4}',
      'concat@c2 {"dim":1}',
      'pixel_shuffle@c3(shuffle) {"upscale_factor":2}',
    ]);
    assert.deepEqual(
      found.layers.map((layer) => `${layer.name}:${layer.activation === null ? '-' : layer.activation === 'unknown' ? '?' : layer.activation.name}`),
      ['c1:relu', 'c2:relu', 'c3:-'],
    );
  });

  it('marks a pool on an earlier tensor (a parallel branch) as a branch', () => {
    const found = model(
      `class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.b1 = nn.Conv2d(8, 4, 1)
        self.bp = nn.Conv2d(8, 4, 1)

    def forward(self, x):
        x = self.stem(x)
        return torch.cat([self.b1(x), self.bp(F.avg_pool2d(x, 3, stride=1, padding=1))], 1)
`,
      'Block',
    );
    assert.deepEqual(ops(found), ['pool:avg@stem branch {"kernel_size":3,"stride":1,"padding":1}', 'concat@bp {"dim":1}']);
  });
});
