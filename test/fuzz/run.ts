/**
 * `npm run fuzz`: a seeded mutation fuzzer over the fixtures and the examples. Each input is a
 * corpus file with one to four mutations (./mutations.ts), checked by ./oracle.ts. Input `i` of a
 * run depends only on the seed and `i`, so `--seed S --only i` rebuilds it, and `--save DIR`
 * writes every input with a problem there.
 *
 *   npm run fuzz -- [--seed N] [--count N] [--budget-ms N] [--only I] [--seconds N] [--save DIR] [--fail-on-fixes]
 *
 * Exits 1 on any throw, hang, invalid output or bad text (and on fix failures with
 * `--fail-on-fixes`), else 0; the last line on stdout is a JSON summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mutate } from './mutations';
import { checkInput, type Problem } from './oracle';
import { inputSeed, Random } from './random';
import { loadGrammar } from '../unit/support/python';

const ROOT = path.join(__dirname, '..', '..');

interface Options {
  seed: number;
  count: number;
  budgetMs: number;
  only?: number;
  save?: string;
  failOnFixes: boolean;
  /** Stop after this many seconds (the summary counts the inputs checked). */
  seconds: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { seed: 1, count: 2000, budgetMs: 5000, failOnFixes: false, seconds: Infinity };
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
      case '--fail-on-fixes':
        options.failOnFixes = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
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

async function main(): Promise<number> {
  await loadGrammar();
  const options = parseOptions(process.argv.slice(2));
  const sources = corpus();
  const indices = options.only === undefined ? Array.from({ length: options.count }, (_, i) => i) : [options.only];
  const counts: Record<Problem['kind'], number> = { throw: 0, hang: 0, json: 0, text: 0, fix: 0 };
  const times: number[] = [];
  let fixes = 0;
  let offered = 0;
  let spelledFailed = 0;
  let peakRss = 0;
  const started = performance.now();
  let checked = 0;
  for (const index of indices) {
    if (performance.now() - started > options.seconds * 1000) {
      break;
    }
    checked++;
    const text = fuzzInput(options.seed, index, sources);
    if (options.save) {
      // Written before the check: an input that kills the process (out of memory) is still there to reduce.
      fs.mkdirSync(options.save, { recursive: true });
      fs.writeFileSync(path.join(options.save, 'current.py'), text);
    }
    const verdict = checkInput(text, options.budgetMs);
    times.push(verdict.ms);
    fixes += verdict.fixes;
    offered += verdict.offered;
    spelledFailed += verdict.spelledFailed;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    for (const problem of verdict.problems) {
      counts[problem.kind]++;
      process.stderr.write(`input ${index} (seed ${options.seed}): ${problem.kind}: ${problem.detail}\n`);
    }
    if (verdict.problems.length > 0 && options.save) {
      fs.writeFileSync(path.join(options.save, `seed${options.seed}-${index}.py`), text);
    }
    if ((index + 1) % 1000 === 0) {
      process.stderr.write(`${index + 1} inputs, ${Math.round((performance.now() - started) / 1000)} s\n`);
    }
  }
  times.sort((a, b) => a - b);
  const quantile = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
  const summary = {
    seed: options.seed,
    inputs: checked,
    ...counts,
    fixesChecked: fixes,
    fixesSpelledFailing: spelledFailed,
    fixesOffered: offered,
    fixFailureRateOffered: offered > 0 ? Number((counts.fix / offered).toPrecision(3)) : 0,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    msP50: quantile(0.5),
    msP99: quantile(0.99),
    msMax: Math.round(times[times.length - 1] ?? 0),
    peakRssMB: Math.round(peakRss / 2 ** 20),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  const failed = counts.throw + counts.hang + counts.json + counts.text + (options.failOnFixes ? counts.fix : 0);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
