/**
 * The `[tool.init-lens]` table of a `pyproject.toml`, parsed and checked key by key. Every problem
 * names its key and line (`pyproject.toml:12: tool.init-lens.severity.init-relu: expected one of …`);
 * a key with a problem is left out, the others apply. The editor and the CLI both read it here.
 *
 *   [tool.init-lens]
 *   select = ["init-relu", "init-gain"]      # rules to run (all by default)
 *   ignore = ["init-residual"]               # rules not to run (wins over select)
 *   frameworks = ["pytorch"]                 # frameworks to analyse (all by default)
 *   exclude = ["legacy/**"]                  # globs, relative to the pyproject.toml's folder
 *   drift-threshold = 8
 *   [tool.init-lens.severity]
 *   init-recurrent = "warning"               # off | hint | information | warning | error
 */
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { isRuleCode, RULE_LIST, type RuleCode } from '../advice/rules';
import type { FrameworkId } from '../frameworks/registry';
import { isRuleLevel, RULE_LEVELS, type RuleLevels } from './ruleLevels';

/** What a `[tool.init-lens]` table sets; a key not set is undefined. */
export interface ProjectConfig {
  select?: RuleCode[];
  ignore?: RuleCode[];
  severity?: RuleLevels;
  frameworks?: FrameworkId[];
  exclude?: string[];
  driftThreshold?: number;
}

/** A problem with the file or the table: the 1-based line, the key (`tool.init-lens.…`) and what is wrong. */
export interface ConfigProblem {
  line: number;
  key: string;
  message: string;
}

/** A parsed `pyproject.toml`: whether it has the table, what it sets, and its problems. */
export interface ParsedPyproject {
  /** False when the file has no `[tool.init-lens]` table (the lookup goes on upward, as Ruff's does). */
  hasTable: boolean;
  config: ProjectConfig;
  problems: ConfigProblem[];
}

// smol-toml's types are ESM-only while its package also ships a CommonJS build: load that one (esbuild
// bundles it). `require` is declared here because the webview's type program, which includes src/core, has no Node types.
declare const require: (id: string) => unknown;
const { parse, TomlError } = require('smol-toml') as typeof SmolToml;

const TABLE = 'tool.init-lens';
const FRAMEWORKS: readonly FrameworkId[] = ['pytorch', 'keras', 'flax'];
const DRIFT_BOUNDS = { minimum: 1.1, maximum: 1000 };
const KEYS = ['select', 'ignore', 'severity', 'frameworks', 'exclude', 'drift-threshold'] as const;

