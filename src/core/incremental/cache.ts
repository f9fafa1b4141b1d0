/**
 * The memo one document's analyses consult (BENCHMARKS.md at the root measures what it saves). Each
 * stage of the pipeline (../analyze.ts, ../engine.ts) asks it before doing its work: the copy stage
 * for unchanged top-level statements (whole files) or blocks (files with syntax errors), the
 * module run for its unchanged definitions (../python/eval/moduleReplay.ts, through the adapter's hook), the
 * evaluation for each definition's outcome keyed by the text it depends on, the advice for each
 * model's advice. It knows no framework: adapters hand it their hooks (./reuseHooks.ts), and those
 * without hooks run in full on the reused syntax tree. Reuse never changes the result:
 * `test/unit/python/incremental.test.ts` checks it against a fresh analysis after random edits.
 */
import type { FileGraph, Model } from '../graph';
import type { BoundNotes } from '../graphBounds';
import { lineStarts, type PyNode } from '../python/ast';
import type { ParsedBlock } from '../python/healedBlock';
import { AdviceReuse, type ModelAdvice } from './adviceReuse';
import { ModelReuse, type ModelOrigin, type SerialCounter } from './modelReuse';
import type { DefinitionReuse } from './reuseHooks';
import { statementKey, type StatementStore } from '../python/statementCopy';
import { StatementCopies } from './statementStore';
import { UnitIds, type UnitIndex } from './units';

/** What the latest analysis reused and what it redid (for tests and the benchmark). */
export interface ReuseStats {
  statementsReused: number;
  statementsCopied: number;
  blocksReused: number;
  blocksParsed: number;
  classesReused: number;
  classesBuilt: number;
  adviceReused: number;
  adviceComputed: number;
  /** Top-level definitions of the module run bound again without running (../python/eval/moduleReplay.ts), and statements run. */
  definitionsReplayed: number;
  statementsRun: number;
}

const noStats = (): ReuseStats => ({
  statementsReused: 0,
  statementsCopied: 0,
  blocksReused: 0,
  blocksParsed: 0,
  classesReused: 0,
  classesBuilt: 0,
  adviceReused: 0,
  adviceComputed: 0,
  definitionsReplayed: 0,
  statementsRun: 0,
});

interface KeptBlock {
  text: string;
  parsed: ParsedBlock;
}

/** The length and first line of a block's text (a short string to look blocks up by). */
function blockHead(text: string): string {
  const newline = text.indexOf('\n');
  return `${text.length}:${newline < 0 ? text : text.slice(0, newline)}`;
}

/** Removes and returns the parse of the last kept block with this text (as `pop()` on a list of equal texts). */
function takeLast(candidates: KeptBlock[] | undefined, text: string): ParsedBlock | undefined {
  if (!candidates) {
    return undefined;
  }
  for (let i = candidates.length - 1; i >= 0; i--) {
    if (candidates[i]!.text === text) {
      return candidates.splice(i, 1)[0]!.parsed;
    }
  }
  return undefined;
}

/** One document's memo (the editor keeps one per document; see the file comment). */
export class IncrementalCache {
  /** Counts of the latest analysis. */
  stats: ReuseStats = noStats();
  private readonly statementCopies = new StatementCopies();
  /**
   * Parsed blocks of the previous broken analysis by a cheap head of their text (length and first
   * line), each with its text: equal texts are found by comparing strings (fast) instead of hashing
   * every block's text (the whole file) on every keystroke. Equal texts are in reverse file order.
   */
  private blocks = new Map<string, KeptBlock[]>();
  private nextBlocks = new Map<string, KeptBlock[]>();
  /** Content keys of the current analysis's top-level statements, where the parse already knows them. */
  /** The key of the imported files the latest analysis read (./importsRead). */
  private importsKey = '';
  private keys = new Map<PyNode, string>();
  private readonly unitIds = new UnitIds();
  /** The last key of each statement of a clean block, with what it was made of (see keyOfBlockStatement). */
  private readonly blockKeys = new WeakMap<PyNode, { start: number; end: number; lines: string; key: string }>();
  private units: UnitIndex | undefined;
  private readonly models = new Map<string, ModelReuse>();
  private readonly serials: SerialCounter = { next: 0 };
  private readonly advice = new AdviceReuse<unknown, unknown>();
  private boundNotes: BoundNotes = new WeakMap();

  /** The notes of the models the analyses with this memo bounded (../graphBounds.ts): kept models come back bounded. */
  get bounds(): BoundNotes {
    return this.boundNotes;
  }

  /** The copies of top-level statements, for the copy of a whole tree (../python/statementCopy.ts). */
  get statements(): StatementStore {
    return this.statementCopies;
  }

  /** What the copy of the whole tree gave: the key of each top-level statement, and how many were reused. */
  copied(keys: Map<PyNode, string>, reused: number): void {
    this.keys = keys;
    this.stats.statementsReused = reused;
    this.stats.statementsCopied = keys.size - reused;
  }

  /** Starts the block-by-block parse of a file with syntax errors. */
  beginBlocks(): void {
    this.keys = new Map();
    this.nextBlocks = new Map();
  }

  /** The parse of a block with this text in the previous broken analysis, if any (each is handed out once). */
  takeBlock(blockText: string): ParsedBlock | undefined {
    const kept = takeLast(this.blocks.get(blockHead(blockText)), blockText);
    this.stats[kept ? 'blocksReused' : 'blocksParsed']++;
    return kept;
  }

