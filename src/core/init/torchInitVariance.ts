/**
 * Per-element variance of the tensors that `torch.nn.init` functions produce, following
 * `torch/nn/init.py` (argument names, defaults and the errors it raises). A null result means the
 * variance cannot be known statically: a needed fan or shape is missing, an argument is an
 * unresolved expression or of a type the function would reject, or torch itself would raise.
 *
 * Why this torch-named function is framework-neutral: `torch.nn.init`'s names and arguments are the
 * engine's own vocabulary of init calls, whatever the framework of the model. The advice's
 * recommendations (advice/recommend.ts), the simulator's init calls (simulate/network.ts `InitCall`)
 * and the Keras and Flax fixes, which translate a recommendation into their framework, are all
 * spelled in it; this file gives that vocabulary its meaning. What PyTorch models write is read by
 * the PyTorch adapter (frameworks/pytorch/initCalls.ts), which maps it onto these names.
 */

import { torchCalculateGain } from '../activations';
import type { Fans } from './fans';
import { truncatedNormalVariance } from './truncatedNormal';

/** Keyword arguments of an init call (positional ones mapped to their keyword names). */
export type InitArgs = Record<string, number | string | boolean | null | { expr: string }>;

type ArgValue = InitArgs[string];

/** A Python number (bool counts as int, as in Python arithmetic), else undefined. */
function pythonNumber(value: ArgValue | undefined): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  return undefined;
}

/** True for an argument that did not resolve statically. */
function isUnresolved(value: ArgValue | undefined): boolean {
  return typeof value === 'object' && value !== null && 'expr' in value;
}

/**
 * Reads numeric arguments with defaults; undefined when one is present but not a number. Keys in
 * `irrelevant` do not affect the variance: an unresolved expression there is accepted (as NaN).
 */
function numbers(args: InitArgs, defaults: Record<string, number>, irrelevant: string[] = []): Record<string, number> | undefined {
  const result: Record<string, number> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    if (irrelevant.includes(key) && isUnresolved(args[key])) {
      result[key] = Number.NaN;
      continue;
    }
    const value = key in args ? pythonNumber(args[key]) : fallback;
    if (value === undefined) {
      return undefined;
    }
    result[key] = value;
  }
  return result;
}

/** Keyword parameters of each function after `tensor` (torch/nn/init.py; `generator` since torch 2.1). */
const parameterNames: Readonly<Record<string, readonly string[]>> = {
  uniform: ['a', 'b', 'generator'],
  normal: ['mean', 'std', 'generator'],
  trunc_normal: ['mean', 'std', 'a', 'b', 'generator'],
  constant: ['val'],
  zeros: [],
  ones: [],
  eye: [],
  dirac: ['groups'],
  xavier_uniform: ['gain', 'generator'],
  xavier_normal: ['gain', 'generator'],
  kaiming_uniform: ['a', 'mode', 'nonlinearity', 'generator'],
  kaiming_normal: ['a', 'mode', 'nonlinearity', 'generator'],
  orthogonal: ['gain', 'generator'],
  sparse: ['sparsity', 'std', 'generator'],
  // timm's lecun_normal_(tensor): no torch.nn.init function, the engine's name for variance 1/fan_in.
  lecun_normal: [],
};

/**
 * Per-element variance of the tensor `torch.nn.init.<name>_` fills (torch/nn/init.py), or null.
 *
 * - `uniform(a=0, b=1)`: (b − a)²/12; `normal(mean=0, std=1)`: std²;
 * - `trunc_normal(mean=0, std=1, a=−2, b=2)`: a, b are absolute bounds, no std correction: the exact
 *   variance of the truncated normal;
 * - `constant`, `zeros`, `ones`, `eye`, `dirac`: 0 (deterministic; eye/dirac give an identity map);
 * - `xavier_uniform` / `xavier_normal(gain=1)`: 2·gain²/(fan_in + fan_out);
 * - `kaiming_uniform` / `kaiming_normal(a=0, mode='fan_in', nonlinearity='leaky_relu')`:
 *   gain²/fan with gain = calculate_gain(nonlinearity, a) (a = None means slope 0.01);
 * - `orthogonal(gain=1)`: gain²/max(rows, cols), rows = shape[0], cols = numel/rows (needs `shape`);
 * - `sparse(sparsity, std=0.01)`: (1 − ⌈sparsity·rows⌉/rows)·std² with `shape`, else (1 − sparsity)·std²;
 * - `lecun_normal` (timm's `lecun_normal_`, a truncated normal rescaled to keep its variance): 1/fan_in.
 *
 * Only the canonical names (no trailing underscore) are accepted; `shape` is the tensor's shape when
 * known, used by orthogonal and sparse and to reject shapes torch rejects (eye: 2-D, dirac: 3- to 5-D).
 * Unknown keyword arguments give null, as torch raises TypeError for them.
 */
