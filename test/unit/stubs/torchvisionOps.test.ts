import { strict as assert } from 'node:assert';
import { loadGrammar } from '../support/python';
import { analyzed, layersOf } from './support';

describe('stubs: torchvision.ops (torchvision 0.20)', () => {
  before(loadGrammar);

  it('Conv2dNormActivation(3, 16) is Conv2d(k=3, bias=False) + BatchNorm2d + ReLU; without a norm the conv has a bias; Conv3d likewise', () => {
    const graph = analyzed(`from torchvision.ops.misc import Conv2dNormActivation, Conv3dNormActivation
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = Conv2dNormActivation(3, 16)
        self.pw = Conv2dNormActivation(16, 32, kernel_size=1, norm_layer=None, activation_layer=nn.Hardswish)
        self.video = Conv3dNormActivation(3, 8)
    def forward(self, x, v):
        return self.pw(self.stem(x)), self.video(v)
`);
    assert.deepEqual(layersOf(graph, 'Net'), [
      'stem.0 Conv2d(27→144) w=default:0.0123457 b=- → relu @torchvision/ops/misc.py',
      'stem.1 BatchNorm2d(null→null) w=default:0 b=default → relu @torchvision/ops/misc.py',
      'pw.0 Conv2d(16→32) w=default:0.0208333 b=default → hardswish @torchvision/ops/misc.py',
      'video.0 Conv3d(81→216) w=default:0.00411523 b=- → relu @torchvision/ops/misc.py',
      'video.1 BatchNorm3d(null→null) w=default:0 b=default → relu @torchvision/ops/misc.py',
    ]);
    assert.deepEqual(graph.notes, []);
  });

  it('MLP(16, [32, 10]): Linear → ReLU → Dropout, then the last Linear and Dropout (a norm layer goes before the activation)', () => {
    const graph = analyzed(`from torchvision.ops import MLP
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = MLP(16, [32, 10])
        self.normed = MLP(10, [8, 4], norm_layer=nn.LayerNorm, activation_layer=nn.GELU, dropout=0.1)
    def forward(self, x):
        return self.normed(self.mlp(x))
`);
    assert.deepEqual(layersOf(graph, 'Head'), [
      'mlp.0 Linear(16→32) w=default:0.0208333 b=default → relu @torchvision/ops/misc.py',
      'mlp.2 Dropout(null→null) w=- b=- → none @torchvision/ops/misc.py',
      'mlp.3 Linear(32→10) w=default:0.0104167 b=default → none @torchvision/ops/misc.py',
      'mlp.4 Dropout(null→null) w=- b=- → none @torchvision/ops/misc.py',
      'normed.0 Linear(10→8) w=default:0.0333333 b=default → gelu @torchvision/ops/misc.py',
      'normed.1 LayerNorm(null→null) w=default:0 b=default → gelu @torchvision/ops/misc.py',
      'normed.3 Dropout(null→null) w=- b=- → none @torchvision/ops/misc.py',
      'normed.4 Linear(8→4) w=default:0.0416667 b=default → none @torchvision/ops/misc.py',
      'normed.5 Dropout(null→null) w=- b=- → none @torchvision/ops/misc.py',
    ]);
  });

  it('SqueezeExcitation: 1x1 convs, ReLU between and Sigmoid after; Permute, FrozenBatchNorm2d and StochasticDepth add no layer and pass the flow on', () => {
    const graph = analyzed(`import torchvision
from torchvision.ops import SqueezeExcitation, StochasticDepth, Permute, FrozenBatchNorm2d
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(16, 16, 3, padding=1)
        self.frozen = FrozenBatchNorm2d(16)
        self.se = SqueezeExcitation(16, 4)
        self.drop = StochasticDepth(0.1, "row")
        self.perm = Permute([0, 2, 3, 1])
        self.fc = torchvision.ops.MLP(16, [16])
    def forward(self, x):
        y = F.silu(self.frozen(self.conv(x)))
        y = self.drop(self.se(y)) + x
        return self.fc(self.perm(y))
`);
    assert.deepEqual(layersOf(graph, 'Block'), [
      'conv Conv2d(144→144) w=default:0.00231481 b=default → silu',
      'se.fc1 Conv2d(16→4) w=default:0.0208333 b=default → relu @torchvision/ops/misc.py',
      'se.fc2 Conv2d(4→16) w=default:0.0833333 b=default → sigmoid @torchvision/ops/misc.py',
      'fc.0 Linear(16→16) w=default:0.0208333 b=default → none @torchvision/ops/misc.py',
      'fc.1 Dropout(null→null) w=- b=- → none @torchvision/ops/misc.py',
    ]);
  });

  it('user code wins: a class of the file with a stubbed name is the file’s, and names the stub does not describe stay the framework’s', () => {
    const graph = analyzed(`from torchvision.ops import MLP as _MLP, box_iou
from torchvision.models import resnet18
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
    def forward(self, x):
        return torch.tanh(self.fc(x))
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = MLP()
    def forward(self, x):
        return self.mlp(x)
`);
    assert.deepEqual(layersOf(graph, 'Net'), ['mlp.fc Linear(4→4) w=default:0.0833333 b=default → tanh']);
    assert.ok(!graph.notes.some((note) => /binds no/.test(note)), graph.notes.join('\n'));
  });
});