  /** A block of this analysis, taken or parsed, in file order: the next broken analysis may reuse it. */
  keepBlock(blockText: string, parsed: ParsedBlock): void {
    const head = blockHead(blockText);
    const list = this.nextBlocks.get(head);
    if (list) {
      list.unshift({ text: blockText, parsed });
    } else {
      this.nextBlocks.set(head, [{ text: blockText, parsed }]);
    }
    if (!parsed.clean) {
      // Statements of a repaired or broken block are what their block made of them: key them by the block.
      parsed.children.forEach((child, index) => this.keys.set(child.node, `\u0001${index}\u0001${blockText}`));
    }
  }

  /** Ends the block-by-block parse: its blocks are what the next broken analysis may reuse. */
  endBlocks(): void {
    this.blocks = this.nextBlocks;
    this.nextBlocks = new Map();
  }

  /** Indexes the top-level statements of the analysis about to run. */
  indexUnits(root: PyNode, text: string): void {
    let starts: number[] | undefined;
    this.units = this.unitIds.index(root, (node) => {
      const known = this.keys.get(node);
      if (known !== undefined) {
        return known;
      }
      starts ??= lineStarts(text);
      return this.keyOfBlockStatement(node, text, starts);
    });
  }

  /**
   * statementKey for a statement of a cleanly parsed block (a file with syntax errors). Such
   * statements are reused from block to block analysis: the key made last time is handed back when
   * the offsets and the lines' text are the same, instead of building and hashing a new key.
   */
  private keyOfBlockStatement(node: PyNode, text: string, starts: number[]): string {
    const range = node.range;
    const startIndex = node.startIndex;
    const endIndex = node.endIndex;
    const spanStart = starts[range.start.line]!;
    const spanEnd = Math.max(range.end.line + 1 < starts.length ? starts[range.end.line + 1]! - 1 : text.length, endIndex);
    const kept = this.blockKeys.get(node);
    if (
      kept &&
      kept.start === startIndex - spanStart &&
      kept.end === endIndex - spanStart &&
      kept.lines.length === spanEnd - spanStart &&
      kept.lines === text.slice(spanStart, spanEnd)
    ) {
      return kept.key;
    }
    const key = statementKey(text, starts, startIndex, endIndex, range.start.line, range.end.line);
    this.blockKeys.set(node, { start: startIndex - spanStart, end: endIndex - spanStart, lines: text.slice(spanStart, spanEnd), key });
    return key;
  }

  /**
   * An adapter's extraction run by `extract` with a hook that hands back earlier outcomes of its
   * definitions; without indexed units (no analysis under way) it runs without the hook.
   */
  extract(adapterId: string, extract: (reuse: DefinitionReuse | undefined) => FileGraph): FileGraph {
    if (!this.units) {
      return extract(undefined);
    }
    let reuse = this.models.get(adapterId);
    if (!reuse) {
      reuse = new ModelReuse(adapterId, this.serials, this.boundNotes);
      this.models.set(adapterId, reuse);
    }
    const session = reuse.session(this.units, this.units.byId, this.stats);
    const graph = extract(session);
    session.end();
    return graph;
  }

  /**
   * The graph's advice, `adviseModel` concatenated over its models, reusing the latest analysis's
   * advice of each model whose key is unchanged; undefined when the latest analysis did not index its units.
   * `fileKey` gives the options and the spelling conventions the advice depends on besides the model.
   */
  advise<Signal, Finding>(
    graph: FileGraph,
    fileKey: () => string,
    adviseModel: (model: Model) => ModelAdvice<Signal, Finding>,
  ): ModelAdvice<Signal, Finding> | undefined {
    const units = this.units;
    if (!units) {
      return undefined;
    }
    // The kept lists are of what adviseModel gave: one memo has one caller (../engine.ts), which always gives the same kind.
    return this.advice.advise(graph, fileKey, adviseModel, (model) => this.originOf(model), units.byId, this.stats) as ModelAdvice<Signal, Finding>;
  }

  /** Forgets the kept advice (after a failure of its reuse). */
  forgetAdvice(): void {
    this.advice.clear();
  }

  /** Where a model of the latest analysis came from (undefined for models of adapters without reuse). */
  private originOf(model: Model): ModelOrigin | undefined {
    for (const reuse of this.models.values()) {
      const origin = reuse.origins.get(model);
      if (origin) {
        return origin;
      }
    }
    return undefined;
  }

  /**
   * Called as an analysis starts with a key of the imported files it reads: when it differs from
   * the previous analysis's, kept models and advice are forgotten (they may depend on those files).
   */
  importsRead(key: string): void {
    if (key !== this.importsKey) {
      this.importsKey = key;
      this.models.forEach((reuse) => reuse.clear());
      this.advice.clear();
    }
  }

  /** Called as an analysis starts: until it indexes its own statements, nothing of the previous one may be advised on. */
  forgetUnits(): void {
    this.units = undefined;
    this.stats = noStats();
  }

  /** Forgets everything (after a failure, or when settings change). */
  reset(): void {
    this.statementCopies.clear();
    this.blocks = new Map();
    this.nextBlocks = new Map();
    this.keys = new Map();
    this.unitIds.clear();
    this.units = undefined;
    // The kept models go with their notes (each reuse is made again with the new notes).
    this.models.clear();
    this.boundNotes = new WeakMap();
    this.advice.clear();
  }
}
