/**
 * What the variance preview shows for one model of an analysed file: the network with today's
 * init and with the recommended one, the layer table, and the symbols the user may set. Pure (no
 * `vscode` import), so it is unit-tested in Node.
 */
import { fmt } from '../core/advice/advise';
import { findingCovers } from '../core/advice/findingsByRange';
import { initLabel } from '../core/advice/hints';
import type { FileAnalysis } from '../core/engine';
import type { Layer, Model, Position } from '../core/graph';
import { dialectFor } from '../core/frameworks/registry';
import { networkFromModel } from '../core/simulate/fromGraph';
import type { Coverage, InputShape, SimNetwork } from '../core/simulate/network';
import { symbolsOf } from '../core/simulate/resolve';
import { reportedLayers } from '../core/simulate/shortcut';
import { isCoverageNote, type PreviewLayerRow, type PreviewModel } from '../protocol/preview';

/** The value a symbolic width or count takes until the user sets it in the panel. */
export const DEFAULT_SYMBOL_VALUE = 256;

/** The model whose class contains the position; else the nearest one above it; else the first. */
export function modelAt(models: Model[], position: Position | undefined): Model | undefined {
  if (!position) {
    return models[0];
  }
  const containing = models.filter((m) => m.range.start.line <= position.line && position.line <= m.range.end.line);
  if (containing.length > 0) {
    // Nested classes: the innermost.
    return containing.reduce((a, b) => (b.range.start.line >= a.range.start.line ? b : a));
  }
  const above = models.filter((m) => m.range.start.line <= position.line);
  return above.length > 0 ? above.reduce((a, b) => (b.range.start.line >= a.range.start.line ? b : a)) : models[0];
}

function activationText(layer: Layer): string {
  const activation = layer.activation;
  if (activation === null) {
    return '—';
  }
  if (activation === 'unknown') {
    return 'unknown';
  }
  const approximate = activation.params.approximate;
  const slope = activation.params.negative_slope;
  return approximate && approximate !== 'none' ? `${activation.name}(${approximate})` : slope !== undefined ? `${activation.name}(${slope})` : activation.name;
}

/** The preview of `modelName` in the analysed file, or undefined when the file has no such model. */
export function previewModelOf(
  analysis: FileAnalysis,
  modelName: string,
  file: { uri: string; fileName: string },
  input?: InputShape,
): PreviewModel | undefined {
  const model = analysis.graph.models.find((m) => m.name === modelName);
  if (!model) {
    return undefined;
  }
  const signals = analysis.advice.signals.filter((s) => s.model === model.name);
  const dialect = dialectFor(model.framework);
  const current = networkFromModel(model, { init: 'current', signals, dialect, ...(input ? { input } : {}) });
  const recommended = networkFromModel(model, { init: 'recommended', signals, dialect, ...(input ? { input } : {}) });
  const simulated = new Set(reportedLayers(current).map((l) => l.name));
  const rows: PreviewLayerRow[] = model.layers
    .filter((layer) => simulated.has(layer.name))
    .map((layer) => {
      const signal = signals.find((s) => s.layer === layer.name);
      const weight = layer.init.weight;
      const recommendation = signal?.recommendation;
      const now = weight ? initLabel(weight, model.framework) : '—';
      const wantedFactor =
        signal && signal.forwardFactor !== null && signal.varianceNow && signal.varianceWanted
          ? (signal.forwardFactor * signal.varianceWanted) / signal.varianceNow
          : null;
      return {
        name: layer.name,
        type: layer.type,
        activation: activationText(layer),
        initNow: now,
        initRecommended: recommendation ? recommendation.label : now,
        factorNow: signal?.forwardFactor ?? null,
        factorRecommended: recommendation ? wantedFactor : (signal?.forwardFactor ?? null),
        range: layer.range,
      };
    });
  const symbols = [...new Set([...symbolsOf(current), ...symbolsOf(recommended)])].map((name) => ({ name, value: DEFAULT_SYMBOL_VALUE }));
  const coverage = coverageOf(model, current);
  // The coverage line is shown on its own at the top of the panel, not among the notes.
  const notes = (current.notes ?? []).filter((note) => !isCoverageNote(note));
  if (symbols.length > 0) {
    notes.push(
      `${symbols.length} size${symbols.length === 1 ? '' : 's'} the analysis cannot resolve (${symbols.map((s) => s.name).join(', ')}) start at ${fmt(DEFAULT_SYMBOL_VALUE)}: set them in the panel`,
    );
  }
  return {
    uri: file.uri,
    fileName: file.fileName,
    model: model.name,
    // The models the analysis names (classes, and entry points such as `resnet50()` or a script's `netG`) that have layers to show.
    models: analysis.graph.models.filter((m) => m.layers.length > 0).map((m) => m.name),
    current,
    recommended,
    rows,
    symbols,
    fixable: analysis.advice.findings.some((f) => findingCovers(f, model.name) && f.fix !== null),
    notes,
    coverage,
  };
}

/**
 * The share of the model's parametrised layers the network simulates: the conversion's count when
 * it gives one, else counted here from the layers that reach the simulation (dropout has no weights).
 */
export function coverageOf(model: Model, network: SimNetwork): Coverage {
  if (network.coverage) {
    return network.coverage;
  }
  const simulated = new Set(reportedLayers(network).map((layer) => layer.name));
  const parametrised = model.layers.filter((layer) => !/dropout/i.test(layer.type)).map((layer) => layer.name);
  const leftOut = parametrised.filter((name) => !simulated.has(name));
  return { simulated: parametrised.length - leftOut.length, total: parametrised.length, leftOut };
}
