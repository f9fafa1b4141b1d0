/**
 * What one document's previous analysis leaves for the next (BENCHMARKS.md at the root measures what
 * it saves): copies of unchanged top-level statements (whole files) or blocks (files with syntax
 * errors), and per adapter the outcome of each class keyed by what it depends on. Reuse never
 * changes the result: `test/unit/python/incremental.test.ts` checks it against a fresh analysis after
 * random edits. Adapters without incremental support are run in full on the reused syntax tree.
 */
import type { Tree } from 'web-tree-sitter';
import type { ParsedBlock } from '../analyze';
import type { FileGraph, Model } from '../graph';
import type { FrameworkAdapter } from '../frameworks/registry';
import { extractPytorch, type ClassReuse } from '../frameworks/pytorch/extract';
import { lineStarts, type PyNode } from '../python/ast';
import { ModelReuse, type ModelOrigin } from './modelReuse';
import { StatementCopies, statementKey } from './statementCopy';
import { UnitIds, type UnitIndex } from './units';
import { AdviceReuse } from './adviceReuse';

/** Extractors that accept a per-class reuse hook, by adapter id (used only when the adapter runs that very function). */
const INCREMENTAL_EXTRACTORS: Record<string, (root: PyNode, text: string, path: string, reuse: ClassReuse) => FileGraph> = {
  pytorch: extractPytorch,
};

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

export class IncrementalCache {
  /** Counts of the latest analysis. */
  stats: ReuseStats = noStats();
  private readonly statements = new StatementCopies();
  /**
   * Parsed blocks of the previous broken analysis by a cheap head of their text (length and first
   * line), each with its text: equal texts are found by comparing strings (fast) instead of hashing
   * every block's text (the whole file) on every keystroke. Equal texts are in reverse file order.
   */
  private blocks = new Map<string, KeptBlock[]>();
  private nextBlocks = new Map<string, KeptBlock[]>();
  /** Content keys of the current analysis's top-level statements, where the parse already knows them. */
  private keys = new Map<PyNode, string>();
  private readonly unitIds = new UnitIds();
  /** The last key of each statement of a clean block, with what it was made of (see keyOfBlockStatement). */
  private readonly blockKeys = new WeakMap<PyNode, { start: number; end: number; lines: string; key: string }>();
  private units: UnitIndex | undefined;
  private readonly models = new Map<string, ModelReuse>();
  readonly advice = new AdviceReuse();

  /** The whole tree's copy, reusing unchanged top-level statements. */
  copyTree(tree: Tree, text: string): PyNode {
    const { root, keys, reused } = this.statements.copy(tree, text);
    this.keys = keys;
    this.stats.statementsReused = reused;
    this.stats.statementsCopied = keys.size - reused;
    return root;
  }

  beginBlocks(): void {
    this.keys = new Map();
    this.nextBlocks = new Map();
  }

  /** A block of a broken file, parsed by `parse` unless the same text was parsed in the previous broken analysis. */
  block(blockText: string, parse: (text: string) => ParsedBlock): ParsedBlock {
    const head = blockHead(blockText);
    const kept = takeLast(this.blocks.get(head), blockText);
    this.stats[kept ? 'blocksReused' : 'blocksParsed']++;
    const parsed = kept ?? parse(blockText);
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
    return parsed;
  }

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

  /** The adapter's extraction, reusing earlier class outcomes when the adapter supports it. */
  extract(adapter: FrameworkAdapter, root: PyNode, text: string, path: string): FileGraph {
    const incremental = INCREMENTAL_EXTRACTORS[adapter.id];
    if (!incremental || incremental !== adapter.extract || !this.units) {
      return adapter.extract(root, text, path);
    }
    let reuse = this.models.get(adapter.id);
    if (!reuse) {
      reuse = new ModelReuse(adapter.id);
      this.models.set(adapter.id, reuse);
    }
    const session = reuse.session(this.units, this.units.byId, this.stats);
    const graph = incremental(root, text, path, session);
    session.end();
    return graph;
  }

  /** Where a model of the latest analysis came from (undefined for models of adapters without reuse). */
  originOf(model: Model): ModelOrigin | undefined {
    for (const reuse of this.models.values()) {
      const origin = reuse.origins.get(model);
      if (origin) {
        return origin;
      }
    }
    return undefined;
  }

  forgetUnits(): void {
    this.units = undefined;
    this.stats = noStats();
  }

  /** The statements of the latest analysis, when it ran incrementally. */
  get currentUnits(): UnitIndex | undefined {
    return this.units;
  }

  /** Forgets everything (after a failure, or when settings change). */
  reset(): void {
    this.statements.clear();
    this.blocks = new Map();
    this.nextBlocks = new Map();
    this.keys = new Map();
    this.unitIds.clear();
    this.units = undefined;
    this.models.forEach((reuse) => reuse.clear());
    this.advice.clear();
  }
}
