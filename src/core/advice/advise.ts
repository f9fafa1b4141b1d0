/**
 * Rules over the graph: for each layer, the init in force against the init its activation calls
 * for, the per-layer factor and the drift over the stack it belongs to, and a severity from that
 * drift. The rules, their sources and their messages are in `rules.ts`; the recursion is the mean-field
 * one, z ~ N(0, 1): forward q_l = σ_w²·E[φ(√q_{l−1}·z)²] + σ_b² (Poole et al. 2016, arXiv 1606.05340);
 * backward, each layer scales the gradient variance by (fan_out/fan_in)·σ_w²·E[φ′(√q_{l−1}·z)²]
 * (Schoenholz et al. 2017, arXiv 1611.01232).
 */
import type { Activation, FileGraph, Layer, Model } from '../graph';
import { cachedDerivativeSecondMoment as derivativeSecondMoment, cachedMean as meanOf, cachedSecondMoment as secondMoment } from './moments';
import { torchInitVariance } from '../init/torchInitVariance';
import { fanFreeRecommended, fanFreeSigmaW2, fanRatio } from './fanFree';
import { activationSpec, recommendFor } from './recommend';
import { RULES, type CompoundedFacts, type RuleCode } from './rules';
import type { Finding, Fix, LayerSignal, Recommendation, Severity } from './types';
import { weakNormReason, weakNorms, type WeakNorm } from './weakNorms';
import { spelledInit } from './frameworkWords';
import { withReasons } from './findingReasons';
import { deliberateReason, replacesStdNote, tunedStack, writtenStd, zeroGated } from './deliberate';

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
  const weak = weakNorms(model);
  for (const { layers: stack, own } of stacksOf(model, weak)) {
    const stackSignals = stackSignal(model, stack, weak);
    const tuned = tunedStack(stack);
    stackSignals.forEach((signal, index) => {
      // The trunk a branch starts from has its signal and finding in its own stack.
      if (index < own) {
        return;
      }
      signals.push(signal);
      const finding = mismatchFinding(model, stack[index]!, signal, options, { speller, weakNorm: weak.get(stack[index]!), tuned });
      if (finding) {
        findings.push(finding);
      }
    });
  }
  findings.push(...recurrentFindings(model, options, speller));
  findings.push(...residualFindings(model, options, spellers?.residual));
  return { signals, findings };
}

/** A stack of layers, and the index from which its layers are its own (before it: the trunk it branches from, judged in its own stack). */
interface Stack {
  layers: Layer[];
  own: number;
}

/**
 * Stacks: maximal runs of weight layers in forward order (dropout skipped) whose output goes
 * through a known activation with no normalisation before it (a norm with eps ≥ 0.1 does not count,
 * ./weakNorms.ts) and no residual join. A norm, an
 * output layer, a residual branch end or any other layer ends the run. A layer whose output meets
 * another stream elementwise (a gate, GLU, FiLM, a sum of parallel branches: Layer.join) is the
 * last of its run: drift is not multiplied across a product. Where the framework follows the data
 * flow (Layer.inputs), a layer is a link of the run only when the run's last layer feeds it; one fed
 * by a single earlier link (a second head on one trunk, a lateral conv on an encoder's output) is
 * judged over the path through that link. A lone layer is a stack of 1.
 */
