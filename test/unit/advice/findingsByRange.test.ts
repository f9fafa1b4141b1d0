/**
 * Findings where the model is used (issue 10 item 4): one finding per rule and source range, naming
 * its instances, with one fix per distinct edit; a class another model composes is judged only
 * there (CLIP-style parent init code), never also alone.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adviseFile } from '../../../src/core/advice/advise';
import { composedModels, modelsInUse } from '../../../src/core/advice/composition';
import { findingCovers, findingsByRange, fixesOf } from '../../../src/core/advice/findingsByRange';
import { instanceSummary } from '../../../src/core/advice/instances';
import { reasonDetails, withReasons } from '../../../src/core/advice/findingReasons';
import type { Finding, FindingReason } from '../../../src/core/advice/types';
import { analyzeFile } from '../../../src/core/engine';
import type { FileGraph, Model, Range } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'findings');

function analysed(name: string) {
  const file = path.join(FIXTURES, name);
  return analyzeFile(fs.readFileSync(file, 'utf8'), file);
}

function range(startLine: number, endLine: number): Range {
  return { start: { line: startLine, column: 0 }, end: { line: endLine, column: 0 } };
}

/** A model whose layers are written on the given lines (one-line ranges). */
function model(name: string, lines: [number, number], layerLines: number[]): Model {
  return {
    name,
    range: range(lines[0], lines[1]),
    layers: layerLines.map((line, index) => ({
      name: `l${index}`,
      type: 'Linear',
      fanIn: 4,
      fanOut: 4,
      activation: null,
      init: {},
      residual: false,
      normalized: false,
      definition: null,
      container: null,
      ownerClass: name,
      range: { start: { line, column: 4 }, end: { line, column: 20 } },
      config: {},
    })),
  };
}

