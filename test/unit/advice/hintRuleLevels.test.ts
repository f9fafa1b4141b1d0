/** Inlay hints follow the rule levels diagnostics follow: a rule turned off (or down to a hint) by a setting or `[tool.init-lens]` shows no ⚠. */
import * as assert from 'node:assert/strict';
import { DEFAULT_ADVICE_OPTIONS } from '../../../src/core/advice/advise';
import { layerHint, type HintRuleLevels } from '../../../src/core/advice/hints';
import { plainTextOf } from '../../../src/core/advice/markdown';
import { withProject } from '../../../src/core/config/precedence';
import { parsePyproject } from '../../../src/core/config/projectConfig';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

/** Four ReLU layers at PyTorch's default init (×0.17 per layer: a warning), then a tanh stack at its default. */
const TORCH = [
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'class MLP(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.layers = nn.ModuleList([nn.Linear(256, 256) for _ in range(4)])',
  '        self.out = nn.Linear(256, 10)',
  '',
  '    def forward(self, x):',
  '        for layer in self.layers:',
  '            x = F.relu(layer(x))',
  '        return self.out(x)',
  '',
].join('\n');

/** The first layer's compact hint under the given rule levels. */
function hintUnder(ruleLevels: HintRuleLevels | undefined) {
  const { graph, advice } = analyzeFile(TORCH, 'model.py');
  const model = graph.models[0]!;
  const layer = model.layers[0]!;
  const signal = advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
  return layerHint(layer, signal, 1.25, 'compact', model.framework, { ruleLevels })!;
}

describe('hints follow the rule levels', () => {
  before(loadGrammar);

  it('warn with no levels, or with the rule at information, warning or error', () => {
    assert.equal(hintUnder(undefined).label, '⚠ ×0.17');
    for (const level of ['information', 'warning', 'error'] as const) {
      const hint = hintUnder({ 'init-relu': level });
      assert.equal(hint.label, '⚠ ×0.17', level);
      assert.equal(hint.mismatch, true, level);
    }
  });

  it('drop the ⚠ (numbers kept, the reason in the tooltip) when the layer’s rule is off or a hint', () => {
    for (const level of ['off', 'hint'] as const) {
      const hint = hintUnder({ 'init-relu': level });
      assert.equal(hint.label, 'default ×0.17', level);
      assert.equal(hint.mismatch, false, level);
      assert.match(plainTextOf(hint.details), new RegExp(`init-relu.* is set to ${level}`));
    }
  });

  it('another rule turned off leaves the ⚠', () => {
    assert.equal(hintUnder({ 'init-tanh-sigmoid': 'off', 'init-residual': 'off' }).label, '⚠ ×0.17');
  });

  it('`ignore` and `select` in [tool.init-lens] reach the hint through the same precedence as diagnostics', () => {
    const base = { frameworks: { pytorch: true, keras: true, flax: true }, advice: DEFAULT_ADVICE_OPTIONS, rules: {} };
    const ignored = parsePyproject('[tool.init-lens]\nignore = ["init-relu"]\n');
    assert.equal(hintUnder(withProject(base, ignored.config).rules).label, 'default ×0.17');
    const selectedOthers = parsePyproject('[tool.init-lens]\nselect = ["init-tanh-sigmoid"]\n');
    assert.equal(hintUnder(withProject(base, selectedOthers.config).rules).label, 'default ×0.17');
    // A user setting over the table turns the rule back on, for hints as for diagnostics.
    assert.equal(hintUnder(withProject({ ...base, rules: { 'init-relu': 'warning' } }, ignored.config).rules).label, '⚠ ×0.17');
  });
});
