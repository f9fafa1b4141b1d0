/**
 * The options of `init-lens check`, with Ruff's names:
 *   --output-format text|json|sarif|github|json-lines  (--format is the older name)
 *   --select / --extend-select / --ignore CODES         rule codes, prefixes or ALL, comma-separated
 *   --fix, --diff, --statistics, --quiet (-q), --exit-zero (-e)
 *   --root DIR, --stub-path DIR (repeatable), --report-unused-suppressions
 *   --model NAME                                        one model of each file (a class or an entry point: `resnet50`)
 * Anything else starting with `-` is a usage error.
 */
import { UsageError } from './cliErrors';
import { CHECK_FORMATS, isCheckFormat, type CheckFormat } from './report/reporterFor';
import { parseSelectors, type RuleSelection } from './ruleSelection';

/** What `check` was asked to do. */
export interface CheckOptions {
  paths: string[];
  format: CheckFormat;
  /** Where the pyproject.toml lookup stops. */
  root?: string;
  /** Folders of the user's own model stubs (`--stub-path DIR`, repeatable), searched after the project. */
  stubPaths: string[];
  reportUnused: boolean;
  selection: RuleSelection;
  /** Write the fixes (`--fix`). */
  fix: boolean;
  /** Print the fixes as a unified diff and write nothing (`--diff`; wins over `--fix`). */
  diff: boolean;
  statistics: boolean;
  quiet: boolean;
  exitZero: boolean;
  /** `--model NAME`: report only this model of each file. */
  model?: string;
}

const SWITCHES: Record<string, (options: CheckOptions) => void> = {
  '--fix': (o) => (o.fix = true),
  '--no-fix': (o) => (o.fix = false),
  '--diff': (o) => (o.diff = true),
  '--statistics': (o) => (o.statistics = true),
  '--quiet': (o) => (o.quiet = true),
  '-q': (o) => (o.quiet = true),
  '--exit-zero': (o) => (o.exitZero = true),
  '-e': (o) => (o.exitZero = true),
  '--report-unused-suppressions': (o) => (o.reportUnused = true),
};

const VALUED: Record<string, (options: CheckOptions, value: string, name: string) => void> = {
  '--format': setFormat,
  '--output-format': setFormat,
  '--root': (o, value) => (o.root = value),
  '--stub-path': (o, value) => o.stubPaths.push(value),
  '--model': (o, value) => (o.model = value),
  '--select': (o, value, name) => (o.selection.select = [...(o.selection.select ?? []), ...parseSelectors(name, value)]),
  '--extend-select': (o, value, name) => o.selection.extendSelect.push(...parseSelectors(name, value)),
  '--ignore': (o, value, name) => o.selection.ignore.push(...parseSelectors(name, value)),
};

function setFormat(options: CheckOptions, value: string): void {
  if (!isCheckFormat(value)) {
    throw new UsageError(`check: --format must be one of ${CHECK_FORMATS.join(', ')}`);
  }
  options.format = value;
}

/** Parses the arguments after `check`. */
export function parseCheckArgs(rest: readonly string[], usage: string): CheckOptions {
  const options: CheckOptions = {
    paths: [],
    stubPaths: [],
    format: 'text',
    reportUnused: false,
    selection: { extendSelect: [], ignore: [] },
    fix: false,
    diff: false,
    statistics: false,
    quiet: false,
    exitZero: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    const valued = VALUED[name];
    if (SWITCHES[arg]) {
      SWITCHES[arg](options);
    } else if (valued) {
      const value = equals > 0 ? arg.slice(equals + 1) : rest[++i];
      if (!value) {
        throw new UsageError(`${name} needs a value`);
      }
      valued(options, value, name);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.paths.push(arg);
    }
  }
  if (options.paths.length === 0) {
    throw new UsageError(`check: no paths given (${usage})`);
  }
  return options;
}
