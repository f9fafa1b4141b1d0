/**
 * Rules over the graph: for each layer, the init in force against the init its activation calls
 * for, the per-layer factor and the drift over the stack it belongs to, and a severity from that
 * drift. Sources are cited in `recommend.ts`; the recursion is Poole et al. 2016 and
 * Schoenholz et al. 2017 (arXiv 1611.01232), see ../shared/FACTS.md.
 */
import type { Activation, FileGraph, Layer, Model } from '../graph';
import { cachedDerivativeSecondMoment as derivativeSecondMoment, cachedSecondMoment as secondMoment } from './moments';
import { torchInitVariance } from '../init/torchInitVariance';
import { activationSpec, GPT2_SCALED, ORTHOGONAL, recommendFor } from './recommend';
import type { Finding, Fix, LayerSignal, Recommendation, Severity } from './types';

/** Settings that change what advice reports. */
export interface AdviceOptions {
  /** Drift over a stack (either way) from which a mismatch is a warning. */
  driftThreshold: number;
  /** A per-layer factor within [1/tolerance, tolerance] fits. */
  factorTolerance: number;
  /** Severity of a mismatch whose drift is over the threshold. */
  mismatchSeverity: Severity;
  /** Severity of a mismatch under the threshold, and of the recurrent and residual advice. */
  minorSeverity: Severity;
}

export const DEFAULT_ADVICE_OPTIONS: AdviceOptions = { driftThreshold: 4, factorTolerance: 1.25, mismatchSeverity: 'warning', minorSeverity: 'information' };

/** Spells a recommendation as edits in the file's framework (null when no safe edit exists). */
export type FixSpeller = (layer: Layer, param: string, recommendation: Recommendation, title: string) => Fix | null;

/** Spells "scale these residual branch ends' weights to std" in the file's framework. */
export type ResidualSpeller = (model: Model, ends: Layer[], std: number, title: string) => Fix | null;

/** The framework's spellers. */
export interface Spellers {
  fix: FixSpeller;
  residual?: ResidualSpeller;
}

/** Per-layer signals and findings for one file. */
export interface Advice {
  signals: LayerSignal[];
  findings: Finding[];
}

const WEIGHT_TYPES = /^(Linear|Bilinear|LazyLinear|Conv[123]d|ConvTranspose[123]d)$/;

/** True for layers whose weight multiplies the signal like a dense or conv layer. */
function isWeightLayer(layer: Layer): boolean {
  const weight = layer.init.weight;
  if (!weight || layer.fanIn === null || layer.fanOut === null) {
    return false;
  }
  return WEIGHT_TYPES.test(layer.type) || (layer.type !== 'Parameter' && !/Embedding/.test(layer.type) && 'bias' in layer.init && !('weight_hh' in layer.init));
}

function isDropout(layer: Layer): boolean {
  return /Dropout/.test(layer.type);
}

/** Advice for every model of a file. */
export function adviseFile(graph: FileGraph, options: AdviceOptions = DEFAULT_ADVICE_OPTIONS, spellers?: Spellers): Advice {
  const signals: LayerSignal[] = [];
  const findings: Finding[] = [];
  for (const model of graph.models) {
    const advice = adviseModel(model, options, spellers);
    signals.push(...advice.signals);
    findings.push(...advice.findings);
  }
  return { signals, findings };
}

/** Advice for one model (adviseFile is this over every model, in order). */
export function adviseModel(model: Model, options: AdviceOptions, spellers?: Spellers): Advice {
  const speller = spellers?.fix;
  const signals: LayerSignal[] = [];
  const findings: Finding[] = [];
  for (const stack of stacksOf(model)) {
    const stackSignals = stackSignal(model, stack);
    stackSignals.forEach((signal, index) => {
      signals.push(signal);
      const finding = mismatchFinding(model, stack[index]!, signal, options, speller);
      if (finding) {
        findings.push(finding);
      }
    });
  }
  findings.push(...recurrentFindings(model, options.minorSeverity, speller));
  findings.push(...residualFindings(model, options.minorSeverity, spellers?.residual));
  return { signals, findings };
}

/**
 * Stacks: maximal runs of weight layers in forward order (dropout skipped) whose output goes
 * through a known activation with no normalisation before it and no residual join. A norm, an
 * output layer, a residual branch end or any other layer ends the run. A lone layer is a stack of 1.
 */
