/**
 * The short text of an inlay hint on a layer definition and the details of its tooltip/hover:
 * the init in force, the activation after it, and what that does to the signal per layer.
 * The details are structured literal text (markdown.ts renders them escaped), never Markdown:
 * layer names and init arguments come from the user's source. Pure: the editor layer only places it.
 */
import type { Activation, InitInForce, Layer, Model } from '../graph';
import { ruleFor } from './advise';
import { fmt } from './formatNumber';
import { fanFreeSigmaW2 } from './fanFree';
import { initCallText } from './initCall';
import { code, plain, strong, type TextBlock } from './markdown';
import { activationSpec, recommendFor } from './recommend';
import { cachedSecondMoment } from './moments';
import type { RuleCode } from './rules';
import type { LayerSignal, Severity } from './types';

/** How much a hint says: `compact` (`He ✓`, `⚠ ×0.17`), `short` (`He·N ✓ ReLU`), or `full` (adds the drift). */
export type HintVerbosity = 'compact' | 'short' | 'full';

/** Per-rule levels, as src/core/config/ruleLevels.ts gives them (declared here: advice does not import config). */
export type HintRuleLevels = Partial<Record<RuleCode, 'off' | Severity>>;

/** What else a hint needs to know about its layer. */
export interface HintContext {
  /**
   * Rules whose finding on this layer a suppression comment silenced, with no other finding left
   * on it: the hint and hover then carry no ⚠ (the user said this init is deliberate).
   */
  silenced?: readonly string[];
  /**
   * The rule levels in force for the file (settings over `[tool.init-lens]`, as diagnostics get
   * them): a layer whose rule is `off` or only a `hint` carries no ⚠, as the Problems panel shows
   * no warning for it.
   */
  ruleLevels?: HintRuleLevels;
}

/** A hint: its label (plain text) and the details of its tooltip (literal text runs). */
export interface LayerHint {
  label: string;
  details: TextBlock[];
  /** True when the init does not fit the activation (the label carries ⚠). */
  mismatch: boolean;
}

/** The framework a model comes from (graph.ts Model.framework; undefined is PyTorch). */
export type Framework = Model['framework'];

/** A short name for an init in force, in its framework's words: `He·N`, `Xavier·U`, `N(0, 0.02)`, `torch default`, `Keras default (Glorot·U)`. */
export function initLabel(init: InitInForce, framework: Framework = 'pytorch'): string {
  if (framework === 'keras' || framework === 'flax') {
    const own = framework === 'keras' ? kerasInitLabel(init) : flaxInitLabel(init);
    return init.source === 'default' && init.name !== 'unknown' ? `${framework === 'keras' ? 'Keras' : 'Flax'} default (${own})` : own;
  }
  return torchInitLabel(init);
}

function torchInitLabel(init: InitInForce): string {
  const args = init.args;
  const num = (key: string) => (typeof args[key] === 'number' ? fmt(args[key] as number) : undefined);
  switch (init.name) {
    case 'default':
      return 'torch default';
    case 'kaiming_normal':
      return 'He·N';
    case 'kaiming_uniform':
      return 'He·U';
    case 'xavier_normal':
      return 'Xavier·N';
    case 'xavier_uniform':
      return 'Xavier·U';
    case 'normal':
      return `N(0, ${num('std') ?? '1'})`;
    case 'trunc_normal':
      return `TN(0, ${num('std') ?? '1'})`;
    case 'uniform':
      return `U(${num('a') ?? '0'}, ${num('b') ?? '1'})`;
    case 'constant':
      return `const ${num('val') ?? '?'}`;
    case 'unknown':
      return 'init ?';
    default:
      return init.name;
  }
}

/** The variance-scaling presets Keras and JAX share (keras initializers, jax.nn.initializers), by canonical name. */
const PRESET_LABELS: Readonly<Record<string, string>> = {
  glorot_uniform: 'Glorot·U',
  glorot_normal: 'Glorot·N',
  xavier_uniform: 'Glorot·U',
  xavier_normal: 'Glorot·N',
  he_normal: 'He·N',
  he_uniform: 'He·U',
  kaiming_normal: 'He·N',
  kaiming_uniform: 'He·U',
  lecun_normal: 'LeCun·N',
  lecun_uniform: 'LeCun·U',
};

/** A number argument's text, the framework's default when absent, `?` when it does not resolve. */
function numberText(args: InitInForce['args'], key: string, fallback: number): string {
  const value = args[key];
  return value === undefined ? fmt(fallback) : typeof value === 'number' ? fmt(value) : '?';
}

