/**
 * The scoring corpus of test/fixtures/torch-feeds: per weight layer, the activation after it as
 * written by hand in expected.json, against what the analysis finds; and a file that only logs
 * through PyTorch's TensorBoard writer is not a PyTorch file.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../../src/core/analyze';
import { loadGrammar } from '../support/python';
import { fixtureFolder } from '../support/goldenFixtures';

type Expected = Record<string, Record<string, Record<string, string | null>>>;

const folder = fixtureFolder('torch-feeds');
const expected = JSON.parse(fs.readFileSync(path.join(folder, 'expected.json'), 'utf8')) as Expected;

describe('what a layer feeds (torch-feeds corpus)', () => {
  before(loadGrammar);

  for (const [file, models] of Object.entries(expected)) {
    if (Object.keys(models).length === 0) {
      continue;
    }
    it(`${file}: the activation after every weight layer`, () => {
      const graph = analyzeText(fs.readFileSync(path.join(folder, file), 'utf8'), file);
      const misses: string[] = [];
      for (const [modelName, layers] of Object.entries(models)) {
        const model = graph.models.find((m) => m.name === modelName);
        assert.ok(model, `${file}: no model ${modelName}`);
        for (const [layerName, activation] of Object.entries(layers)) {
          const layer = model.layers.find((l) => l.name === layerName);
          const got = layer === undefined ? 'missing' : layer.activation === null || layer.activation === 'unknown' ? layer.activation : layer.activation.name;
          if (got !== activation) {
            misses.push(`${modelName}.${layerName}: expected ${String(activation)}, got ${String(got)}`);
          }
          if (got === 'unknown') {
            assert.ok(layer?.activationReason, `${modelName}.${layerName}: an unknown activation says why`);
          }
        }
      }
      assert.deepEqual(misses, []);
    });
  }

  it("does not read a JAX script logging through PyTorch's TensorBoard writer as PyTorch", () => {
    const graph = analyzeText(fs.readFileSync(path.join(folder, 'tensorboard_only.py'), 'utf8'), 'tensorboard_only.py');
    assert.equal(graph.framework, 'unknown');
    assert.deepEqual(graph.models, []);
  });

  it('says why the pieces of LSTM gates have no one activation', () => {
    const graph = analyzeText(fs.readFileSync(path.join(folder, 'fused_gates.py'), 'utf8'), 'fused_gates.py');
    const gates = graph.models[0]!.layers.find((l) => l.name === 'gates')!;
    assert.match(gates.activationReason ?? '', /pieces of its split output meet different activations \(sigmoid, tanh\)/);
  });

  it('follows an agent without forward through its own methods, and says so', () => {
    const graph = analyzeText(fs.readFileSync(path.join(folder, 'cleanrl_agent.py'), 'utf8'), 'cleanrl_agent.py');
    assert.ok(graph.notes.some((note) => /Agent has no forward: its methods get_value, get_action_and_value were followed/.test(note)));
  });
});