function stacksOf(model: Model): Layer[][] {
  const stacks: Layer[][] = [];
  let current: Layer[] = [];
  // The last weight layer in forward order is the model's output (logits, class maps): no verdict,
  // whatever follows it (torchvision's SqueezeNet ends conv → ReLU → pool on purpose).
  const weightLayers = model.layers.filter(isWeightLayer);
  const output = weightLayers[weightLayers.length - 1];
  const close = () => {
    if (current.length > 0) {
      stacks.push(current);
    }
    current = [];
  };
  for (const layer of model.layers) {
    if (isDropout(layer)) {
      continue;
    }
    const activation = layer.activation;
    const eligible =
      layer !== output &&
      isWeightLayer(layer) &&
      activation !== null &&
      activation !== 'unknown' &&
      !layer.normalized &&
      !layer.residual &&
      recommendFor(activation) !== null;
    if (eligible) {
      current.push(layer);
    } else {
      close();
    }
  }
  close();
  return stacks;
}

function weightVariance(layer: Layer): number | null {
  return layer.init.weight?.variance ?? null;
}

function fans(layer: Layer): { fanIn: number; fanOut: number } | null {
  return typeof layer.fanIn === 'number' && typeof layer.fanOut === 'number' && layer.fanIn > 0 ? { fanIn: layer.fanIn, fanOut: layer.fanOut } : null;
}

/** The mean-field numbers of every layer of a stack. */
function stackSignal(model: Model, stack: Layer[]): LayerSignal[] {
  const q: (number | null)[] = [];
  let inputMoment: number | null = 1;
  let previous: Activation | null = null;
  const out: LayerSignal[] = stack.map((layer) => {
    const activation = layer.activation as Activation;
    const recommendation = recommendFor(activation);
    const f = fans(layer);
    const variance = weightVariance(layer);
    const sigmaW2 = f && variance !== null ? f.fanIn * variance : (layer.init.weight?.sigmaW2 ?? null);
    const biasVariance = layer.init.bias?.variance ?? 0;
    const spec = activationSpec(activation);
    if (previous && q.length > 0) {
      const last = q[q.length - 1];
      inputMoment = last === null || last === undefined ? null : secondMoment(activationSpec(previous), last);
    }
    const preMoment = sigmaW2 !== null && inputMoment !== null ? sigmaW2 * inputMoment + (biasVariance ?? 0) : null;
    q.push(preMoment);
    previous = activation;
    const wanted = recommendation && f ? recommendedVariance(recommendation, f) : null;
    return {
      model: model.name,
      layer: layer.name,
      sigmaW2,
      varianceNow: variance,
      varianceWanted: wanted,
      forwardFactor: sigmaW2 !== null ? sigmaW2 * secondMoment(spec, 1) : null,
      backwardFactor: sigmaW2 !== null && f ? (f.fanOut / f.fanIn) * sigmaW2 * derivativeSecondMoment(spec, 1) : null,
      forwardDrift: null,
      backwardDrift: null,
      depth: stack.length,
      recommendation,
      skipped: variance === null ? 'the init in force does not resolve' : f === null ? 'the fans do not resolve' : null,
    };
  });
  // Drift over the stack: the pre-activation second moment of the last layer over the first's,
  // and the gradient variance from the stack's output back to its first layer's output.
  const first = q[0];
  const last = q[q.length - 1];
  const forwardDrift = first !== null && first !== undefined && last !== null && last !== undefined && first > 0 ? last / first : null;
  let backwardDrift: number | null = 1;
  for (let i = 1; i < stack.length; i++) {
    const layer = stack[i]!;
    const f = fans(layer);
    const signal = out[i]!;
    const qi = q[i];
    if (backwardDrift === null || !f || signal.sigmaW2 === null || qi === null || qi === undefined) {
      backwardDrift = null;
      break;
    }
    backwardDrift *= (f.fanOut / f.fanIn) * signal.sigmaW2 * derivativeSecondMoment(activationSpec(layer.activation as Activation), qi);
  }
  for (const signal of out) {
    signal.forwardDrift = forwardDrift;
    signal.backwardDrift = backwardDrift;
  }
  return out;
}

