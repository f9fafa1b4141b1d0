/**
 * Rules over the graph: for each layer, the init in force against the init its activation calls
 * for, the per-layer factor and the drift over the stack it belongs to, and a severity from that
 * drift. The rules, their sources and their messages are in `rules.ts`; the recursion is the mean-field
 * one, z ~ N(0, 1): forward q_l = σ_w²·E[φ(√q_{l−1}·z)²] + σ_b² (Poole et al. 2016, arXiv 1606.05340);
 * backward, each layer scales the gradient variance by (fan_out/fan_in)·σ_w²·E[φ′(√q_{l−1}·z)²]
 * (Schoenholz et al. 2017, arXiv 1611.01232).
 */
import type { Activation, FileGraph, Layer, Model } from '../graph';
import { cachedDerivativeSecondMoment as derivativeSecondMoment, cachedSecondMoment as secondMoment } from './moments';
import { torchInitVariance } from '../init/torchInitVariance';
import { activationSpec, recommendFor } from './recommend';
import { RULES, type RuleCode } from './rules';
import type { Finding, Fix, LayerSignal, Recommendation, Severity } from './types';

/** The message number formatter, kept importable from here for the editor's preview. */
export { fmt } from './formatNumber';

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
  findings.push(...recurrentFindings(model, options, speller));
  findings.push(...residualFindings(model, options, spellers?.residual));
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
    // A product that overflows (or 0·∞) is unknown, never a verdict on Infinity or NaN.
    for (const key of ['sigmaW2', 'varianceNow', 'varianceWanted', 'forwardFactor', 'backwardFactor', 'forwardDrift', 'backwardDrift'] as const) {
      if (signal[key] !== null && !Number.isFinite(signal[key])) {
        signal[key] = null;
      }
    }
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

/**
 * A finding's severity from its rule's class through the settings: a `mismatch` rule takes the
 * mismatch severity when the drift passes the threshold, every other case the minor severity.
 */
function severityOf(rule: RuleCode, options: AdviceOptions, overThreshold: boolean): Severity {
  return RULES[rule].severityClass === 'mismatch' && overThreshold ? options.mismatchSeverity : options.minorSeverity;
}

function ruleFor(activation: Activation): 'init-relu' | 'init-tanh-sigmoid' | 'init-selu' | 'init-gain' {
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
  const activation = layer.activation as Activation;
  const rule = ruleFor(activation);
  const severity = severityOf(rule, options, driftDistance >= options.driftThreshold && ownDrift >= options.driftThreshold);
  const init = layer.init.weight!;
  const messages = RULES[rule].messages;
  const message = messages.mismatch({
    layer: layer.name,
    initName: init.name,
    activationName: activation.name,
    label: recommendation.label,
    varianceNow: signal.varianceNow,
    varianceWanted: signal.varianceWanted,
    forwardFactor: signal.forwardFactor,
    forwardDrift: signal.forwardDrift,
    backwardDrift: signal.backwardDrift,
    depth: signal.depth,
  });
  const title = messages.fixTitle(layer.name, recommendation.label);
  return {
    rule,
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
function recurrentFindings(model: Model, options: AdviceOptions, speller?: FixSpeller): Finding[] {
  const rule = RULES['init-recurrent'];
  const findings: Finding[] = [];
  for (const layer of model.layers) {
    const hidden = layer.init.weight_hh;
    if (!hidden || hidden.name === 'orthogonal' || hidden.name === 'unknown' || hidden.name === 'eye' || hidden.name === 'identity') {
      continue;
    }
    const recommendation: Recommendation = { name: 'orthogonal', args: {}, label: 'orthogonal', citation: rule.source };
    findings.push({
      rule: rule.code,
      severity: severityOf(rule.code, options, false),
      message: rule.messages.notOrthogonal(layer.name, hidden.name),
      model: model.name,
      layer: layer.name,
      range: layer.range,
      activationRange: null,
      initRange: hidden.range,
      signal: emptySignal(model, layer, recommendation),
      fix: speller ? speller(layer, 'weight_hh', recommendation, rule.messages.fixTitle(layer.name)) : null,
    });
  }
  return findings;
}

/**
 * Residual branches: with many blocks, unscaled branch outputs add up (variances add). Reported as
 * information: the remedy (scaled projections or a zero-init last norm) is a design choice.
 */
function residualFindings(model: Model, options: AdviceOptions, speller?: ResidualSpeller): Finding[] {
  const rule = RULES['init-residual'];
  const severity = severityOf(rule.code, options, false);
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
      findings.push(residualFinding(model, layer, severity, rule.messages.normGamma(layer.name, gamma)));
      continue;
    }
    const sigmaW2 = typeof layer.fanIn === 'number' ? init.variance * layer.fanIn : null;
    if (sigmaW2 === null || typical === null || sigmaW2 < typical * 0.75 || init.variance === 0) {
      continue;
    }
    findings.push(residualFinding(model, layer, severity, rule.messages.unscaledEnd(layer.name, sigmaW2, symbolicDepth ? 'many' : ends.length)));
    scaled.push(layer);
  }
  // GPT-2: the branch ends' std divided by √(number of residual branches), one loop for all of them.
  const stds = scaled.map((layer) => Math.sqrt(layer.init.weight!.variance!));
  if (speller && scaled.length > 0 && !symbolicDepth && stds.every((std) => Math.abs(std - stds[0]!) < 1e-12)) {
    const fix = speller(model, scaled, stds[0]! / Math.sqrt(ends.length), rule.messages.fixTitle(scaled.length, ends.length));
    findings.filter((f) => f.rule === rule.code && scaled.some((l) => l.name === f.layer)).forEach((f) => (f.fix = fix));
  }
  return findings;
}

function residualFinding(model: Model, layer: Layer, severity: Severity, message: string): Finding {
  const rule = RULES['init-residual'];
  const recommendation: Recommendation = { name: 'normal', args: {}, label: 'scaled residual', citation: rule.source };
  return {
    rule: rule.code,
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
