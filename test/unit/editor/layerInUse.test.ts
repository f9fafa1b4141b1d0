/**
 * What the inlay hint and the hover on a layer show (src/editor/inlayHints.ts, hover.ts): the init
 * in force in the model that uses the layer, the instance its diagnostic speaks of, and which
 * models and instances the layer comes from.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerHint } from '../../../src/core/advice/hints';
import { instanceSummary } from '../../../src/core/advice/instances';
import { layerRangeKey, layerUses } from '../../../src/core/advice/layerUses';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'findings');

function analysed(name: string) {
  const file = path.join(FIXTURES, name);
  return analyzeFile(fs.readFileSync(file, 'utf8'), file);
}

describe('the layer a hint and a hover show', () => {
  before(loadGrammar);

  it("GPT-style: the hint on c_proj says N(0, 0.02) from GPT's apply(_init_weights), like its diagnostic", () => {
    const { graph, advice } = analysed('gpt_style_apply.py');
    const attention = graph.models.find((m) => m.name === 'SelfAttention')!;
    const cProj = attention.layers.find((l) => l.name === 'c_proj')!;
    // Alone, the attention class keeps the torch default: what the hint said before.
    assert.equal(cProj.init.weight?.source, 'default');
    const uses = layerUses(graph.models).get(layerRangeKey(cProj.range))!;
    const { model, layer } = uses[0]!;
    assert.equal(model.name, 'GPT');
    assert.equal(layer.name, 'blocks.0.attn.c_proj');
    const signal = advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
    const hint = layerHint(layer, signal, 1.25, 'short', model.framework)!;
    assert.match(hint.label, /N\(0, 0\.02\)/);
    assert.doesNotMatch(hint.label, /default/);
    const finding = advice.findings.find((f) => f.range.start.line === cProj.range.start.line);
    assert.equal(finding?.model, model.name);
    assert.equal(finding?.layer, layer.name);
    // The hover names where the layer comes from.
    assert.equal(uses.length, 12);
    assert.equal(
      instanceSummary(uses.map((use) => ({ model: use.model.name, layer: use.layer.name }))),
      'blocks.0.attn.c_proj–blocks.11.attn.c_proj, 12 layers built here',
    );
  });

  it('a layer only a composed class builds keeps its instances there (no hint is lost)', () => {
    const { graph } = analysed('clip_style_resnet.py');
    const uses = layerUses(graph.models);
    for (const model of graph.models) {
      for (const layer of model.layers) {
        assert.ok(uses.get(layerRangeKey(layer.range))?.length, `${model.name}.${layer.name} has a use`);
      }
    }
    const bn3 = graph.models.find((m) => m.name === 'Bottleneck')!.layers.find((l) => l.name === 'bn3')!;
    const first = uses.get(layerRangeKey(bn3.range))![0]!;
    assert.equal(first.model.name, 'ImageTextModel');
    assert.equal(first.layer.init.weight?.name, 'zeros');
  });
});
