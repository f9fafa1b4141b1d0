/**
 * `init-lens check` as a stream: files are checked one at a time and each file's results are
 * handed to the output format as soon as it is done; the analysis is then dropped. What the run
 * keeps grows with the findings (and only for SARIF and statistics), not with the files. A
 * malformed `[tool.init-lens]` table stops the run before any output: the tables are read first.
 * With `--fix` the fixes are written (./fixFile.ts) and what remains is reported; with `--diff`
 * they are printed as a unified diff and nothing is written or reported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_ADVICE_OPTIONS } from '../core/advice/advise';
import type { Finding } from '../core/advice/types';
import { withProject } from '../core/config/precedence';
import { formatProblem } from '../core/config/projectConfig';
import { analyzeFile } from '../core/engine';
import { matchesAnyGlob } from '../core/glob';
import { lintAnalysis, type LintedFile } from '../core/lint';
import type { CheckOptions } from './checkArgs';
import { ConfigError } from './cliErrors';
import { filesOf, type readSourceFile } from './files';
import { projectFiles, type ProjectFiles } from './projectFiles';
import { fixText } from './fixFile';
import { selectModel } from './modelSelection';
import { ProjectConfigFinder } from './projectConfig';
import { atWarningLevel, type CheckTotals } from './report/reporter';
import { reporterFor } from './report/reporterFor';
import { withSelection } from './ruleSelection';
import { unifiedDiff } from './unifiedDiff';

/** Where the run writes: stdout, stderr, and files (`--fix`). */
export interface CheckIo {
  out(text: string): void;
  err(text: string): void;
  writeFile(file: string, text: string): void;
}

/** The Node process's streams and file system. */
export const PROCESS_IO: CheckIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  writeFile: (file, text) => fs.writeFileSync(file, text),
};

/** Every malformed table that applies to one of the files, as a ConfigError; nothing when all are fine. */
function checkTables(files: readonly string[], finder: ProjectConfigFinder): void {
  const problems = new Set<string>();
  for (const file of files) {
    const found = finder.find(file);
    found?.parsed.problems.forEach((problem) => problems.add(formatProblem(found.file, problem)));
  }
  if (problems.size > 0) {
    throw new ConfigError([...problems]);
  }
}

/** `rule ×n, …` for the findings a fix cleared. */
function fixedSummary(fixed: readonly Finding[]): string {
  const counts = new Map<string, number>();
  fixed.forEach((finding) => counts.set(finding.rule, (counts.get(finding.rule) ?? 0) + 1));
  return [...counts].map(([rule, count]) => (count > 1 ? `${rule} ×${count}` : rule)).join(', ');
}

/** The linter of one file: what is reported for a text of it under its project's settings. */
function linterFor(file: string, finder: ProjectConfigFinder, options: CheckOptions, workspace: ProjectFiles): ((text: string) => LintedFile) | undefined {
  const found = finder.find(file);
  const project = withSelection(found?.parsed.config, options.selection);
  const relative = found ? path.relative(found.dir, path.resolve(file)).split(path.sep).join('/') : '';
  if (project?.exclude && matchesAnyGlob(relative, project.exclude)) {
    return undefined;
  }
  const settings = withProject({ frameworks: {}, advice: DEFAULT_ADVICE_OPTIONS, rules: {} }, project);
  const analysisOptions = { frameworks: settings.frameworks, advice: settings.advice, imports: workspace.imports };
  const model = options.model;
  if (model === undefined) {
    return (text) => lintAnalysis(analyzeFile(text, file, analysisOptions), text, settings.rules);
  }
  // A file without the model reports nothing (no model, no finding): --fix then touches nothing in it.
  return (text) => {
    const analysis = analyzeFile(text, file, analysisOptions);
    const selected = selectModel(analysis, model) ?? { graph: { ...analysis.graph, models: [] }, advice: { signals: [], findings: [] } };
    return lintAnalysis(selected, text, settings.rules);
  };
}

