/**
 * `--model NAME` for `graph` and `check` (`simulate` picks its model itself): one model of a file,
 * named as the analysis names it — a class (`ResNet`) or an entry point the file builds
 * (`resnet50`, `netG`, `ResNet50`). Its findings are those that stand for a layer of it.
 */
import { composedModels } from '../core/advice/composition';
import { findingCovers } from '../core/advice/findingsByRange';
import type { FileAnalysis } from '../core/engine';

/** The analysis narrowed to the model `name`, or undefined when the file has no model of that name. */
export function selectModel(analysis: FileAnalysis, name: string): FileAnalysis | undefined {
  const { graph, advice } = analysis;
  const models = graph.models.filter((model) => model.name === name);
  if (models.length === 0) {
    return undefined;
  }
  const composed = composedModels(graph.models);
  // A composed class reports nothing of its own: say where its layers are judged rather than show nothing.
  const notes = models.some((model) => composed.has(model))
    ? [...graph.notes, `${name}: other models of the file build it; its layers are judged in them (see the check without --model)`]
    : graph.notes;
  return {
    graph: { ...graph, models, notes },
    advice: {
      signals: advice.signals.filter((signal) => signal.model === name),
      findings: advice.findings.filter((finding) => findingCovers(finding, name)),
    },
  };
}

/** The models of the analyses, for a message naming what `--model` could have been. */
export function modelNames(analyses: readonly FileAnalysis[]): string {
  return [...new Set(analyses.flatMap((analysis) => analysis.graph.models.map((model) => model.name)))].join(', ') || 'none';
}
