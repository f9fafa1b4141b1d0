/**
 * A quick run of the two speed bars alone (`npm run bench:focus`; nothing is written to BENCHMARKS.md):
 * the bench's 100 edits of the generated file through the incremental path (wall and CPU time,
 * p50/p95, each result checked equal to a fresh analysis), and `analyzeText` of the generated file
 * and of the fixtures against the bare parse (medians). Run it under `node --cpu-prof` to see where
 * an edit's time goes. `BENCH_FOCUS=edits` or `=whole` runs one half; `BENCH_NO_CHECK=1` skips the
 * equality check (for a profile of the edits alone); `BENCH_VERBOSE=1` prints each edit's times and reuse counts.
 * Under `--cpu-prof`: `node --cpu-prof -e "require('./out/focus.js').main('.').then(() => process.exit(0))"`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { analyzeText } from '../../src/core/analyze';
import { analyzeFile } from '../../src/core/engine';
import { IncrementalCache } from '../../src/core/incremental/cache';
import { DocumentTrees } from '../../src/core/python/documentTrees';
import { loadPython, parsePython } from '../../src/core/python/parser';
import { nodeWasmLocation } from '../../src/node/wasmLocation';
import { editSpecs } from './editSpecs';
import { generateModelFile } from './generate';

const now = () => performance.now();

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

const cpuMs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

/** The bench's workload 3 through the editor's path; returns the p50/p95 line. */
function edits(base: string): string {
  const trees = new DocumentTrees();
  const cache = new IncrementalCache();
  const analyze = (text: string) => analyzeFile(text, 'edited.py', { tree: trees.update('doc', text), incremental: cache });
  const wall: number[] = [];
  const cpu: number[] = [];
  let same = 0;
  const all = [...editSpecs(base, 5, 99), ...editSpecs(base, 100, 7)];
  all.forEach((spec, i) => {
    const text = base.slice(0, spec.index) + spec.insert + base.slice(spec.index);
    analyze(base);
    const tree = trees.update('doc', text);
    const c = process.cpuUsage();
    const t = now();
    const result = analyzeFile(text, 'edited.py', { tree, incremental: cache });
    const dt = now() - t;
    const dc = cpuMs(c);
    if (i >= 5) {
      wall.push(dt);
      cpu.push(dc);
      if (process.env.BENCH_VERBOSE) {
        console.log(`${dt.toFixed(1)} ${dc.toFixed(1)} ${spec.kind} ${JSON.stringify(cache.stats)}`);
      }
      same += process.env.BENCH_NO_CHECK ? 1 : isDeepStrictEqual(result, analyzeFile(text, 'edited.py')) ? 1 : 0;
    }
  });
  trees.dispose();
  const f = (x: number) => x.toFixed(1);
  return (
    `edits: wall p50 ${f(quantile(wall, 0.5))} ms, p95 ${f(quantile(wall, 0.95))} ms; ` +
    `CPU p50 ${f(quantile(cpu, 0.5))} ms, p95 ${f(quantile(cpu, 0.95))} ms; identical ${same}/${wall.length}`
  );
}

/** analyzeText against the bare parse, medians of 10 rounds after 3 (order alternated). */
function whole(name: string, texts: string[]): string {
  const parse: number[] = [];
  const analysis: number[] = [];
  for (let round = 0; round < 13; round++) {
    const runs = [() => texts.forEach((text) => parsePython(text)!.delete()), () => texts.forEach((text) => analyzeText(text, 'whole.py'))];
    const times = [0, 0];
    for (const k of round % 2 ? [1, 0] : [0, 1]) {
      const t = now();
      runs[k]!();
      times[k] = now() - t;
    }
    if (round >= 3) {
      parse.push(times[0]!);
      analysis.push(times[1]!);
    }
  }
  const p = quantile(parse, 0.5);
  const a = quantile(analysis, 0.5);
  return `${name}: parse ${p.toFixed(1)} ms, analyzeText ${a.toFixed(1)} ms, ratio ${(a / p).toFixed(2)}x`;
}

/** Runs the chosen halves and prints one line each, with the load average around them. */
export async function main(root: string): Promise<void> {
  await loadPython(nodeWasmLocation());
  const which = process.env.BENCH_FOCUS ?? 'all';
  const generated = generateModelFile(5000);
  const load = () => os.loadavg()[0]!.toFixed(1);
  console.log(`load ${load()}`);
  if (which === 'all' || which === 'edits') {
    console.log(edits(generated));
  }
  if (which === 'all' || which === 'whole') {
    const fixtureDir = path.join(root, 'test', 'fixtures', 'pytorch');
    const fixtures = fs
      .readdirSync(fixtureDir)
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f) => fs.readFileSync(path.join(fixtureDir, f), 'utf8'));
    console.log(whole('generated file', [generated]));
    console.log(whole(`fixtures (${fixtures.length})`, fixtures));
  }
  console.log(`load ${load()}`);
}
