/**
 * What a framework adapter hands the incremental memo so that its models can be reused. The memo
 * knows no framework: an adapter that builds its models one top-level definition at a time (a
 * PyTorch `nn.Module` class) offers its extraction with a per-definition hook, and says what else
 * of the whole text its fix spellers read. Adapters without these hooks run in full every time.
 */
import type { FileGraph, Model } from '../graph';
import type { PyNode } from '../python/ast';
import type { FunctionShape } from '../python/eval/functions';
import type { ModuleResolvers } from '../python/eval/imports';
import type { ModuleReplay } from '../python/eval/moduleReplay';

/** What building one top-level definition gave: its model (none when skipped) and its notes. */
export interface ModelOutcome {
  model?: Model;
  notes: string[];
  /** The evaluation work building it took: a reused outcome counts it again against the file's budget. */
  spent?: { steps: number; instances: number };
  /**
   * What the adapter built the model from (a module tree), handed back with the outcome; the memo
   * never reads it, and a moved outcome keeps it as it was (it is for comparing layer names and sizes).
   */
  built?: unknown;
}

/** A top-level definition an adapter builds a model from, as the memo sees it. */
export interface ReusableDefinition {
  /** The name it binds (a class name). */
  readonly name: string;
  /** Its syntax node, whose start tells which top-level statement it is. */
  readonly node: { readonly startIndex: number };
}

/**
 * The hook an extraction calls for each definition: `take` hands back the earlier outcome when
 * nothing it depends on changed (undefined: build it), and `keep` is told every outcome, built or taken.
 */
export interface DefinitionReuse<Definition extends ReusableDefinition = ReusableDefinition> {
  take(definition: Definition): ModelOutcome | undefined;
  keep(definition: Definition, outcome: ModelOutcome): void;
  /**
   * The function shapes of the document's earlier analyses, by definition node, for the evaluator
   * to memoize into (a reused node keeps its text, so its shape holds): the module's definitions
   * run on every analysis, and reading each one's parameters again was a large part of an edit's time.
   */
  readonly functionShapes?: WeakMap<PyNode, FunctionShape>;
  /** The memo of the document's module runs, for the evaluator (../python/eval/moduleReplay.ts). */
  readonly moduleReplay?: ModuleReplay;
}

/** An adapter's incremental entry points. */
export interface IncrementalExtraction {
  /** The adapter's extraction, equal to its plain one, consulting `reuse` for each definition. */
  extract(root: PyNode, text: string, path: string, reuse: DefinitionReuse, modules?: ModuleResolvers): FileGraph;
  /**
   * Everything of the whole text that the adapter's fix spellers read besides a model's own
   * statements (quote style, indentation, import aliases...), as a string: a model's kept advice is
   * reused only while this string is unchanged.
   */
  spellingKey(text: string): string;
}
