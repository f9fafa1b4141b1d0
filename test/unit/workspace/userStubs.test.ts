import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../src/core/engine';
import { WorkspaceImports } from '../../../src/core/workspace/workspaceImports';
import { loadGrammar } from '../support/python';
import { describeLayer, snapshotOf } from './support';

/** A model importing a company library (mycorp), a torchvision block the user re-describes, and timm's Mlp (bundled). */
const MODEL = `import torch.nn as nn
from mycorp.layers import GatedBlock
from torchvision.ops import MLP
from timm.layers import Mlp

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gated = GatedBlock(16)
        self.mlp = MLP(16, [32, 16])
        self.timm = Mlp(16, 32)

    def forward(self, x):
        return self.timm(self.mlp(self.gated(x)))
`;

/** The company's stub: a package whose __init__ re-exports a block and leaves a name it does not describe to the framework. */
const MYCORP_INIT = `from .layers import GatedBlock
`;
const MYCORP_LAYERS = `from torch import nn
from .acts import Swish

class GatedBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Linear(dim, dim)
        self.act = Swish()
        nn.init.xavier_uniform_(self.proj.weight)

    def forward(self, x):
        return self.act(self.proj(x))
`;
const MYCORP_ACTS = `from torch import nn

class Swish(nn.SiLU):
    pass
`;
/** The user's own torchvision.ops: one Linear only (so the test sees that it, not the bundled stub, was read). */
const OWN_TORCHVISION_OPS = `from torch import nn

class MLP(nn.Sequential):
    def __init__(self, in_channels, hidden_channels, **kwargs):
        super().__init__(nn.Linear(in_channels, hidden_channels[-1]), nn.Tanh())
`;

function analyze(files: Record<string, string>, stubPaths: string[]) {
  const view = snapshotOf(files);
  const imports = new WorkspaceImports(view, { folders: ['/ws'], stubPaths });
  return analyzeFile(files['/ws/net.py']!, '/ws/net.py', { imports });
}

describe('workspace imports: the user’s stub folders (initLens.stubPaths, --stub-path)', () => {
  before(loadGrammar);

  it('a company library is read from a stub folder, a user stub wins over the bundled one, other libraries keep the bundled stubs', () => {
    const result = analyze(
      {
        '/ws/net.py': MODEL,
        '/corp-stubs/mycorp/__init__.py': MYCORP_INIT,
        '/corp-stubs/mycorp/layers.py': MYCORP_LAYERS,
        '/corp-stubs/mycorp/acts.py': MYCORP_ACTS,
        '/corp-stubs/torchvision/__init__.py': '',
        '/corp-stubs/torchvision/ops/__init__.py': OWN_TORCHVISION_OPS,
      },
      ['/corp-stubs'],
    );
    const net = result.graph.models.find((model) => model.name === 'Net')!;
    assert.deepEqual(net.layers.filter((layer) => layer.type !== 'Dropout').map(describeLayer), [
      'gated.proj Linear(16→16) xavier_uniform → silu @layers.py:7',
      'mlp.0 Linear(16→16) default → tanh @__init__.py:5',
      'timm.fc1 Linear(16→32) default → gelu @mlp.py:18',
      'timm.fc2 Linear(32→16) default → none @mlp.py:22',
    ]);
    assert.deepEqual(result.graph.notes, []);
    // The user's stubs are files that can change: the analysis depends on them.
    assert.ok(result.graph.dependencies?.some((dependency) => dependency.path === '/corp-stubs/mycorp/layers.py'));
  });

  it('workspace code wins over a stub folder; relative stub folders are taken from the first workspace folder', () => {
    const result = analyze(
      {
        '/ws/net.py': MODEL,
        '/ws/mycorp/__init__.py': 'from .layers import GatedBlock\n',
        '/ws/mycorp/layers.py':
          'from torch import nn\nclass GatedBlock(nn.Module):\n    def __init__(self, dim):\n        super().__init__()\n        self.fc = nn.Linear(dim, 2 * dim)\n    def forward(self, x):\n        return self.fc(x)\n',
        '/ws/stubs/mycorp/__init__.py': MYCORP_INIT,
        '/ws/stubs/mycorp/layers.py': MYCORP_LAYERS,
      },
      ['stubs'],
    );
    const gated = result.graph.models.find((model) => model.name === 'Net')!.layers[0]!;
    assert.equal(describeLayer(gated), 'gated.fc Linear(16→32) default → none @layers.py:5');
    assert.equal(gated.range.path, '/ws/mycorp/layers.py');
  });

  it('a stub folder with broken Python ends with a note; the names it could not bind are symbols', () => {
    const result = analyze(
      {
        '/ws/net.py': MODEL,
        '/corp-stubs/mycorp/__init__.py': MYCORP_INIT,
        '/corp-stubs/mycorp/layers.py': 'from torch import nn\nclass GatedBlock(nn.Module:\n    def __init__(self, dim):\n        super().__init__(\n',
      },
      ['/corp-stubs'],
    );
    assert.ok(
      result.graph.notes.some((note) => /mycorp\/layers\.py has syntax errors/.test(note)),
      result.graph.notes.join('\n'),
    );
    assert.ok(result.graph.models.some((model) => model.name === 'Net'));
  });
});
