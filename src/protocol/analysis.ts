/**
 * The one message protocol between the extension host (src/editor/analysisScheduler.ts) and the
 * analysis worker (src/editor/analysisWorkerCore.ts). The worker owns the parse, the incremental memo
 * and the analysis; the host keeps the queue, so it always knows which file a dead or stuck worker was
 * analysing. Messages are plain data (structured clone), so a `worker_threads` Worker and a Web Worker
 * carry them alike. Every message that arrives from the other side is checked before use.
 */
import type { CheckSettings } from '../core/config/precedence';
import type { FileAnalysis } from '../core/engine';
import type { WorkspaceLayout } from '../core/workspace/layout';

/** What a file's analysis follows: the settings with the project's table merged in, and the size limit. */
export interface AnalysisOptions extends CheckSettings {
  maxSize: number;
}

/**
 * The workspace files one analysis's imports read, as the host loaded them (the worker reads no
 * disk, so a Web Worker can host it): every path resolution asks about, whether it exists, and the
 * texts of the files of the import closure. The worker adds them to its snapshot of the workspace.
 */
export interface ImportFiles {
  layout: WorkspaceLayout;
  /** Paths resolution probed, and whether something exists there. */
  exists: [string, boolean][];
  /** Texts of the files read (they exist). */
  texts: [string, string][];
}

/**
 * Analyse one text. `key` names the document whose syntax tree and memo the worker keeps (an open
 * document: `incremental`); a workspace-scan file is analysed from scratch and leaves nothing behind.
 */
export interface AnalyzeRequest {
  type: 'analyze';
  id: number;
  key: string;
  /** The document version, for the logs: the host alone decides which submission is the newest. */
  version: number;
  text: string;
  path: string;
  incremental: boolean;
  options: AnalysisOptions;
  /** The files its workspace imports read; absent: imported names stay symbols. */
  imports?: ImportFiles;
  /** In-editor tests only (activation's `testOnly`): busy-wait this many ms first, as a runaway analysis would. */
  testDelayMs?: number;
}

/** Drop what the worker keeps for a document (it closed). */
export interface ForgetRequest {
  type: 'forget';
  key: string;
}

/** What the host sends. */
export type HostMessage = AnalyzeRequest | ForgetRequest;

/** The grammar is loaded: the worker takes requests from now on. */
export interface WorkerReady {
  type: 'ready';
}

/** The worker cannot analyse anything (the grammar did not load). */
export interface WorkerFatal {
  type: 'fatal';
  message: string;
}

/** A finding a suppression comment silenced: which layer and rule (hints and hovers drop its ⚠). */
export interface SuppressedFinding {
  model: string;
  layer: string;
  rule: string;
}

/** The analysis of request `id`, rule levels and suppression comments applied. */
export interface AnalysisDone {
  type: 'done';
  id: number;
  analysis: FileAnalysis;
  /** The findings suppression comments silenced (absent: none). */
  suppressed?: SuppressedFinding[];
}

/** Request `id` threw (the engine does not throw on any text; this is the last line of defence). */
export interface AnalysisFailed {
  type: 'failed';
  id: number;
  message: string;
}

/** The levels of VS Code's log output channels. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** A line for the extension's log, from inside the worker (what it did, how long it took). */
export interface WorkerLog {
  type: 'log';
  level: LogLevel;
  message: string;
}

/** What the worker sends. */
export type WorkerMessage = WorkerReady | WorkerFatal | AnalysisDone | AnalysisFailed | WorkerLog;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message if it is a well-formed worker message, else undefined. */
export function parseWorkerMessage(value: unknown): WorkerMessage | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  switch (value.type) {
    case 'ready':
      return { type: 'ready' };
    case 'fatal':
      return typeof value.message === 'string' ? { type: 'fatal', message: value.message } : undefined;
    case 'done':
      return typeof value.id === 'number' && isRecord(value.analysis) && isRecord(value.analysis.graph) && isRecord(value.analysis.advice)
        ? (value as unknown as AnalysisDone)
        : undefined;
    case 'failed':
      return typeof value.id === 'number' && typeof value.message === 'string' ? { type: 'failed', id: value.id, message: value.message } : undefined;
    case 'log':
      return typeof value.level === 'string' && LOG_LEVELS.includes(value.level) && typeof value.message === 'string'
        ? { type: 'log', level: value.level as LogLevel, message: value.message }
        : undefined;
    default:
      return undefined;
  }
}

/** The message if it is a well-formed host message, else undefined. */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value)) {
    return undefined;
  }
  if (value.type === 'forget') {
    return typeof value.key === 'string' ? { type: 'forget', key: value.key } : undefined;
  }
  const wellFormed =
    value.type === 'analyze' &&
    typeof value.id === 'number' &&
    typeof value.key === 'string' &&
    typeof value.version === 'number' &&
    typeof value.text === 'string' &&
    typeof value.path === 'string' &&
    typeof value.incremental === 'boolean' &&
    isRecord(value.options) &&
    typeof value.options.maxSize === 'number' &&
    (value.imports === undefined || isImportFiles(value.imports)) &&
    (value.testDelayMs === undefined || (typeof value.testDelayMs === 'number' && Number.isFinite(value.testDelayMs)));
  return wellFormed ? (value as unknown as AnalyzeRequest) : undefined;
}

function isPairs(value: unknown, second: 'boolean' | 'string'): boolean {
  return Array.isArray(value) && value.every((pair) => Array.isArray(pair) && typeof pair[0] === 'string' && typeof pair[1] === second);
}

function isImportFiles(value: unknown): value is ImportFiles {
  if (!isRecord(value) || !isRecord(value.layout) || !Array.isArray(value.layout.folders)) {
    return false;
  }
  const { layout } = value;
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    strings(layout.folders) &&
    (layout.extraPaths === undefined || strings(layout.extraPaths)) &&
    (layout.stubPaths === undefined || strings(layout.stubPaths)) &&
    (layout.root === undefined || typeof layout.root === 'string') &&
    isPairs(value.exists, 'boolean') &&
    isPairs(value.texts, 'string')
  );
}
