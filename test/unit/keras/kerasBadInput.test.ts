/**
 * Bad input for the Keras adapter: every fixture cut at many offsets, with CRLF and tab
 * indentation, never makes the analysis throw; what comes before a cut is still found; and the
 * CLI's `graph` and `check` run on a Keras file.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeFile } from '../../../src/core/engine';
import { graphJson } from '../../../src/core/graphJson';
import { applyEdits } from '../support/edits';
import { loadGrammar } from '../support/python';

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'keras');
const NAMES = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.py'))
  .sort();

function analyze(text: string, label: string) {
  let analysis;
  try {
    analysis = analyzeFile(text, label);
  } catch (error) {
    throw new Error(`analyzeFile threw on ${label}: ${(error as Error).stack ?? String(error)}`);
  }
  JSON.stringify(graphJson([analysis.graph]));
  const lineCount = text.split('\n').length;
  for (const finding of analysis.advice.findings) {
    assert.ok(finding.range.end.line < lineCount, `${label}: range inside the text`);
    if (finding.fix) {
      applyEdits(text, finding.fix.edits);
    }
  }
  return analysis;
}

describe('Keras bad input', function () {
  this.timeout(120_000);
  before(loadGrammar);

  for (const name of NAMES) {
    it(`${name} cut at 40 offsets, as LF, CRLF and tabs, never throws`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const forms = [text, text.replace(/\n/g, '\r\n'), text.replace(/^(?: {4})+/gm, (indent) => '\t'.repeat(indent.length / 4))];
      for (const [index, form] of forms.entries()) {
        for (let i = 1; i <= 40; i++) {
          const at = Math.floor((form.length * i) / 41);
          analyze(form.slice(0, at), `${name}[form ${index}] cut at ${at}`);
          analyze(form.slice(0, at) + ')](' + form.slice(at), `${name}[form ${index}] broken at ${at}`);
        }
      }
    });
  }

  it('gives the same layers for CRLF and tab-indented text as for the original', () => {
    for (const name of NAMES) {
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const summary = (t: string) =>
        analyzeFile(t, name).graph.models.map((m) => [m.name, m.layers.map((l) => [l.name, l.fanIn, l.fanOut, l.init.weight?.variance ?? null])]);
      const expected = summary(text);
      assert.deepEqual(summary(text.replace(/\n/g, '\r\n')), expected, `${name} CRLF`);
      assert.deepEqual(summary(text.replace(/^(?: {4})+/gm, (indent) => '\t'.repeat(indent.length / 4))), expected, `${name} tabs`);
    }
  });

  it('keeps the layers around a half-typed line', () => {
    const text = fs
      .readFileSync(path.join(FIXTURES, 'mnist_mlp_functional.py'), 'utf8')
      .replace('x = layers.Dense(256, activation="relu")(x)\n', 'x = layers.Dense(256, activation="relu")(\n');
    const analysis = analyze(text, 'half-typed');
    const names = analysis.graph.models.flatMap((m) => m.layers.map((l) => l.name));
    assert.deepEqual(names, ['dense', 'dense_1', 'dense_2', 'dense_3']);
  });

  it('survives self-recursive builders and huge loops within the budget', () => {
    const text =
      'import keras\nfrom keras import layers\n\ndef f(x):\n    return f(layers.Dense(4)(x))\n\nx = keras.Input((4,))\nm = keras.Model(x, f(x))\n\nfor i in range(10**9):\n    pass\n';
    analyze(text, 'recursive');
  });

  it('never throws on randomly edited fixtures, and gives the same result for the same text', () => {
    const texts = NAMES.map((name) => fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
    const alphabet = [...'()[]{}:,.=+-*/ \n\tabDenslayr0123456789\'"#'];
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      remove: fc.integer({ min: 0, max: 80 }),
      insert: fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }).map((c) => c.join('')),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: texts.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), fc.boolean(), (index, edits, crlf) => {
        let text = edits.reduce((t, e) => {
          const at = Math.floor(e.at * t.length);
          return t.slice(0, at) + e.insert + t.slice(at + e.remove);
        }, texts[index]!);
        if (crlf) {
          text = text.replace(/\r?\n/g, '\r\n');
        }
        const first = analyze(text, `${NAMES[index]} edited`);
        const second = analyzeFile(text, `${NAMES[index]} edited`);
        assert.deepEqual(JSON.parse(JSON.stringify(second)), JSON.parse(JSON.stringify(first)));
      }),
      { numRuns: 150 },
    );
  });

  describe('CLI', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

    it('graph --format json prints the Keras graph', () => {
      const run = cli('graph', path.join('test', 'fixtures', 'keras', 'resnet_v1_cifar.py'), '--format', 'json');
      assert.equal(run.status, 0, run.stderr);
      const json = JSON.parse(run.stdout) as { files: { framework: string; models: { name: string; layers: { name: string; fanIn: number }[] }[] }[] };
      assert.equal(json.files[0]!.framework, 'keras');
      assert.equal(json.files[0]!.models[0]!.name, 'resnet_v1');
      assert.equal(json.files[0]!.models[0]!.layers[0]!.fanIn, 27);
    });

    it('check reports the Keras warnings and exits 1', () => {
      const run = cli('check', path.join('test', 'fixtures', 'keras', 'vgg16_sequential_tf2.py'));
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stdout, /vgg16_sequential_tf2\.py:\d+:\d+: warning init-relu: conv2d_1: glorot_uniform gives Var\(W\)/);
    });
  });
});
