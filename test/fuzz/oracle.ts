/**
 * What the fuzzer checks of one input: the core analyses it without throwing and within the time
 * budget, its findings, graph and notes serialise to valid JSON without non-finite numbers, no text
 * shows `NaN`, `Infinity`, `×?` or a null fan, and every offered fix passes the fix check (applied,
 * the file still parses, the finding is gone). A fix is offered when it passes the re-analysis the CLI
 * and the editor make (src/core/verifiedFixes.ts); the fixes spelled but not offered are counted too.
 */
import { analyzeFile, type FileAnalysis } from '../../src/core/engine';
import type { Finding } from '../../src/core/advice/types';
import { parsesCleanly, verifyFixes } from '../../src/core/verifiedFixes';
import { checkFix } from '../unit/support/fixChecks';
import { applyEdits } from '../unit/support/edits';
import { threadCpuMs } from './threadCpu';

/** One problem found with an input. */
export interface Problem {
  /** `memory`: the input's worker passed its heap cap (test/fuzz/pool.ts); the others are found here. */
  kind: 'throw' | 'hang' | 'memory' | 'json' | 'text' | 'fix';
  detail: string;
}

/** What checking one input gave. */
export interface Verdict {
  problems: Problem[];
  /** Analysis time of the input, in ms (wall-clock). */
  ms: number;
  /** CPU time of the analysis (its thread's), in ms. */
  cpuMs: number;
  /** Layers the analysis found (a mutation that multiplies layers shows here). */
  layers: number;
  /** Fixes the speller made and checked (before the re-analysis that decides which are offered). */
  fixes: number;
  /** Of those, the fixes offered after the re-analysis (../../src/core/verifiedFixes.ts). */
  offered: number;
  /** Fixes the speller made that fail the check (offered or not). */
  spelledFailed: number;
}

/** Words that must never reach a user (they mean a number went wrong on the way). */
const BAD_TEXT = /\bNaN\b|\bInfinity\b|×\?|fan_in null|fan_out null|\bundefined\b/;

/** Fixes checked per input (a mutation that repeats a block 200 times can offer hundreds). */
const MAX_FIXES_CHECKED = 8;

/**
 * Checks one input; `budgetMs` is the longest an analysis may take. `onAnalysis` is called before
 * each analysis (the first, and one per fix check): the fuzzer's worker pool times each from there.
 */
export function checkInput(text: string, budgetMs: number, onAnalysis: () => void = () => {}): Verdict {
  const problems: Problem[] = [];
  const analyze = (source: string) => {
    onAnalysis();
    return analyzeFile(source, 'fuzz.py');
  };
  const start = performance.now();
  const cpuStart = threadCpuMs();
  let analysis: FileAnalysis;
  try {
    analysis = analyze(text);
  } catch (error) {
    return {
      problems: [{ kind: 'throw', detail: String((error as Error).stack ?? error) }],
      ms: performance.now() - start,
      cpuMs: threadCpuMs() - cpuStart,
      layers: 0,
      fixes: 0,
      offered: 0,
      spelledFailed: 0,
    };
  }
  const ms = performance.now() - start;
  // A hang is judged on the CPU time the analysis's thread took, which other processes on a shared machine do not stretch.
  const cpuMs = threadCpuMs() - cpuStart;
  const layers = analysis.graph.models.reduce((sum, model) => sum + model.layers.length, 0);
  if (cpuMs > budgetMs) {
    problems.push({ kind: 'hang', detail: `${Math.round(cpuMs)} ms of CPU time (${Math.round(ms)} ms wall)` });
  }
  problems.push(...outputProblems(analysis));
  // Each fix check analyses the file again: the first few fixes of an input are checked, not hundreds.
  const fixes = analysis.advice.findings.filter((finding) => finding.fix).slice(0, MAX_FIXES_CHECKED);
  if (fixes.length === 0 || !parsesCleanly(text)) {
    return { problems, ms, cpuMs, layers, fixes: 0, offered: 0, spelledFailed: 0 };
  }
  // What the CLI and the editor offer: the fixes that pass their re-analysis.
  const verified = verifyFixes(text, fixes, (fixed) => analyze(fixed).advice.findings);
  let offered = 0;
  let spelledFailed = 0;
  fixes.forEach((finding, index) => {
    // The fix checked below is the finding's first (a merged finding may offer more, each re-analysed): is that one still offered?
    const isOffered = verified.findings[index]!.fix === finding.fix;
    offered += isOffered ? 1 : 0;
    try {
      onAnalysis(); // the fix check of the unit tests analyses the fixed file once
      checkOneFix(text, analysis, finding, analyze);
    } catch (error) {
      spelledFailed += 1;
      if (isOffered) {
        problems.push({ kind: 'fix', detail: (error as Error).message.split('\n')[0] });
      }
    }
  });
  return { problems, ms, cpuMs, layers, fixes: fixes.length, offered, spelledFailed };
}

