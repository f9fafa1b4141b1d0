/**
 * The Init Lens command line: the same engine as the editor, for terminals, CI and our own checks.
 *   init-lens check PATH... [--output-format text|json|sarif|github|json-lines] [--select CODES] [--extend-select CODES]
 *                   [--ignore CODES] [--fix] [--diff] [--statistics] [--quiet] [--exit-zero] [--root DIR] [--stub-path DIR] [--report-unused-suppressions] [--model NAME]
 *   init-lens graph FILE... [--format json] [--root DIR] [--stub-path DIR] [--model NAME]
 *   init-lens simulate FILE [--root DIR] [--stub-path DIR] [--model NAME] [--input-shape D1,D2,…] [--method analytic|montecarlo] [--batch N] [--seed S] [--format json]
 * `check` follows the `[tool.init-lens]` table of the nearest pyproject.toml above each file (up to
 * --root, else the filesystem root) and the suppression comments of each file (./node/checkRun.ts).
 * Every command follows imports of workspace modules (./node/projectFiles.ts), searched from the
 * current folder or --root.
 * Exit codes: 0 nothing at warning level (or `--exit-zero`), 1 findings at warning level (or unused
 * suppressions when reported; with `--diff`, changes to show), 2 usage or I/O error or a malformed
 * `[tool.init-lens]` table.
 */
import { analyzeFile, type FileAnalysis } from './core/engine';
import { graphJson } from './core/graphJson';
import { loadPython } from './core/python/parser';
import { parseCheckArgs, type CheckOptions } from './node/checkArgs';
import { runCheckStream } from './node/checkRun';
import { ConfigError, UsageError } from './node/cliErrors';
import { filesOf, readOrThrow } from './node/files';
import { modelNames, selectModel } from './node/modelSelection';
import { nodeWasmLocation } from './node/wasmLocation';
import { projectFiles } from './node/projectFiles';
import { runSimulate, type SimulateOptions } from './node/simulate';

const USAGE =
  'usage: init-lens check PATH... [--output-format text|json|sarif|github|json-lines] [--select CODES] [--extend-select CODES] [--ignore CODES] ' +
  '[--fix] [--diff] [--statistics] [--quiet] [--exit-zero] [--root DIR] [--stub-path DIR] [--report-unused-suppressions] [--model NAME] | init-lens graph FILE... [--format json] [--root DIR] [--stub-path DIR] [--model NAME] | ' +
  'init-lens simulate FILE [--root DIR] [--stub-path DIR] [--model NAME] [--input-shape D1,D2,…] [--method analytic|montecarlo] [--batch N] [--seed S] [--format json]';

/** `graph` and `simulate`'s arguments (`check` has its own, ./node/checkArgs.ts). */
interface Parsed {
  command: string;
  paths: string[];
  format: string;
  simulate: SimulateOptions;
  /** `--root DIR`: where imports are searched from. */
  root?: string;
  /** `--stub-path DIR` (repeatable): folders of the user's model stubs. */
  stubPaths: string[];
}

/** A positive integer option value, else a usage error. */
function positiveInteger(option: string, value: string, minimum: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < minimum) {
    throw new UsageError(`${option} must be an integer ≥ ${minimum}, got '${value}'`);
  }
  return number;
}

/** Reads one `simulate` option at rest[i] (value at rest[i + 1]); returns how many items it used, 0 when not one. */
function simulateOption(rest: string[], i: number, options: SimulateOptions): number {
  const arg = rest[i]!;
  const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
  if (!['--model', '--input-shape', '--method', '--batch', '--seed'].includes(name)) {
    return 0;
  }
  const value = inline ?? rest[i + 1];
  if (value === undefined || value === '') {
    throw new UsageError(`${name} needs a value`);
  }
  if (name === '--model') {
    options.model = value;
  } else if (name === '--input-shape') {
    options.inputShape = value.split(',').map((part) => positiveInteger('--input-shape', part.trim(), 1));
  } else if (name === '--method') {
    if (value !== 'analytic' && value !== 'montecarlo') {
      throw new UsageError(`--method must be analytic or montecarlo, got '${value}'`);
    }
    options.method = value;
  } else if (name === '--batch') {
    options.batch = positiveInteger('--batch', value, 1);
  } else {
    options.seed = positiveInteger('--seed', value, 0);
  }
  return inline === undefined ? 2 : 1;
}

