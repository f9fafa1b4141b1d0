/**
 * Advice on the real-code styles of test/fixtures/advice-styles (README there): each file's findings
 * match its `.findings.json` exactly, no message, hint or hover shows `×?`, findings quoting the same
 * drift have the same severity, and a hint carries ⚠ exactly where a mismatch finding is.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerHint } from '../../../src/core/advice/hints';
import { plainTextOf } from '../../../src/core/advice/markdown';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import { findingCovers } from '../../../src/core/advice/findingsByRange';
import { loadGrammar } from '../support/python';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'advice-styles');

interface Expected {
  model: string;
  layer: string;
  rule: string;
  severity: string;
  includes?: string[];
}

const NAMES = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.findings.json'))
  .map((file) => file.replace(/\.findings\.json$/, ''))
  .sort();

function analysed(name: string): FileAnalysis {
  return analyzeFile(fs.readFileSync(path.join(DIR, `${name}.py`), 'utf8'), `${name}.py`);
}

const key = (f: { model: string; layer: string; rule: string; severity: string }) => `${f.model} ${f.layer} ${f.rule} ${f.severity}`;

/** The drift a mismatch message states over the stack (`×0.0105 forward and ×0.074 backward`), if it states one. */
function statedDrift(message: string): string | undefined {
  return /×\S+ forward and ×\S+ backward over the stack of \d+ layers/.exec(message)?.[0];
}

