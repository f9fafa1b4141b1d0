/**
 * The benchmark (`npm run bench`): the bare tree-sitter parse of a text against the full analysis
 * of the same text (`analyzeText`, and `analyzeFile` with advice), on three workloads:
 *   1. all test/fixtures/pytorch/*.py files together,
 *   2. a generated ~5,000-line model file (./generate.ts),
 *   3. 100 one-character edits of that file, each re-analysed (p50/p95), in full and through the
 *      editor's incremental path (kept tree + IncrementalCache), checked equal to the full analysis.
 * Bundled by run.mjs into out/bench.js; writes BENCHMARKS.md at the repository root.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Edit, type Tree } from 'web-tree-sitter';
import { analyzeText } from '../../src/core/analyze';
import { analyzeFile, type FileAnalysis } from '../../src/core/engine';
import { IncrementalCache, type ReuseStats } from '../../src/core/incremental/cache';
import { DocumentTrees } from '../../src/core/python/documentTrees';
import { isDeepStrictEqual } from 'node:util';
import { loadPython, parsePython } from '../../src/core/python/parser';
// Namespace imports: the stage breakdown is optional and must not break the bench if these move.
import * as astModule from '../../src/core/python/ast';
import * as extractModule from '../../src/core/frameworks/pytorch/extract';
import { nodeWasmLocation } from '../../src/node/wasmLocation';
import { editSpecs, type EditSpec } from './editSpecs';
import { generateModelFile } from './generate';
import { benchCliCheck, benchCliScale, type CliCheckResult, type CliScaleRun } from './cliBench';
import { benchDependents, type DependentsResult } from './dependentsBench';

const WARMUP = 3;
const RUNS = 10;
const EDITS = 100;
const EDIT_WARMUP = 5;

interface Doc {
  path: string;
  text: string;
}

const now = () => performance.now();

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) {
    return NaN;
  }
  // Nearest rank.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}
const median = (samples: number[]) => quantile(samples, 0.5);

function parseOnce(text: string): void {
  const tree = parsePython(text);
  if (!tree) {
    throw new Error('the parser gave no tree');
  }
  tree.delete();
}

/** A walk with the same cursor accessors as toPyAst, building nothing: the floor of the copy's wasm crossings. */
function cursorWalk(tree: Tree): number {
  const cursor = tree.walk();
  let count = 0;
  for (;;) {
    const named = cursor.nodeIsNamed;
    count += cursor.nodeType.length;
    if (named) {
      const s = cursor.startPosition;
      const e = cursor.endPosition;
      count += cursor.startIndex + cursor.endIndex + s.row + e.row + (cursor.nodeIsMissing ? 1 : 0);
    }
    count += cursor.currentFieldName ? 1 : 0;
    if (cursor.gotoFirstChild()) {
      continue;
    }
    for (;;) {
      if (cursor.gotoNextSibling()) {
        break;
      }
      if (!cursor.gotoParent()) {
        cursor.delete();
        return count;
      }
    }
  }
}

interface StageTimes {
  parse: number;
  walk: number;
  toPyAst: number;
  extract: number;
}

const canBreakDown = typeof astModule.toPyAst === 'function' && typeof extractModule.extractPytorch === 'function';

/** Parse → cursor walk (reference) → toPyAst → extractPytorch, each timed, summed over the docs. */
function stages(docs: Doc[]): StageTimes {
  const out: StageTimes = { parse: 0, walk: 0, toPyAst: 0, extract: 0 };
  for (const doc of docs) {
    let t = now();
    const tree = parsePython(doc.text)!;
    out.parse += now() - t;
    t = now();
    cursorWalk(tree);
    out.walk += now() - t;
    t = now();
    const root = astModule.toPyAst(tree, doc.text);
    out.toPyAst += now() - t;
    tree.delete();
    t = now();
    extractModule.extractPytorch(root, doc.text, doc.path);
    out.extract += now() - t;
  }
  return out;
}

interface WholeResult {
  name: string;
  files: number;
  lines: number;
  bytes: number;
  parse: number;
  analyzeText: number;
  analyzeFile: number;
  stages?: StageTimes;
  sanity: string;
}