describe('findings where the model is used', () => {
  before(loadGrammar);

  describe('composition', () => {
    it('a model composes the classes whose code writes its layers; nested classes hold their own layers', () => {
      const block = model('Block', [0, 5], [2]);
      const net = model('Net', [6, 12], [2, 2, 8]);
      const outer = model('Outer', [13, 30], [20, 15]);
      // Inner is nested in Outer: its layer is its own, it composes nothing.
      const inner = model('Inner', [14, 17], [15]);
      const composed = composedModels([block, net, outer, inner]);
      assert.deepEqual([...composed].map((m) => m.name).sort(), ['Block', 'Inner']);
      assert.deepEqual(
        modelsInUse([block, net, outer, inner]).map((m) => m.name),
        ['Net', 'Outer'],
      );
    });

    it('a layer after a nested class is held by the class around both', () => {
      const wrapper = model('Wrapper', [40, 60], [50]);
      const early = model('Early', [41, 43], [42]);
      const user = model('User', [70, 80], [50, 75]);
      assert.deepEqual(
        [...composedModels([user, early, wrapper])].map((m) => m.name),
        ['Wrapper'],
      );
    });

    it('two models that would compose each other are both kept', () => {
      const a = model('A', [0, 5], [2, 8]);
      const b = model('B', [6, 12], [8, 2]);
      assert.equal(composedModels([a, b]).size, 0);
    });

    it('asked about some models only, answers as for all of them', () => {
      const block = model('Block', [0, 10], [3, 4]);
      const net = model('Net', [11, 40], [3, 4, 3, 30]);
      const outer = model('Outer', [41, 70], [60, 55, 3]);
      const inner = model('Inner', [54, 57], [55]);
      const a = model('A', [80, 85], [82, 88]);
      const b = model('B', [86, 92], [88, 82]);
      const all = [block, net, outer, inner, a, b];
      const full = composedModels(all);
      // Every subset of the six models: the answer for it is the full answer restricted to it.
      for (let mask = 0; mask < 1 << all.length; mask++) {
        const among = new Set(all.filter((_, i) => mask & (1 << i)));
        const expected = [...full].filter((m) => among.has(m)).map((m) => m.name);
        assert.deepEqual([...composedModels(all, among)].map((m) => m.name).sort(), expected.sort(), `asked about ${[...among].map((m) => m.name)}`);
      }
    });

    it('asked about some models of real files, answers as for all of them', function () {
      this.timeout(60_000);
      let composedSeen = 0;
      const dir = path.join(__dirname, '..', '..', 'fixtures', 'pytorch');
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.py'))) {
        const models = analyzeFile(fs.readFileSync(path.join(dir, file), 'utf8'), file).graph.models;
        const full = composedModels(models);
        composedSeen += full.size;
        models.forEach((each, i) => {
          const among = new Set(models.filter((_, j) => j % (i + 2) === 0 || j === i));
          const expected = models.filter((m) => full.has(m) && among.has(m));
          assert.deepEqual(
            [...composedModels(models, among)].map((m) => models.indexOf(m)).sort(),
            expected.map((m) => models.indexOf(m)).sort(),
            `${file} ${each.name}`,
          );
        });
      }
      assert.ok(composedSeen > 10, `the fixtures compose models (${composedSeen})`);
    });
  });

  describe('instance names', () => {
    it('names a range of one model, or the models', () => {
      const loop = Array.from({ length: 18 }, (_, i) => ({ model: 'Net', layer: `net.${2 * i + 2}` }));
      assert.equal(instanceSummary(loop), 'net.2–net.36, 18 layers built here');
      assert.equal(instanceSummary(['resnet50', 'resnet101', 'ResNet'].map((m) => ({ model: m, layer: 'fc' }))), '3 models: resnet50, resnet101, ResNet');
      assert.equal(
        instanceSummary([
          { model: 'a', layer: 'x.0' },
          { model: 'a', layer: 'x.1' },
          { model: 'b', layer: 'x.0' },
        ]),
        '2 models: a, b; 3 layers built here',
      );
      assert.equal(instanceSummary([{ model: 'a', layer: 'fc' }]), 'fc');
    });
  });

  it('a layer built 18 times in a Sequential gets one finding naming the 18 instances, with one fix', () => {
    const { graph, advice } = analysed('sequential_loop.py');
    const raw = adviseFile(graph).findings.filter((f) => f.rule === 'init-tanh-sigmoid');
    assert.equal(raw.length, 18, 'advice judges every instance');
    const findings = advice.findings.filter((f) => f.rule === 'init-tanh-sigmoid');
    assert.equal(findings.length, 1);
    const finding = findings[0]!;
    assert.equal(finding.model, 'DeepMLP');
    assert.equal(finding.instances?.length, 18);
    assert.match(finding.message, /\(net\.0\.fc–net\.17\.fc, 18 layers built here\)$/);
    assert.equal(fixesOf(finding).length, 1);
    assert.match(finding.fix!.title, /all 18 layers built here/);
    assert.ok(findingCovers(finding, 'DeepMLP', 'net.11.fc'));
    assert.ok(!findingCovers(finding, 'Block', 'fc'));
  });

  it("CLIP-style: the parent's initialize_parameters() zero-inits every bn3, so no bn3 is told to zero-init its last norm", () => {
    const { graph, advice } = analysed('clip_style_resnet.py');
    assert.deepEqual(
      graph.models.map((m) => m.name),
      ['Bottleneck', 'VisionResNet', 'ImageTextModel'],
    );
    // Judged alone, the ResNet class would get the advice its parent already follows.
    const alone = adviseFile(graph).findings.filter((f) => f.model === 'VisionResNet' && f.rule === 'init-residual' && f.layer.endsWith('bn3'));
    assert.equal(alone.length, 16);
    assert.deepEqual(
      advice.findings.filter((f) => /bn3/.test(f.layer)),
      [],
    );
    const parent = graph.models.find((m) => m.name === 'ImageTextModel')!;
    assert.equal(parent.layers.find((l) => l.name === 'visual.layer3.5.bn3')?.init.weight?.name, 'zeros');
    assert.deepEqual(
      modelsInUse(graph.models).map((m) => m.name),
      ['ImageTextModel'],
    );
  });

  it('a stand-alone finding and a composed one never both appear: only models in use report', () => {
    for (const name of ['clip_style_resnet.py', 'gpt_style_apply.py', 'sequential_loop.py']) {
      const { graph, advice } = analysed(name);
      const inUse = new Set(modelsInUse(graph.models).map((m) => m.name));
      for (const finding of advice.findings) {
        assert.ok(inUse.has(finding.model), `${name}: ${finding.model} is composed`);
      }
      const keys = advice.findings.map((f) => `${f.rule}@${JSON.stringify(f.range)}`);
      assert.equal(new Set(keys).size, keys.length, `${name}: one finding per rule and range`);
    }
  });

  it('GPT-style: the residual finding on each c_proj is the top model’s, once per line', () => {
    const { advice } = analysed('gpt_style_apply.py');
    const residual = advice.findings.filter((f) => f.rule === 'init-residual');
    assert.deepEqual(
      residual.map((f) => [f.model, f.layer, f.instances?.length]),
      [
        ['GPT', 'blocks.0.attn.c_proj', 12],
        ['GPT', 'blocks.0.mlp.c_proj', 12],
      ],
    );
    // The fix scales all of them: its title does not name one layer, so it is not rewritten.
    assert.match(residual[0]!.fix!.title, /^Scale the 24 residual output projections by 1\/√24$/);
  });

  it('a layer two factories build names both models, and whose numbers the message gives', () => {
    const file = path.join(FIXTURES, '..', 'pytorch', 'vgg_cfg_factory.py');
    const { advice } = analyzeFile(fs.readFileSync(file, 'utf8'), file);
    const finding = advice.findings.find((f) => f.layer === 'classifier.0')!;
    assert.deepEqual(
      finding.instances?.map((i) => `${i.model}.${i.layer}`),
      ['vgg11.classifier.0', 'vgg16.classifier.0'],
    );
    assert.match(finding.message, /\(2 models: vgg11, vgg16; the numbers are those of classifier\.0 in vgg11\)$/);
  });

  it('instances that call for different edits keep one fix each, the most severe instance leading', () => {
    const at = range(3, 3);
    const base = (layer: string, severity: Finding['severity'], text: string): Finding =>
      ({
        rule: 'init-relu',
        severity,
        message: `${layer}: off by ${text}`,
        model: 'M',
        layer,
        range: at,
        activationRange: null,
        initRange: at,
        signal: {} as Finding['signal'],
        fix: { title: `Use He init for ${layer}`, edits: [{ range: at, newText: text }] },
      }) as Finding;
    const graph: FileGraph = { path: 'x.py', framework: 'pytorch', models: [], notes: [] };
    const [merged, ...rest] = findingsByRange([base('a.0', 'information', 'A'), base('a.1', 'warning', 'B'), base('a.2', 'warning', 'A')], graph);
    assert.equal(rest.length, 0);
    assert.equal(merged!.severity, 'warning');
    assert.equal(merged!.layer, 'a.1');
    assert.equal(merged!.message, 'a.1: off by B (a.0–a.2, 3 layers built here; the numbers are those of a.1)');
    assert.deepEqual(
      fixesOf(merged!).map((fix) => fix.title),
      ['Use He init for a.1', 'Use He init for a.0 (all 2 layers built here)'],
    );
  });

  it("a merged finding states each instance's distinct reason once, with the instances it applies to, in the message and the hover", () => {
    const at = range(3, 3);
    const reason = (name: string, shared: string): FindingReason => ({ text: `${name} ${shared}`, shared });
    const base = (layer: string, reasons: FindingReason[]): Finding =>
      ({
        rule: 'init-relu',
        severity: 'warning',
        message: withReasons(`${layer}: off by 6`, reasons),
        ...(reasons.length > 0 ? { reasons } : {}),
        model: 'M',
        layer,
        range: at,
        activationRange: null,
        initRange: at,
        signal: {} as Finding['signal'],
        fix: null,
      }) as Finding;
    const weak = (norm: string) => reason(`${norm} does not normalise it:`, 'its eps = 0.8 rescales.');
    const graph: FileGraph = { path: 'x.py', framework: 'pytorch', models: [], notes: [] };
    const [merged] = findingsByRange(
      [base('m.0', []), base('m.2', [weak('m.3')]), base('m.5', [weak('m.6'), reason('', 'A std written by hand.')]), base('m.8', [weak('m.9')])],
      graph,
    );
    assert.equal(
      merged!.message,
      ['m.0: off by 6 (m.0–m.8, 4 layers built here)', 'm.2, m.5, m.8: its eps = 0.8 rescales.', 'm.5: A std written by hand.'].join('\n'),
    );
    assert.deepEqual(
      reasonDetails(merged!).map((block) => block.runs.map((run) => run.text).join('')),
      ['m.2, m.5, m.8: its eps = 0.8 rescales.', 'm.5: A std written by hand.'],
    );
  });
});
