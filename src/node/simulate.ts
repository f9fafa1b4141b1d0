/**
 * `init-lens simulate FILE`: per parametrised layer, the forward pre-activation variance and
 * post-activation second moment and the backward input-gradient variance, for inputs N(0, 1) per
 * element and an upstream gradient N(0, 1) at the output, by the analytic (mean-field) pass or by
 * Monte Carlo on sampled weights.
 */
import type { FileAnalysis } from '../core/engine';
import type { Model } from '../core/graph';
import { simulateAnalytic } from '../core/simulate/analytic';
import { dialectFor } from '../core/frameworks/registry';
import { networkFromModel } from '../core/simulate/fromGraph';
import { simulateMonteCarlo } from '../core/simulate/monteCarlo';
import { MonteCarloRefused } from '../core/simulate/monteCarloBounds';
import { degenerateLayers, nonFiniteStatistic } from '../core/simulate/degenerate';
import type { InputShape, LayerStats, SimNetwork } from '../core/simulate/network';
import { resolveNetwork, symbolsOf } from '../core/simulate/resolve';

export interface SimulateOptions {
  model?: string;
  /** Per-example shape from --input-shape. */
  inputShape?: number[];
  method: 'analytic' | 'montecarlo';
  batch: number;
  seed: number;
}

/** Ops with parameters: the layers the output lists. */
const PARAMETRISED = new Set(['linear', 'conv1d', 'conv2d', 'conv_transpose2d', 'embedding', 'batchnorm', 'layernorm', 'groupnorm']);

/** The input shape asked for, of the kind the first layer implies; throws on a wrong number of dims. */
function inputOf(inferred: InputShape, dims: number[], model: string): InputShape {
  const arity = { vector: 1, tokens: 1, signal: 2, image: 3 }[inferred.kind];
  if (dims.length !== arity) {
    const spelled = { vector: 'WIDTH', tokens: 'LENGTH', signal: 'C,L', image: 'C,H,W' }[inferred.kind];
    throw new Error(`--input-shape: model ${model} takes ${spelled} (${arity} number${arity === 1 ? '' : 's'}), got ${dims.join(',')}`);
  }
  switch (inferred.kind) {
    case 'vector':
      return { kind: 'vector', width: dims[0] };
    case 'tokens':
      return { kind: 'tokens', length: dims[0] };
    case 'signal':
      return { kind: 'signal', channels: dims[0], length: dims[1] };
    case 'image':
      return { kind: 'image', channels: dims[0], height: dims[1], width: dims[2] };
  }
}

function networkOf(analysis: FileAnalysis, model: Model, options: SimulateOptions): SimNetwork {
  const signals = analysis.advice.signals.filter((signal) => signal.model === model.name);
  const dialect = dialectFor(model.framework);
  const inferred = networkFromModel(model, { init: 'current', signals, dialect });
  if (options.inputShape === undefined) {
    return inferred;
  }
  return networkFromModel(model, { init: 'current', signals, dialect, input: inputOf(inferred.input, options.inputShape, model.name) });
}

function layerJson(stats: LayerStats): unknown {
  return {
    name: stats.name,
    type: stats.type,
    forward: { preVar: stats.forward.preVar, postMeanSquare: stats.forward.postMeanSquare },
    backward: { gradInputVar: stats.backward.gradInputVar },
  };
}

/** One model's statistics, or why the Monte-Carlo pass was refused (over its memory or time bound). */
function simulateModel(network: SimNetwork, options: SimulateOptions, name: string): LayerStats[] | string {
  if (options.method !== 'montecarlo') {
    return simulateAnalytic(network);
  }
  try {
    return simulateMonteCarlo(network, { batch: options.batch, seed: options.seed }).layers;
  } catch (error) {
    if (error instanceof MonteCarloRefused && options.model === undefined) {
      return error.message;
    }
    throw error instanceof MonteCarloRefused ? new Error(`${name}: ${error.message}`) : error;
  }
}

/**
 * Simulates the models of one analysed file and prints `{"models": [...]}`; notes go to `err`.
 * Throws (a usage error) for an unknown --model, a wrong --input-shape, or a --model whose sizes
 * do not resolve. Models with unresolved sizes are otherwise left out with a note.
 */
export function runSimulate(analysis: FileAnalysis, options: SimulateOptions, out: (text: string) => void, err: (text: string) => void): number {
  const file = analysis.graph.path;
  // Notes are printed at the end, so that a usage error stays one line.
  const notes: string[] = analysis.graph.notes.map((note) => `${file}: note: ${note}`);
  const models = options.model === undefined ? analysis.graph.models : analysis.graph.models.filter((model) => model.name === options.model);
  if (options.model !== undefined && models.length === 0) {
    const known = analysis.graph.models.map((model) => model.name).join(', ') || 'none';
    throw new Error(`no model ${options.model} in ${file} (models: ${known})`);
  }
  const results: unknown[] = [];
  for (const model of models) {
    const network = networkOf(analysis, model, options);
    const symbols = symbolsOf(network);
    // Flax linen (and Keras without an Input) learn the input size at the first call: only the user knows it.
    const inputSymbols = symbolsOf({ ...network, layers: [] });
    const hint = symbols.some((symbol) => inputSymbols.includes(symbol)) ? ' (give the input size with --input-shape)' : '';
    if (symbols.length > 0 && options.model !== undefined) {
      throw new Error(`${model.name}: sizes the analysis cannot resolve (${symbols.join(', ')}); not simulated${hint}`);
    }
    notes.push(...(network.notes ?? []).map((note) => `${file}: note: ${model.name}: ${note}`));
    if (symbols.length > 0) {
      notes.push(`${file}: note: ${model.name}: sizes the analysis cannot resolve (${symbols.join(', ')}); not simulated${hint}`);
      continue;
    }
    if (network.layers.length === 0) {
      notes.push(`${file}: note: ${model.name}: no layer to simulate`);
      continue;
    }
    const resolved = resolveNetwork(network);
    // Degenerate layers, a refused Monte-Carlo pass and non-finite results are notes: the other models still run.
    const degenerate = degenerateLayers(resolved);
    if (degenerate.length > 0) {
      notes.push(...degenerate.map((problem) => `${file}: note: ${model.name}: ${problem}; not simulated`));
      continue;
    }
    const stats = simulateModel(resolved, options, model.name);
    const bad = typeof stats === 'string' ? stats : nonFiniteStatistic(stats);
    if (bad !== undefined) {
      notes.push(`${file}: note: ${model.name}: ${bad}; not simulated`);
      continue;
    }
    results.push({
      name: model.name,
      // The per-example input shape simulated (read from the file, assumed, or --input-shape) and the share of layers simulated.
      input: resolved.input,
      ...(network.coverage === undefined ? {} : { coverage: network.coverage }),
      layers: (stats as LayerStats[]).filter((layer) => PARAMETRISED.has(layer.type)).map(layerJson),
    });
  }
  for (const note of notes) {
    err(`${note}\n`);
  }
  out(`${JSON.stringify({ models: results }, null, 2)}\n`);
  return 0;
}