/** `VS(scale, mode)`; Keras and JAX default to scale 1, fan_in. */
function varianceScalingLabel(args: InitInForce['args']): string {
  const mode = typeof args.mode === 'string' ? args.mode : args.mode === undefined ? 'fan_in' : '?';
  return `VS(${numberText(args, 'scale', 1)}, ${mode})`;
}

/** Keras names (keras/src/initializers): RandomNormal(0, 0.05), RandomUniform(±0.05), TruncatedNormal(0, 0.05). */
function kerasInitLabel(init: InitInForce): string {
  const args = init.args;
  if (init.name in PRESET_LABELS) {
    return PRESET_LABELS[init.name]!;
  }
  switch (init.name) {
    case 'variance_scaling':
      return varianceScalingLabel(args);
    case 'random_normal':
      return `N(${numberText(args, 'mean', 0)}, ${numberText(args, 'stddev', 0.05)})`;
    case 'truncated_normal':
      return `TN(${numberText(args, 'mean', 0)}, ${numberText(args, 'stddev', 0.05)})`;
    case 'random_uniform':
      return `U(${numberText(args, 'minval', -0.05)}, ${numberText(args, 'maxval', 0.05)})`;
    case 'orthogonal':
      return args.gain === undefined ? 'Orthogonal' : `Orthogonal·${numberText(args, 'gain', 1)}`;
    case 'constant':
      return `const ${numberText(args, 'value', 0)}`;
    case 'unknown':
      return 'init ?';
    default:
      return init.name;
  }
}

/** JAX names (jax/_src/nn/initializers.py): normal(stddev=1e-2), uniform(scale=1e-2) on [0, scale), truncated_normal(stddev=1e-2). */
function flaxInitLabel(init: InitInForce): string {
  const args = init.args;
  if (init.name in PRESET_LABELS) {
    return PRESET_LABELS[init.name]!;
  }
  switch (init.name) {
    case 'variance_scaling':
      return varianceScalingLabel(args);
    case 'normal':
      return `N(0, ${numberText(args, 'stddev', 1e-2)})`;
    case 'truncated_normal':
      return `TN(0, ${numberText(args, 'stddev', 1e-2)})`;
    case 'uniform':
      return `U(0, ${numberText(args, 'scale', 1e-2)})`;
    case 'orthogonal':
      return args.scale === undefined ? 'Orthogonal' : `Orthogonal·${numberText(args, 'scale', 1)}`;
    case 'constant':
      return `const ${numberText(args, 'value', 0)}`;
    case 'zeros_init':
      return 'zeros';
    case 'ones_init':
      return 'ones';
    case 'unknown':
      return 'init ?';
    default:
      return init.name;
  }
}

function activationLabel(activation: Layer['activation']): string {
  if (activation === null) {
    return 'linear';
  }
  if (activation === 'unknown') {
    return 'activation ?';
  }
  const names: Record<string, string> = {
    relu: 'ReLU',
    leaky_relu: 'LeakyReLU',
    gelu: 'GELU',
    silu: 'SiLU',
    tanh: 'tanh',
    sigmoid: 'sigmoid',
    selu: 'SELU',
    elu: 'ELU',
    mish: 'Mish',
  };
  return names[activation.name] ?? activation.name;
}

/** The hint for a layer's weight, or undefined for layers without one (norms, dropout); `framework` is its model's. */
export function layerHint(
  layer: Layer,
  signal: LayerSignal | undefined,
  tolerance: number,
  verbosity: HintVerbosity = 'short',
  framework: Framework = 'pytorch',
  context: HintContext = {},
): LayerHint | undefined {
  const init = layer.init.weight;
  if (!init || layer.fanIn === null) {
    return undefined;
  }
  const factor = signal?.forwardFactor ?? ownFactor(layer, framework);
  const fits = factor !== null && factor >= 1 / tolerance && factor <= tolerance;
  const judged = signal !== undefined && signal.skipped === null && signal.depth >= 2;
  const silenced = context.silenced ?? [];
  const quietRule = quietRuleOf(layer, context.ruleLevels);
  // A silenced finding, or one of a rule turned off or down to a hint, keeps its numbers but loses its warning sign, in the hint as in the Problems panel.
  const warned = judged && !fits && silenced.length === 0 && quietRule === undefined;
  // A normalised layer is in a stack (has a signal) only when its norm does not normalise (eps ≥ 0.1).
  const normalized = layer.normalized && signal === undefined;
  const label =
    verbosity === 'compact'
      ? compactLabel(init, factor, fits, warned, framework, normalized)
      : longLabel(layer, signal, factor, fits, warned, verbosity, framework, normalized);
  const details = hintDetails(layer, init, signal, factor, framework);
  if (silenced.length > 0) {
    details.push({ bullet: true, runs: [plain('silenced by a suppression comment: '), code(silenced.join(', '))] });
  }
  if (quietRule && judged && !fits) {
    details.push({
      bullet: true,
      runs: [code(quietRule.rule), plain(` is set to ${quietRule.level} in the settings or the project's [tool.init-lens] table: no warning`)],
    });
  }
  return { label, details, mismatch: warned };
}

