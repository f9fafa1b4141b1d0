/** `initLens.applyRecommendations` applies only a scope naming a model and layer of the analysis (src/editor/fixRequest.ts). */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import { checkedFixScope } from '../../../src/editor/fixRequest';
import { loadGrammar } from '../support/python';

describe('fix requests', () => {
  before(loadGrammar);

  const source = [
    'import torch.nn as nn',
    '',
    'class A(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(8, 8)',
    '',
    'class B(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.head = nn.Linear(8, 2)',
    '',
  ].join('\n');

  it('accepts no scope (the whole file), a model of the file, and a layer of that model', () => {
    const { graph } = analyzeFile(source, 'ab.py');
    assert.deepEqual(checkedFixScope(graph, undefined), {});
    assert.deepEqual(checkedFixScope(graph, { model: 'A' }), { model: 'A' });
    assert.deepEqual(checkedFixScope(graph, { model: 'B', layer: 'head' }), { model: 'B', layer: 'head' });
    assert.deepEqual(checkedFixScope(graph, { layer: 'fc' }), { layer: 'fc' });
  });

  it('refuses a model or layer the analysis does not have, a layer of another model, and malformed scopes', () => {
    const { graph } = analyzeFile(source, 'ab.py');
    for (const scope of [
      { model: 'C' },
      { model: 'A', layer: 'head' },
      { layer: 'nope' },
      { model: 5 },
      { model: 'A', layer: ['fc'] },
      { model: 'A', extra: true },
      null,
      'A',
      ['A'],
      0,
    ]) {
      assert.equal(checkedFixScope(graph, scope), undefined, JSON.stringify(scope));
    }
  });

  it('refuses a named model or layer in a file without models', () => {
    assert.equal(checkedFixScope({ models: [] }, { model: 'A' }), undefined);
    assert.equal(checkedFixScope({ models: [] }, { layer: 'fc' }), undefined);
    assert.deepEqual(checkedFixScope({ models: [] }, {}), {}, 'an empty scope is the whole file, as no scope is');
  });
});
