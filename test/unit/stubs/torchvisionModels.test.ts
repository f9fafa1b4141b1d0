import { strict as assert } from 'node:assert';
import { loadGrammar } from '../support/python';
import { analyzed, layersOf } from './support';

const BACKBONES = `import torchvision
from torchvision.models import resnet50
class Two(nn.Module):
    def __init__(self):
        super().__init__()
        self.small = torchvision.models.resnet18(weights=None, num_classes=10)
        self.big = resnet50(weights=None, zero_init_residual=True)
    def forward(self, x):
        return self.small(x), self.big(x)
`;

describe('stubs: torchvision.models ResNet constructors (torchvision 0.20)', () => {
  before(loadGrammar);

  it('resnet18 and resnet50: every layer, with kaiming_normal_(fan_out, relu) on convs, constant norms and a default Linear', () => {
    const layers = layersOf(analyzed(BACKBONES), 'Two');
    const small = layers.filter((layer) => layer.startsWith('small.'));
    const big = layers.filter((layer) => layer.startsWith('big.'));
    // conv1 + bn1, 8 BasicBlocks of 2 convs and 2 norms, 3 projection shortcuts of a conv and a norm, fc.
    assert.equal(small.length, 2 + 8 * 4 + 3 * 2 + 1);
    // conv1 + bn1, 16 Bottlenecks of 3 convs and 3 norms, 4 projection shortcuts, fc.
    assert.equal(big.length, 2 + 16 * 6 + 4 * 2 + 1);
    assert.deepEqual(small.slice(0, 6), [
      'small.conv1 Conv2d(147→3136) w=kaiming_normal:0.000637755 b=- → relu @torchvision/models/resnet.py',
      'small.bn1 BatchNorm2d(null→null) w=constant:0 b=constant → relu @torchvision/models/resnet.py',
      'small.layer1.0.conv1 Conv2d(576→576) w=kaiming_normal:0.00347222 b=- → relu @torchvision/models/resnet.py',
      'small.layer1.0.bn1 BatchNorm2d(null→null) w=constant:0 b=constant → relu @torchvision/models/resnet.py',
      'small.layer1.0.conv2 Conv2d(576→576) w=kaiming_normal:0.00347222 b=- → relu @torchvision/models/resnet.py',
      'small.layer1.0.bn2 BatchNorm2d(null→null) w=constant:0 b=constant → relu @torchvision/models/resnet.py',
    ]);
    assert.ok(small.includes('small.layer2.0.downsample.0 Conv2d(64→128) w=kaiming_normal:0.015625 b=- → relu @torchvision/models/resnet.py'));
    assert.equal(small[small.length - 1], 'small.fc Linear(512→10) w=default:0.000651042 b=default → none @torchvision/models/resnet.py');
    assert.equal(big[big.length - 1], 'big.fc Linear(2048→1000) w=default:0.00016276 b=default → none @torchvision/models/resnet.py');
    assert.ok(big.includes('big.layer1.0.conv3 Conv2d(64→256) w=kaiming_normal:0.0078125 b=- → relu @torchvision/models/resnet.py'));
  });

  it('zero_init_residual starts the last norm of each block at 0', () => {
    const graph = analyzed(BACKBONES);
    const bn3 = graph.models[0]!.layers.find((layer) => layer.name === 'big.layer1.0.bn3')!;
    assert.equal(bn3.init.weight!.name, 'constant');
    assert.deepEqual(bn3.init.weight!.args, { val: 0 });
    assert.equal(bn3.residual, true);
  });
});