function stacksOf(model: Model, weak: Map<Layer, WeakNorm>): Stack[] {
  const stacks: Stack[] = [];
  let current: Layer[] = [];
  let own = 0;
  // The last weight layer in forward order is the model's output (logits, class maps): no verdict,
  // whatever follows it (torchvision's SqueezeNet ends conv → ReLU → pool on purpose).
  const weightLayers = model.layers.filter(isWeightLayer);
  const output = weightLayers[weightLayers.length - 1];
  const close = () => {
    if (current.length > own) {
      stacks.push({ layers: current, own });
    }
    current = [];
    own = 0;
  };
  // A weak norm passes its layer's output on: an input naming the norm is that layer's output.
  const producerOf = new Map([...weak].map(([layer, found]) => [found.norm.name, layer.name]));
  const links = new Map<string, { layers: Layer[]; index: number }>();
  const weakNormLayers = new Set([...weak.values()].map((found) => found.norm));
  for (const layer of model.layers) {
    // A norm that only rescales is passed like dropout: the stack goes on through it.
    if (isDropout(layer) || weakNormLayers.has(layer)) {
      continue;
    }
    const activation = layer.activation;
    const eligible =
      layer !== output &&
      isWeightLayer(layer) &&
      activation !== null &&
      activation !== 'unknown' &&
      (!layer.normalized || weak.has(layer)) &&
      !layer.residual &&
      recommendFor(activation) !== null;
    const feeders = layer.inputs?.map((input) => producerOf.get(input) ?? input);
    // A layer fed by another than the run's last (a second head on one trunk, a skip) is no link of the run.
    if (feeders && current.length > 0 && !feeders.includes(current[current.length - 1]!.name)) {
      close();
    }
    if (eligible) {
      const branch = current.length === 0 && feeders?.length === 1 ? links.get(feeders[0]!) : undefined;
      if (branch) {
        current = branch.layers.slice(0, branch.index + 1);
        own = current.length;
      }
      // Drift is not multiplied across a join: no branch goes on from a gate's input.
      if (!layer.join) {
        links.set(layer.name, { layers: current, index: current.length });
      }
      current.push(layer);
    }
    if (!eligible || layer.join) {
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
function stackSignal(model: Model, stack: Layer[], weak: Map<Layer, WeakNorm>): LayerSignal[] {
  const q: (number | null)[] = [];
  // What reaches each activation (the pre-activation, or a weak norm's output), and the factor a weak norm applies to the gradient variance.
  const reaching: (number | null)[] = [];
  const normGrad: (number | null)[] = [];
  let inputMoment: number | null = 1;
  let inputVariance: number | null = 1;
  let previous: Activation | null = null;
  const out: LayerSignal[] = stack.map((layer) => {
    const activation = layer.activation as Activation;
    const recommendation = recommendFor(activation, model.framework);
    const f = fans(layer);
    const variance = weightVariance(layer);
    // Without numeric fans, σ_w² may still be fixed by the init alone (PyTorch default 1/3, He 2, …).
    const sigmaW2 = f && variance !== null ? f.fanIn * variance : (layer.init.weight?.sigmaW2 ?? (f ? null : fanFreeSigmaW2(layer, model.framework)));
    const ratio = fanRatio(layer);
    const biasVariance = biasVarianceOf(layer);
    const spec = activationSpec(activation);
    if (previous && reaching.length > 0) {
      const last = reaching[reaching.length - 1];
      const previousSpec = activationSpec(previous);
      inputMoment = last === null || last === undefined ? null : secondMoment(previousSpec, last);
      inputVariance = last === null || last === undefined || inputMoment === null ? null : inputMoment - meanOf(previousSpec, last) ** 2;
    }
    const preMoment = sigmaW2 !== null && inputMoment !== null && biasVariance !== null ? sigmaW2 * inputMoment + biasVariance : null;
    q.push(preMoment);
    const norm = throughWeakNorm(weak.get(layer), sigmaW2, inputVariance);
    reaching.push(norm ? norm.moment : preMoment);
    normGrad.push(norm ? norm.gradient : 1);
    previous = activation;
    const wanted = recommendation && f ? recommendedVariance(recommendation, f) : null;
    return {
      model: model.name,
      layer: layer.name,
      sigmaW2,
      varianceNow: variance,
      varianceWanted: wanted,
      forwardFactor: sigmaW2 !== null ? sigmaW2 * secondMoment(spec, 1) : null,
      backwardFactor: sigmaW2 !== null && ratio !== null ? ratio * sigmaW2 * derivativeSecondMoment(spec, 1) : null,
      forwardDrift: null,
      backwardDrift: null,
      depth: stack.length,
      recommendation,
      skipped: sigmaW2 !== null ? null : variance === null && f !== null ? 'the init in force does not resolve' : 'the fans do not resolve',
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
    const ratio = fanRatio(layer);
    const signal = out[i]!;
    const reached = reaching[i];
    const through = normGrad[i];
    if (
      backwardDrift === null ||
      ratio === null ||
      signal.sigmaW2 === null ||
      reached === null ||
      reached === undefined ||
      through === null ||
      through === undefined
    ) {
      backwardDrift = null;
      break;
    }
    backwardDrift *= ratio * signal.sigmaW2 * derivativeSecondMoment(activationSpec(layer.activation as Activation), reached) * through;
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

/**
 * A weak norm (γ = 1, β = 0) after a layer: it divides by √(v + eps), v = σ_w²·Var(input) the batch
 * variance of the layer's output (the norm removes the bias and the input's mean), so v/(v + eps)
 * reaches the activation and the gradient's variance is scaled by 1/(v + eps). Null: unknown.
 */
function throughWeakNorm(
  norm: WeakNorm | undefined,
  sigmaW2: number | null,
  inputVariance: number | null,
): { moment: number | null; gradient: number | null } | null {
  if (!norm) {
    return null;
  }
  if (sigmaW2 === null || inputVariance === null) {
    return { moment: null, gradient: null };
  }
  const v = sigmaW2 * inputVariance;
  return { moment: v / (v + norm.eps), gradient: 1 / (v + norm.eps) };
}

/**
 * σ_b² of the layer's bias: 0 without a bias; unknown (null) when its variance does not resolve
 * because the fans do not (PyTorch's default bias is U(±1/√fan_in)), so no drift is stated then.
 */
function biasVarianceOf(layer: Layer): number | null {
  const bias = layer.init.bias;
  if (!bias) {
    return 0;
  }
  if (bias.variance !== null) {
    return bias.variance;
  }
  return fans(layer) ? 0 : null;
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

/** The rule that judges a weight layer's init against the activation after it (the rule behind a hint's ⚠). */
export function ruleFor(activation: Activation): 'init-relu' | 'init-tanh-sigmoid' | 'init-selu' | 'init-gain' {
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

/** What a mismatch finding needs besides the layer: its speller, a weak norm after it, and whether its whole stack has stds written by hand. */
interface MismatchContext {
  speller?: FixSpeller;
  weakNorm?: WeakNorm;
  tuned: boolean;
}

function mismatchFinding(model: Model, layer: Layer, signal: LayerSignal, options: AdviceOptions, context: MismatchContext): Finding | null {
  const { speller, weakNorm, tuned } = context;
  const recommendation = signal.recommendation;
  if (!recommendation || signal.skipped || signal.depth < 2) {
    return null;
  }
  const layerDistance = bestDistance(signal.forwardFactor, signal.backwardFactor);
  if (layerDistance <= options.factorTolerance) {
    return null;
  }
  // The recommended init itself always fits (Xavier is a compromise between the two directions).
  const wantedSigmaW2 = signal.varianceWanted === null ? fanFreeRecommended(recommendation, layer) : null;
  if (signal.varianceNow !== null && signal.varianceWanted !== null && distance(signal.varianceNow / signal.varianceWanted) <= options.factorTolerance) {
    return null;
  }
  if (signal.varianceNow === null && signal.sigmaW2 !== null && wantedSigmaW2 !== null && distance(signal.sigmaW2 / wantedSigmaW2) <= options.factorTolerance) {
    return null;
  }
  // A layer barely off in a stack made to drift past the threshold by another, or in a stack whose
  // drift is unknown, is judged by its own factor compounded over the stack, and its message states
  // that figure: the severity always follows the drift the message states.
  const driftDistance = bestDistance(signal.forwardDrift, signal.backwardDrift);
  // Over a stack of n layers the drift spans n − 1 of them (first pre-activation to last, and back).
  const ownDrift = layerDistance ** (signal.depth - 1);
  const stackStated = Number.isFinite(driftDistance) && (ownDrift >= options.driftThreshold || driftDistance < options.driftThreshold);
  const activation = layer.activation as Activation;
  const rule = ruleFor(activation);
  // A stack whose every std is written by hand is a choice (GPT-2, DiT, DINO): information, said to be possibly deliberate.
  const severity = tuned ? options.minorSeverity : severityOf(rule, options, (stackStated ? driftDistance : ownDrift) >= options.driftThreshold);
  const init = layer.init.weight!;
  const std = writtenStd(init);
  const messages = RULES[rule].messages;
  const message = messages.mismatch({
    layer: layer.name,
    initName: init.name,
    activationName: activation.name,
    label: recommendation.label,
    spelled: spelledInit(recommendation, model.framework),
    varianceNow: signal.varianceNow,
    varianceWanted: signal.varianceWanted,
    sigmaW2Now: signal.sigmaW2,
    sigmaW2Wanted: wantedSigmaW2,
    forwardFactor: signal.forwardFactor,
    forwardDrift: signal.forwardDrift,
    backwardDrift: signal.backwardDrift,
    depth: signal.depth,
    compounded: stackStated ? null : compounded(signal, Number.isFinite(driftDistance) ? 'other layers' : skippedDrift(layer)),
  });
  const reasons = [...(weakNorm ? [weakNormReason(weakNorm)] : []), ...(tuned && std !== null ? [deliberateReason(std)] : [])];
  // No fix silently overwrites a tuned std: the title says which one it replaces.
  const title = messages.fixTitle(layer.name, recommendation.label) + replacesStdNote(init);
  return {
    rule,
    severity,
    message: withReasons(message, reasons),
    ...(reasons.length > 0 ? { reasons } : {}),
    model: model.name,
    layer: layer.name,
    range: layer.range,
    activationRange: activation.range,
    initRange: init.range,
    signal,
    fix: speller ? speller(layer, 'weight', recommendation, title) : null,
  };
}

/** The layer's own factor compounded over its stack (n − 1 steps, as the drift is), in its better direction, and why the stack's drift is not the figure. */
function compounded(signal: LayerSignal, why: CompoundedFacts['why']): CompoundedFacts {
  const forward = distance(signal.forwardFactor) <= distance(signal.backwardFactor);
  const factor = (forward ? signal.forwardFactor : signal.backwardFactor)!;
  return { factor: factor ** (signal.depth - 1), direction: forward ? 'forward' : 'backward', why };
}

/** Why a stack's drift is unknown, in words. */
function skippedDrift(layer: Layer): CompoundedFacts['why'] {
  return fans(layer) ? 'unresolved init' : 'unresolved sizes';
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
  // adaLN-Zero ends are gated to zero at init: the block already starts as the identity.
  const ends = model.layers.filter((layer) => layer.residual && layer.init.weight && !zeroGated(model, layer));
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
    // Post-norm: the block re-normalises the stream after the add, so the end's scale does not build up over depth.
    if (layer.postNorm) {
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
    // "n_layer" is a transformer's word: a convolutional branch end is spoken of in residual blocks.
    const convolutional = /Conv/.test(layer.type);
    findings.push(residualFinding(model, layer, severity, rule.messages.unscaledEnd(layer.name, sigmaW2, symbolicDepth ? 'many' : ends.length, convolutional)));
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