function recommendedVariance(recommendation: Recommendation, f: { fanIn: number; fanOut: number }): number | null {
  if (recommendation.gain !== undefined) {
    return (recommendation.gain * recommendation.gain) / f.fanIn;
  }
  return torchInitVariance(recommendation.name, recommendation.args, f);
}

/** How far from 1 a factor is, as a ratio ≥ 1. */
function distance(factor: number | null): number {
  if (factor === null || !(factor > 0)) {
    return Infinity;
  }
  return factor >= 1 ? factor : 1 / factor;
}

/** He et al.: preserving either direction suffices, so a layer is judged by its better direction. */
function bestDistance(a: number | null, b: number | null): number {
  return Math.min(distance(a), distance(b));
}

function ruleFor(activation: Activation): string {
  const name = activationSpec(activation).name;
  if (name === 'relu' || name === 'leaky_relu') {
    return 'init-relu';
  }
  if (name === 'tanh' || name === 'sigmoid') {
    return 'init-tanh-sigmoid';
  }
  if (name === 'selu') {
    return 'init-selu';
  }
  return 'init-gain';
}

function mismatchFinding(model: Model, layer: Layer, signal: LayerSignal, options: AdviceOptions, speller?: FixSpeller): Finding | null {
  const recommendation = signal.recommendation;
  if (!recommendation || signal.skipped || signal.depth < 2) {
    return null;
  }
  const layerDistance = bestDistance(signal.forwardFactor, signal.backwardFactor);
  if (layerDistance <= options.factorTolerance) {
    return null;
  }
  // The recommended init itself always fits (Xavier is a compromise between the two directions).
  if (signal.varianceNow !== null && signal.varianceWanted !== null && distance(signal.varianceNow / signal.varianceWanted) <= options.factorTolerance) {
    return null;
  }
  // A warning needs the stack to drift past the threshold AND this layer's own factor, compounded
  // over the stack, to do so: a layer barely off in a stack made to drift by another is information.
  const driftDistance = bestDistance(signal.forwardDrift, signal.backwardDrift);
  const ownDrift = layerDistance ** signal.depth;
  const severity: Severity = driftDistance >= options.driftThreshold && ownDrift >= options.driftThreshold ? options.mismatchSeverity : options.minorSeverity;
  const activation = layer.activation as Activation;
  const init = layer.init.weight!;
  const now = init.name === 'default' ? 'the PyTorch default (kaiming_uniform a=√5)' : init.name;
  const message =
    `${layer.name}: ${now} gives Var(W) = ${fmt(signal.varianceNow)}, but ${activation.name} calls for ${recommendation.label} ` +
    `(${fmt(signal.varianceWanted)}): ×${fmt(signal.forwardFactor)} per layer, ×${fmt(signal.forwardDrift)} forward and ` +
    `×${fmt(signal.backwardDrift)} backward over the stack of ${signal.depth} layers.`;
  const title = `Use ${recommendation.label} init for ${layer.name}`;
  return {
    rule: ruleFor(activation),
    severity,
    message,
    model: model.name,
    layer: layer.name,
    range: layer.range,
    activationRange: activation.range,
    initRange: init.range,
    signal,
    fix: speller ? speller(layer, 'weight', recommendation, title) : null,
  };
}

/** Recurrent weights: orthogonal keeps the hidden state's norm over time steps. */
function recurrentFindings(model: Model, severity: Severity, speller?: FixSpeller): Finding[] {
  const findings: Finding[] = [];
  for (const layer of model.layers) {
    const hidden = layer.init.weight_hh;
    if (!hidden || hidden.name === 'orthogonal' || hidden.name === 'unknown' || hidden.name === 'eye' || hidden.name === 'identity') {
      continue;
    }
    const recommendation: Recommendation = { name: 'orthogonal', args: {}, label: 'orthogonal', citation: ORTHOGONAL };
    findings.push({
      rule: 'init-recurrent',
      severity,
      message: `${layer.name}: recurrent weights use ${hidden.name === 'default' ? 'the PyTorch default U(±1/√hidden)' : hidden.name}; orthogonal weight_hh keeps the hidden state's scale over time steps.`,
      model: model.name,
      layer: layer.name,
      range: layer.range,
      activationRange: null,
      initRange: hidden.range,
      signal: emptySignal(model, layer, recommendation),
      fix: speller ? speller(layer, 'weight_hh', recommendation, `Use orthogonal recurrent weights for ${layer.name}`) : null,
    });
  }
  return findings;
}

