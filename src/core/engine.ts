/**
 * The whole pure pipeline for one file: text → ModelGraph → advice with fixes spelled in the
 * file's framework. The CLI, the editor and the tests all call this.
 */
import { adviseFile, DEFAULT_ADVICE_OPTIONS, type Advice, type AdviceOptions } from './advice/advise';
import { recommendFor } from './advice/recommend';
import { analyzeText, type AnalyzeOptions } from './analyze';
import { pytorchFixSpeller, pytorchResidualSpeller } from './frameworks/pytorch/fixes';
import type { FileGraph } from './graph';

/** The analysis of one file. */
export interface FileAnalysis {
  graph: FileGraph;
  advice: Advice;
}

/** Analyses and advises one file. Never throws for any input text. */
export function analyzeFile(text: string, path: string, options: AnalyzeOptions & { advice?: AdviceOptions } = {}): FileAnalysis {
  const graph = analyzeText(text, path, options);
  try {
    const spellers =
      graph.framework === 'pytorch'
        ? {
            fix: pytorchFixSpeller(text, graph, (layer) => (layer.activation && layer.activation !== 'unknown' ? recommendFor(layer.activation) : null)),
            residual: pytorchResidualSpeller(text),
          }
        : undefined;
    return { graph, advice: adviseFile(graph, options.advice ?? DEFAULT_ADVICE_OPTIONS, spellers) };
  } catch (error) {
    graph.notes.push(`advice failed: ${(error as Error).message}`);
    return { graph, advice: { signals: [], findings: [] } };
  }
}
