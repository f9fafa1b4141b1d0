/**
 * The short text of an inlay hint on a layer definition and the Markdown of its tooltip/hover:
 * the init in force, the activation after it, and what that does to the signal per layer.
 * Pure: the editor layer only places it.
 */
import type { Activation, InitInForce, Layer } from '../graph';
import { fmt } from './advise';
import { activationSpec, recommendFor } from './recommend';
import { cachedSecondMoment } from './moments';
import type { LayerSignal } from './types';

/** How much a hint says. */
export type HintVerbosity = 'short' | 'full';

/** A hint: its label and its tooltip. */
export interface LayerHint {
  label: string;
  tooltip: string;
  /** True when the init does not fit the activation (the label carries ⚠). */
  mismatch: boolean;
}

/** A short name for an init in force: `He·N`, `Xavier·U`, `N(0, 0.02)`, `torch default`. */
export function initLabel(init: InitInForce): string {
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

function activationLabel(activation: Layer['activation']): string {
  if (activation === null) {
    return 'linear';
  }
  if (activation === 'unknown') {
    return 'activation ?';
  }
  const names: Record<string, string> = { relu: 'ReLU', leaky_relu: 'LeakyReLU', gelu: 'GELU', silu: 'SiLU', tanh: 'tanh', sigmoid: 'sigmoid', selu: 'SELU', elu: 'ELU', mish: 'Mish' };
  return names[activation.name] ?? activation.name;
}

/** The hint for a layer's weight, or undefined for layers without one (norms, dropout). */
export function layerHint(layer: Layer, signal: LayerSignal | undefined, tolerance: number, verbosity: HintVerbosity = 'short'): LayerHint | undefined {
  const init = layer.init.weight;
  if (!init || layer.fanIn === null) {
    return undefined;
  }
  const activation = layer.activation;
  const factor = signal?.forwardFactor ?? ownFactor(layer);
  const fits = factor !== null && factor >= 1 / tolerance && factor <= tolerance;
  const recommendation = activation && activation !== 'unknown' ? recommendFor(activation) : null;
  const judged = signal !== undefined && signal.skipped === null && signal.depth >= 2;
  const mismatch = judged && !fits;
  const verdict = layer.normalized ? '· normalized' : factor === null ? '' : fits ? '✓' : `${judged ? '⚠ ' : ''}×${fmt(factor)}/layer`;
  const parts = [initLabel(init), verdict, activationLabel(activation)].filter(Boolean);
  if (verbosity === 'full' && signal?.forwardDrift !== null && signal?.forwardDrift !== undefined && signal.depth >= 2) {
    parts.push(`(×${fmt(signal.forwardDrift)} over ${signal.depth})`);
  }
  const lines = [
    `**${layer.name}** · ${layer.type} · fan_in ${layer.fanIn}, fan_out ${layer.fanOut}`,
    '',
    `- init in force: \`${init.name}\`${Object.keys(init.args).length > 0 ? ` ${JSON.stringify(init.args)}` : ''} (${describeSource(init)}), Var(W) = ${fmt(init.variance)}`,
    `- activation after it: ${activationLabel(activation)}${layer.normalized ? ' (re-normalised before it)' : ''}`,
  ];
  if (factor !== null) {
    lines.push(`- per layer: σ_w²·E[φ(z)²] = ×${fmt(factor)} of the signal's second moment`);
  }
  if (signal && signal.depth >= 2) {
    lines.push(`- over the stack of ${signal.depth} layers: ×${fmt(signal.forwardDrift)} forward, ×${fmt(signal.backwardDrift)} backward`);
  }
  if (recommendation) {
    lines.push(`- ${activationLabel(activation)} calls for **${recommendation.label}**${signal?.varianceWanted ? ` (Var(W) = ${fmt(signal.varianceWanted)})` : ''}: ${recommendation.citation}`);
  }
  return { label: parts.join(' '), tooltip: lines.join('\n'), mismatch };
}

/** σ_w²·E[φ(z)²] for a layer outside any judged stack (null when it does not resolve). */
function ownFactor(layer: Layer): number | null {
  const variance = layer.init.weight?.variance;
  if (typeof layer.fanIn !== 'number' || variance === null || variance === undefined) {
    return null;
  }
  const activation = layer.activation;
  const moment = activation === null ? 1 : activation === 'unknown' ? null : momentOf(activation);
  return moment === null ? null : layer.fanIn * variance * moment;
}

function momentOf(activation: Activation): number | null {
  const moment = cachedSecondMoment(activationSpec(activation), 1);
  return Number.isFinite(moment) ? moment : null;
}

function describeSource(init: InitInForce): string {
  switch (init.source) {
    case 'default':
      return "the module's own reset_parameters";
    case 'call':
      return `an explicit call, line ${init.range.start.line + 1}`;
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