/**
 * Residual branches: with many blocks, unscaled branch outputs add up (variances add). Reported as
 * information: the remedy (scaled projections or a zero-init last norm) is a design choice.
 */
function residualFindings(model: Model, severity: Severity, speller?: ResidualSpeller): Finding[] {
  const ends = model.layers.filter((layer) => layer.residual && layer.init.weight);
  const symbolicDepth = ends.some((layer) => layer.name.includes('*'));
  if (ends.length < 4 && !symbolicDepth) {
    return [];
  }
  const findings: Finding[] = [];
  const scaled: Layer[] = [];
  const denseVariances = model.layers
    .filter((layer) => isWeightLayer(layer) && !layer.residual && layer.init.weight?.variance !== null && layer.init.weight?.variance !== undefined)
    .map((layer) => layer.init.weight!.variance! * (typeof layer.fanIn === 'number' ? layer.fanIn : NaN))
    .filter((v) => Number.isFinite(v));
  const typical = median(denseVariances);
  for (const layer of ends) {
    const init = layer.init.weight!;
    // Pre-LN streams are normalised before use too; what matters here is each branch's share of the stream.
    if (init.variance === null) {
      continue;
    }
    const isNorm = layer.fanIn === null;
    if (isNorm) {
      const gamma = typeof init.args.val === 'number' ? init.args.val : init.name === 'default' || init.name === 'ones' ? 1 : null;
      if (gamma === 0 || gamma === null) {
        continue;
      }
      findings.push(
        residualFinding(
          model,
          layer,
          severity,
          `${layer.name}: the last norm of a residual branch starts at γ = ${gamma}; zero-initialising it makes each block start as the identity.`,
        ),
      );
      continue;
    }
    const sigmaW2 = typeof layer.fanIn === 'number' ? init.variance * layer.fanIn : null;
    if (sigmaW2 === null || typical === null || sigmaW2 < typical * 0.75 || init.variance === 0) {
      continue;
    }
    findings.push(
      residualFinding(
        model,
        layer,
        severity,
        `${layer.name}: ends a residual branch with the same scale as the other layers (σ_w² = ${fmt(sigmaW2)}); with ${symbolicDepth ? 'many' : ends.length} branches the residual stream's variance grows with depth. Scale it by 1/√(2·n_layer).`,
      ),
    );
    scaled.push(layer);
  }
  // GPT-2: the branch ends' std divided by √(number of residual branches), one loop for all of them.
  const stds = scaled.map((layer) => Math.sqrt(layer.init.weight!.variance!));
  if (speller && scaled.length > 0 && !symbolicDepth && stds.every((std) => Math.abs(std - stds[0]!) < 1e-12)) {
    const fix = speller(model, scaled, stds[0]! / Math.sqrt(ends.length), `Scale the ${scaled.length} residual output projections by 1/√${ends.length}`);
    findings.filter((f) => f.rule === 'init-residual' && scaled.some((l) => l.name === f.layer)).forEach((f) => (f.fix = fix));
  }
  return findings;
}

function residualFinding(model: Model, layer: Layer, severity: Severity, message: string): Finding {
  const recommendation: Recommendation = { name: 'normal', args: {}, label: 'scaled residual', citation: GPT2_SCALED };
  return {
    rule: 'init-residual',
    severity,
    message,
    model: model.name,
    layer: layer.name,
    range: layer.range,
    activationRange: null,
    initRange: layer.init.weight!.range,
    signal: emptySignal(model, layer, recommendation),
    fix: null,
  };
}

function emptySignal(model: Model, layer: Layer, recommendation: Recommendation): LayerSignal {
  return {
    model: model.name,
    layer: layer.name,
    sigmaW2: null,
    varianceNow: null,
    varianceWanted: null,
    forwardFactor: null,
    backwardFactor: null,
    forwardDrift: null,
    backwardDrift: null,
    depth: 1,
    recommendation,
    skipped: null,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Short number formatting for messages: 3 significant digits. */
export function fmt(value: number | null): string {
  if (value === null || !Number.isFinite(value)) {
    return '?';
  }
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4)) {
    return value.toExponential(2);
  }
  return Number(value.toPrecision(3)).toString();
}
