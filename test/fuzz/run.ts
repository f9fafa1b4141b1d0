/**
 * `npm run fuzz`: a seeded mutation fuzzer over the fixtures and the examples. Each input is a
 * corpus file with one to four mutations (./mutations.ts), checked by ./oracle.ts in a worker thread
 * (./pool.ts: stopped past the CPU budget or its heap cap, and the run goes on). Input `i` of a run
 * depends only on the seed and `i` (not on the number of workers), so `--seed S --only i` rebuilds
 * it, and `--save DIR` writes every input with a problem there.
 *
 *   npm run fuzz -- [--seed N] [--count N] [--budget-ms N] [--only I] [--seconds N] [--save DIR]
 *                   [--workers N] [--memory-mb N] [--wall-ms N] [--fail-on-fixes]
 *
 * Exits 1 on any throw, hang, memory kill, invalid output or bad text (and on fix failures with
 * `--fail-on-fixes`), else 0; the last line on stdout is a JSON summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mutate } from './mutations';
import * as os from 'node:os';
import type { Problem } from './oracle';
import { runPool, type Outcome } from './pool';
import { inputSeed, Random } from './random';

const ROOT = path.join(__dirname, '..', '..');

interface Options {
  seed: number;
  count: number;
  budgetMs: number;
  only?: number;
  save?: string;
  failOnFixes: boolean;
  /** Stop handing out inputs after this many seconds (the summary counts the inputs checked). */
  seconds: number;
  /** Worker threads (default: one per core). */
  workers: number;
  /** The wall-clock cap of one input, in ms. */
  wallMs: number;
  /** The heap cap of a worker, in MB. */
  memoryMb: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    seed: 1,
    count: 2000,
    budgetMs: 5000,
    failOnFixes: false,
    seconds: Infinity,
    workers: os.availableParallelism(),
    wallMs: NaN,
    memoryMb: 1024,
  };
  for (let i = 0; i < argv.length; i++) {
    const value = () => Number(argv[++i]);
    switch (argv[i]) {
      case '--seed':
        options.seed = value();
        break;
      case '--count':
        options.count = value();
        break;
      case '--budget-ms':
        options.budgetMs = value();
        break;
      case '--only':
        options.only = value();
        break;
      case '--save':
        options.save = argv[++i];
        break;
      case '--seconds':
        options.seconds = value();
        break;
      case '--workers':
        options.workers = value();
        break;
      case '--wall-ms':
        options.wallMs = value();
        break;
      case '--memory-mb':
        options.memoryMb = value();
        break;
      case '--fail-on-fixes':
        options.failOnFixes = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  // The wall cap is a backstop for a stuck worker whose CPU time cannot be read: a fix check analyses an input up to 17 times.
  if (Number.isNaN(options.wallMs)) {
    options.wallMs = Math.max(120_000, 24 * options.budgetMs);
  }
  return options;
}

/** The `.py` files under the fixtures and the examples, sorted (the corpus order is part of the seed). */
function corpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.py')) {
        files.push(fs.readFileSync(full, 'utf8'));
      }
    }
  };
  walk(path.join(ROOT, 'test', 'fixtures'));
  walk(path.join(ROOT, 'examples'));
  return files;
}

/** Input `index` of the run seeded `seed`. */
export function fuzzInput(seed: number, index: number, sources: readonly string[]): string {
  const random = new Random(inputSeed(seed, index));
  return mutate(random.pick(sources), random, sources);
}

/** The running totals of a pass. */
class Totals {
  readonly counts: Record<Problem['kind'], number> = { throw: 0, hang: 0, memory: 0, json: 0, text: 0, fix: 0 };
  readonly times: number[] = [];
  readonly cpuTimes: number[] = [];
  /** The slowest inputs by CPU time: what makes the tail (item 3 of FUZZING.md's method). */
  slowest: { index: number; cpuMs: number; ms: number; bytes: number; layers: number }[] = [];
  fixes = 0;
  offered = 0;
  spelledFailed = 0;
  checked = 0;
  peakHeapMB = 0;

  add(outcome: Outcome, seed: number, save: string | undefined): void {
    this.checked++;
    const problems: Problem[] =
      'killed' in outcome ? [{ kind: outcome.killed === 'crash' ? 'throw' : outcome.killed, detail: outcome.detail }] : outcome.verdict.problems;
    if (!('killed' in outcome)) {
      const { verdict } = outcome;
      this.times.push(verdict.ms);
      this.cpuTimes.push(verdict.cpuMs);
      this.fixes += verdict.fixes;
      this.offered += verdict.offered;
      this.spelledFailed += verdict.spelledFailed;
      this.peakHeapMB = Math.max(this.peakHeapMB, outcome.heapMB);
      this.slowest.push({
        index: outcome.index,
        cpuMs: Math.round(verdict.cpuMs),
        ms: Math.round(verdict.ms),
        bytes: outcome.text.length,
        layers: verdict.layers,
      });
      this.slowest = this.slowest.sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 10);
    }
    for (const problem of problems) {
      this.counts[problem.kind]++;
      process.stderr.write(`input ${outcome.index} (seed ${seed}): ${problem.kind}: ${problem.detail}\n`);
    }
    if (problems.length > 0 && save) {
      fs.mkdirSync(save, { recursive: true });
      fs.writeFileSync(path.join(save, `seed${seed}-${outcome.index}.py`), outcome.text);
    }
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const sources = corpus();
  const indices = options.only === undefined ? Array.from({ length: options.count }, (_, i) => i) : [options.only];
  const totals = new Totals();
  let peakRss = 0;
  const started = performance.now();
  let handed = 0;
  const next = () => {
    if (handed >= indices.length || performance.now() - started > options.seconds * 1000) {
      return null;
    }
    const index = indices[handed++]!;
    return { index, text: fuzzInput(options.seed, index, sources), budgetMs: options.budgetMs };
  };
  const pool = { workers: options.workers, budgetMs: options.budgetMs, wallMs: options.wallMs, memoryMb: options.memoryMb };
  await runPool(next, pool, (outcome) => {
    totals.add(outcome, options.seed, options.save);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (totals.checked % 1000 === 0) {
      process.stderr.write(`${totals.checked} inputs, ${Math.round((performance.now() - started) / 1000)} s\n`);
    }
  });
  const { counts } = totals;
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    seed: options.seed,
    workers: options.workers,
    inputs: totals.checked,
    ...counts,
    fixesChecked: totals.fixes,
    fixesSpelledFailing: totals.spelledFailed,
    fixesOffered: totals.offered,
    fixFailureRateOffered: totals.offered > 0 ? Number((counts.fix / totals.offered).toPrecision(3)) : 0,
    seconds: Math.round(seconds * 10) / 10,
    inputsPerMinute: Math.round((totals.checked / seconds) * 60),
    msP50: quantile(totals.times, 0.5),
    msP99: quantile(totals.times, 0.99),
    cpuMsP50: quantile(totals.cpuTimes, 0.5),
    cpuMsP99: quantile(totals.cpuTimes, 0.99),
    cpuMsMax: quantile(totals.cpuTimes, 1),
    peakRssMB: Math.round(peakRss / 2 ** 20),
    peakWorkerHeapMB: totals.peakHeapMB,
    slowest: totals.slowest,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  const failed = counts.throw + counts.hang + counts.memory + counts.json + counts.text + (options.failOnFixes ? counts.fix : 0);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
