/**
 * Patterns found in real model code (torchvision, timm, nanoGPT, Hugging Face, pytorch/examples),
 * each reduced to a few lines: the extraction must follow them, or say `unknown`, never guess.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

/** `name:activation` for every layer of the named model (`name:-` for null). */
function flow(body: string, model: string): string[] {
  const graph = analyzeText(HEAD + body, 'm.py');
  const found = graph.models.find((m) => m.name === model);
  assert.ok(found, `model ${model} in ${graph.models.map((m) => m.name).join(', ')}; notes: ${graph.notes.join('; ')}`);
  return found.layers.map((l) => `${l.name}:${l.activation === null ? '-' : l.activation === 'unknown' ? '?' : l.activation.name}`);
}

describe('patterns from real model code', () => {
  before(loadGrammar);

  it("names layers added with '%d' % i and '{}'.format(i) (torchvision DenseNet)", () => {
    const body = `class Block(nn.Module):
    def __init__(self, n=2):
        super().__init__()
        for i in range(n):
            self.add_module('dense%d' % (i + 1), nn.Linear(8, 8))
        self.add_module('out_{}'.format(0), nn.Linear(8, 2))
    def forward(self, x):
        return self.out_0(F.relu(self.dense2(F.relu(self.dense1(x)))))
`;
    assert.deepEqual(flow(body, 'Block'), ['dense1:relu', 'dense2:relu', 'out_0:-']);
  });

  it('treats a class with an imported base and a forward as a model, and post_init() as unknown inits when the base is not known', () => {
    const body = `from mylib.modeling import PreTrainedModel
class Model(PreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.fc = nn.Linear(16, 16)
        self.post_init()
    def forward(self, x):
        return F.gelu(self.fc(x))
`;
    const graph = analyzeText(HEAD + body, 'm.py');
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['Model'],
    );
    assert.equal(graph.models[0]!.layers[0]!.init.weight!.name, 'unknown');
    assert.ok(graph.notes.some((n) => /post_init\(\) is not in the file/.test(n)));
  });

  it('sees F.layer_norm with its own weight and bias as a norm (nanoGPT LayerNorm)', () => {
    const body = `class LN(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.bias = nn.Parameter(torch.zeros(d))
    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.ln = LN(8)
        self.out = nn.Linear(8, 2)
    def forward(self, x):
        return self.out(F.relu(self.ln(self.fc(x))))
`;
    assert.deepEqual(flow(body, 'Net'), ['fc:relu', 'ln.weight:relu', 'ln.bias:relu', 'out:-']);
    assert.equal(analyzeText(HEAD + body, 'm.py').models.find((m) => m.name === 'Net')!.layers[0]!.normalized, true);
  });

  it('follows both returns of an if/else whose condition is unknown (MobileNetV2, GoogLeNet)', () => {
    const body = `class Block(nn.Module):
    def __init__(self, use_res):
        super().__init__()
        self.use_res = use_res
        self.fc = nn.Linear(8, 8)
    def forward(self, x):
        if self.use_res:
            return x + self.fc(x)
        else:
            return self.fc(x)
`;
    const block = analyzeText(HEAD + body, 'm.py').models[0]!.layers[0]!;
    assert.equal(block.activation, null);
    assert.equal(block.residual, false, 'a residual flag on an undecidable path would be a guess');
  });

  it('runs a module given to checkpoint() or data_parallel() (pytorch/examples DCGAN)', () => {
    const body = `from torch.utils.checkpoint import checkpoint
class Gen(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh())
    def forward(self, z):
        return checkpoint(self.main, z)
`;
    assert.deepEqual(flow(body, 'Gen'), ['main.0:relu', 'main.2:tanh']);
  });

  it('keeps an imported module inside nn.Sequential in place: its index counts and flow through it is unknown', () => {
    const body = `from torchvision.models.swin_transformer import SwinTransformerBlock
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.Linear(8, 8), SwinTransformerBlock(8, 2), nn.Linear(8, 2))
    def forward(self, x):
        return self.seq(x)
`;
    assert.deepEqual(flow(body, 'Net'), ['seq.0:?', 'seq.2:-']);
  });

  it('names an OrderedDict built with f-strings over a loop of unknown length (torchvision ViT)', () => {
    const body = `from collections import OrderedDict
class Encoder(nn.Module):
    def __init__(self, num_layers):
        super().__init__()
        layers = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = nn.Linear(8, 8)
        self.layers = nn.Sequential(layers)
    def forward(self, x):
        return self.layers(x)
`;
    assert.deepEqual(flow(body, 'Encoder'), ['layers.encoder_layer_*:-']);
  });

  it('sees logits that go to a loss and outputs packed in a namedtuple as outputs (nanoGPT, GoogLeNet)', () => {
    const body = `from collections import namedtuple
Outputs = namedtuple('Outputs', ['logits', 'aux'])
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(8, 8)
        self.head = nn.Linear(8, 4)
        self.aux = nn.Linear(8, 4)
    def forward(self, x, targets=None):
        h = F.relu(self.body(x))
        loss = F.cross_entropy(self.head(h), targets)
        return Outputs(self.head(h), self.aux(h)), loss
`;
    assert.deepEqual(flow(body, 'Net'), ['body:relu', 'head:-', 'aux:-']);
  });

  it('builds the encoder of a class derived from nn.Transformer (pytorch/examples word_language_model)', () => {
    const body = `class TransformerModel(nn.Transformer):
    def __init__(self, d=32):
        super().__init__(d_model=d, nhead=4, dim_feedforward=64, num_encoder_layers=1)
        self.decoder = nn.Linear(d, 100)
    def forward(self, src):
        return self.decoder(self.encoder(src))
`;
    const names = flow(body, 'TransformerModel');
    assert.ok(names.includes('encoder.layers.0.linear1:relu'), names.join(' '));
  });

  it('registers stages set with setattr over zip(static names, an unknown list) (torchvision ShuffleNetV2)', () => {
    const body = `class Net(nn.Module):
    def __init__(self, repeats):
        super().__init__()
        for name, r in zip(['stage2', 'stage3'], repeats):
            setattr(self, name, nn.Sequential(nn.Linear(8, 8), nn.ReLU()))
    def forward(self, x):
        return self.stage3(self.stage2(x))
`;
    assert.deepEqual(flow(body, 'Net'), ['stage2.0:relu', 'stage3.0:relu']);
  });

  it('gives the output layer no verdict even when an activation follows it (torchvision SqueezeNet)', () => {
    const body = `class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 64, 3), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU())
        self.final_conv = nn.Conv2d(64, 10, 1)
        self.classifier = nn.Sequential(self.final_conv, nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
        nn.init.normal_(self.final_conv.weight, std=0.01)
    def forward(self, x):
        return torch.flatten(self.classifier(self.features(x)), 1)
`;
    assert.deepEqual(analyzeFile(HEAD + body, 'm.py').advice.findings, []);
  });

  it('runs an init loop over self.modules() to the end in a model of more than 512 modules (EfficientNet-B3 and up)', () => {
    const body = `class Deep(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(16, 16), nn.ReLU()) for _ in range(300)])
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x
`;
    const graph = analyzeText(HEAD + body, 'm.py');
    const deep = graph.models.find((m) => m.name === 'Deep')!;
    assert.equal(deep.layers.length, 300);
    assert.equal(deep.layers[299]!.init.weight?.name, 'kaiming_normal');
    assert.deepEqual(
      graph.notes.filter((n) => n.includes('was cut')),
      [],
    );
  });

  it('reports a layer barely off in a stack made to drift by another as information, not a warning (torchvision VGG)', () => {
    const body = `class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(25088, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
    def forward(self, x):
        return self.mlp(x)
`;
    const findings = analyzeFile(HEAD + body, 'm.py').advice.findings.map((f) => `${f.layer}:${f.severity}`);
    // Both information: a short stack whose every std is written by hand is a choice that may be deliberate (advice/deliberate.ts).
    assert.deepEqual(findings, ['mlp.0:information', 'mlp.2:information']);
  });

  it('treats a subclass of nn.LayerNorm with its own forward as a norm (torchvision ConvNeXt LayerNorm2d)', () => {
    const body = `class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(8, 8, 3)
        self.n1 = LayerNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3)
        self.n2 = LayerNorm2d(8)
        self.out = nn.Conv2d(8, 2, 1)
    def forward(self, x):
        return self.out(F.relu(self.n2(self.c2(F.relu(self.n1(self.c1(x)))))))
`;
    assert.deepEqual(analyzeFile(HEAD + body, 'm.py').advice.findings, [], 'normalised layers get no verdict');
  });

  it('applies both layers of an undecided choice between modules, and the activation after them reaches each', () => {
    const body = `class Head(nn.Module):
    def __init__(self, wide):
        super().__init__()
        self.wide = wide
        self.wide_fc = nn.Linear(8, 64)
        self.narrow_fc = nn.Linear(8, 32)
    def forward(self, x):
        fc = self.wide_fc if self.wide else self.narrow_fc
        return F.gelu(fc(x))
`;
    assert.deepEqual(flow(body, 'Head'), ['wide_fc:gelu', 'narrow_fc:gelu']);
  });
});