/** The text of a problem as the CLI prints it and the editor shows it. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  return `${file}:${problem.line}: ${problem.key}: ${problem.message}`;
}

/** Parses a `pyproject.toml` text and checks its `[tool.init-lens]` table. Never throws. */
export function parsePyproject(text: string): ParsedPyproject {
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    // Broken TOML: whether it holds our table is unknown, so it counts as the project's file, with nothing set.
    const line = error instanceof TomlError ? error.line : 1;
    const message = ((error as Error).message.split('\n')[0] ?? 'invalid TOML').replace(/^Invalid TOML document:\s*/i, '');
    return {
      hasTable: /^\s*\[\s*tool\s*\.\s*["']?init-lens/m.test(text),
      config: {},
      problems: [{ line, key: 'pyproject.toml', message: `invalid TOML: ${message}` }],
    };
  }
  const tool = document.tool;
  const table = tool && typeof tool === 'object' ? (tool as Record<string, unknown>)[TABLE.slice('tool.'.length)] : undefined;
  if (table === undefined) {
    return { hasTable: false, config: {}, problems: [] };
  }
  const lines = new KeyLines(text);
  const problems: ConfigProblem[] = [];
  const problem = (path: string[], message: string) =>
    problems.push({ line: lines.lineOf([...TABLE.split('.'), ...path]), key: [TABLE, ...path].join('.'), message });
  if (!isTable(table)) {
    problem([], 'expected a table');
    return { hasTable: true, config: {}, problems };
  }
  const config: ProjectConfig = {};
  for (const [key, value] of Object.entries(table)) {
    switch (key as (typeof KEYS)[number]) {
      case 'select':
      case 'ignore': {
        const codes = ruleCodes(value, (message, index) => problem(index === undefined ? [key] : [key, String(index)], message));
        if (codes) {
          config[key as 'select' | 'ignore'] = codes;
        }
        break;
      }
      case 'severity':
        config.severity = severities(value, (path, message) => problem(['severity', ...path], message));
        break;
      case 'frameworks':
        if (isStringList(value) && value.every((id) => (FRAMEWORKS as readonly string[]).includes(id))) {
          config.frameworks = value as FrameworkId[];
        } else {
          problem([key], `expected a list of frameworks, each one of ${FRAMEWORKS.join(', ')}`);
        }
        break;
      case 'exclude':
        if (isStringList(value)) {
          config.exclude = value;
        } else {
          problem([key], 'expected a list of glob patterns (strings)');
        }
        break;
      case 'drift-threshold':
        if (typeof value === 'number' && Number.isFinite(value) && value >= DRIFT_BOUNDS.minimum && value <= DRIFT_BOUNDS.maximum) {
          config.driftThreshold = value;
        } else {
          problem([key], `expected a number from ${DRIFT_BOUNDS.minimum} to ${DRIFT_BOUNDS.maximum}`);
        }
        break;
      default:
        problem([key], `unknown key (expected one of ${KEYS.join(', ')})`);
    }
  }
  return { hasTable: true, config, problems };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

const CODES = RULE_LIST.map((rule) => rule.code).join(', ');

/** A list of rule codes, or undefined after reporting what is wrong with it. */
function ruleCodes(value: unknown, report: (message: string, index?: number) => void): RuleCode[] | undefined {
  if (!isStringList(value)) {
    report('expected a list of rule codes');
    return undefined;
  }
  const unknown = value.findIndex((code) => !isRuleCode(code));
  if (unknown >= 0) {
    report(`unknown rule code '${value[unknown]}' (expected one of ${CODES})`);
    return undefined;
  }
  return value as RuleCode[];
}

/** The per-rule levels of a severity table; each bad entry is reported and left out. */
function severities(value: unknown, report: (path: string[], message: string) => void): RuleLevels {
  const levels: RuleLevels = {};
  if (!isTable(value)) {
    report([], `expected a table of rule code = level`);
    return levels;
  }
  for (const [code, level] of Object.entries(value)) {
    if (!isRuleCode(code)) {
      report([code], `unknown rule code (expected one of ${CODES})`);
    } else if (!isRuleLevel(level)) {
      report([code], `expected one of ${RULE_LEVELS.join(', ')}`);
    } else {
      levels[code] = level;
    }
  }
  return levels;
}

/**
 * Where each key is written, found by reading table headers and `key =` lines (TOML parsers keep no
 * positions). A key written inside an inline table or a multi-line array is placed on the line of
 * the key that opens it; failing all, on the table's header line.
 */
class KeyLines {
  private readonly entries: { path: string[]; line: number }[] = [];

  constructor(text: string) {
    let table: string[] = [];
    text.split(/\r\n|\r|\n/).forEach((raw, index) => {
      const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(raw);
      if (header) {
        table = splitKey(header[1]!);
        this.entries.push({ path: table, line: index + 1 });
        return;
      }
      const key = /^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(raw);
      if (key) {
        this.entries.push({ path: [...table, ...splitKey(key[1]!)], line: index + 1 });
      }
    });
  }

  /** The line of the entry that shares the longest start with `path` (1 when none does). */
  lineOf(path: string[]): number {
    let best = { length: 0, line: 1 };
    for (const entry of this.entries) {
      let length = 0;
      while (length < entry.path.length && length < path.length && entry.path[length] === path[length]) {
        length++;
      }
      // Only an entry whose whole path is a start of `path` says where `path` is written.
      if (length === entry.path.length && length > best.length) {
        best = { length, line: entry.line };
      }
    }
    return best.line;
  }
}

/** A dotted TOML key split into its parts, quotes removed. */
function splitKey(key: string): string[] {
  return [...key.matchAll(/"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
}
