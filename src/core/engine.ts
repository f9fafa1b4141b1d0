/**
 * The whole pure pipeline for one file: text → ModelGraph (./analyze.ts) → advice with fixes spelled
 * in the framework of each model. With an incremental memo, each model's advice is asked of it first.
 * The CLI, the editor and the tests all call this.
 */
import { adviseFile, adviseModel, DEFAULT_ADVICE_OPTIONS, type Advice, type AdviceOptions, type Spellers } from './advice/advise';
import { findingsByRange } from './advice/findingsByRange';
import { placeImportedFindings, withoutImportedFixes } from './advice/importedLayers';
import { analyzeText, type AnalyzeOptions } from './analyze';
import { ADAPTERS } from './frameworks/registry';
import type { FileGraph, Layer, Model } from './graph';

/** The analysis of one file. */
export interface FileAnalysis {
  graph: FileGraph;
  advice: Advice;
}

/** Analyses and advises one file. Never throws for any input text. */
export function analyzeFile(text: string, path: string, options: AnalyzeOptions & { advice?: AdviceOptions } = {}): FileAnalysis {
  const graph = analyzeText(text, path, options);
  const adviceOptions = options.advice ?? DEFAULT_ADVICE_OPTIONS;
  const cache = options.incremental;
  if (cache) {
    try {
      const spellers = spellersFor(text, graph);
      const advice = cache.advise(
        graph,
        () => adviceFileKey(text, graph, adviceOptions),
        (model) => adviseModel(model, adviceOptions, spellers),
      );
      if (advice) {
        return { graph, advice: placed(advice, graph) };
      }
    } catch {
      // The reuse must never change the answer: advise afresh below.
      cache.forgetAdvice();
    }
  }
  try {
    return { graph, advice: placed(adviseFile(graph, adviceOptions, spellersFor(text, graph)), graph) };
  } catch (error) {
    graph.notes.push(`advice failed: ${(error as Error).message}`);
    return { graph, advice: { signals: [], findings: [] } };
  }
}

/**
 * The advice with the findings on imported layers placed in this file (./advice/importedLayers.ts),
 * then one per source range, composed models judged in their parents (./advice/findingsByRange.ts).
 */
function placed(advice: Advice, graph: FileGraph): Advice {
  // Imported layers come from workspace modules (dependencies) or bundled library stubs (no dependency).
  const findings = advice.findings.some((finding) => finding.range.path !== undefined)
    ? placeImportedFindings(advice.findings, graph.models, graph.path)
    : advice.findings;
  return { ...advice, findings: findingsByRange(findings, graph) };
}

/**
 * What a model's advice depends on besides the model and the models sharing its init calls: the
 * options, and the spelling conventions of every framework whose models the memo can hand back.
 */
function adviceFileKey(text: string, graph: FileGraph, options: AdviceOptions): string {
  const spelling = ADAPTERS.filter((adapter) => adapter.incremental && graph.models.some((model) => model.framework === adapter.id)).map(
    (adapter) => `${adapter.id}:${adapter.incremental!.spellingKey(text)}`,
  );
  return `${JSON.stringify(options)}|${spelling.join('|')}`;
}

/** Spellers that hand each layer or model to the adapter that extracted it. */
function spellersFor(text: string, graph: FileGraph): Spellers | undefined {
  // Built on first use: with reused advice, a file's spellers are often not needed at all.
  const byFramework = new Map<string, () => Spellers>();
  for (const adapter of ADAPTERS) {
    if (graph.models.some((model) => model.framework === adapter.id)) {
      let spellers: Spellers | undefined;
      byFramework.set(adapter.id, () => (spellers ??= adapter.spellers(text, graph)));
    }
  }
  if (byFramework.size === 0) {
    return undefined;
  }
  // Also built on first use: with reused advice, no layer is asked about.
  let modelOfLayer: Map<Layer, Model> | undefined;
  const modelOf = (layer: Layer): Model | undefined => {
    if (!modelOfLayer) {
      modelOfLayer = new Map();
      for (const model of graph.models) {
        for (const each of model.layers) {
          modelOfLayer.set(each, model);
        }
      }
    }
    return modelOfLayer.get(layer);
  };
  // An imported layer's positions are in another file: no edit of this document may be spelled from them.
  const spellersOf = (model: Model | undefined) => withoutImportedFixes(model?.framework ? byFramework.get(model.framework)?.() : undefined);
  return {
    fix: (layer, param, recommendation, title) => spellersOf(modelOf(layer))?.fix(layer, param, recommendation, title) ?? null,
    residual: (model, ends, std, title) => spellersOf(model)?.residual?.(model, ends, std, title) ?? null,
  };
}
