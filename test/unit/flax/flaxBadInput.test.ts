/**
 * Bad input for the Flax adapter: analyzeFile never throws on Flax fixtures cut at many offsets,
 * with CRLF line endings or tab indentation (same graph), or on broken Flax constructs; layers
 * before a break are still found.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import { graphJson } from '../../../src/core/graphJson';
import { applyEdits } from '../support/edits';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'flax');
const NAMES = fs
  .readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.py'))
  .sort();

function analyze(text: string, label: string): FileAnalysis {
  let analysis: FileAnalysis;
  try {
    analysis = analyzeFile(text, label);
  } catch (error) {
    throw new Error(`analyzeFile threw on ${label}: ${(error as Error).stack ?? String(error)}`);
  }
  assert.doesNotThrow(() => JSON.stringify(graphJson([analysis.graph])), `${label}: serialises`);
  const lines = text.split('\n').length;
  for (const finding of analysis.advice.findings) {
    assert.ok(finding.range.start.line >= 0 && finding.range.end.line < lines, `${label}: ${finding.layer} inside the text`);
    if (finding.fix) {
      const fix = finding.fix;
      assert.doesNotThrow(() => applyEdits(text, fix.edits), `${label}: the fix for ${finding.layer} applies`);
    }
  }
  return analysis;
}

/** What must not change with line endings or indentation: names, types, activations, inits, lines. */
function summary(analysis: FileAnalysis) {
  return analysis.graph.models.map((model) => ({
    model: model.name,
    layers: model.layers.map((l) => ({
      name: l.name,
      type: l.type,
      fans: [l.fanIn, l.fanOut],
      activation: l.activation === null || l.activation === 'unknown' ? l.activation : l.activation.name,
      init: Object.fromEntries(Object.entries(l.init).map(([k, v]) => [k, v ? [v.name, v.variance] : null])),
      line: l.range.start.line,
    })),
  }));
}

describe('bad input (Flax)', function () {
  this.timeout(120_000);
  before(loadGrammar);

  for (const name of NAMES) {
    it(`never throws on ${name} cut at 50 evenly spaced offsets`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      for (let k = 1; k <= 50; k++) {
        const cut = Math.round((text.length * k) / 51);
        analyze(text.slice(0, cut), `${name} cut at ${cut}/${text.length}`);
      }
    });

    it(`${name} gives the same graph with CRLF line endings and with tab indentation`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const base = summary(analyze(text, name));
      assert.deepEqual(summary(analyze(text.replace(/\n/g, '\r\n'), `${name} CRLF`)), base);
      // Two-space indents → one tab each (consistent, so Python reads the same blocks).
      const tabbed = text.replace(/^((?: {2})+)/gm, (spaces) => '\t'.repeat(spaces.length / 2));
      assert.deepEqual(summary(analyze(tabbed, `${name} tabs`)), base);
    });
  }

  it('finds the layers before a half-typed line inside a compact __call__', () => {
    const text = [
      'import flax.linen as nn',
      '',
      'class Net(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    x = nn.relu(nn.Dense(64)(x))',
      '    x = nn.relu(nn.Dense(64)(x))',
      '    x = nn.Dense(64, kernel_init=nn.initializers.',
      '    return nn.Dense(10)(x)',
      '',
      'class Head(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    return nn.tanh(nn.Dense(8)(x))',
      '',
    ].join('\n');
    const analysis = analyze(text, 'half-typed');
    assert.ok(analysis.graph.notes.some((n) => /syntax error/.test(n)));
    const net = analysis.graph.models.find((m) => m.name === 'Net')!;
    assert.deepEqual(
      net.layers.slice(0, 2).map((l) => l.name),
      ['Dense_0', 'Dense_1'],
    );
    assert.deepEqual(
      analysis.graph.models.find((m) => m.name === 'Head')!.layers.map((l) => l.name),
      ['Dense_0'],
    );
  });

  it('never throws on self-recursive modules, unknown bases, huge loops and odd values', () => {
    const text = [
      'import flax.linen as nn',
      'from flax import nnx',
      'import somelib',
      '',
      'class Loop(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    return Loop()(x)',
      '',
      'class Big(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    for i in range(10**9):',
      '      x = nn.Dense(4)(x)',
      '    while True:',
      '      x = nn.relu(x)',
      '    return somelib.magic(x)[::2]',
      '',
      'class Odd(nnx.Module):',
      '  def __init__(self, *args, **kwargs):',
      '    self.layers = [nnx.Linear(*args, **kwargs) for _ in kwargs]',
      '    self.conv = nnx.Conv(3, 8, kernel_size=None, rngs=None)',
      '  def __call__(self, x, *rest, **kw):',
      '    for layer in self.layers:',
      '      x = layer(x)',
      '    return self.conv(x) + self.conv',
      '',
      'class Sub(somelib.Base, nn.Module):',
      '  features: int = "abc"',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    return nn.Dense(self.features, kernel_init=nn.initializers.variance_scaling("a", 1, None))(x)',
      '',
    ].join('\n');
    const analysis = analyze(text, 'odd');
    assert.ok(analysis.graph.models.some((m) => m.name === 'Sub'));
  });
});
