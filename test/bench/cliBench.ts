/**
 * Workload 5 of the benchmark: the shipped CLI as a user, a pre-commit hook or a CI job runs it, in a child
 * process (`node dist/cli.js check DIR`, start-up and grammar load included). The tree holds the texts of the
 * workspace-scan workload (4), so the two rates compare the CLI with the bare in-process analysis of the same
 * files. Peak memory is the child's own `process.resourceUsage().maxRSS`, reported by a preloaded script.
 * `benchCliScale` runs the same check on trees of 1,000 and 10,000 files, to compare the peak memory.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Whole-tree runs, the median is kept (the peak memory is the largest of them). */
const TREE_RUNS = 3;
/** Single-file runs ("on save"): the median is kept. */
const ONE_FILE_RUNS = 7;
/** Files per folder of the generated tree, as a project spreads its modules over packages. */
const FILES_PER_FOLDER = 100;

/** What one child run of the CLI cost. */
interface ChildRun {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  /** The last line of the text report: its totals. */
  summary: string;
}

/** Workload 5's figures. */
export interface CliCheckResult {
  files: number;
  /** Median wall time of `check` over the whole tree. */
  treeMs: number;
  /** The child's CPU time (user + system) in that run. */
  treeCpuMs: number;
  filesPerSecond: number;
  /** The largest peak resident memory of the whole-tree runs. */
  peakRssMb: number;
  summary: string;
  /** Median wall time of `check` of the tree's first file alone: what a hook on one staged file or a save costs. */
  oneFileMs: number;
  oneFileLines: number;
  oneFileRssMb: number;
}

// Written into the temporary folder and preloaded into the CLI: the child reports its own resource use on exit.
const PRELOAD = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeFileSync(process.env.INIT_LENS_BENCH_USAGE, JSON.stringify({ maxRss: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1000 }));
});
`;

/** Writes the texts as pkg_NN/model_NNNN.py under `dir`; returns the path of the first file. */
function writeTree(dir: string, texts: string[]): string {
  const files = texts.map((text, i) => {
    const folder = path.join(dir, `pkg_${String(Math.floor(i / FILES_PER_FOLDER)).padStart(2, '0')}`);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `model_${String(i).padStart(4, '0')}.py`);
    fs.writeFileSync(file, text);
    return file;
  });
  return files[0]!;
}

/** Runs `node CLI check TARGET` once with its report in a file; a crash or a usage error (exit > 1) throws. */
function runCheck(cli: string, target: string, work: string): ChildRun {
  const usageFile = path.join(work, 'usage.json');
  const reportFile = path.join(work, 'report.txt');
  const report = fs.openSync(reportFile, 'w');
  const t = performance.now();
  const run = spawnSync(process.execPath, ['--require', path.join(work, 'preload.cjs'), cli, 'check', target], {
    stdio: ['ignore', report, 'pipe'],
    env: { ...process.env, INIT_LENS_BENCH_USAGE: usageFile },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = performance.now() - t;
  fs.closeSync(report);
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`init-lens check ${target} exited ${run.status ?? run.signal}: ${run.stderr}`);
  }
  const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as { maxRss: number; cpu: number };
  const lines = fs.readFileSync(reportFile, 'utf8').trimEnd().split('\n');
  return { wallMs, cpuMs: usage.cpu, maxRssKb: usage.maxRss, summary: lines[lines.length - 1] ?? '' };
}

const medianBy = (runs: ChildRun[], key: (r: ChildRun) => number): ChildRun => [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;

/** One `check` of a tree of a given size: its wall time, rate and peak memory. */
export interface CliScaleRun {
  files: number;
  wallMs: number;
  filesPerSecond: number;
  peakRssMb: number;
}

/**
 * Workload 5, memory against file count: `check` of a tree of each size once (texts from `textAt(i)`),
 * for issue 16's bar "peak memory independent of file count, within 2×" (the largest over the smallest).
 */
export function benchCliScale(cli: string, sizes: readonly number[], textAt: (i: number) => string): CliScaleRun[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-bench-scale-'));
  try {
    fs.writeFileSync(path.join(work, 'preload.cjs'), PRELOAD);
    return sizes.map((files, n) => {
      const tree = path.join(work, `tree${n}`);
      writeTree(
        tree,
        Array.from({ length: files }, (_, i) => textAt(i)),
      );
      const run = runCheck(cli, tree, work);
      fs.rmSync(tree, { recursive: true, force: true });
      process.stderr.write('.');
      return { files, wallMs: run.wallMs, filesPerSecond: files / (run.wallMs / 1000), peakRssMb: run.maxRssKb / 1024 };
    });
  } finally {
    process.stderr.write('\n');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Workload 5: `check` of the tree of `texts` (TREE_RUNS times) and of its first file alone (ONE_FILE_RUNS times). */
export function benchCliCheck(cli: string, texts: string[]): CliCheckResult {
  if (!fs.existsSync(cli)) {
    throw new Error(`${cli} is missing: run \`npm run build\` first (\`npm run bench\` does)`);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'init-lens-bench-'));
  try {
    fs.writeFileSync(path.join(work, 'preload.cjs'), PRELOAD);
    const tree = path.join(work, 'tree');
    const first = writeTree(tree, texts);
    const treeRuns: ChildRun[] = [];
    for (let i = 0; i < TREE_RUNS; i++) {
      treeRuns.push(runCheck(cli, tree, work));
      process.stderr.write('.');
    }
    const oneRuns: ChildRun[] = [];
    for (let i = 0; i < ONE_FILE_RUNS; i++) {
      oneRuns.push(runCheck(cli, first, work));
    }
    process.stderr.write('\n');
    const mid = medianBy(treeRuns, (r) => r.wallMs);
    const one = medianBy(oneRuns, (r) => r.wallMs);
    return {
      files: texts.length,
      treeMs: mid.wallMs,
      treeCpuMs: mid.cpuMs,
      filesPerSecond: texts.length / (mid.wallMs / 1000),
      peakRssMb: Math.max(...treeRuns.map((r) => r.maxRssKb)) / 1024,
      summary: mid.summary,
      oneFileMs: one.wallMs,
      oneFileLines: texts[0]!.split('\n').length,
      oneFileRssMb: one.maxRssKb / 1024,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
