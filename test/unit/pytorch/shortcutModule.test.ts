/**
 * The CIFAR ResNet shortcut: `self.shortcut = nn.Sequential()` (the identity), replaced by a 1×1 conv
 * and a norm when the shape changes, added as `out + self.shortcut(x)`. The add is a residual join
 * either way; the conv shortcut's layers are marked as on the skip, the identity adds the block input.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const BLOCK = `import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return F.relu(out)
`;

/** `name[:residual][:shortcut]` for every layer of `model`. */
function marks(source: string, model: string): string[] {
  const found = analyzeFile(source, 'block.py').graph.models.find((candidate) => candidate.name === model);
  assert.ok(found, `model ${model}`);
  return found.layers.map((layer) => `${layer.name}${layer.residual ? ':residual' : ''}${layer.shortcut ? ':shortcut' : ''}`);
}

describe('CIFAR-style shortcut module (PyTorch)', () => {
  before(loadGrammar);

  it('marks the identity shortcut and the projection shortcut of `out + self.shortcut(x)` as residual joins', () => {
    const source = `${BLOCK}

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.same = Block(16, 16, 1)
        self.down = Block(16, 32, 2)

    def forward(self, x):
        return self.down(self.same(x))
`;
    assert.deepEqual(marks(source, 'Net'), [
      'same.conv1',
      'same.bn1',
      'same.conv2',
      'same.bn2:residual',
      'down.conv1',
      'down.bn1',
      'down.conv2',
      'down.bn2:residual',
      'down.shortcut.0:shortcut',
      'down.shortcut.1:shortcut',
    ]);
  });

  it('marks the block alone, whose sizes are not decided, as a residual join', () => {
    const layers = marks(BLOCK, 'Block');
    assert.ok(layers.includes('bn2:residual'), layers.join(', '));
    assert.ok(!layers.some((layer) => layer.startsWith('shortcut.') && !layer.endsWith(':shortcut')), layers.join(', '));
  });
});