function parseArgs(argv: string[]): Parsed | { command: 'check'; check: CheckOptions } {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    throw new UsageError(USAGE);
  }
  if (command === 'check') {
    return { command, check: parseCheckArgs(rest, USAGE) };
  }
  const formats: Record<string, string[]> = { graph: ['json'], simulate: ['json'] };
  const allowed = formats[command];
  if (!allowed) {
    throw new UsageError(`unknown command '${command}' (${USAGE})`);
  }
  const paths: string[] = [];
  let format = 'json';
  let root: string | undefined;
  const stubPaths: string[] = [];
  const simulate: SimulateOptions = { method: 'analytic', batch: 256, seed: 0 };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    // `--model` names one model for `graph` as for `simulate`.
    const used = command === 'simulate' || rest[i] === '--model' || rest[i]!.startsWith('--model=') ? simulateOption(rest, i, simulate) : 0;
    if (used > 0) {
      i += used - 1;
    } else if (arg === '--root' || arg.startsWith('--root=')) {
      root = arg === '--root' ? rest[++i] : arg.slice('--root='.length);
      if (!root) {
        throw new UsageError('--root needs a value');
      }
    } else if (arg === '--stub-path' || arg.startsWith('--stub-path=')) {
      const folder = arg === '--stub-path' ? rest[++i] : arg.slice('--stub-path='.length);
      if (!folder) {
        throw new UsageError('--stub-path needs a value');
      }
      stubPaths.push(folder);
    } else if (arg === '--format') {
      const value = rest[++i];
      if (!value) {
        throw new UsageError('--format needs a value');
      }
      format = value;
    } else if (arg.startsWith('--format=')) {
      format = arg.slice('--format='.length);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) {
    throw new UsageError(`${command}: no paths given (${USAGE})`);
  }
  if (!allowed.includes(format)) {
    throw new UsageError(`${command}: --format must be one of ${allowed.join(', ')}`);
  }
  if (command === 'simulate' && paths.length !== 1) {
    throw new UsageError(`simulate: one FILE, got ${paths.length} (${USAGE})`);
  }
  return { command, paths, format, simulate, stubPaths, ...(root === undefined ? {} : { root }) };
}

/** Reads and analyses every file with default settings (`graph` and `simulate`). */
function analyzePaths(paths: string[], root: string | undefined, stubPaths: readonly string[]): FileAnalysis[] {
  const project = projectFiles(root, stubPaths);
  return filesOf(paths).map((file) => {
    const read = readOrThrow(file, (at) => project.files.readSource(at));
    const analysis = analyzeFile(read.text, file, { imports: project.imports });
    if (read.note) {
      analysis.graph.notes.unshift(read.note);
    }
    return analysis;
  });
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  await loadPython(nodeWasmLocation());
  if ('check' in args) {
    return runCheckStream(args.check);
  }
  const analyses = analyzePaths(args.paths, args.root, args.stubPaths);
  if (args.command === 'simulate') {
    if (analyses.length !== 1) {
      throw new UsageError(`simulate: ${args.paths[0]} is not one Python file`);
    }
    return runSimulate(
      analyses[0]!,
      args.simulate,
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
    );
  }
  const model = args.simulate.model;
  const shown = model === undefined ? analyses : analyses.flatMap((analysis) => selectModel(analysis, model) ?? []);
  if (model !== undefined && shown.length === 0) {
    throw new UsageError(`graph: no model ${model} in ${args.paths.join(', ')} (models: ${modelNames(analyses)})`);
  }
  process.stdout.write(`${JSON.stringify(graphJson(shown.map((a) => a.graph)), null, 2)}\n`);
  return 0;
}

// `init-lens check . | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A config problem starts with its file and line, as a compiler's does.
    const text = error instanceof ConfigError ? error.message : `init-lens: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${text}\n`);
    process.exitCode = 2;
  },
);