/** Workloads 1 and 2: warm-up, then RUNS rounds with the order of the measurements rotated; medians. */
function benchWhole(name: string, docs: Doc[]): WholeResult {
  const tasks: Record<string, () => void> = {
    parse: () => docs.forEach((d) => parseOnce(d.text)),
    analyzeText: () => docs.forEach((d) => analyzeText(d.text, d.path)),
    analyzeFile: () => docs.forEach((d) => analyzeFile(d.text, d.path)),
  };
  const samples: Record<string, number[]> = { parse: [], analyzeText: [], analyzeFile: [] };
  const stageSamples: StageTimes[] = [];
  const order = Object.keys(tasks);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let i = 0; i < order.length; i++) {
      const key = order[(i + round) % order.length]!;
      const t = now();
      tasks[key]!();
      const dt = now() - t;
      if (round >= WARMUP) {
        samples[key]!.push(dt);
      }
    }
    if (canBreakDown) {
      const s = stages(docs);
      if (round >= WARMUP) {
        stageSamples.push(s);
      }
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  let models = 0;
  let layers = 0;
  let findings = 0;
  let broken = 0;
  for (const d of docs) {
    const result = analyzeFile(d.text, d.path);
    models += result.graph.models.length;
    layers += result.graph.models.reduce((n, m) => n + m.layers.length, 0);
    findings += result.advice.findings.length;
    broken += result.graph.notes.some((n) => /syntax errors/.test(n)) ? 1 : 0;
  }
  const pick = (k: keyof StageTimes) => median(stageSamples.map((s) => s[k]));
  return {
    name,
    files: docs.length,
    lines: docs.reduce((n, d) => n + d.text.split('\n').length, 0),
    bytes: docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0),
    parse: median(samples.parse!),
    analyzeText: median(samples.analyzeText!),
    analyzeFile: median(samples.analyzeFile!),
    stages: canBreakDown ? { parse: pick('parse'), walk: pick('walk'), toPyAst: pick('toPyAst'), extract: pick('extract') } : undefined,
    sanity: `${models} models, ${layers} layers, ${findings} findings${broken ? `, ${broken} file(s) on the syntax-error path` : ''}`,
  };
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

interface EditSample {
  kind: EditSpec['kind'];
  parse: number;
  incremental: number;
  analyzeText: number;
  analyzeFile: number;
  broken: boolean;
}

