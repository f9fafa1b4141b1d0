import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Layer } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';
import { analyzed, layersOf } from './support';

/** What real torchvision built (test/fixtures/torchvision-models/README.md). */
interface Measured {
  models: Record<string, { layers: [string, string, number, number, number, number][]; norms: number }>;
}
const MEASURED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'torchvision-models', 'measured.json'), 'utf8')) as Measured;

/** The layers of `torchvision.models.<name>(weights=None)` held by a model `M`, by their names inside it. */
function backbone(name: string): Map<string, Layer> {
  const graph = analyzed(`import torchvision
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.m = torchvision.models.${name}(weights=None)
    def forward(self, x):
        return self.m(x)
`);
  assert.deepEqual(graph.notes, [], name);
  const model = graph.models.find((each) => each.name === 'M')!;
  return new Map(model.layers.map((layer) => [layer.name.replace(/^m\./, ''), layer]));
}

/**
 * A sample variance of n weights is within this relative distance of the true variance: the 2% of the
 * quality bar, widened to four standard errors (√(2/n) for a normal) where n is small.
 */
function tolerance(count: number): number {
  return Math.max(0.02, 4 * Math.sqrt(2 / count));
}

describe('stubs: torchvision.models classifiers held to what torchvision builds (torchvision 0.20)', () => {
  before(loadGrammar);

  for (const [name, measured] of Object.entries(MEASURED.models)) {
    it(`${name}: every Conv2d and Linear, with torchvision's fans and the variance of its own init`, function () {
      this.timeout(20_000);
      const layers = backbone(name);
      for (const [qualified, type, fanIn, fanOut, count, variance] of measured.layers) {
        const layer = layers.get(qualified);
        assert.ok(layer, `${name}: no layer ${qualified}`);
        assert.equal(layer.type, type, qualified);
        assert.deepEqual([layer.fanIn, layer.fanOut], [fanIn, fanOut], qualified);
        const stated = layer.init.weight?.variance;
        assert.ok(typeof stated === 'number', `${qualified}: no variance`);
        assert.ok(Math.abs(stated - variance) <= tolerance(count) * variance, `${qualified}: ${stated} vs measured ${variance} (${count} weights)`);
      }
      const norms = [...layers.values()].filter((layer) => /^(BatchNorm2d|LayerNorm|LayerNorm2d)$/.test(layer.type));
      assert.equal(norms.length, measured.norms, `${name}: norm layers`);
    });
  }

  it('the activations between the layers: ReLU6, Hardswish, SiLU, squeeze-excitation gates, GELU, functional ReLU, and none after a projection', function () {
    this.timeout(20_000);
    const graph = analyzed(`import torchvision
from torchvision.models import mobilenet_v2, mobilenet_v3_small, efficientnet_b0, convnext_tiny, vit_b_16, vgg11_bn, googlenet
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.v2 = mobilenet_v2(num_classes=10)
        self.v3 = mobilenet_v3_small()
        self.eff = efficientnet_b0()
        self.cnx = convnext_tiny()
        self.vit = vit_b_16()
        self.vgg = vgg11_bn()
        self.g = googlenet()
    def forward(self, x):
        return self.v2(x), self.v3(x), self.eff(x), self.cnx(x), self.vit(x), self.vgg(x), self.g(x)
`);
    const picked = new Set([
      'v2.features.0.0',
      'v2.features.1.conv.1',
      'v2.classifier.1',
      'v3.features.0.0',
      'v3.features.1.block.0.0',
      'v3.features.1.block.1.fc2',
      'v3.classifier.0',
      'eff.features.1.0.block.1.fc1',
      'eff.features.1.0.block.1.fc2',
      'eff.classifier.1',
      'cnx.features.1.0.block.0',
      'cnx.features.1.0.block.3',
      'vit.encoder.layers.encoder_layer_0.mlp.0',
      'vit.heads.head',
      'vgg.features.0',
      'g.inception3a.branch2.1.conv',
      'g.aux1.fc1',
    ]);
    assert.deepEqual(
      layersOf(graph, 'M').filter((layer) => picked.has(layer.split(' ')[0]!)),
      [
        'v2.features.0.0 Conv2d(27→288) w=kaiming_normal:0.00694444 b=- → relu6 @torchvision/ops/misc.py',
        'v2.features.1.conv.1 Conv2d(32→16) w=kaiming_normal:0.125 b=- → none @torchvision/models/mobilenetv2.py',
        'v2.classifier.1 Linear(1280→10) w=normal:0.0001 b=zeros → none @torchvision/models/mobilenetv2.py',
        'v3.features.0.0 Conv2d(27→144) w=kaiming_normal:0.0138889 b=- → hardswish @torchvision/ops/misc.py',
        'v3.features.1.block.0.0 Conv2d(9→144) w=kaiming_normal:0.0138889 b=- → relu @torchvision/ops/misc.py',
        'v3.features.1.block.1.fc2 Conv2d(8→16) w=kaiming_normal:0.125 b=zeros → hardsigmoid @torchvision/ops/misc.py',
        'v3.classifier.0 Linear(576→1024) w=normal:0.0001 b=zeros → hardswish @torchvision/models/mobilenetv3.py',
        'eff.features.1.0.block.1.fc1 Conv2d(32→8) w=kaiming_normal:0.25 b=zeros → silu @torchvision/ops/misc.py',
        'eff.features.1.0.block.1.fc2 Conv2d(8→32) w=kaiming_normal:0.0625 b=zeros → sigmoid @torchvision/ops/misc.py',
        'eff.classifier.1 Linear(1280→1000) w=uniform:0.000333333 b=zeros → none @torchvision/models/efficientnet.py',
        'cnx.features.1.0.block.0 Conv2d(49→4704) w=trunc_normal:0.0004 b=zeros → none @torchvision/models/convnext.py',
        'cnx.features.1.0.block.3 Linear(96→384) w=trunc_normal:0.0004 b=zeros → gelu @torchvision/models/convnext.py',
        'vit.encoder.layers.encoder_layer_0.mlp.0 Linear(768→3072) w=xavier_uniform:0.000520833 b=normal → gelu @torchvision/ops/misc.py',
        'vit.heads.head Linear(768→1000) w=zeros:0 b=zeros → none @torchvision/models/vision_transformer.py',
        'vgg.features.0 Conv2d(27→576) w=kaiming_normal:0.00347222 b=constant → relu @torchvision/models/vgg.py',
        'g.inception3a.branch2.1.conv Conv2d(864→1152) w=trunc_normal:0.0001 b=- → relu @torchvision/models/googlenet.py',
        'g.aux1.fc1 Linear(2048→1024) w=trunc_normal:0.0001 b=default → relu @torchvision/models/googlenet.py',
      ],
    );
    assert.deepEqual(graph.notes, []);
  });

  it('the largest variants build within the budget, without notes: efficientnet_b7, densenet201, vit_h_14, convnext_large', function () {
    this.timeout(30_000);
    const counts = Object.fromEntries(
      ['efficientnet_b7', 'densenet201', 'vit_h_14', 'convnext_large'].map((name) => [
        name,
        [...backbone(name).values()].filter((layer) => /^(Conv2d|Linear)$/.test(layer.type)).length,
      ]),
    );
    // The counts torchvision 0.14 builds (named_modules of type Conv2d or Linear); ViT-H/14 adds the 32
    // attention out_proj Linears, which torch types as a Linear subclass.
    assert.deepEqual(counts, { efficientnet_b7: 274, densenet201: 201, vit_h_14: 66 + 32, convnext_large: 113 });
  });
});