/** The layer's init rule and its level when that level is `off` or `hint`: a rule the user quietened. */
function quietRuleOf(layer: Layer, levels: HintRuleLevels | undefined): { rule: string; level: 'off' | 'hint' } | undefined {
  const activation = layer.activation;
  if (!levels || activation === null || activation === 'unknown') {
    return undefined;
  }
  const rule = ruleFor(activation);
  const level = levels[rule];
  return level === 'off' || level === 'hint' ? { rule, level } : undefined;
}

/** `He ✓`, `⚠ ×0.17`, `default ×0.33`: the verdict first, two significant digits. */
function compactLabel(init: InitInForce, factor: number | null, fits: boolean, warned: boolean, framework: Framework, normalized: boolean): string {
  const name = compactInitLabel(init, framework);
  if (normalized) {
    return `${name} · norm`;
  }
  if (factor === null) {
    return name;
  }
  if (fits) {
    return `${name} ✓`;
  }
  return warned ? `⚠ ×${fmt2(factor)}` : `${name} ×${fmt2(factor)}`;
}

/** The init's name without its distribution (`He`, `Glorot`, `N(0, 0.02)`), defaults as `default`. */
function compactInitLabel(init: InitInForce, framework: Framework): string {
  if (init.source === 'default' && (framework === undefined || framework === 'pytorch')) {
    return 'default';
  }
  const own = framework === 'keras' ? kerasInitLabel(init) : framework === 'flax' ? flaxInitLabel(init) : torchInitLabel(init);
  return own.replace(/·[NU]$/, '');
}

/** Two significant digits, as a compact hint needs. */
function fmt2(value: number): string {
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? Number(value.toPrecision(2)).toString() : fmt(value);
}

/** `He·N ✓ ReLU`, `torch default ⚠ ×0.167/layer ReLU`, and for `full` the drift over the stack. */
function longLabel(
  layer: Layer,
  signal: LayerSignal | undefined,
  factor: number | null,
  fits: boolean,
  warned: boolean,
  verbosity: HintVerbosity,
  framework: Framework,
  normalized: boolean,
): string {
  const init = layer.init.weight!;
  const verdict = normalized ? '· normalized' : factor === null ? '' : fits ? '✓' : `${warned ? '⚠ ' : ''}×${fmt(factor)}/layer`;
  const parts = [initLabel(init, framework), verdict, activationLabel(layer.activation)].filter(Boolean);
  if (verbosity === 'full' && signal?.forwardDrift !== null && signal?.forwardDrift !== undefined && signal.depth >= 2) {
    parts.push(`(×${fmt(signal.forwardDrift)} over ${signal.depth})`);
  }
  return parts.join(' ');
}

/** The tooltip and hover text: the layer, the init as a call, the activation, the numbers, the recommendation. */
function hintDetails(layer: Layer, init: InitInForce, signal: LayerSignal | undefined, factor: number | null, framework: Framework): TextBlock[] {
  const activation = layer.activation;
  const recommendation = activation && activation !== 'unknown' ? recommendFor(activation, framework) : null;
  const details: TextBlock[] = [
    { runs: [strong(layer.name), plain(` · ${layer.type} · fan_in ${layer.fanIn}, fan_out ${layer.fanOut}`)] },
    {
      bullet: true,
      runs: [
        plain('init in force: '),
        code(initCallText(init, framework)),
        plain(` (${describeSource(init, framework)}), ${varianceText(layer, init, signal, framework)}`),
      ],
    },
    {
      bullet: true,
      runs: [
        plain(
          `activation after it: ${activationLabel(activation)}${normalizedNote(layer, signal)}${layer.activationReason ? ` (${layer.activationReason})` : ''}`,
        ),
      ],
    },
  ];
  if (factor !== null) {
    details.push({ bullet: true, runs: [plain(`per layer: σ_w²·E[φ(z)²] = ×${fmt(factor)} of the signal's second moment`)] });
  }
  if (signal && signal.depth >= 2) {
    details.push({ bullet: true, runs: [plain(`over the stack of ${signal.depth} layers: ${driftText(signal)}`)] });
  }
  if (layer.join) {
    const join = layer.join === 'product' ? 'multiplied with another stream (a gate or a modulation)' : 'added to a parallel branch';
    details.push({ bullet: true, runs: [plain(`its output is ${join}: a stack of layers ends here, drift is not multiplied across the join`)] });
  }
  if (recommendation) {
    details.push({
      bullet: true,
      runs: [
        plain(`${activationLabel(activation)} calls for `),
        strong(recommendation.label),
        plain(`${signal?.varianceWanted ? ` (Var(W) = ${fmt(signal.varianceWanted)})` : ''}: ${recommendation.citation}`),
      ],
    });
  }
  return details;
}

