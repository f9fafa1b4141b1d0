/**
 * Initializer semantics → a parameter Distribution (network.ts), with its exact mean and variance.
 * Follows torch/nn/init.py (torch 1.13) for the torch functions, the modules' `reset_parameters` for
 * the framework defaults, and the composites of the torch oracle (`lecun_*`, `variance_scaling`, in
 * Keras/Flax semantics with torch fans). Variances come from init/torchInitVariance.ts, so there is one formula
 * per initializer in the code base.
 */
import { torchCalculateGain } from '../activations';
import type { Fans } from '../init/fans';
import { torchInitVariance, type InitArgs } from '../init/torchInitVariance';
import { truncatedNormalVariance } from '../init/truncatedNormal';
import type { ArgValue } from '../graph';
import { normalCdf, normalPdf } from '../math/quadrature';
import type { Distribution } from './network';

/** std of N(0, 1) truncated to [−2, 2]: Keras/JAX divide the std by it (keras initializers, jax.nn.initializers). */
const truncatedStdCorrection = 0.87962566103423978;

/** Aliases the torch oracle accepts (initlib.apply_init). */
const aliases: Readonly<Record<string, string>> = {
  glorot_uniform: 'xavier_uniform',
  glorot_normal: 'xavier_normal',
  zero: 'zeros',
  one: 'ones',
  pytorch_default: 'default',
  torch_default: 'default',
};

/**
 * A gain argument as a number: a number, or a nonlinearity name resolved by torch's
 * `calculate_gain` (`'tanh'`, `'leaky_relu(0.2)'`); undefined where torch would raise.
 */