/**
 * The fix check of the unit tests. It asks a fix to keep the file's one line ending; on a file of
 * mixed endings (as mutations make) it asks instead that the fix brings no line ending the file lacks.
 */
function checkOneFix(text: string, analysis: FileAnalysis, finding: Finding, analyze: (source: string) => FileAnalysis): void {
  const endings = new Set(text.match(/\r\n|\r|\n/g) ?? []);
  if (endings.size <= 1 && !endings.has('\r')) {
    checkFix(text, 'fuzz.py', analysis, finding);
    return;
  }
  for (const edit of finding.fix!.edits) {
    for (const ending of edit.newText.match(/\r\n|\r|\n/g) ?? []) {
      if (!endings.has(ending)) {
        throw new Error(`${finding.rule} on ${finding.model}.${finding.layer}: the fix brings a line ending the file lacks (${JSON.stringify(ending)})`);
      }
    }
  }
  // The rest of the check reads a lone CR as a line break, as Python does (any of LF, CRLF and CR ends a
  // physical line) and the analysis does; the parser alone would read it as a space.
  const fixed = applyEdits(text, finding.fix!.edits);
  if (!parsesCleanly(fixed)) {
    throw new Error(`${finding.rule} on ${finding.model}.${finding.layer}: the fixed text does not parse`);
  }
  const after = analyze(fixed);
  if (after.advice.findings.some((f) => f.model === finding.model && f.layer === finding.layer && f.rule === finding.rule)) {
    throw new Error(`${finding.rule} on ${finding.model}.${finding.layer}: the finding stays after its fix`);
  }
}

/** Non-finite numbers, invalid JSON, swallowed errors and bad words in what the CLI and the editor show. */
function outputProblems(analysis: FileAnalysis): Problem[] {
  const problems: Problem[] = [];
  const nonFinite: string[] = [];
  let json = '';
  try {
    json = JSON.stringify({ graph: analysis.graph, findings: analysis.advice.findings }, (key, value: unknown) => {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        nonFinite.push(`${key}: ${value}`);
      }
      return value;
    });
    JSON.parse(json);
  } catch (error) {
    problems.push({ kind: 'json', detail: (error as Error).message });
  }
  if (nonFinite.length > 0) {
    problems.push({ kind: 'json', detail: `non-finite numbers: ${nonFinite.slice(0, 3).join(', ')}` });
  }
  const texts = [...analysis.advice.findings.flatMap((finding) => [finding.message, finding.fix?.title ?? '']), ...analysis.graph.notes];
  for (const text of texts) {
    if (BAD_TEXT.test(text)) {
      problems.push({ kind: 'text', detail: text.slice(0, 200) });
    }
  }
  for (const note of analysis.graph.notes) {
    if (/^not analysed: |^advice failed: /.test(note)) {
      problems.push({ kind: 'throw', detail: `swallowed: ${note.slice(0, 200)}` });
    }
  }
  return problems;
}
