/**
 * One budget per model in every framework (issue 16 item 2): a file whose first model spends the
 * whole step budget still gets the models after it analysed, with a note for the one cut; the
 * file's bound (`fileSteps`) holds the sum, after which models are skipped with a note.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../../src/core/analyze';
import { Budget, DEFAULT_LIMITS } from '../../../src/core/python/eval/budget';
import { ModelBudgets } from '../../../src/core/python/eval/modelBudget';
import { loadGrammar } from '../support/python';

/** A loop of 500³ iterations: far over the 2·10⁶ steps one model may spend. */
function spin(indent: string): string {
  return ['total = 0', 'for i in range(500):', '    for j in range(500):', '        for k in range(500):', '            total = total + i * j * k']
    .map((line) => `${indent}${line}`)
    .join('\n');
}

const KERAS = [
  'import keras',
  'from keras import layers',
  '',
  'def runaway():',
  spin('    '),
  '    return keras.Sequential([layers.Dense(4)])',
  '',
  'def small():',
  '    return keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"), layers.Dense(2)])',
  '',
].join('\n');

const FLAX = [
  'from flax import linen as nn',
  '',
  'class Runaway(nn.Module):',
  '  @nn.compact',
  '  def __call__(self, x):',
  spin('    '),
  '    return nn.Dense(4)(x)',
  '',
  'class Small(nn.Module):',
  '  @nn.compact',
  '  def __call__(self, x):',
  '    return nn.Dense(2)(nn.relu(nn.Dense(16)(x)))',
  '',
].join('\n');

const TORCH = [
  'from torch import nn',
  '',
  'class Runaway(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  spin('        '),
  '        self.fc = nn.Linear(4, 4)',
  '',
  'class Small(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.fc1 = nn.Linear(8, 16)',
  '        self.fc2 = nn.Linear(16, 2)',
  '',
  '    def forward(self, x):',
  '        return self.fc2(self.fc1(x).relu())',
  '',
].join('\n');

describe('one budget per model', function () {
  // Each runaway model spends its 2·10⁶ steps before it is cut.
  this.timeout(60_000);
  before(loadGrammar);

  for (const [framework, source, runaway, small] of [
    ['Keras', KERAS, 'runaway()', 'small'],
    ['Flax', FLAX, 'Runaway', 'Small'],
    ['PyTorch', TORCH, 'Runaway', 'Small'],
  ] as const) {
    it(`analyses a ${framework} model after one that spends the whole budget, and notes the one cut`, () => {
      const graph = analyzeText(source, 'runaway.py');
      const model = graph.models.find((m) => m.name === small);
      assert.ok(model, JSON.stringify(graph.models.map((m) => m.name)));
      assert.deepEqual(
        model.layers.map((l) => [l.fanOut, l.activation === 'unknown' ? 'unknown' : (l.activation?.name ?? null)]),
        [
          [16, 'relu'],
          [2, null],
        ],
      );
      assert.ok(
        graph.notes.some((n) => n.startsWith(`${runaway}: `) && /budget/.test(n)),
        JSON.stringify(graph.notes),
      );
      assert.ok(!graph.notes.some((n) => /the rest of the file is not evaluated/.test(n)), JSON.stringify(graph.notes));
    });
  }

  it('starts every model from the same point and skips models once the file bound is spent', () => {
    const budget = new Budget({ ...DEFAULT_LIMITS, steps: 10, fileSteps: 25 });
    budget.steps = 3;
    const budgets = new ModelBudgets({ budget });
    const seen: number[] = [];
    const ran = [0, 1, 2, 3].map(() =>
      budgets.run(() => {
        seen.push(budget.steps);
        budget.steps += 12;
      }),
    );
    assert.deepEqual(ran, [true, true, true, false]);
    assert.deepEqual(seen, [3, 3, 3]);
    assert.equal(budgets.skipped(), 'the evaluation budget of 25 steps');
  });
});