export function resolveGain(value: ArgValue | undefined): number | undefined {
  if (value === undefined || value === null) {
    return 1;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const match = /^\s*([A-Za-z_]\w*)\s*(?:\(\s*([-+0-9.eE]+)?\s*\))?\s*$/.exec(value);
  if (match === null) {
    return undefined;
  }
  const parameter = match[2] === undefined ? undefined : Number(match[2]);
  return torchCalculateGain(match[1].toLowerCase(), parameter);
}

/** A symmetric distribution of the given variance: N(0, v) or U(±√(3v)). */
function centred(kind: 'normal' | 'uniform', variance: number): Distribution {
  if (kind === 'normal') {
    return { kind: 'normal', mean: 0, std: Math.sqrt(variance) };
  }
  const bound = Math.sqrt(3 * variance);
  return { kind: 'uniform', low: -bound, high: bound };
}

function numberArg(args: Record<string, ArgValue>, key: string, fallback: number): number | undefined {
  const value = key in args ? args[key] : fallback;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The arguments of `args` minus `gain`, for torchInitVariance (which wants a numeric gain). */
function withNumericGain(args: Record<string, ArgValue>, gain: number): InitArgs {
  return { ...args, gain };
}

/**
 * The distribution `torch.nn.init.<name>_` (or an oracle composite) fills a weight with, or null when
 * it cannot be known (unknown name, unresolved argument, missing fan, or torch would raise).
 *
 * `args` are by keyword in torch's names (positional ones already mapped). `shape` is the tensor's
 * shape; orthogonal does not need it here (its variance is read from the layer's shape later).
 * `default` is the Linear/Conv weight default: `kaiming_uniform_(a=√5)` = U(±1/√fan_in)
 * (torch/nn/modules/linear.py, conv.py `reset_parameters`); see torchModuleDefault for others.
 */
export function torchDistribution(name: string, args: Record<string, ArgValue>, fans: Fans, shape?: number[]): Distribution | null {
  const canonical = aliases[name] ?? name;
  switch (canonical) {
    case 'default':
      return torchModuleDefault('affine', 'weight', fans);
    case 'zeros':
      return { kind: 'constant', value: 0 };
    case 'ones':
      return { kind: 'constant', value: 1 };
    case 'constant': {
      const value = numberArg(args, 'val', Number.NaN);
      return value === undefined || Number.isNaN(value) ? null : { kind: 'constant', value };
    }
    case 'normal': {
      const mean = numberArg(args, 'mean', 0);
      const std = numberArg(args, 'std', 1);
      return mean === undefined || std === undefined || std < 0 ? null : { kind: 'normal', mean, std };
    }
    case 'uniform': {
      const low = numberArg(args, 'a', 0);
      const high = numberArg(args, 'b', 1);
      return low === undefined || high === undefined || low > high ? null : { kind: 'uniform', low, high };
    }
    case 'trunc_normal': {
      // trunc_normal_(mean=0, std=1, a=−2, b=2): a, b are ABSOLUTE bounds; std is not corrected.
      const mean = numberArg(args, 'mean', 0);
      const std = numberArg(args, 'std', 1);
      const low = numberArg(args, 'a', -2);
      const high = numberArg(args, 'b', 2);
      if (mean === undefined || std === undefined || low === undefined || high === undefined) {
        return null;
      }
      return std > 0 && low <= high ? { kind: 'truncated_normal', mean, std, low, high } : null;
    }
    case 'xavier_uniform':
    case 'xavier_normal':
    case 'kaiming_uniform':
    case 'kaiming_normal': {
      const gain = canonical.startsWith('xavier') ? resolveGain(args.gain) : 1;
      if (gain === undefined) {
        return null;
      }
      const torchArgs = canonical.startsWith('xavier') ? withNumericGain(args, gain) : (args as InitArgs);
      const variance = torchInitVariance(canonical, torchArgs, fans, shape);
      if (variance === null) {
        return null;
      }
      return centred(canonical.endsWith('uniform') ? 'uniform' : 'normal', variance);
    }
    case 'orthogonal': {
      // orthogonal_(gain=1): per-element variance gain²/max(rows, cols) (torch/nn/init.py).
      const gain = resolveGain(args.gain);
      return gain === undefined ? null : { kind: 'orthogonal', gain };
    }
    case 'lecun_normal':
    case 'lecun_uniform':
    case 'variance_scaling':
      return varianceScaling(canonical, args, fans);
    default:
      return null;
  }
}

/**
 * Keras/Flax `VarianceScaling(scale, mode, distribution)` with torch fans, as the oracle composes it
 * (initlib.py): variance scale/fan; `truncated_normal` is std-corrected and cut at ±2σ (keras
 * random_initializers.py), `normal`/`untruncated_normal` plain, `uniform` U(±√(3·var)).
 * `lecun_normal` = (1, fan_in, normal) as the oracle defines it (PyTorch's docs' LeCun), `lecun_uniform`
 * = (1, fan_in, uniform).
 */
function varianceScaling(name: string, args: Record<string, ArgValue>, fans: Fans): Distribution | null {
  const scale = name === 'variance_scaling' ? numberArg(args, 'scale', 1) : 1;
  const mode = name === 'variance_scaling' ? (args.mode ?? 'fan_in') : 'fan_in';
  const fallback = name === 'variance_scaling' ? 'truncated_normal' : name === 'lecun_normal' ? 'normal' : 'uniform';
  const distribution = args.distribution ?? fallback;
  if (scale === undefined || typeof mode !== 'string' || typeof distribution !== 'string') {
    return null;
  }
  const fan = mode === 'fan_in' ? fans.fanIn : mode === 'fan_out' ? fans.fanOut : mode === 'fan_avg' ? (fans.fanIn + fans.fanOut) / 2 : NaN;
  if (!(fan > 0)) {
    return null;
  }
  const variance = scale / fan;
  switch (distribution) {
    case 'normal':
    case 'untruncated_normal':
      return centred('normal', variance);
    case 'uniform':
      return centred('uniform', variance);
    case 'truncated_normal': {
      const std = Math.sqrt(variance) / truncatedStdCorrection;
      return { kind: 'truncated_normal', mean: 0, std, low: -2 * std, high: 2 * std };
    }
    default:
      return null;
  }
}

/**
 * A torch module's own init (`reset_parameters`, torch 1.13):
 * - Linear / Conv* (`affine`): weight `kaiming_uniform_(a=√5)` = U(±1/√fan_in) (gain² = 2/(1+5) = 1/3,
 *   bound √3·gain/√fan_in = 1/√fan_in), bias U(±1/√fan_in) with the weight's fan_in (0 when fan_in = 0);
 * - Embedding: weight N(0, 1) (padding row zeroed, ignored here);
 * - LayerNorm / BatchNorm / GroupNorm (`norm`): weight (γ) ones, bias (β) zeros.
 */
export function torchModuleDefault(module: 'affine' | 'embedding' | 'norm', parameter: 'weight' | 'bias', fans?: Fans): Distribution | null {
  if (module === 'embedding') {
    return parameter === 'weight' ? { kind: 'normal', mean: 0, std: 1 } : null;
  }
  if (module === 'norm') {
    return { kind: 'constant', value: parameter === 'weight' ? 1 : 0 };
  }
  if (fans === undefined) {
    return null;
  }
  if (!(fans.fanIn > 0)) {
    return parameter === 'bias' ? { kind: 'constant', value: 0 } : null;
  }
  const bound = 1 / Math.sqrt(fans.fanIn);
  return { kind: 'uniform', low: -bound, high: bound };
}

/** Mean of the truncated normal: mean + std·(φ(α) − φ(β))/Z. */
function truncatedNormalMean(d: { mean: number; std: number; low: number; high: number }): number {
  const alpha = (d.low - d.mean) / d.std;
  const beta = (d.high - d.mean) / d.std;
  const mass = normalCdf(beta) - normalCdf(alpha);
  if (!(mass > 0)) {
    return Math.min(d.high, Math.max(d.low, d.mean));
  }
  const densityAlpha = Number.isFinite(alpha) ? normalPdf(alpha) : 0;
  const densityBeta = Number.isFinite(beta) ? normalPdf(beta) : 0;
  return d.mean + (d.std * (densityAlpha - densityBeta)) / mass;
}

/** The expected value of one element. */
export function distributionMean(d: Distribution): number {
  switch (d.kind) {
    case 'normal':
      return d.mean;
    case 'uniform':
      return (d.low + d.high) / 2;
    case 'truncated_normal':
      return truncatedNormalMean(d);
    case 'orthogonal':
      return 0;
    case 'constant':
      return d.value;
  }
}

/**
 * Per-element variance. Orthogonal needs the tensor's shape (rows = shape[0], cols = the rest):
 * gain²/max(rows, cols); NaN without it.
 */
export function distributionVariance(d: Distribution, shape?: number[]): number {
  switch (d.kind) {
    case 'normal':
      return d.std * d.std;
    case 'uniform':
      return ((d.high - d.low) * (d.high - d.low)) / 12;
    case 'truncated_normal':
      return truncatedNormalVariance(d.mean, d.std, d.low, d.high);
    case 'orthogonal': {
      if (shape === undefined || shape.length < 2) {
        return Number.NaN;
      }
      const rows = shape[0];
      const columns = shape.slice(1).reduce((product, size) => product * size, 1);
      return (d.gain * d.gain) / Math.max(rows, columns);
    }
    case 'constant':
      return 0;
  }
}

/** E[x²] of one element: variance + mean². */
export function distributionSecondMoment(d: Distribution, shape?: number[]): number {
  const mean = distributionMean(d);
  return distributionVariance(d, shape) + mean * mean;
}

/**
 * The weight tensor's shape in torch's layout, (out, in/groups, *kernel) (torch/nn/modules/conv.py),
 * for layers whose dims are resolved; undefined when a dim is still symbolic.
 */
export function affineWeightShape(layer: {
  op?: string;
  inFeatures: number | string;
  outFeatures: number | string;
  kernel: number[];
  groups: number;
}): number[] | undefined {
  if (typeof layer.inFeatures !== 'number' || typeof layer.outFeatures !== 'number') {
    return undefined;
  }
  if (layer.op === 'conv_transpose2d') {
    // torch.nn.ConvTranspose2d holds (in, out/groups, k…): its fan_in is out/groups·∏k.
    return [layer.inFeatures, layer.outFeatures / layer.groups, ...layer.kernel];
  }
  return [layer.outFeatures, layer.inFeatures / layer.groups, ...layer.kernel];
}

/** torch fans of an affine layer's weight (torch/nn/init.py `_calculate_fan_in_and_fan_out`), when its dims are numbers. */
export function affineFans(layer: {
  op?: string;
  inFeatures: number | string;
  outFeatures: number | string;
  kernel: number[];
  groups: number;
}): Fans | undefined {
  const shape = affineWeightShape(layer);
  if (shape === undefined) {
    return undefined;
  }
  const receptive = layer.kernel.reduce((product, size) => product * size, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

/** Inits whose distribution needs the fans. */
const fanNeeding = new Set(['xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal', 'lecun_normal', 'lecun_uniform', 'variance_scaling']);

/** Inits whose distribution does not depend on the fans. */
const fanFree = new Set(['normal', 'uniform', 'trunc_normal', 'constant', 'zeros', 'ones', 'orthogonal']);

/**
 * The distribution of an init call on a module's parameter: `default` is the module's own init
 * (torchModuleDefault), anything else goes through torchDistribution. Undefined fans (symbolic
 * sizes) give undefined for inits that need them; null means the call is not known or not valid.
 */
export function distributionOfCall(
  call: { name: string; args: Record<string, ArgValue> },
  module: 'affine' | 'embedding' | 'norm',
  parameter: 'weight' | 'bias',
  fans: Fans | undefined,
  shape?: number[],
): Distribution | null | undefined {
  if (call.name === 'default') {
    if (module === 'affine' && fans === undefined) {
      return undefined;
    }
    return torchModuleDefault(module, parameter, fans);
  }
  if (fans === undefined && !fanFree.has(call.name)) {
    return fanNeeding.has(aliases[call.name] ?? call.name) ? undefined : null;
  }
  return torchDistribution(call.name, call.args, fans ?? { fanIn: Number.NaN, fanOut: Number.NaN }, shape);
}
