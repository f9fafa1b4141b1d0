/**
 * Golden fixtures (Keras): each test/fixtures/keras/NAME.py against NAME.graph.json, compared as a
 * subset like the PyTorch fixtures (see test/fixtures/keras/README.md).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../src/core/analyze';
import { graphJson, type LayerJson } from '../../src/core/graphJson';
import { loadGrammar } from './support/python';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'keras');

interface ExpectedGraph {
  models: { name: string; layers: Partial<LayerJson>[] }[];
}

/** Compares expected ⊆ actual; numbers to a relative 1e-6; missing keys equal null; symbolic fans only need to be symbolic. */
function mismatches(expected: unknown, actual: unknown, where: string, out: string[]): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(Math.abs(expected), Math.abs(actual), 1e-300);
    if (Math.abs(expected - actual) / scale > 1e-6) {
      out.push(`${where}: expected ${expected}, got ${actual}`);
    }
    return;
  }
  if (typeof expected === 'string' && typeof actual === 'string' && (where.endsWith('.fanIn') || where.endsWith('.fanOut'))) {
    return;
  }
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object') {
      out.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    for (const [key, value] of Object.entries(expected)) {
      mismatches(value, (actual as Record<string, unknown>)[key] ?? null, `${where}.${key}`, out);
    }
    return;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual ?? null)) {
    out.push(`${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

describe('golden fixtures (Keras)', () => {
  before(loadGrammar);
  const pairs = fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.graph.json'))
    .map((f) => f.replace(/\.graph\.json$/, ''));

  it('has at least 15 fixture pairs', () => {
    assert.ok(pairs.length >= 15, `only ${pairs.length} pairs`);
  });

  for (const name of pairs) {
    it(`${name}.py extracts the graph in ${name}.graph.json`, () => {
      const source = fs.readFileSync(path.join(FIXTURES, `${name}.py`), 'utf8');
      const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.graph.json`), 'utf8')) as ExpectedGraph;
      const file = analyzeText(source, `${name}.py`);
      assert.equal(file.framework, 'keras');
      assert.ok(file.models.every((model) => model.framework === 'keras'), 'every model is marked keras');
      const actual = graphJson([file]).files[0]!;
      const problems: string[] = [];
      assert.deepEqual(actual.models.map((m) => m.name).sort(), expected.models.map((m) => m.name).sort(), 'model names');
      for (const model of expected.models) {
        const got = actual.models.find((m) => m.name === model.name)!;
        assert.deepEqual(got.layers.map((l) => l.name), model.layers.map((l) => l.name), `${model.name}: layer names in forward order`);
        model.layers.forEach((layer, index) => mismatches(layer, got.layers[index], `${model.name}.${layer.name}`, problems));
      }
      assert.deepEqual(problems, []);
    });
  }
});
