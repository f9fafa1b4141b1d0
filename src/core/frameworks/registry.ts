/**
 * The framework adapters. Each one says whether a file imports its framework, extracts that
 * framework's models from the parsed file, spells fixes in that framework, and hands the simulator
 * the dialect its models read in. A file may mix
 * frameworks: every adapter whose framework the file imports runs, and each model keeps its own.
 */
import type { Spellers } from '../advice/advise';
import { recommendFor } from '../advice/recommend';
import type { FileGraph, Layer, Model } from '../graph';
import type { IncrementalExtraction } from '../incremental/reuseHooks';
import type { PyNode } from '../python/ast';
import type { ModuleResolvers } from '../python/eval/imports';
import type { SimulationDialect } from '../simulate/dialect';
import { extractFlax } from './flax/extract';
import { flaxFixSpeller } from './flax/fixes';
import { flaxSimulationDialect } from './flax/simulation';
import { detectPytorch } from './pytorch/detect';
import { extractPytorch } from './pytorch/extract';
import { pytorchFixSpeller, pytorchResidualSpeller } from './pytorch/fixes';
import { pytorchSimulationDialect } from './pytorch/simulation';
import { pytorchSpellingKey } from './pytorch/spellingKey';
import { detectKeras } from './keras/detect';
import { extractKeras } from './keras/extract';
import { kerasFixSpeller } from './keras/fixes';
import { kerasSimulationDialect } from './keras/simulation';

export type FrameworkId = Exclude<FileGraph['framework'], 'unknown'>;

export interface FrameworkAdapter {
  id: FrameworkId;
  /** True when the file imports the framework (a regex over the text, before parsing). */
  detect(text: string): boolean;
  /**
   * The framework's models and notes in the parsed file; `modules` resolves its workspace imports
   * (none: every imported name of the workspace is a symbol). Must not throw for code it does not understand.
   */
  extract(root: PyNode, text: string, path: string, modules?: ModuleResolvers): FileGraph;
  /** Fix spellers for the layers this adapter extracted. */
  spellers(text: string, graph: FileGraph): Spellers;
  /** How the simulator reads this framework's layers and inits. */
  simulation: SimulationDialect;
  /** The hooks that let the incremental memo reuse this adapter's models; without them it runs in full every time. */
  incremental?: IncrementalExtraction;
}

/** The recommendation for a layer's own activation, as the spellers need it. */
export function recommendationForLayer(layer: Layer) {
  return layer.activation && layer.activation !== 'unknown' ? recommendFor(layer.activation) : null;
}

const pytorch: FrameworkAdapter = {
  id: 'pytorch',
  // By what defines models, not by any `import torch` (a script logging through torch's TensorBoard writer has none).
  detect: (text) => text.includes('torch') && detectPytorch(text),
  extract: (root, text, path, modules) => extractPytorch(root, text, path, undefined, modules),
  spellers: (text, graph) => {
    // The residual speller is rarely needed (GPT-2-style scaled inits): build it on first use.
    let residual: ReturnType<typeof pytorchResidualSpeller> | undefined;
    return { fix: pytorchFixSpeller(text, graph, recommendationForLayer), residual: (...args) => (residual ??= pytorchResidualSpeller(text))(...args) };
  },
  simulation: pytorchSimulationDialect,
  // One model per nn.Module class, built by the same extraction.
  incremental: { extract: extractPytorch, spellingKey: pytorchSpellingKey },
};

/** Text that shows a Flax module defined or built: linen, nnx, or `nn` / a class taken from flax. */
export const FLAX_MODEL_SIGNS = /\b(linen|nnx)\b|^[ \t]*from\s+flax(\.\w+)*\s+import\s+[^\n]*\b(nn|Module)\b/m;

/** Flax (linen and nnx): detected by `import flax` / `from flax`; jax-only files have no Flax modules. */
const flax: FrameworkAdapter = {
  id: 'flax',
  // The substring test first: every match contains `flax`, and it rejects a large file ten times faster than the regex.
  // A JAX script that imports flax only for its TensorBoard writer or train state (`flax.metrics`, `flax.training`) defines no module.
  detect: (text) => text.includes('flax') && /^\s*(import\s+flax\b|from\s+flax\b)/m.test(text) && FLAX_MODEL_SIGNS.test(text),
  extract: extractFlax,
  spellers: (text, graph) => ({ fix: flaxFixSpeller(text, graph, recommendationForLayer) }),
  simulation: flaxSimulationDialect,
};

const keras: FrameworkAdapter = {
  id: 'keras',
  // Every text detectKeras accepts contains `keras`; the substring test rejects the others cheaply.
  detect: (text) => text.includes('keras') && detectKeras(text),
  extract: extractKeras,
  spellers: (text, graph) => ({ fix: kerasFixSpeller(text, graph, recommendationForLayer) }),
  simulation: kerasSimulationDialect,
};

/** Every adapter, in the order their models are listed when a file mixes frameworks. */
export const ADAPTERS: readonly FrameworkAdapter[] = [pytorch, keras, flax];

/** Which frameworks to analyse (the editor's `initLens.frameworks.*` settings); missing ones are on. */
export type EnabledFrameworks = Partial<Record<FrameworkId, boolean>>;

/** The enabled adapters whose framework the file imports, and the imported frameworks turned off. */
export function adaptersFor(text: string, enabled: EnabledFrameworks = {}): { adapters: FrameworkAdapter[]; disabled: FrameworkId[] } {
  const imported = ADAPTERS.filter((adapter) => adapter.detect(text));
  return {
    adapters: imported.filter((adapter) => enabled[adapter.id] !== false),
    disabled: imported.filter((adapter) => enabled[adapter.id] === false).map((adapter) => adapter.id),
  };
}

/** The simulation dialect of a model's framework (a model without one was extracted by the PyTorch adapter). */
export function dialectFor(framework: Model['framework']): SimulationDialect {
  const id = framework ?? 'pytorch';
  const adapter = ADAPTERS.find((candidate) => candidate.id === id);
  if (adapter === undefined) {
    throw new Error(`no framework adapter for ${id}`);
  }
  return adapter.simulation;
}
