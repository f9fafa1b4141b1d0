import { strict as assert } from 'node:assert';
import { loadGrammar } from '../support/python';
import { analyzed, layersOf } from './support';

describe('stubs: timm.layers (timm 1.0)', () => {
  before(loadGrammar);

  it('PatchEmbed is one Conv2d with the patch as kernel and stride; Mlp is fc1 → GELU → fc2 with hidden and out widths defaulting to in', () => {
    const graph = analyzed(`from timm.layers import Mlp, PatchEmbed, DropPath
class Mixer(nn.Module):
    def __init__(self, dim=64):
        super().__init__()
        self.patch = PatchEmbed(img_size=32, patch_size=4, in_chans=3, embed_dim=dim)
        self.mlp = Mlp(dim, dim * 4)
        self.square = Mlp(dim, act_layer=nn.ReLU, use_conv=False)
        self.drop_path = DropPath(0.1)
    def forward(self, x):
        x = self.patch(x)
        x = x + self.drop_path(self.mlp(x))
        return self.square(x)
`);
    assert.deepEqual(layersOf(graph, 'Mixer'), [
      'patch.proj Conv2d(48→1024) w=default:0.00694444 b=default → none @timm/layers/patch_embed.py',
      'mlp.fc1 Linear(64→256) w=default:0.00520833 b=default → gelu @timm/layers/mlp.py',
      'mlp.drop1 Dropout(null→null) w=- b=- → none @timm/layers/mlp.py',
      'mlp.fc2 Linear(256→64) w=default:0.00130208 b=default → none @timm/layers/mlp.py',
      'mlp.drop2 Dropout(null→null) w=- b=- → none @timm/layers/mlp.py',
      'square.fc1 Linear(64→64) w=default:0.00520833 b=default → relu @timm/layers/mlp.py',
      'square.drop1 Dropout(null→null) w=- b=- → none @timm/layers/mlp.py',
      'square.fc2 Linear(64→64) w=default:0.00520833 b=default → none @timm/layers/mlp.py',
      'square.drop2 Dropout(null→null) w=- b=- → none @timm/layers/mlp.py',
    ]);
    const fc2 = graph.models[0]!.layers.find((layer) => layer.name === 'mlp.fc2')!;
    assert.equal(fc2.residual, true, 'the Mlp is the residual branch');
    assert.deepEqual(graph.notes, []);
  });

  it('GluMlp gates with Sigmoid and halves the width into fc2; SwiGLU gates fc1_x with SiLU(fc1_g)', () => {
    const graph = analyzed(`import timm
from timm.layers import GluMlp
class Gated(nn.Module):
    def __init__(self):
        super().__init__()
        self.glu = GluMlp(64, 128, drop=0.0)
        self.swi = timm.layers.SwiGLU(64, 96)
    def forward(self, x):
        return self.swi(self.glu(x))
`);
    assert.deepEqual(
      layersOf(graph, 'Gated').filter((layer) => !layer.includes('Dropout')),
      [
        'glu.fc1 Linear(64→128) w=default:0.00520833 b=default → sigmoid @timm/layers/mlp.py',
        'glu.fc2 Linear(64→64) w=default:0.00520833 b=default → none @timm/layers/mlp.py',
        'swi.fc1_g Linear(64→96) w=default:0.00520833 b=default → silu @timm/layers/mlp.py',
        'swi.fc1_x Linear(64→96) w=default:0.00520833 b=default → none @timm/layers/mlp.py',
        'swi.fc2 Linear(96→64) w=default:0.00347222 b=default → none @timm/layers/mlp.py',
      ],
    );
  });

  it('LayerNorm2d is a LayerNorm (weight ones, bias zeros); trunc_normal_ writes the torch init, lecun_normal_ its own init of variance 1/fan_in', () => {
    const graph = analyzed(`from timm.layers import LayerNorm2d, trunc_normal_, lecun_normal_
class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = LayerNorm2d(32)
        self.fc = nn.Linear(32, 64)
        self.out = nn.Linear(64, 10)
        trunc_normal_(self.fc.weight, std=0.02)
        lecun_normal_(self.out.weight)
    def forward(self, x):
        x = self.norm(x).mean((2, 3))
        return self.out(torch.tanh(self.fc(x)))
`);
    assert.deepEqual(layersOf(graph, 'Head'), [
      'norm LayerNorm2d(null→null) w=default:0 b=default → none',
      'fc Linear(32→64) w=trunc_normal:0.0004 b=default → tanh',
      'out Linear(64→10) w=lecun_normal:0.015625 b=default → none',
    ]);
    const norm = graph.models[0]!.layers[0]!;
    assert.equal(norm.normalized, false);
  });

  it('named_apply calls its function with each submodule and its qualified name; create_act_layer and get_act_layer map names to layers', () => {
    const graph = analyzed(`import timm
from timm.layers import create_act_layer, get_act_layer, lecun_normal_
from timm.models.helpers import named_apply
def init_weights(module, name=""):
    if isinstance(module, nn.Linear):
        if name.startswith("head"):
            nn.init.zeros_(module.weight)
        else:
            lecun_normal_(module.weight)
            nn.init.zeros_(module.bias)
class Net(nn.Module):
    def __init__(self, act="gelu"):
        super().__init__()
        self.blocks = nn.Sequential(nn.Linear(32, 64), create_act_layer(act), nn.Linear(64, 64), get_act_layer("swish")())
        self.gate = nn.Linear(64, 64)
        self.gate_act = create_act_layer(nn.Sigmoid)
        self.head = nn.Linear(64, 10)
        self.none = create_act_layer(None)
        named_apply(init_weights, self)
    def forward(self, x):
        x = self.blocks(x)
        return self.head(x * self.gate_act(self.gate(x)))
`);
    assert.deepEqual(layersOf(graph, 'Net'), [
      'blocks.0 Linear(32→64) w=lecun_normal:0.03125 b=zeros → gelu',
      'blocks.2 Linear(64→64) w=lecun_normal:0.015625 b=zeros → silu',
      'gate Linear(64→64) w=lecun_normal:0.015625 b=zeros → sigmoid',
      'head Linear(64→10) w=zeros:0 b=default → none',
    ]);
    assert.deepEqual(graph.notes, []);
  });

  it('create_act_layer of a name timm maps to a layer of its own is a symbol, said in a note', () => {
    const graph = analyzed(`from timm.layers import create_act_layer
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(32, 64)
        self.act = create_act_layer("quick_gelu")
    def forward(self, x):
        return self.act(self.fc(x))
`);
    assert.deepEqual(layersOf(graph, 'Net'), ['fc Linear(32→64) w=default:0.0104167 b=default → unknown']);
    assert.ok(graph.notes.some((note) => note.includes("'quick_gelu'")));
  });
});
