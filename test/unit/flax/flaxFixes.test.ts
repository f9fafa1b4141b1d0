/**
 * Flax fixes: every fix on every Flax fixture applies, leaves a file that parses, and removes that
 * layer's finding (the shared check of support/fixChecks.ts); fixes keep the call's layout (one line, one argument per line, trailing comma,
 * CRLF, tabs) and use the initializers module the file imports.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { spellInitializer } from '../../../src/core/frameworks/flax/fixes';
import { jaxInitVariance } from '../../../src/core/frameworks/flax/initializers';
import { recommendFor } from '../../../src/core/advice/recommend';
import type { ArgValue } from '../../../src/core/graph';
import { applyEdits } from '../support/edits';
import { checkFix } from '../support/fixChecks';
import { loadGrammar } from '../support/python';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'flax');

function fixed(text: string, name: string) {
  const analysis = analyzeFile(text, name);
  return analysis.advice.findings.filter((f) => f.fix).map((finding) => ({ finding, after: applyEdits(text, finding.fix!.edits) }));
}

const MLP = (call: (width: string) => string, eol = '\n') =>
  [
    'import flax.linen as nn',
    '',
    'class MLP(nn.Module):',
    '  @nn.compact',
    '  def __call__(self, x):',
    '    x = nn.Dense(64)(x)',
    ...[1, 2, 3, 4].flatMap(() => [`    x = ${call('64')}(x)`, '    x = nn.relu(x)']),
    '    return nn.Dense(10)(x)',
    '',
  ].join(eol);

describe('Flax fixes', function () {
  this.timeout(60_000);
  before(loadGrammar);

  const names = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.py'));

  it('fixtures offer fixes to check (at least 10 over all files)', () => {
    const count = names.reduce((n, name) => n + fixed(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name).length, 0);
    assert.ok(count >= 10, `only ${count} fixes`);
  });

  for (const name of names) {
    it(`every fix in ${name} parses and removes its layer's finding`, () => {
      const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
      const analysis = analyzeFile(text, name);
      for (const finding of analysis.advice.findings.filter((f) => f.fix)) {
        // The shared check (parses, line endings, layers kept, finding gone, idempotent), then Flax's own notes.
        const again = analyzeFile(checkFix(text, name, analysis, finding), name);
        assert.ok(!again.graph.notes.some((n) => /syntax error/.test(n)), `${finding.layer}: the fixed file parses (${again.graph.notes.join('; ')})`);
        const model = again.graph.models.find((m) => m.name === finding.model)!;
        assert.ok(
          model.layers.some((l) => l.name === finding.layer),
          `${finding.layer} still exists`,
        );
      }
    });
  }

  it('adds kernel_init with the module alias of the layer, on one line', () => {
    const text = MLP((w) => `nn.Dense(${w})`);
    const [first] = fixed(text, 'mlp.py');
    assert.ok(first);
    assert.match(first.after, /x = nn\.Dense\(64, kernel_init=nn\.initializers\.he_normal\(\)\)\(x\)/);
  });

  it('keeps one argument per line, the trailing comma, CRLF and tabs', () => {
    const text = MLP((w) => `nn.Dense(\r\n\t\t${w},\r\n\t\tuse_bias=True,\r\n\t)`, '\r\n');
    const [first] = fixed(text, 'mlp.py');
    assert.ok(first);
    assert.ok(first.after.includes('\t\tuse_bias=True,\r\n\t\tkernel_init=nn.initializers.he_normal(),\r\n\t)'), JSON.stringify(first.after.slice(0, 400)));
    assert.ok(!/[^\r]\n/.test(first.after), 'no bare LF introduced');
  });

  it('rewrites an existing kernel_init in place, leaving the rest of the call alone', () => {
    const text = MLP((w) => `nn.Dense(${w}, kernel_init=nn.initializers.lecun_normal(), use_bias=False)`);
    const [first] = fixed(text, 'mlp.py');
    assert.ok(first);
    assert.ok(first.after.includes('nn.Dense(64, kernel_init=nn.initializers.he_normal(), use_bias=False)'));
  });

  it('applying every fix once leaves nothing to fix (idempotent)', () => {
    let text = MLP((w) => `nn.Dense(${w})`);
    for (let round = 0; round < 6; round++) {
      const next = fixed(text, 'mlp.py')[0];
      if (!next) {
        break;
      }
      text = next.after;
    }
    assert.equal(fixed(text, 'mlp.py').length, 0);
    assert.equal((text.match(/kernel_init=/g) ?? []).length, 4, 'one keyword per fixed layer');
  });

  it('uses nnx.initializers in nnx code, jax.nn.initializers or a bare initializers import otherwise', () => {
    const nnx = fs.readFileSync(path.join(FIXTURES, 'nnx_mlp.py'), 'utf8');
    assert.ok(fixed(nnx, 'nnx_mlp.py').every(({ finding }) => finding.fix!.edits[0]!.newText.includes('nnx.initializers.')));
    const partial = fs.readFileSync(path.join(FIXTURES, 'linen_partial_factories.py'), 'utf8');
    const fixes = fixed(partial, 'p.py');
    assert.ok(fixes.length > 0 && fixes.every(({ finding }) => /^, kernel_init=initializers\.variance_scaling/.test(finding.fix!.edits[0]!.newText)));
  });

  it('spells each recommendation as a JAX initializer with exactly the recommended variance', () => {
    const fans = { fanIn: 300, fanOut: 100 };
    const shape = [300, 100];
    for (const [activation, params] of [
      ['relu', {}],
      ['leaky_relu', { negative_slope: 0.2 }],
      ['tanh', {}],
      ['sigmoid', {}],
      ['selu', {}],
      ['gelu', { approximate: 'none' }],
      ['silu', {}],
    ] as const) {
      const recommendation = recommendFor({ name: activation, params, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } })!;
      const spelled = spellInitializer(recommendation, 'nn.initializers', '"')!;
      const match = /\.(\w+)\((.*)\)$/.exec(spelled)!;
      const [, name, rawArgs] = match;
      const parts = rawArgs!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const args: Record<string, ArgValue> =
        name === 'variance_scaling' ? { scale: Number(parts[0]), mode: JSON.parse(parts[1]!) as string, distribution: JSON.parse(parts[2]!) as string } : {};
      const got = jaxInitVariance(name!, args, shape)!;
      const wanted =
        recommendation.gain !== undefined
          ? recommendation.gain ** 2 / fans.fanIn
          : activation === 'relu'
            ? 2 / 300
            : activation === 'leaky_relu'
              ? 2 / (1 + 0.04) / 300
              : activation === 'selu'
                ? 1 / 300
                : activation === 'tanh'
                  ? (2 * (5 / 3) ** 2) / 400
                  : 2 / 400;
      assert.ok(Math.abs(got / wanted - 1) < 1e-5, `${activation}: ${spelled} gives ${got}, wanted ${wanted}`);
    }
  });
});
