/**
 * The pure pipeline for one file: text → syntax tree → ModelGraph (→ findings, in advice/).
 * Broken Python is normal while typing: when the whole-file parse has errors, each top-level
 * block is parsed on its own so that one unclosed bracket does not fold later classes into it.
 */
import type { FileGraph } from './graph';
import { anchorOf, toPyAst, type Anchor, type PyNode } from './python/ast';
import { parsePython, type Tree } from './python/parser';
import { adaptersFor, type EnabledFrameworks, type FrameworkAdapter } from './frameworks/registry';
import type { IncrementalCache } from './incremental/cache';
import { healLines } from './python/heal';
import { splitTopLevelBlocks } from './python/topLevel';

/** Options for one analysis. */
export interface AnalyzeOptions {
  /** Files larger than this (in UTF-16 code units) are skipped with a note. */
  maxSize?: number;
  /** A tree of exactly this text, kept by the caller (DocumentTrees): it is used, not deleted. */
  tree?: Tree;
  /**
   * What the previous analysis of the same document left to reuse (the editor keeps one per
   * document). The result is the same as without it; only the work differs.
   */
  incremental?: IncrementalCache;
  /** Frameworks to analyse; all by default. */
  frameworks?: EnabledFrameworks;
}

export const DEFAULT_MAX_SIZE = 2_000_000;

/** Analyses one file's text into its ModelGraph. Never throws for any input text. */
export function analyzeText(text: string, path: string, options: AnalyzeOptions = {}): FileGraph {
  // Until this analysis indexes its own statements, nothing of the previous one may be advised on.
  options.incremental?.forgetUnits();
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  if (text.length > maxSize) {
    return { path, framework: 'unknown', models: [], notes: [`skipped: ${text.length} characters is over the limit of ${maxSize}`] };
  }
  if (text.includes('\u0000')) {
    return { path, framework: 'unknown', models: [], notes: ['skipped: the file contains NUL bytes (binary?)'] };
  }
  // A lone CR is a line break for Python and for the editor; tree-sitter wants LF. Same length, same offsets.
  const normalized = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  // A given tree is of the text as it was; after normalising, parse anew.
  const givenTree = normalized === text ? options.tree : undefined;
  text = normalized;
  const { adapters, disabled } = adaptersFor(text, options.frameworks);
  const framework = adapters[0]?.id ?? disabled[0] ?? 'unknown';
  const disabledNotes = disabled.map((id) => `${id} models are not analysed: the framework is turned off`);
  if (adapters.length === 0) {
    return { path, framework, models: [], notes: disabledNotes };
  }
  const cache = options.incremental;
  if (cache) {
    try {
      return analyzeParsed(text, path, framework, adapters, disabledNotes, parseRoot(text, givenTree, cache), cache);
    } catch {
      // A failure of the reuse itself must not change the answer: start afresh, without it.
      cache.reset();
    }
  }
  try {
    return analyzeParsed(text, path, framework, adapters, disabledNotes, parseRoot(text, givenTree));
  } catch (error) {
    return { path, framework, models: [], notes: [`not analysed: ${(error as Error).message}`] };
  }
}

/** The adapters' models and notes for a parsed file; extraction reuses earlier models when a cache is given. */
function analyzeParsed(
  text: string,
  path: string,
  framework: FileGraph['framework'],
  adapters: FrameworkAdapter[],
  disabledNotes: string[],
  root: ParsedRoot,
  cache?: IncrementalCache,
): FileGraph {
  cache?.indexUnits(root.node, text);
  const graph: FileGraph = { path, framework, models: [], notes: [] };
  for (const adapter of adapters) {
    const part = cache ? cache.extract(adapter, root.node, text, path) : adapter.extract(root.node, text, path);
    for (const model of part.models) {
      model.framework ??= adapter.id;
      graph.models.push(model);
    }
    graph.notes.push(...part.notes);
  }
  graph.notes.push(...disabledNotes);
  if (root.broken) {
    const lines = root.healed && root.healed.length > 0 ? `; left out or repaired: line ${root.healed.map((l) => l + 1).join(', ')}` : '';
    graph.notes.unshift(`the file has syntax errors: each top-level block was analysed on its own${lines}`);
  }
  return graph;
}

interface ParsedRoot {
  node: PyNode;
  broken: boolean;
  healed?: number[];
}

/**
 * Parses the text; when the tree has errors, re-parses each top-level block separately and joins
 * them. With a cache, unchanged top-level statements (or blocks) are reused instead of copied.
 */
