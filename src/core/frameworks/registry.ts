/**
 * The framework adapters. Each one says whether a file imports its framework, extracts that
 * framework's models from the parsed file, and spells fixes in that framework. A file may mix
 * frameworks: every adapter whose framework the file imports runs, and each model keeps its own.
 */
import type { Spellers } from '../advice/advise';
import { recommendFor } from '../advice/recommend';
import type { FileGraph, Layer } from '../graph';
import type { PyNode } from '../python/ast';
import { extractPytorch } from './pytorch/extract';
import { pytorchFixSpeller, pytorchResidualSpeller } from './pytorch/fixes';

export type FrameworkId = Exclude<FileGraph['framework'], 'unknown'>;

export interface FrameworkAdapter {
  id: FrameworkId;
  /** True when the file imports the framework (a regex over the text, before parsing). */
  detect(text: string): boolean;
  /** The framework's models and notes in the parsed file. Must not throw for code it does not understand. */
  extract(root: PyNode, text: string, path: string): FileGraph;
  /** Fix spellers for the layers this adapter extracted. */
  spellers(text: string, graph: FileGraph): Spellers;
}

/** The recommendation for a layer's own activation, as the spellers need it. */
export function recommendationForLayer(layer: Layer) {
  return layer.activation && layer.activation !== 'unknown' ? recommendFor(layer.activation) : null;
}

const pytorch: FrameworkAdapter = {
  id: 'pytorch',
  detect: (text) => /^\s*(import\s+torch\b|from\s+torch\b)/m.test(text),
  extract: extractPytorch,
  spellers: (text, graph) => ({ fix: pytorchFixSpeller(text, graph, recommendationForLayer), residual: pytorchResidualSpeller(text) }),
};

/** Every adapter, in the order their models are listed when a file mixes frameworks. */
export const ADAPTERS: readonly FrameworkAdapter[] = [pytorch];

/** Frameworks still detected by import but without an adapter: the file gets a note, not models. */
const DETECTED_ONLY: { id: FrameworkId; detect: (text: string) => boolean }[] = [
  { id: 'keras', detect: (text) => /^\s*(import\s+(keras|tensorflow)\b|from\s+(keras|tensorflow)\b)/m.test(text) },
  { id: 'flax', detect: (text) => /^\s*(import\s+(flax|jax)\b|from\s+(flax|jax)\b)/m.test(text) },
];

/** The adapters whose framework the file imports, and the imported frameworks that have none. */
export function adaptersFor(text: string): { adapters: FrameworkAdapter[]; unsupported: FrameworkId[] } {
  const adapters = ADAPTERS.filter((adapter) => adapter.detect(text));
  const unsupported = DETECTED_ONLY.filter((entry) => !ADAPTERS.some((adapter) => adapter.id === entry.id) && entry.detect(text)).map((entry) => entry.id);
  return { adapters, unsupported };
}
