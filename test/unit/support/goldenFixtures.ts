/**
 * One runner for the golden fixtures of every framework: each test/fixtures/FOLDER/NAME.py against
 * its hand-written NAME.graph.json, compared as a subset (the fields written there must match; see
 * the fixtures' READMEs).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText } from '../../../src/core/analyze';
import type { FileGraph } from '../../../src/core/graph';
import { graphJson, type LayerJson } from '../../../src/core/graphJson';
import { loadGrammar } from './python';

type GraphFileJson = ReturnType<typeof graphJson>['files'][number];

interface ExpectedGraph {
  models: { name: string; layers: Partial<LayerJson>[] }[];
}

export interface GoldenFixtureOptions {
  /** The describe title, e.g. 'golden fixtures (Keras)'. */
  title: string;
  /** The fewest NAME.graph.json pairs the folder must hold. */
  minimumPairs: number;
  /** Appended to the count test's title, with `check` asserting it on the pair names. */
  pairsAlso?: { title: string; check: (pairs: string[]) => void };
  /** Framework checks on each fixture's analysis and its JSON, before the graph is compared. */
  checkFile?: (analysis: FileGraph, json: GraphFileJson) => void;
  /** Further tests inside the same describe. */
  more?: () => void;
}

/** The folder of a framework's fixtures. */
export function fixtureFolder(folder: string): string {
  return path.join(__dirname, '..', '..', 'fixtures', folder);
}

/** The graph JSON of test/fixtures/FOLDER/NAME.py. */
export function fixtureGraph(folder: string, name: string): GraphFileJson {
  const source = fs.readFileSync(path.join(fixtureFolder(folder), `${name}.py`), 'utf8');
  return graphJson([analyzeText(source, `${name}.py`)]).files[0]!;
}

/** Compares expected ⊆ actual; numbers to a relative 1e-6; missing keys equal null. */
export function mismatches(expected: unknown, actual: unknown, where: string, out: string[]): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const scale = Math.max(Math.abs(expected), Math.abs(actual), 1e-300);
    if (Math.abs(expected - actual) / scale > 1e-6) {
      out.push(`${where}: expected ${expected}, got ${actual}`);
    }
    return;
  }
  if (typeof expected === 'string' && typeof actual === 'string' && (where.endsWith('.fanIn') || where.endsWith('.fanOut'))) {
    // A symbolic fan: both sides must be symbolic; the exact text of a symbol is not part of the contract.
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

/** A describe block: a count test, then one test per fixture pair of test/fixtures/FOLDER. */
export function describeGoldenFixtures(folder: string, options: GoldenFixtureOptions): void {
  const fixtures = fixtureFolder(folder);
  describe(options.title, () => {
    before(loadGrammar);
    const pairs = fs
      .readdirSync(fixtures)
      .filter((f) => f.endsWith('.graph.json'))
      .map((f) => f.replace(/\.graph\.json$/, ''));

    it(`has at least ${options.minimumPairs} fixture pairs${options.pairsAlso ? `, ${options.pairsAlso.title}` : ''}`, () => {
      assert.ok(pairs.length >= options.minimumPairs, `only ${pairs.length} pairs`);
      options.pairsAlso?.check(pairs);
    });

    for (const name of pairs) {
      it(`${name}.py extracts the graph in ${name}.graph.json`, () => {
        const source = fs.readFileSync(path.join(fixtures, `${name}.py`), 'utf8');
        const expected = JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.graph.json`), 'utf8')) as ExpectedGraph;
        const analysis = analyzeText(source, `${name}.py`);
        const actual = graphJson([analysis]).files[0]!;
        options.checkFile?.(analysis, actual);
        const problems: string[] = [];
        assert.deepEqual(actual.models.map((m) => m.name).sort(), expected.models.map((m) => m.name).sort(), 'model names');
        for (const model of expected.models) {
          const got = actual.models.find((m) => m.name === model.name)!;
          assert.deepEqual(
            got.layers.map((l) => l.name),
            model.layers.map((l) => l.name),
            `${model.name}: layer names in forward order`,
          );
          model.layers.forEach((layer, index) => mismatches(layer, got.layers[index], `${model.name}.${layer.name}`, problems));
        }
        assert.deepEqual(problems, []);
      });
    }

    options.more?.();
  });
}
