/**
 * Deliberate inits, each framework's own words and fixes that say what they touch, on the real-code
 * styles of test/fixtures/advice-styles (README there): adaLN-Zero gates, stds written by hand,
 * Keras and Flax findings without `torch.nn.init`, CNN residual advice without "n_layer", and fix
 * titles that name the shared class, the output layer and the std they replace.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writtenStd, zeroInit } from '../../../src/core/advice/deliberate';
import { findingCovers } from '../../../src/core/advice/findingsByRange';
import { spelledInit } from '../../../src/core/advice/frameworkWords';
import { layerHint } from '../../../src/core/advice/hints';
import { plainTextOf } from '../../../src/core/advice/markdown';
import { recommendFor } from '../../../src/core/advice/recommend';
import { RULES } from '../../../src/core/advice/rules';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import type { InitInForce } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

const DIR = path.join(__dirname, '..', '..', 'fixtures', 'advice-styles');
const RANGE = { start: { line: 4, column: 8 }, end: { line: 4, column: 40 } };

function analysed(name: string): FileAnalysis {
  return analyzeFile(fs.readFileSync(path.join(DIR, `${name}.py`), 'utf8'), `${name}.py`);
}

function fixTitle(analysis: FileAnalysis, model: string, layer: string): string {
  // A line built in several places is one finding naming its instances.
  const finding = analysis.advice.findings.find((f) => findingCovers(f, model, layer));
  assert.ok(finding?.fix, `${model}.${layer} has a fix`);
  return finding.fix.title;
}

function init(name: string, args: InitInForce['args'], variance: number | null, source: InitInForce['source'] = 'call'): InitInForce {
  return { name, args, source, variance, range: RANGE };
}

describe('deliberate inits, framework wording and fix scope', () => {
  before(loadGrammar);

  it('reads a std written by hand in each framework, and nothing else', () => {
    assert.equal(writtenStd(init('normal', { std: 0.02 }, 4e-4)), 0.02);
    assert.equal(writtenStd(init('trunc_normal', { std: 0.01 }, null)), 0.01);
    assert.equal(writtenStd(init('random_normal', { stddev: 0.05 }, null)), 0.05);
    assert.equal(writtenStd(init('kaiming_normal', { nonlinearity: 'relu' }, null)), null);
    assert.equal(writtenStd(init('normal', { std: 0.02 }, null, 'default')), null);
    assert.equal(writtenStd(init('normal', { std: { expr: 'cfg.std' } }, null)), null);
    assert.ok(zeroInit(init('constant', { val: 0 }, 0)));
    assert.ok(zeroInit(init('zeros', {}, 0)));
    assert.ok(!zeroInit(init('constant', { val: 1 }, 0)));
  });

  it('gives no residual advice on adaLN-Zero branch ends, and only information on the N(0, 0.02) timestep MLP', () => {
    const analysis = analysed('dit_adaln_zero');
    assert.deepEqual(
      analysis.advice.findings.filter((f) => f.rule === 'init-residual'),
      [],
    );
    const tuned = analysis.advice.findings.filter((f) => f.layer.startsWith('t_embedder.'));
    assert.equal(tuned.length, 2);
    for (const finding of tuned) {
      assert.equal(finding.severity, 'information');
      assert.match(finding.message, /The std 0\.02 is a fixed choice .*: it may be deliberate\./);
    }
    assert.match(fixTitle(analysis, 'TinyDiT', 't_embedder.mlp.0'), /\(replaces the std=0\.02 written on line 96\)$/);
  });

  it('keeps the warning for a deep trunk of hand-written stds', () => {
    const text = [
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      '',
      '',
      'class Deep(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.layers = nn.ModuleList([nn.Linear(512, 512) for _ in range(5)])',
      '        self.out = nn.Linear(512, 10)',
      '        for layer in self.layers:',
      '            nn.init.normal_(layer.weight, std=0.02)',
      '',
      '    def forward(self, x):',
      '        for layer in self.layers:',
      '            x = F.relu(layer(x))',
      '        return self.out(x)',
      '',
    ].join('\n');
    const findings = analyzeFile(text, 'deep.py').advice.findings;
    assert.ok(findings.length > 0);
    for (const finding of findings) {
      assert.equal(finding.severity, 'warning', finding.message);
      assert.doesNotMatch(finding.message, /deliberate/);
      assert.match(finding.fix?.title ?? '', /replaces the std=0\.02 written on line 11/);
    }
  });

  it('keeps the warning for a stack whose std is not written by hand', () => {
    const analysis = analysed('shared_fixes');
    const encoder = analysis.advice.findings.filter((f) => f.model === 'Encoder');
    assert.deepEqual(
      encoder.map((f) => f.severity),
      ['warning', 'warning'],
    );
    assert.ok(encoder.every((f) => !f.message.includes('deliberate')));
  });

  it('says in the fix title when the edit changes a class other models share', () => {
    const analysis = analysed('shared_fixes');
    assert.equal(fixTitle(analysis, 'Encoder', 'block.fc1'), 'Use He init for block.fc1 in class Block, used by 2 models (Encoder, Decoder)');
    assert.equal(fixTitle(analysis, 'Decoder', 'block.fc2'), 'Use He init for block.fc2 in class Block, used by 2 models (Encoder, Decoder)');
  });

  it('says so in a Flax fix title too, when the module class is built by two models', () => {
    const analysis = analysed('flax_shared_block');
    assert.equal(fixTitle(analysis, 'Decoder', 'Block_0.Dense_1'), 'Use He init for Block_0.Dense_1 in class Block, used by 2 models (Encoder, Decoder)');
  });

  it("documents each mismatch rule's advice in Keras' and Flax's words", () => {
    for (const code of ['init-relu', 'init-tanh-sigmoid', 'init-selu', 'init-gain'] as const) {
      const docs = RULES[code].docs.whatItDoes;
      assert.match(docs, /In Keras: `kernel_initializer=[^`]+`.*in Flax: `kernel_init=nn\.initializers\.[^`]+`/, docs);
    }
  });

  it('says in the fix title when a loop would also re-initialise the output layer', () => {
    const analysis = analysed('shared_fixes');
    assert.equal(fixTitle(analysis, 'Policy', 'net.2'), 'Use He init for net.2 (every Linear in self.net, also re-initialises the output layer `net.4`)');
  });

  it('never overwrites a tuned std without saying so', () => {
    const analysis = analysed('shared_fixes');
    assert.equal(fixTitle(analysis, 'TunedMLP', 'fc1'), 'Use He init for fc1 (replaces the std=0.02 written on line 52)');
    assert.equal(fixTitle(analysis, 'TunedMLP', 'fc2'), 'Use He init for fc2 (replaces the std=0.02 written on line 53)');
  });

  for (const [name, framework, words] of [
    ['keras_mlp_words', 'keras', 'keras.initializers.HeNormal() ("he_normal")'],
    ['flax_mlp_words', 'flax', 'nn.initializers.he_normal()'],
  ] as const) {
    it(`${framework}: messages, fix titles and hovers name ${framework === 'keras' ? 'Keras' : 'JAX'} initializers, never torch.nn.init`, () => {
      const analysis = analysed(name);
      assert.equal(analysis.advice.findings.length, 3);
      for (const finding of analysis.advice.findings) {
        assert.ok(finding.message.includes(words), finding.message);
        assert.doesNotMatch(`${finding.message}\n${finding.fix?.title ?? ''}`, /torch|PyTorch|kaiming/);
      }
      const model = analysis.graph.models[0]!;
      let hovers = 0;
      for (const layer of model.layers) {
        const signal = analysis.advice.signals.find((s) => s.layer === layer.name);
        const hint = layerHint(layer, signal, 1.25, 'full', framework);
        if (hint) {
          const text = `${hint.label}\n${plainTextOf(hint.details)}`;
          assert.doesNotMatch(text, /torch|PyTorch/, text);
          hovers += text.includes(words) ? 1 : 0;
        }
      }
      assert.equal(hovers, 3);
    });
  }

  it('spells every recommendation in Keras and JAX words, with the exact scale', () => {
    const act = (name: string, params: Record<string, number> = {}) => ({ name, params, range: RANGE });
    assert.equal(spelledInit(recommendFor(act('tanh'))!, 'keras'), 'keras.initializers.VarianceScaling(scale=2.778, mode="fan_avg", distribution="uniform")');
    assert.equal(spelledInit(recommendFor(act('selu'))!, 'flax'), 'nn.initializers.lecun_normal()');
    assert.equal(spelledInit(recommendFor(act('gelu'))!, 'flax'), 'nn.initializers.variance_scaling(2.352, "fan_in", "truncated_normal")');
    assert.equal(
      spelledInit(recommendFor(act('leaky_relu', { negative_slope: 0.2 }))!, 'keras'),
      'keras.initializers.VarianceScaling(scale=1.923, mode="fan_in", distribution="truncated_normal")',
    );
    assert.equal(spelledInit(recommendFor(act('relu'))!, 'pytorch'), null);
    assert.doesNotMatch(recommendFor(act('relu'), 'keras')!.citation, /torch/);
    assert.match(recommendFor(act('relu'), 'pytorch')!.citation, /torch\.nn\.init\.kaiming_normal_/);
  });

  it('speaks of residual blocks, not n_layer, for a CNN', () => {
    const findings = analysed('resnet_unscaled_ends').advice.findings;
    // The 8 block ends are one line built 8 times: one finding naming them.
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.instances?.length, 8);
    for (const finding of findings) {
      assert.doesNotMatch(finding.message, /n_layer/);
      assert.match(finding.message, /with 8 residual blocks/);
    }
  });
});