/** Fixes one file (or prints its diff); returns what is reported for it afterwards and how many were fixed. */
function fixOne(
  file: string,
  read: ReturnType<typeof readSourceFile>,
  lint: (text: string) => LintedFile,
  first: LintedFile,
  options: CheckOptions,
  io: CheckIo,
) {
  if (read.note) {
    // Written back, a file read as Latin-1 would change encoding.
    io.err(`${file}: note: fixes not applied: the file is not UTF-8\n`);
    return { linted: first, fixed: 0, changed: false };
  }
  const outcome = fixText(read.text, lint, first);
  outcome.notes.forEach((note) => io.err(`${file}: note: ${note}\n`));
  const changed = outcome.text !== read.text;
  if (changed && options.diff) {
    io.out(unifiedDiff(file.split(path.sep).join('/'), read.text, outcome.text));
  } else if (changed) {
    io.writeFile(file, read.bom ? `\ufeff${outcome.text}` : outcome.text);
    io.err(`${file}: fixed ${outcome.fixed.length}: ${fixedSummary(outcome.fixed)}\n`);
  }
  return { linted: outcome.linted, fixed: outcome.fixed.length, changed };
}

/**
 * Runs `check`; returns the exit code. Throws UsageError or ConfigError before any output; a file
 * that cannot be read once output has started is said on stderr and makes the exit code 2.
 */
export function runCheckStream(options: CheckOptions, io: CheckIo = PROCESS_IO): number {
  const files = filesOf(options.paths);
  const finder = new ProjectConfigFinder(options.root);
  checkTables(files, finder);
  // One view of the disk for the run: a file read for its own check is the same read its importers use.
  const project = projectFiles(options.root, options.stubPaths);
  const fixing = options.fix || options.diff;
  const reporter = options.diff ? undefined : reporterFor(options.format, io.out, options);
  const totals: CheckTotals = { files: 0, models: 0, warnings: 0, others: 0, unused: 0, fixed: fixing ? 0 : -1 };
  let changedFiles = 0;
  let unreadable = false;
  for (const file of files) {
    const lint = linterFor(file, finder, options, project);
    if (!lint) {
      continue;
    }
    let read: ReturnType<typeof readSourceFile>;
    try {
      read = project.files.readSource(file);
    } catch (error) {
      // Output has started: say it, go on with the other files, and exit 2 at the end.
      io.err(`init-lens: cannot read ${file}: ${(error as Error).message}\n`);
      unreadable = true;
      continue;
    }
    let linted = lint(read.text);
    if (fixing) {
      const fixed = fixOne(file, read, lint, linted, options, io);
      if (fixed.changed && !options.diff) {
        // Files checked later that import this one see what was written.
        project.files.forget(file);
      }
      linted = fixed.linted;
      totals.fixed += fixed.fixed;
      changedFiles += fixed.changed ? 1 : 0;
    }
    const { graph, advice } = linted.analysis;
    for (const note of read.note ? [read.note, ...graph.notes] : graph.notes) {
      io.err(`${file}: note: ${note}\n`);
    }
    const unused = options.reportUnused ? linted.unused.map((entry) => ({ file, unused: entry })) : [];
    totals.files += 1;
    totals.models += graph.models.length;
    totals.unused += unused.length;
    for (const finding of advice.findings) {
      totals[atWarningLevel(finding.severity) ? 'warnings' : 'others'] += 1;
    }
    reporter?.file({ file, analysis: linted.analysis, unused });
  }
  reporter?.end(totals);
  if (unreadable) {
    return 2;
  }
  if (options.model !== undefined && totals.models === 0) {
    io.err(`init-lens: no model ${options.model} in the files checked\n`);
    return 2;
  }
  if (options.diff) {
    io.err(`Would fix ${totals.fixed} findings in ${changedFiles} files\n`);
    return changedFiles > 0 && !options.exitZero ? 1 : 0;
  }
  return (totals.warnings > 0 || totals.unused > 0) && !options.exitZero ? 1 : 0;
}