/** What the norm between the layer and its activation does, if there is one. */
function normalizedNote(layer: Layer, signal: LayerSignal | undefined): string {
  if (!layer.normalized) {
    return '';
  }
  return signal === undefined
    ? ' (re-normalised before it)'
    : ' (the norm before it has eps ≥ 0.1: it rescales rather than normalises, so the layer is judged as not normalised)';
}

/** The drift over the stack in words: each direction's figure, or why it is not known. */
function driftText(signal: LayerSignal): string {
  const known = (value: number | null) => value !== null && Number.isFinite(value);
  if (known(signal.forwardDrift) && known(signal.backwardDrift)) {
    return `×${fmt(signal.forwardDrift)} forward, ×${fmt(signal.backwardDrift)} backward`;
  }
  if (known(signal.forwardDrift) || known(signal.backwardDrift)) {
    return known(signal.forwardDrift) ? `×${fmt(signal.forwardDrift)} forward, backward unknown` : `forward unknown, ×${fmt(signal.backwardDrift)} backward`;
  }
  return 'the drift is unknown (a layer size or an init in the stack does not resolve)';
}

/** `Var(W) = …`, or σ_w² when only that is known (sizes that do not resolve), or why neither is. */
function varianceText(layer: Layer, init: InitInForce, signal: LayerSignal | undefined, framework: Framework): string {
  if (init.variance !== null) {
    return `Var(W) = ${fmt(init.variance)}`;
  }
  const sigmaW2 = signal?.sigmaW2 ?? init.sigmaW2 ?? fanFreeSigmaW2(layer, framework);
  if (sigmaW2 !== null && sigmaW2 !== undefined) {
    return `fan_in·Var(W) = ${fmt(sigmaW2)} whatever the layer's sizes`;
  }
  return typeof layer.fanIn === 'number' ? 'Var(W) unknown (the init does not resolve)' : "Var(W) unknown (the layer's sizes do not resolve)";
}

/** σ_w²·E[φ(z)²] for a layer outside any judged stack (null when it does not resolve). */
function ownFactor(layer: Layer, framework: Framework): number | null {
  const variance = layer.init.weight?.variance;
  const sigmaW2 =
    typeof layer.fanIn === 'number' && variance !== null && variance !== undefined
      ? layer.fanIn * variance
      : typeof layer.fanIn === 'number'
        ? null
        : (layer.init.weight?.sigmaW2 ?? fanFreeSigmaW2(layer, framework));
  if (sigmaW2 === null) {
    return null;
  }
  const activation = layer.activation;
  const moment = activation === null ? 1 : activation === 'unknown' ? null : momentOf(activation);
  return moment === null ? null : sigmaW2 * moment;
}

function momentOf(activation: Activation): number | null {
  const moment = cachedSecondMoment(activationSpec(activation), 1);
  return Number.isFinite(moment) ? moment : null;
}

function describeSource(init: InitInForce, framework: Framework): string {
  const torch = framework === undefined || framework === 'pytorch';
  switch (init.source) {
    case 'default':
      // Keras layers pass their constructor's default initializer; Flax modules their field's default (`kernel_init = default_kernel_init`).
      return torch ? "the module's own reset_parameters" : framework === 'keras' ? "the layer's Keras default" : "the module's Flax default";
    case 'call':
      return torch ? `an explicit call, line ${init.range.start.line + 1}` : `an explicit initializer, line ${init.range.start.line + 1}`;
    case 'apply':
      return `through .apply(fn), line ${init.range.start.line + 1}`;
    case 'modules':
      return `a loop over self.modules(), line ${init.range.start.line + 1}`;
    case 'named_parameters':
      return `a named_parameters() rule, line ${init.range.start.line + 1}`;
    case 'reset_parameters':
      return `the class's own init method, line ${init.range.start.line + 1}`;
    default:
      return 'code the analysis cannot follow';
  }
}
