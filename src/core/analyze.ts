/**
 * The pure pipeline for one file, first part: text → parse → heal → copy → evaluate → ModelGraph
 * (./engine.ts goes on to the advice). Broken Python is normal while typing: when the whole-file
 * parse has errors, each top-level block is parsed (and healed) on its own so that one unclosed
 * bracket does not fold later classes into it. With an incremental memo each stage asks it first.
 */
import { boundGraph } from './graphBounds';
import type { FileGraph } from './graph';
import { toPyAst, type PyNode } from './python/ast';
import { asParsed } from './python/lines';
import { parsePython, type Tree } from './python/parser';
import { adaptersFor, type EnabledFrameworks, type FrameworkAdapter } from './frameworks/registry';
import type { IncrementalCache } from './incremental/cache';
import { parseBlock, placeBlock } from './python/healedBlock';
import { copyStatements } from './python/statementCopy';
import { splitTopLevelBlocks } from './python/topLevel';
import type { ImportLink } from './workspace/importLink';
import { WorkspaceImports } from './workspace/workspaceImports';

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
  /** Where the file's workspace imports are read (none: every name imported from the workspace is a symbol). */
  imports?: WorkspaceImports;
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
  const normalized = asParsed(text);
  // A given tree is of the text as it was; after normalising, parse anew.
  const givenTree = normalized === text ? options.tree : undefined;
  text = normalized;
  const { adapters, disabled } = adaptersFor(text, options.frameworks);
  const framework = adapters[0]?.id ?? disabled[0] ?? 'unknown';
  const disabledNotes = disabled.map((id) => `${id} models are not analysed: the framework is turned off`);
  if (adapters.length === 0) {
    return { path, framework, models: [], notes: disabledNotes };
  }
  const link = importLink(text, path, options);
  const cache = options.incremental;
  // A kept model may depend on imported files: it is reused only while they are unchanged.
  cache?.importsRead(link?.key ?? '');
  if (cache) {
    try {
      return analyzeParsed(text, path, framework, adapters, disabledNotes, parseRoot(text, givenTree, cache), cache, link);
    } catch {
      // A failure of the reuse itself must not change the answer: start afresh, without it.
      cache.reset();
    }
  }
  try {
    return analyzeParsed(text, path, framework, adapters, disabledNotes, parseRoot(text, givenTree), undefined, link);
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
  link?: ImportLink,
): FileGraph {
  cache?.indexUnits(root.node, text);
  const graph: FileGraph = { path, framework, models: [], notes: [] };
  // Imported trees are shared between analyses: place them for this one before evaluating.
  link?.place();
  for (const adapter of adapters) {
    const part = evaluate(adapter, root.node, text, path, cache, link);
    for (const model of part.models) {
      model.framework ??= adapter.id;
      graph.models.push(model);
    }
    graph.notes.push(...part.notes);
  }
  graph.notes.push(...disabledNotes);
  if (link) {
    link.relocate(graph);
    graph.notes.push(...link.notes);
    if (!link.librariesOnly) {
      graph.dependencies = link.dependencies;
    }
  }
  // With a memo, a model it hands back again is bounded already: its notes are given again.
  boundGraph(graph, cache?.bounds);
  if (root.broken) {
    const lines = root.healed && root.healed.length > 0 ? `; left out or repaired: line ${root.healed.map((l) => l + 1).join(', ')}` : '';
    graph.notes.unshift(`the file has syntax errors: each top-level block was analysed on its own${lines}`);
  }
  return graph;
}

/**
 * One adapter's models: through the memo when the adapter has incremental hooks, else in full.
 * With imports, the evaluator reads the link's virtual source (the text, then the imported files).
 */
function evaluate(adapter: FrameworkAdapter, root: PyNode, text: string, path: string, cache?: IncrementalCache, link?: ImportLink): FileGraph {
  const hooks = adapter.incremental;
  const source = link?.source ?? text;
  if (!cache || !hooks) {
    return adapter.extract(root, source, path, link);
  }
  return cache.extract(adapter.id, (reuse) => (reuse ? hooks.extract(root, source, path, reuse, link) : adapter.extract(root, source, path, link)));
}

/** The imports of this analysis, or undefined when there are none to read. Never throws. */
function importLink(text: string, path: string, options: AnalyzeOptions): ImportLink | undefined {
  try {
    // Without a workspace, library imports still read their bundled model stubs.
    return (options.imports ?? librariesOnlyImports()).link(path, text);
  } catch {
    return undefined;
  }
}

/** Imports of a file analysed on its own: library modules only, read from the bundled stubs (no workspace file exists). */
function librariesOnlyImports(): WorkspaceImports {
  return new WorkspaceImports({ exists: () => false, read: () => undefined }, { folders: [], librariesOnly: true });
}

/** The JS copy of a whole tree; with a memo, unchanged top-level statements are taken from it. */
function copyTree(tree: Tree, text: string, cache?: IncrementalCache): PyNode {
  if (!cache) {
    return toPyAst(tree, text);
  }
  const { root, keys, reused } = copyStatements(tree, text, cache.statements);
  cache.copied(keys, reused);
  return root;
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
      return { node: copyTree(tree, text, cache), broken: false };
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
    const parsed = cache?.takeBlock(block.text) ?? parseBlock(block.text);
    cache?.keepBlock(block.text, parsed);
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