/** Workload 3: each edit applied to the base text; full parse, incremental reparse, analyzeText, analyzeFile. */
function benchEdits(base: string, specs: EditSpec[], warmup: EditSpec[]): EditSample[] {
  const baseTree = parsePython(base)!;
  const out: EditSample[] = [];
  const all = [...warmup, ...specs];
  for (let i = 0; i < all.length; i++) {
    const spec = all[i]!;
    const text = base.slice(0, spec.index) + spec.insert + base.slice(spec.index);
    const start = pointAt(base, spec.index);
    let t = now();
    parseOnce(text);
    const parse = now() - t;
    const old = baseTree.copy();
    old.edit(
      new Edit({
        startIndex: spec.index,
        oldEndIndex: spec.index,
        newEndIndex: spec.index + spec.insert.length,
        startPosition: start,
        oldEndPosition: start,
        newEndPosition: { row: start.row, column: start.column + spec.insert.length },
      }),
    );
    t = now();
    const fresh = parsePython(text, old)!;
    const incremental = now() - t;
    fresh.delete();
    old.delete();
    // Alternate which analysis goes first, so neither always pays the other's garbage collection.
    let textTime: number;
    let fileTime: number;
    let broken: boolean;
    if (i % 2 === 0) {
      t = now();
      const graph = analyzeText(text, 'edited.py');
      textTime = now() - t;
      t = now();
      analyzeFile(text, 'edited.py');
      fileTime = now() - t;
      broken = graph.notes.some((n) => /syntax errors/.test(n));
    } else {
      t = now();
      const result = analyzeFile(text, 'edited.py');
      fileTime = now() - t;
      t = now();
      analyzeText(text, 'edited.py');
      textTime = now() - t;
      broken = result.graph.notes.some((n) => /syntax errors/.test(n));
    }
    if (i >= warmup.length) {
      out.push({ kind: spec.kind, parse, incremental, analyzeText: textTime, analyzeFile: fileTime, broken });
    }
    if (i % 10 === 9) {
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  baseTree.delete();
  return out;
}

interface IncrementalSample {
  kind: EditSpec['kind'];
  /** DocumentTrees.update: the diff against the previous text and the incremental reparse. */
  tree: number;
  /** analyzeFile with the kept tree and the document's IncrementalCache. */
  analysis: number;
  /** The process's CPU time (user + system) over the same call: less sensitive to other load than wall time. */
  analysisCpu: number;
  same: boolean;
  stats: ReuseStats;
}

/**
 * Workload 3, the editor's way: one document with a kept tree and an IncrementalCache. Before each
 * edit the document is back at the original text and analysed (not timed), as after the previous
 * keystroke's diagnostics; then the edited text is timed through `DocumentTrees.update` and the
 * incremental `analyzeFile`, and the result is compared with the full analysis (not timed).
 */
function benchIncremental(base: string, specs: EditSpec[], warmup: EditSpec[]): IncrementalSample[] {
  const trees = new DocumentTrees();
  const cache = new IncrementalCache();
  const analyze = (text: string): FileAnalysis => analyzeFile(text, 'edited.py', { tree: trees.update('doc', text), incremental: cache });
  const out: IncrementalSample[] = [];
  const all = [...warmup, ...specs];
  for (let i = 0; i < all.length; i++) {
    const spec = all[i]!;
    const text = base.slice(0, spec.index) + spec.insert + base.slice(spec.index);
    analyze(base);
    let t = now();
    const tree = trees.update('doc', text);
    const treeTime = now() - t;
    const cpu = process.cpuUsage();
    t = now();
    const result = analyzeFile(text, 'edited.py', { tree, incremental: cache });
    const analysis = now() - t;
    const cpuUsed = process.cpuUsage(cpu);
    const analysisCpu = (cpuUsed.user + cpuUsed.system) / 1000;
    const stats = { ...cache.stats };
    const same = isDeepStrictEqual(result, analyzeFile(text, 'edited.py'));
    if (i >= warmup.length) {
      out.push({ kind: spec.kind, tree: treeTime, analysis, analysisCpu, same, stats });
    }
    if (i % 10 === 9) {
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  trees.dispose();
  return out;
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** Runs everything, prints the report and writes BENCHMARKS.md in `root`. */
const SCAN_FILES = 2000;

/** Workload 4: the workspace scan's core — generated files of 40–200 lines, analysed one after another. */
function benchScan(texts: string[]): { seconds: number; filesPerSecond: number; lines: number; peakRssMb: number; startRssMb: number; peakHeapMb: number } {
  const count = texts.length;
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
  const mb = (bytes: number) => bytes / (1024 * 1024);
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = process.memoryUsage().heapUsed;
  const t0 = now();
  texts.forEach((text, i) => {
    analyzeFile(text, `scan_${i}.py`);
    if (i % 50 === 0) {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }
  });
  const seconds = (now() - t0) / 1000;
  process.stderr.write(`${seconds.toFixed(1)} s\n`);
  return { seconds, filesPerSecond: count / seconds, lines, peakRssMb: mb(peakRss), startRssMb: mb(startRss), peakHeapMb: mb(peakHeap) };
}

/** Workload 5's Markdown: the CLI's rate against the in-process scan of the same files (workload 4) in this run. */
function cliSection(cli: CliCheckResult, inProcessFilesPerSecond: number): string[] {
  return [
    '| measure | figure |',
    '|---|---:|',
    `| \`init-lens check\` of the ${cli.files.toLocaleString('en-US')}-file tree (median of 3 runs) | ${ms(cli.treeMs)} ms wall, ${ms(cli.treeCpuMs)} ms CPU |`,
    `| files per second | **${cli.filesPerSecond.toFixed(0)} files/s** |`,
    `| …against the in-process scan of the same files (workload 4) | **${ratio(cli.filesPerSecond, inProcessFilesPerSecond)}** |`,
    `| peak resident memory of the child | **${cli.peakRssMb.toFixed(0)} MB** |`,
    `| \`init-lens check\` of one ${cli.oneFileLines}-line file (median of 7 runs, start-up included) | **${ms(cli.oneFileMs)} ms**, ${cli.oneFileRssMb.toFixed(0)} MB |`,
    '',
    `The tree is the files of workload 4 in ${Math.ceil(cli.files / 100)} folders of 100; \`node dist/cli.js check DIR\` runs in a child ` +
      'process with its text report written to a file, timed from spawn to exit (Node start-up, grammar load, file walk, analysis, ' +
      "report). Memory and CPU time are the child's own `process.resourceUsage()` at exit, reported by a preloaded script. " +
      `The report's totals: ${cli.summary}. Ruff's convention is "fast enough to run on save": the one-file figure is what a save or ` +
      'a pre-commit hook on one staged file waits for.',
  ];
}

/** Tree sizes of the memory-against-file-count runs of `check` (issue 16: within 2×). */
const SCALE_SIZES = [1000, 10_000] as const;

/** The memory-against-file-count runs' Markdown. */
function scaleSection(runs: CliScaleRun[]): string[] {
  const small = runs[0]!;
  const large = runs[runs.length - 1]!;
  const ratioOf = large.peakRssMb / small.peakRssMb;
  return [
    '| tree | wall time | files/s | peak resident memory |',
    '|---|---:|---:|---:|',
    ...runs.map((r) => `| ${r.files.toLocaleString('en-US')} files | ${ms(r.wallMs)} ms | ${r.filesPerSecond.toFixed(0)} | ${r.peakRssMb.toFixed(0)} MB |`),
    '',
    `Peak memory of ${large.files.toLocaleString('en-US')} files against ${small.files.toLocaleString('en-US')}: **${ratioOf.toFixed(2)}×** ` +
      `(issue 16's bar: independent of the file count, within 2×: ${ratioOf <= 2 ? 'met' : 'not met'} in this run). One run each, ` +
      "of files generated as workload 4's are (the same sizes and seeds, more of them), measured as above.",
  ];
}

/** Workload 6's Markdown. */
function dependentsSection(d: DependentsResult): string[] {
  return [
    '| measure | p50 | p95 |',
    '|---|---:|---:|',
    `| change → ${d.dependents} dependents re-analysed, wall time | **${ms(d.wall.p50)} ms** | ${ms(d.wall.p95)} ms |`,
    `| …CPU time (all threads of the process) | **${ms(d.cpu.p50)} ms** | ${ms(d.cpu.p95)} ms |`,
    `| …of which the host's side: which documents, and their import files | ${ms(d.host)} ms | |`,
    `| …of which the worker's side: requests in, analyses, answers out | ${ms(d.worker)} ms | |`,
    `| structured-cloning the ${d.dependents} answers once (what their \`postMessage\` copies; ${(d.answerBytes / 1024).toFixed(1)} KB of JSON each) | ${ms(d.clone)} ms | |`,
    '',
    `Goal (issue 11): within 100 ms for ${d.dependents} dependents: **${ms(d.wall.p50)} ms** wall time at p50 ` +
      `(${d.wall.p50 <= 100 ? 'met' : 'not met'} in this run), ${ms(d.cpu.p50)} ms CPU. test/bench/dependentsBench.ts: ${d.dependents} documents ` +
      'each build a network of 8 blocks imported from one file and a head; the chain the editor runs on a change of that file ' +
      '(src/editor/hostImportFiles.ts, dependentsIndex.ts, the worker body of analysisWorkerCore.ts on an in-process port that ' +
      `structured-clones each message as \`postMessage\` does), ${d.rounds} rounds after 4 warm-up rounds, the file alternating ` +
      'between two texts so that every round re-analyses all of them. The worker being in-process, the wall time has no thread hop; the editor adds one each way.',
  ];
}

export async function main(root: string): Promise<void> {
  const started = now();
  const loadBefore = os.loadavg()[0]!;
  await loadPython(nodeWasmLocation());

  const fixtureDir = path.join(root, 'test', 'fixtures', 'pytorch');
  const fixtures: Doc[] = fs
    .readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => ({ path: f, text: fs.readFileSync(path.join(fixtureDir, f), 'utf8') }));
  const generated = generateModelFile(5000);

  process.stderr.write(`workload 1: ${fixtures.length} fixtures `);
  const w1 = benchWhole(`fixtures (${fixtures.length} files)`, fixtures);
  process.stderr.write('workload 2: generated file ');
  const w2 = benchWhole('generated model file', [{ path: 'generated_zoo.py', text: generated }]);
  process.stderr.write(`workload 3: ${EDITS} edits `);
  const specs = editSpecs(generated, EDITS, 7);
  const warmSpecs = editSpecs(generated, EDIT_WARMUP, 99);
  const edits = benchEdits(generated, specs, warmSpecs);

  process.stderr.write(`workload 3, incremental: ${EDITS} edits `);
  const incremental = benchIncremental(generated, specs, warmSpecs);

  process.stderr.write(`workload 4: scan of ${SCAN_FILES} generated files `);
  const scanTexts = Array.from({ length: SCAN_FILES }, (_, i) => generateModelFile(40 + (i % 5) * 40, 1000 + i));
  const scan = benchScan(scanTexts);

  process.stderr.write(`workload 5: init-lens check of the same ${SCAN_FILES} files, in a child process `);
  const cli = benchCliCheck(path.join(root, 'dist', 'cli.js'), scanTexts);

  process.stderr.write(`workload 5, memory: init-lens check of ${SCALE_SIZES.join(' and ')} files `);
  const scale = benchCliScale(path.join(root, 'dist', 'cli.js'), SCALE_SIZES, (i) =>
    i < scanTexts.length ? scanTexts[i]! : generateModelFile(40 + (i % 5) * 40, 1000 + i),
  );

  process.stderr.write('workload 6: a change re-analyses 50 dependents\n');
  const dependents = await benchDependents(Promise.resolve());

  const rows: string[] = [
    '| workload | size | tree-sitter parse | analyzeText | analyzeText / parse | analyzeFile | analyzeFile / parse | incremental reparse |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const w of [w1, w2]) {
    rows.push(
      `| ${w.name} | ${w.lines.toLocaleString('en-US')} lines, ${(w.bytes / 1024).toFixed(0)} KB | ${ms(w.parse)} ms | ${ms(w.analyzeText)} ms | **${ratio(w.analyzeText, w.parse)}** | ${ms(w.analyzeFile)} ms | ${ratio(w.analyzeFile, w.parse)} | — |`,
    );
  }
  const editRow = (label: string, set: EditSample[], q: number) => {
    const p = quantile(
      set.map((e) => e.parse),
      q,
    );
    const a = quantile(
      set.map((e) => e.analyzeText),
      q,
    );
    const f = quantile(
      set.map((e) => e.analyzeFile),
      q,
    );
    const inc = quantile(
      set.map((e) => e.incremental),
      q,
    );
    return `| ${label} | ${set.length} edits | ${ms(p)} ms | ${ms(a)} ms | **${ratio(a, p)}** | ${ms(f)} ms | ${ratio(f, p)} | ${ms(inc)} ms |`;
  };
  const valid = edits.filter((e) => e.kind === 'identifier');
  const parens = edits.filter((e) => e.kind === 'open-paren');
  rows.push(editRow('one-char edits, p50', edits, 0.5), editRow('one-char edits, p95', edits, 0.95));
  rows.push(editRow('…identifier edits only, p50', valid, 0.5), editRow('…unclosed `(` edits only, p50', parens, 0.5));

  const stageRows: string[] = [];
  if (canBreakDown) {
    stageRows.push(
      '| workload | parse | toPyAst (AST copy) | of which: bare cursor walk | extractPytorch | advice (analyzeFile − analyzeText) | rest: analyzeText − stages (± noise) |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const w of [w1, w2]) {
      const s = w.stages!;
      const share = (x: number) => `${ms(x)} ms (${((100 * x) / w.analyzeText).toFixed(0)}%)`;
      stageRows.push(
        `| ${w.name} | ${share(s.parse)} | ${share(s.toPyAst)} | ${ms(s.walk)} ms | ${share(s.extract)} | ${ms(w.analyzeFile - w.analyzeText)} ms | ${ms(w.analyzeText - s.parse - s.toPyAst - s.extract)} ms |`,
      );
    }
  }

  const incrementalRows: string[] = [
    '| edits | edit → analysis (tree update + analyzeFile) | of which: tree update (diff + incremental reparse) | of which: incremental analyzeFile | its CPU time | full analyzeFile (workload 3) | statements copied / reused | classes rebuilt / reused | model advice recomputed / reused |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const fullOf = (kind?: EditSpec['kind']) => edits.filter((e) => !kind || e.kind === kind).map((e) => e.analyzeFile);
  const incrementalRow = (label: string, set: IncrementalSample[], q: number, kind?: EditSpec['kind']) => {
    const total = quantile(
      set.map((e) => e.tree + e.analysis),
      q,
    );
    const tree = quantile(
      set.map((e) => e.tree),
      q,
    );
    const analysis = quantile(
      set.map((e) => e.analysis),
      q,
    );
    const cpu = quantile(
      set.map((e) => e.analysisCpu),
      q,
    );
    const pick = (f: (s: ReuseStats) => number) => median(set.map((e) => f(e.stats)));
    const copied = set.every((e) => e.stats.blocksParsed + e.stats.blocksReused > 0)
      ? `${pick((s) => s.blocksParsed)} / ${pick((s) => s.blocksReused)} blocks`
      : `${pick((s) => s.statementsCopied)} / ${pick((s) => s.statementsReused)}`;
    return (
      `| ${label} | ${ms(total)} ms | ${ms(tree)} ms | **${ms(analysis)} ms** | ${ms(cpu)} ms | ${ms(quantile(fullOf(kind), q))} ms | ${copied} | ` +
      `${pick((s) => s.classesBuilt)} / ${pick((s) => s.classesReused)} | ${pick((s) => s.adviceComputed)} / ${pick((s) => s.adviceReused)} |`
    );
  };
  const incValid = incremental.filter((e) => e.kind === 'identifier');
  const incParens = incremental.filter((e) => e.kind === 'open-paren');
  incrementalRows.push(
    incrementalRow(`all ${incremental.length}, p50`, incremental, 0.5),
    incrementalRow(`all ${incremental.length}, p95`, incremental, 0.95),
    incrementalRow(`identifier edits (${incValid.length}), p50`, incValid, 0.5, 'identifier'),
    incrementalRow(`identifier edits (${incValid.length}), p95`, incValid, 0.95, 'identifier'),
    incrementalRow(`unclosed \`(\` edits (${incParens.length}), p50`, incParens, 0.5, 'open-paren'),
    incrementalRow(`unclosed \`(\` edits (${incParens.length}), p95`, incParens, 0.95, 'open-paren'),
  );
  const incrementalSame = incremental.filter((e) => e.same).length;
  const incrementalP95 = quantile(
    incremental.map((e) => e.analysis),
    0.95,
  );

  const cpus = os.cpus();
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`;
  const brokenEdits = edits.filter((e) => e.broken).length;
  const md = [
    '# Benchmarks',
    '',
    `Run on ${date}: ${machine}; 1-minute load average ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end ` +
      '(other processes share the cores: compare figures of the same run, not across runs). Produced by `npm run bench` (test/bench/); regenerate rather than edit.',
    '',
    ...rows,
    '',
    `Goal: \`analyzeText\` ≤ 2× the bare parse. Sanity: fixtures → ${w1.sanity}; generated file → ${w2.sanity}; ` +
      `${brokenEdits} of the ${edits.length} edited texts took the syntax-error path (the ${parens.length} unclosed \`(\` edits` +
      `${brokenEdits !== parens.length ? ' and others' : ''}).`,
    '',
    ...(stageRows.length
      ? [
          '## Where the time goes',
          '',
          'Medians of the same rounds, each stage timed on its own (percentages of `analyzeText`). The bare cursor walk reads the same ' +
            "cursor properties as `toPyAst` but builds nothing: it is the floor of the copy's calls into wasm.",
          '',
          ...stageRows,
          '',
        ]
      : []),
    '## Edit → diagnostics in the editor (incremental path)',
    '',
    "The same 100 edits through what the editor runs (src/editor/analysisStore.ts): the document's kept syntax tree " +
      "(`DocumentTrees.update`: the diff against the previous text, then tree-sitter's incremental reparse) and `analyzeFile` " +
      "with the document's `IncrementalCache` (src/core/incremental/): unchanged top-level statements keep their copied syntax, " +
      'each model class whose dependencies did not change keeps its Model, and each model whose inputs did not change keeps its advice. ' +
      'Before each edit the document is back at the original text and analysed (untimed), as after the previous keystroke. ' +
      'The reuse counts are medians per edit; a class is rebuilt when its own text or a definition it uses changed, so an edit in a block ' +
      'rebuilds the block and every network that uses it. CPU time is `process.cpuUsage` over the same call (all threads of the process, ' +
      'so garbage collection on helper threads counts too).',
    '',
    ...incrementalRows,
    '',
    `Goal: p95 of the analysis ≤ 10 ms: **${ms(incrementalP95)} ms** wall time (${incrementalP95 <= 10 ? 'met' : 'not met'} in this run), ` +
      `${ms(
        quantile(
          incremental.map((e) => e.analysisCpu),
          0.95,
        ),
      )} ms CPU time; the full analysis of the same edits took ` +
      `${ms(
        quantile(
          edits.map((e) => e.analyzeFile),
          0.95,
        ),
      )} ms at p95 in this run. ` +
      `The incremental result was identical (deep equality of graph and advice) to a full \`analyzeFile\` for ${incrementalSame} of ${incremental.length} edits.`,
    '',
    '## Workspace scan',
    '',
    `${SCAN_FILES.toLocaleString('en-US')} generated model files (${scan.lines.toLocaleString('en-US')} lines in all), each analysed with \`analyzeFile\` as the ` +
      `workspace scan does: **${scan.filesPerSecond.toFixed(0)} files/s** (${ms(scan.seconds * 1000)} ms in all), peak resident memory ` +
      `${scan.peakRssMb.toFixed(0)} MB (${scan.startRssMb.toFixed(0)} MB before), peak JS heap ${scan.peakHeapMb.toFixed(0)} MB.`,
    '',
    '## `init-lens check` from the command line',
    '',
    ...cliSection(cli, scan.filesPerSecond),
    '',
    '### Peak memory against the number of files',
    '',
    ...scaleSection(scale),
    '',
    '## A change to an imported file re-analyses its dependents',
    '',
    ...dependentsSection(dependents),
    '',
    '## Method',
    '',
    `Everything runs in one Node process from a bundle of the sources (esbuild, as the shipped CLI), after the grammar is loaded. ` +
      `Workloads 1 and 2: ${WARMUP} warm-up rounds, then ${RUNS} measured rounds; each round times the bare tree-sitter parse ` +
      '(`parsePython` + `tree.delete()`), `analyzeText` and `analyzeFile` of the same texts, in an order rotated every round so ' +
      'that garbage collection does not always fall on the same one, and the table shows medians (workload 1 is the sum over all ' +
      `fixture files per round). The generated file (test/bench/generate.ts, seeded PRNG) is ${w2.lines.toLocaleString('en-US')} lines of ` +
      'convolutional, residual, transformer, recurrent, MLP and U-Net families, each with blocks, Sequential and ModuleList ' +
      'containers, loops, init functions and forward methods. Workload 3: ' +
      `${EDITS} one-character insertions at seeded positions (after ${EDIT_WARMUP} warm-up edits), each applied to the original file: ` +
      'four in five insert `x` inside an identifier, one in five appends `(` to a code line. Per edit it times a full parse of ' +
      'the edited text (the reference: `analyzeText` reparses the whole text), an incremental reparse from the edited old tree ' +
      '(for information: what the editor could use), `analyzeText` and `analyzeFile`; p50/p95 are nearest-rank over the edits, ' +
      'and each ratio divides quantiles of the same kind.',
    '',
  ].join('\n');

  console.log(`\n${md}`);
  fs.writeFileSync(path.join(root, 'BENCHMARKS.md'), md);
  console.log(`wrote BENCHMARKS.md (bench took ${((now() - started) / 1000).toFixed(0)} s)`);
}