describe('advice on real-code styles (test/fixtures/advice-styles)', () => {
  before(loadGrammar);

  it('has fixtures', () => {
    assert.ok(NAMES.length >= 7, NAMES.join(', '));
  });

  for (const name of NAMES) {
    it(`${name}: gives exactly the expected findings, in words, with hints that agree`, () => {
      const expected = (JSON.parse(fs.readFileSync(path.join(DIR, `${name}.findings.json`), 'utf8')) as { findings: Expected[] }).findings;
      const { graph, advice } = analysed(name);
      assert.deepEqual(advice.findings.map(key).sort(), expected.map(key).sort(), advice.findings.map((f) => f.message).join('\n'));
      for (const want of expected) {
        const finding = advice.findings.find((f) => key(f) === key(want))!;
        for (const part of want.includes ?? []) {
          assert.ok(finding.message.includes(part), `${finding.message}\n  lacks: ${part}`);
        }
      }
      const bySeverity = new Map<string, string>();
      for (const finding of advice.findings) {
        assert.doesNotMatch(finding.message, /×\?|NaN|Infinity/, finding.message);
        const drift = statedDrift(finding.message);
        if (drift) {
          const seen = bySeverity.get(`${finding.model} ${drift}`);
          assert.ok(seen === undefined || seen === finding.severity, `${finding.message}: ${finding.severity}, another layer quoting ${drift} is ${seen}`);
          bySeverity.set(`${finding.model} ${drift}`, finding.severity);
        }
      }
      for (const model of graph.models) {
        for (const layer of model.layers) {
          const signal = advice.signals.find((s) => s.model === model.name && s.layer === layer.name);
          const hint = layerHint(layer, signal, 1.25, 'full', model.framework);
          if (!hint) {
            continue;
          }
          const text = `${hint.label}\n${plainTextOf(hint.details)}`;
          assert.doesNotMatch(text, /×\?|= \?|NaN|Infinity/, text);
          const mismatch = advice.findings.some(
            (f) => findingCovers(f, model.name, layer.name) && f.rule.startsWith('init-') && f.rule !== 'init-residual' && f.rule !== 'init-recurrent',
          );
          assert.equal(hint.mismatch, mismatch, `${model.name}.${layer.name}: hint ${hint.label}`);
        }
      }
    });
  }

  it('predicts the drift through eps = 0.8 BatchNorms as real PyTorch measures it (within 5 %)', () => {
    const measured = JSON.parse(fs.readFileSync(path.join(DIR, 'gan_batchnorm_eps.torch.json'), 'utf8')) as { forward: number; backward: number };
    const signal = analysed('gan_batchnorm_eps').advice.signals.find((s) => s.model === 'Generator' && s.layer === 'model.0')!;
    assert.equal(signal.depth, 4);
    assert.ok(Math.abs(signal.forwardDrift! / measured.forward - 1) < 0.05, `forward ${signal.forwardDrift} vs ${measured.forward}`);
    assert.ok(Math.abs(signal.backwardDrift! / measured.backward - 1) < 0.05, `backward ${signal.backwardDrift} vs ${measured.backward}`);
  });

  it('marks the gates of a hand-written GRU as product joins and ends each stack there', () => {
    const { graph, advice } = analysed('gru_cell_handwritten');
    const model = graph.models.find((m) => m.name === 'CharGRU')!;
    for (const gate of ['cell.xh_to_r', 'cell.xh_to_hbar', 'cell.xh_to_z']) {
      assert.equal(model.layers.find((l) => l.name === gate)!.join, 'product', gate);
      assert.equal(advice.signals.find((s) => s.model === 'CharGRU' && s.layer === gate)!.depth, 1, gate);
    }
  });

  it('leaves a norm of a residual sum unmarked as a branch end (post-norm)', () => {
    const { graph } = analysed('sam_two_way_postnorm');
    const block = graph.models.find((m) => m.name === 'TwoWayBlock')!;
    assert.deepEqual(
      block.layers.filter((l) => l.residual).map((l) => l.name),
      ['self_attn.out_proj', 'cross_attn_image_to_token.out_proj'],
    );
  });

  it('chains a stack along data-flow edges: a second head and a lateral conv branch from the layer that feeds them', () => {
    const { graph, advice } = analysed('heads_and_skips');
    const heads = graph.models.find((m) => m.name === 'MultiTaskHeads')!;
    assert.deepEqual(heads.layers.find((l) => l.name === 'depth_hidden')!.inputs, ['trunk']);
    const depth = (model: string, layer: string) => advice.signals.find((s) => s.model === model && s.layer === layer)?.depth;
    assert.equal(depth('MultiTaskHeads', 'depth_hidden'), 2);
    assert.equal(depth('ActorCritic', 'critic.0'), 2);
    // enc1.0 → enc1.2 → enc2.0 → enc2.2 → lateral2, not after the bottleneck it follows in the code.
    assert.equal(depth('TinyUNet', 'lateral2'), 5);
    assert.equal(depth('TinyUNet', 'bottleneck.2'), 6);
    // A layer of the trunk has one signal, from its own stack.
    assert.equal(advice.signals.filter((s) => s.model === 'MultiTaskHeads' && s.layer === 'trunk').length, 1);
  });

  it('reads torch.mul, torch.multiply and a.mul(b) as products, torch.add and a.add(b) as sums', () => {
    const { graph } = analysed('gates_by_call');
    const layers = (name: string) => graph.models.find((m) => m.name === name)!.layers;
    const lstm = layers('LSTMCellByCalls');
    for (const gate of ['x2i', 'h2i', 'x2f', 'h2f', 'x2g', 'h2g', 'x2o', 'h2o']) {
      const layer = lstm.find((l) => l.name === gate)!;
      assert.equal(layer.join, 'sum', gate);
      assert.notEqual(layer.activation, 'unknown', gate);
    }
    const conv = layers('GatedConvStack');
    assert.equal(conv.find((l) => l.name === 'gate')!.join, 'product');
    assert.equal(conv.find((l) => l.name === 'pre2')!.join, undefined);
  });

  it('marks residual ends whose block normalises the sum as post-norm, never the ends of pre-norm blocks', () => {
    const { graph } = analysed('postnorm_out_proj');
    const postNorm = (model: string) =>
      graph.models
        .find((m) => m.name === model)!
        .layers.filter((l) => l.postNorm)
        .map((l) => l.name);
    assert.deepEqual(postNorm('PostNormEncoder'), [
      'layers.0.attn_out',
      'layers.0.fc_out',
      'layers.1.attn_out',
      'layers.1.fc_out',
      'layers.2.attn_out',
      'layers.2.fc_out',
      'layers.3.attn_out',
      'layers.3.fc_out',
    ]);
    assert.deepEqual(postNorm('PreNormEncoder'), []);
  });

  it('takes BatchNorm without running statistics or without affine parameters as a norm', () => {
    const { graph } = analysed('maml_batchnorm_flags');
    const normalized = graph.models.flatMap((m) => m.layers.filter((l) => l.normalized).map((l) => `${m.name}.${l.name}`));
    assert.deepEqual(normalized, [
      'FewShotConvNet.features.0.0',
      'FewShotConvNet.features.1.0',
      'FewShotConvNet.features.2.0',
      'FewShotConvNet.features.3.0',
      'AffineFreeMLP.fc1',
      'AffineFreeMLP.fc2',
    ]);
  });
});