function parseRoot(text: string, given?: Tree, cache?: IncrementalCache): ParsedRoot {
  const tree = given ?? parsePython(text);
  if (!tree) {
    throw new Error('the parser gave no tree');
  }
  try {
    // Copy the tree only when it is whole; a broken file is re-parsed block by block below.
    if (!tree.rootNode.hasError) {
      return { node: cache ? cache.copyTree(tree, text) : toPyAst(tree, text), broken: false };
    }
  } finally {
    if (!given) {
      tree.delete();
    }
  }
  const children: PyNode[] = [];
  const healed: number[] = [];
  cache?.beginBlocks();
  for (const block of splitTopLevelBlocks(text)) {
    const parsed = cache ? cache.block(block.text, parseBlock) : parseBlock(block.text);
    placeBlock(parsed, block.startLine, block.startIndex);
    children.push(...parsed.children.map((child) => child.node));
    healed.push(...parsed.healed.map((line) => line + block.startLine));
  }
  cache?.endBlocks();
  return {
    node: {
      type: 'module',
      children,
      fields: {},
      text: '',
      operator: '',
      startIndex: 0,
      endIndex: text.length,
      range: { start: { line: 0, column: 0 }, end: { line: text.split('\n').length, column: 0 } },
      hasError: true,
    },
    broken: true,
    healed,
  };
}

const MAX_HEALING_STEPS = 8;

/** One top-level block parsed on its own: its statements (anchored at the block's start) and the repaired lines, relative to it. */
export interface ParsedBlock {
  children: { node: PyNode; anchor: Anchor; index: number; line: number }[];
  healed: number[];
  /** True when the block parsed without errors and without repairs. */
  clean: boolean;
}

function parseBlock(blockText: string): ParsedBlock {
  const healed: number[] = [];
  const root = parseHealed(blockText, 0, healed);
  const children: ParsedBlock['children'] = [];
  for (const node of root.children) {
    if (node.type !== 'ERROR') {
      const anchor = anchorOf(node) ?? { index: 0, line: 0 };
      children.push({ node, anchor, index: anchor.index, line: anchor.line });
    }
  }
  return { children, healed, clean: !root.hasError && healed.length === 0 };
}

/** Moves a block's statements to where the block starts in the file (each statement's subtree shares its anchor). */
function placeBlock(block: ParsedBlock, startLine: number, startIndex: number): void {
  for (const child of block.children) {
    child.anchor.index = child.index + startIndex;
    child.anchor.line = child.line + startLine;
  }
}

/**
 * Parses one top-level block; while it has a syntax error, the line where the first error starts
 * is replaced by `pass` (same indentation, same line count) and the block parsed again, so that a
 * half-typed line costs only itself. Positions in the result are relative to the block.
 */
function parseHealed(blockText: string, startLine: number, healed: number[]): PyNode {
  const lines = blockText.split('\n');
  const original = [...lines];
  let root: PyNode | undefined;
  let healedByLines = false;
  for (let step = 0; step <= MAX_HEALING_STEPS; step++) {
    const blockText = lines.join('\n');
    const tree = parsePython(blockText);
    if (!tree) {
      break;
    }
    const parserSeesError = tree.rootNode.hasError;
    if (parserSeesError && !healedByLines) {
      // First the line-level repairs (missing colon, unclosed or stray bracket), then the fallback.
      // Tried before copying the tree: while typing, the first parse of a block is usually the broken one.
      healedByLines = true;
      if (healLines(lines)) {
        tree.delete();
        continue;
      }
    }
    try {
      root = toPyAst(tree, blockText);
    } finally {
      tree.delete();
    }
    if (!root.hasError) {
      break;
    }
    const errorLine = firstErrorLine(root);
    // The block's header line is never blanked: that would lose the whole class.
    if (errorLine <= 0 || errorLine >= lines.length) {
      break;
    }
    const line = lines[errorLine]!;
    const healed = `${/^\s*/.exec(line)![0]}pass`;
    if (line === healed) {
      break;
    }
    lines[errorLine] = healed;
  }
  lines.forEach((line, index) => {
    if (line !== original[index]) {
      healed.push(startLine + index);
    }
  });
  return (
    root ?? {
      type: 'module',
      children: [],
      fields: {},
      text: '',
      operator: '',
      startIndex: 0,
      endIndex: 0,
      range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
      hasError: true,
    }
  );
}

/** The line of the first ERROR or MISSING node, in tree order. */
function firstErrorLine(node: PyNode): number {
  if (node.type === 'ERROR' || (node.hasError && node.children.every((c) => !c.hasError))) {
    return node.range.start.line;
  }
  const child = node.children.find((c) => c.hasError);
  return child ? firstErrorLine(child) : -1;
}
