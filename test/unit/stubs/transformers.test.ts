import { strict as assert } from 'node:assert';
import { loadGrammar } from '../support/python';
import { analyzed, layersOf } from './support';

/** An HF-style model: a config class, a pre-trained base naming it and holding `_init_weights`, a model calling `post_init()`. */
const MODEL = `from transformers import PreTrainedModel, PretrainedConfig
from transformers.activations import ACT2FN
from transformers.pytorch_utils import Conv1D
class TinyConfig(PretrainedConfig):
    def __init__(self, hidden_size=64, intermediate_size=256, hidden_act="gelu_new", vocab_size=100, **kwargs):
        super().__init__(**kwargs)
        self.hidden_size = hidden_size
        self.intermediate_size = intermediate_size
        self.hidden_act = hidden_act
        self.vocab_size = vocab_size
class TinyPreTrained(PreTrainedModel):
    config_class = TinyConfig
    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=self.config.initializer_range)
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)
class TinyModel(TinyPreTrained):
    def __init__(self, config):
        super().__init__(config)
        self.embed = nn.Embedding(config.vocab_size, config.hidden_size)
        self.c_fc = Conv1D(config.intermediate_size, config.hidden_size)
        self.act = ACT2FN[config.hidden_act]
        self.c_proj = Conv1D(config.hidden_size, config.intermediate_size)
        self.ln = nn.LayerNorm(config.hidden_size)
        self.post_init()
    def forward(self, ids):
        x = self.embed(ids)
        x = self.c_proj(self.act(self.c_fc(x)))
        return self.ln(x)
`;

describe('stubs: transformers (4.46)', () => {
  before(loadGrammar);

  it("post_init() applies the model's _init_weights to every submodule; the model is built with its config_class's defaults (initializer_range 0.02)", () => {
    const graph = analyzed(MODEL);
    assert.deepEqual(layersOf(graph, 'TinyModel'), [
      'embed Embedding(64→100) w=normal:0.0004 b=- → none',
      'c_fc Conv1D(64→256) w=normal:0.0004 b=zeros → gelu',
      'c_proj Conv1D(256→64) w=normal:0.0004 b=zeros → none',
      'ln LayerNorm(null→null) w=constant:0 b=zeros → none',
    ]);
    const cFc = graph.models.find((model) => model.name === 'TinyModel')!.layers[1]!;
    assert.equal(cFc.init.weight!.source, 'apply');
    assert.deepEqual(cFc.activation !== null && cFc.activation !== 'unknown' ? cFc.activation.params : undefined, { approximate: 'tanh' });
    assert.ok(!graph.notes.some((note) => /post_init\(\) is not in the file/.test(note)), graph.notes.join('\n'));
  });

  it('Conv1D(nf, nx) is a Linear from nx to nf with its own N(0, 0.02) weight and zero bias; the base _init_weights writes nothing', () => {
    const graph = analyzed(`from transformers import PreTrainedModel
from transformers.modeling_utils import Conv1D
class Proj(PreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.c_attn = Conv1D(3 * 32, 32)
        self.post_init()
    def forward(self, x):
        return torch.tanh(self.c_attn(x))
`);
    assert.deepEqual(layersOf(graph, 'Proj'), ['c_attn Conv1D(32→96) w=normal:0.0004 b=zeros → tanh']);
  });

  it('without a config_class, the config is unknown: the std is the config attribute it reads, in words', () => {
    const graph = analyzed(MODEL.replace('    config_class = TinyConfig\n', ''));
    const embed = graph.models.find((model) => model.name === 'TinyModel')!.layers[0]!;
    assert.equal(embed.init.weight!.name, 'normal');
    assert.equal(embed.init.weight!.variance, null);
    assert.deepEqual(embed.init.weight!.args.std, { expr: 'self.config.initializer_range' });
  });
});
