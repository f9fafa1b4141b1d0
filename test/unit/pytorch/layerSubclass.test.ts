import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../src/core/analyze';
import { loadGrammar } from '../support/python';
import { layersOf, TORCH_HEAD } from '../stubs/support';

describe('file-local subclasses of torch.nn layers', () => {
  before(loadGrammar);

  it("a forward of its own through F.linear / a _conv_forward of its own (Whisper): the parent's fans and init, and the activation after it", () => {
    const graph = analyzeText(
      `${TORCH_HEAD}class Linear(nn.Linear):
    def forward(self, x):
        return F.linear(x, self.weight.to(x.dtype), None if self.bias is None else self.bias.to(x.dtype))
class Conv1d(nn.Conv1d):
    def _conv_forward(self, x, weight, bias):
        return super()._conv_forward(x, weight.to(x.dtype), None if bias is None else bias.to(x.dtype))
class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = Conv1d(80, 64, kernel_size=3, padding=1)
        self.fc1 = Linear(64, 256)
        self.fc2 = Linear(256, 64, bias=False)
        nn.init.xavier_uniform_(self.fc2.weight)
    def forward(self, x):
        x = F.gelu(self.conv1(x)).permute(0, 2, 1)
        return self.fc2(F.gelu(self.fc1(x)))
`,
      'm.py',
    );
    assert.deepEqual(layersOf(graph, 'Encoder'), [
      'conv1 Conv1d(240→192) w=default:0.00138889 b=default → gelu',
      'fc1 Linear(64→256) w=default:0.00520833 b=default → gelu',
      'fc2 Linear(256→64) w=xavier_uniform:0.00625 b=- → none',
    ]);
    assert.ok(!graph.notes.some((note) => /derived/.test(note)), graph.notes.join('\n'));
    // The layer types are not models of their own, and building them alone leaves no notes.
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['Encoder'],
    );
    assert.ok(!graph.notes.some((note) => /without its argument/.test(note)), graph.notes.join('\n'));
  });

  it('weight standardisation in forward (BiT StdConv2d): fans kept, the activation followed, the init unknown with a note saying why', () => {
    const graph = analyzeText(
      `${TORCH_HEAD}class StdConv2d(nn.Conv2d):
    def __init__(self, cin, cout, kernel_size, stride=1, padding=0, bias=False, eps=1e-6):
        super().__init__(cin, cout, kernel_size, stride=stride, padding=padding, bias=bias)
        self.eps = eps
    def forward(self, x):
        w = self.weight
        v, m = torch.var_mean(w, dim=[1, 2, 3], keepdim=True, unbiased=False)
        w = (w - m) / torch.sqrt(v + self.eps)
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)
class Root(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = StdConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.head = nn.Linear(64, 10)
    def forward(self, x):
        x = F.relu(self.conv(x)).mean((2, 3))
        return self.head(x)
`,
      'm.py',
    );
    assert.deepEqual(layersOf(graph, 'Root'), ['conv StdConv2d(147→3136) w=unknown b=- → relu', 'head Linear(64→10) w=default:0.00520833 b=default → none']);
    assert.ok(
      graph.notes.includes(
        'Root: line 12: StdConv2d.forward computes with a tensor derived from its weight (such as weight standardisation): the init of weight is not what the layer computes with, so it is unknown',
      ),
      graph.notes.join('\n'),
    );
  });
});
