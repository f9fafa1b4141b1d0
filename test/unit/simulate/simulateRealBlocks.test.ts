/**
 * Model graph → SimNetwork on blocks of real architectures: a stack whose first block has no skip
 * (MNASNet's per-instance `use_skip`), an average pooling on a projection shortcut the graph does not
 * show (CLIP, ResNet-D), the input size the model's constructor names, and a post-norm (BERT).
 */
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { dialectFor } from '../../../src/core/frameworks/registry';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import type { SimNetwork } from '../../../src/core/simulate/network';
import { loadGrammar } from '../support/python';

function network(source: string, model: string): SimNetwork & { notes: string[] } {
  const found = analyzeFile(source, 'model.py').graph.models.find((candidate) => candidate.name === model);
  assert.ok(found, `model ${model}`);
  const net = networkFromModel(found, { init: 'current', dialect: dialectFor(found.framework) });
  return { ...net, notes: net.notes ?? [] };
}

const STACK = `
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.use_skip = cin == cout and stride == 1
        self.body = nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        if self.use_skip:
            return self.body(x) + x
        return self.body(x)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Sequential(Block(3, 8, 2), Block(8, 8, 1)),
            nn.Sequential(Block(8, 16, 2), Block(16, 16, 1)),
        )

    def forward(self, x):
        return self.layers(x)
`;

const POOLED_SHORTCUT = `
import torch.nn as nn

class Bottleneck(nn.Module):
    def __init__(self, cin, cout, stride, image_size=64):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.pool = nn.AvgPool2d(stride)
        self.conv2 = nn.Conv2d(cout, cout, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = nn.Sequential(nn.AvgPool2d(stride), nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = self.pool(self.bn1(self.conv1(x)).relu())
        out = self.bn2(self.conv2(out))
        return (out + self.downsample(x)).relu()

class Tower(nn.Module):
    def __init__(self, image_size=48):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block1 = Bottleneck(8, 16, 1)
        self.block2 = Bottleneck(16, 32, 2)

    def forward(self, x):
        return self.block2(self.block1(self.stem(x).relu()))
`;

const POST_NORM = `
import torch.nn as nn

class Attention(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.dense = nn.Linear(width, width)
        self.LayerNorm = nn.LayerNorm(width)

    def forward(self, hidden):
        return self.LayerNorm(self.dense(hidden) + hidden)

class FeedForward(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.up = nn.Linear(width, 4 * width)
        self.down = nn.Linear(4 * width, width)
        self.LayerNorm = nn.LayerNorm(width)

    def forward(self, hidden):
        return self.LayerNorm(self.down(self.up(hidden).relu()) + hidden)

class Layer(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.attention = Attention(width)
        self.ffn = FeedForward(width)

    def forward(self, hidden):
        return self.ffn(self.attention(hidden))

class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([Layer(32) for _ in range(2)])

    def forward(self, hidden):
        for layer in self.layer:
            hidden = layer(hidden)
        return hidden
`;

describe('simulate: blocks of real architectures', () => {
  before(loadGrammar);

  it('a stack whose first block has no skip: the later block is the residual branch, not the stack', () => {
    const net = network(STACK, 'Net');
    const names = net.layers.map((layer) => layer.name);
    for (const stage of ['layers.0', 'layers.1']) {
      const begin = names.indexOf(`${stage}.1.body.1:skip`);
      assert.ok(begin >= 0, `${stage}: a residual join in ${names.join(', ')}`);
      assert.equal(names[begin + 1], `${stage}.1.body.0`);
    }
    assert.ok(!net.notes.some((note) => note.includes('differ in shape')), net.notes.join('\n'));
  });

  it('an average pooling on a projection shortcut the graph does not show, and the input size the constructor names', () => {
    const net = network(POOLED_SHORTCUT, 'Tower');
    assert.deepEqual(net.input, { kind: 'image', channels: 3, height: 48, width: 48 });
    assert.ok(
      net.notes.some((note) => note.includes('image_size=48')),
      net.notes.join('\n'),
    );
    const begin = net.layers.find((layer) => layer.name === 'block2.bn2:skip');
    assert.ok(begin?.op === 'residual_begin', net.layers.map((layer) => layer.name).join(', '));
    const shortcut = begin.shortcut ?? [];
    assert.deepEqual(
      shortcut.map((layer) => layer.op),
      ['pool', 'conv2d', 'batchnorm'],
    );
    assert.ok(shortcut[0].op === 'pool' && shortcut[0].mode === 'avg' && shortcut[0].kernel.join() === '2,2');
    assert.ok(net.notes.some((note) => note.includes('average pooling on the shortcut assumed')));
  });

  it("a post-norm is on the stream: the next branch's skip starts after it", () => {
    const net = network(POST_NORM, 'Encoder');
    const names = net.layers.map((layer) => layer.name);
    const norm = names.indexOf('layer.0.attention.LayerNorm');
    assert.equal(names[norm - 1], 'layer.0.attention.dense:add', names.join(', '));
    assert.equal(names[norm + 1], 'layer.0.ffn.down:skip', names.join(', '));
  });
});