export function torchInitVariance(name: string, args: InitArgs, fans: Fans | undefined, shape?: number[]): number | null {
  if (!Object.prototype.hasOwnProperty.call(parameterNames, name)) {
    return null;
  }
  const allowed = parameterNames[name];
  if (Object.keys(args).some((key) => !allowed.includes(key))) {
    return null;
  }
  switch (name) {
    case 'uniform': {
      // uniform_(tensor, a=0.0, b=1.0): Tensor.uniform_ requires a <= b.
      const values = numbers(args, { a: 0, b: 1 });
      if (values === undefined || values.a > values.b) {
        return null;
      }
      return ((values.b - values.a) * (values.b - values.a)) / 12;
    }
    case 'normal': {
      // normal_(tensor, mean=0.0, std=1.0): Tensor.normal_ requires std >= 0.
      const values = numbers(args, { mean: 0, std: 1 }, ['mean']);
      if (values === undefined || values.std < 0) {
        return null;
      }
      return values.std * values.std;
    }
    case 'trunc_normal': {
      // trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0): inverse-CDF sampling between the
      // absolute bounds a and b, then clamp; the std is not corrected for the truncation.
      const values = numbers(args, { mean: 0, std: 1, a: -2, b: 2 });
      if (values === undefined || !(values.std > 0) || values.a > values.b) {
        return null;
      }
      const variance = truncatedNormalVariance(values.mean, values.std, values.a, values.b);
      return Number.isFinite(variance) ? variance : null;
    }
    case 'constant':
      // constant_(tensor, val): val is required; any value gives a constant tensor.
      return 'val' in args ? 0 : null;
    case 'zeros':
    case 'ones':
      return 0;
    case 'eye':
      // eye_(tensor): "Only tensors with 2 dimensions are supported".
      return shape !== undefined && shape.length !== 2 ? null : 0;
    case 'dirac': {
      // dirac_(tensor, groups=1): 3-, 4- or 5-D tensors with size(0) divisible by groups.
      const values = numbers(args, { groups: 1 });
      if (values === undefined || !Number.isInteger(values.groups) || values.groups < 1) {
        return null;
      }
      if (shape !== undefined && (shape.length < 3 || shape.length > 5 || shape[0] % values.groups !== 0)) {
        return null;
      }
      return 0;
    }
    case 'xavier_uniform':
    case 'xavier_normal': {
      // std = gain·√(2/(fan_in + fan_out)); uniform bound √3·std.
      const values = numbers(args, { gain: 1 });
      if (values === undefined || fans === undefined || !(fans.fanIn + fans.fanOut > 0)) {
        return null;
      }
      return (2 * values.gain * values.gain) / (fans.fanIn + fans.fanOut);
    }
    case 'kaiming_uniform':
    case 'kaiming_normal':
      return kaimingVariance(args, fans);
    case 'lecun_normal':
      return fans !== undefined && fans.fanIn > 0 ? 1 / fans.fanIn : null;
    case 'orthogonal': {
      // orthogonal_(tensor, gain=1): needs ≥ 2 dimensions; flattened to rows × numel/rows, QR of a
      // Gaussian matrix, so rows (rows ≤ cols) or columns (rows > cols) are orthonormal vectors.
      const values = numbers(args, { gain: 1 });
      if (values === undefined || shape === undefined || shape.length < 2) {
        return null;
      }
      const rows = shape[0];
      const count = shape.reduce((product, size) => product * size, 1);
      if (!(rows > 0) || !(count > 0)) {
        return null;
      }
      return (values.gain * values.gain) / Math.max(rows, count / rows);
    }
    case 'sparse': {
      // sparse_(tensor, sparsity, std=0.01): 2-D only; N(0, std²), then ⌈sparsity·rows⌉ entries of
      // each column set to zero.
      if (!('sparsity' in args)) {
        return null;
      }
      const values = numbers(args, { sparsity: 0, std: 0.01 });
      if (values === undefined) {
        return null;
      }
      if (shape !== undefined) {
        if (shape.length !== 2 || !(shape[0] > 0)) {
          return null;
        }
        const zeros = Math.min(shape[0], Math.ceil(values.sparsity * shape[0]));
        return (1 - zeros / shape[0]) * values.std * values.std;
      }
      return (1 - values.sparsity) * values.std * values.std;
    }
  }
  return null;
}

/**
 * kaiming_uniform_ / kaiming_normal_ (torch/nn/init.py): fan = _calculate_correct_fan(tensor, mode)
 * with mode lower-cased and one of fan_in / fan_out; gain = calculate_gain(nonlinearity, a);
 * std = gain/√fan (uniform bound √3·std), so the variance is gain²/fan.
 */
function kaimingVariance(args: InitArgs, fans: Fans | undefined): number | null {
  const mode = 'mode' in args ? args.mode : 'fan_in';
  const nonlinearity = 'nonlinearity' in args ? args.nonlinearity : 'leaky_relu';
  if (typeof mode !== 'string' || typeof nonlinearity !== 'string') {
    return null;
  }
  const lowerMode = mode.toLowerCase();
  if (lowerMode !== 'fan_in' && lowerMode !== 'fan_out') {
    return null;
  }
  // calculate_gain reads `param` only for leaky_relu: a missing `a` is kaiming's default 0, an
  // explicit None is calculate_gain's default slope 0.01, a bool is rejected (ValueError).
  let slope: number | undefined;
  if (nonlinearity === 'leaky_relu') {
    const a = 'a' in args ? args.a : 0;
    if (a === null) {
      slope = undefined;
    } else if (typeof a === 'number' && Number.isFinite(a)) {
      slope = a;
    } else {
      return null;
    }
  }
  const gain = torchCalculateGain(nonlinearity, slope);
  if (gain === undefined || fans === undefined) {
    return null;
  }
  const fan = lowerMode === 'fan_in' ? fans.fanIn : fans.fanOut;
  if (!(fan > 0)) {
    return null;
  }
  return (gain * gain) / fan;
}
