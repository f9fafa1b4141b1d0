/**
 * `torch.nn.init` functions and in-place tensor methods as writes of the init in force.
 * Signatures from PyTorch `torch/nn/init.py` (positional arguments after the tensor).
 */
import type { ArgValue, InitInForce, InitSource, Range } from '../../graph';
import { weightFans } from '../../init/fans';
import { torchInitVariance } from '../../init/torchInitVariance';
import type { NewTensor, ParamInst } from './values';

/** Positional parameter names after the tensor, per canonical init name. */
export const INIT_SIGNATURES: Record<string, string[]> = {
  uniform: ['a', 'b'],
  normal: ['mean', 'std'],
  trunc_normal: ['mean', 'std', 'a', 'b'],
  constant: ['val'],
  ones: [],
  zeros: [],
  eye: [],
  dirac: ['groups'],
  xavier_uniform: ['gain'],
  xavier_normal: ['gain'],
  kaiming_uniform: ['a', 'mode', 'nonlinearity'],
  kaiming_normal: ['a', 'mode', 'nonlinearity'],
  orthogonal: ['gain'],
  sparse: ['sparsity', 'std'],
  // timm's `lecun_normal_` (timm.layers.weight_init): torch.nn.init has no such function.
  lecun_normal: [],
};

/**
 * The canonical name of an init function as written: `kaiming_normal_` and the deprecated alias
 * `kaiming_normal` both → `kaiming_normal`; `xavier_normal` etc. likewise. Undefined when not an init.
 */
export function canonicalInitName(written: string): string | undefined {
  const name = written.endsWith('_') ? written.slice(0, -1) : written;
  return name in INIT_SIGNATURES && name !== 'lecun_normal' ? name : undefined;
}

/** In-place tensor methods that initialise, with their positional parameter names. */
export const TENSOR_INIT_METHODS: Record<string, { name: string; params: string[] }> = {
  normal_: { name: 'normal', params: ['mean', 'std'] },
  uniform_: { name: 'uniform', params: ['a', 'b'] },
  zero_: { name: 'zeros', params: [] },
  fill_: { name: 'constant', params: ['val'] },
  trunc_normal_: { name: 'trunc_normal', params: ['mean', 'std', 'a', 'b'] },
};

/** Anything that holds an init in force: a module parameter or a tensor made in `__init__`. */
export type InitTarget = ParamInst | NewTensor;

/** The numeric shape of a target, when every dimension resolved. */
function numericShape(target: InitTarget): number[] | undefined {
  const shape = target.shape;
  return shape && shape.every((d): d is number => typeof d === 'number') ? shape : undefined;
}

/** Computes the variance of `name(args)` on the target's shape (null when fans or args do not resolve). */
export function varianceFor(target: InitTarget, name: string, args: Record<string, ArgValue>): number | null {
  const shape = numericShape(target);
  const fans = shape && shape.length >= 2 ? weightFans(shape) : undefined;
  return torchInitVariance(name, args, fans, shape);
}

/** Writes `name(args)` as the init in force of the target. `uncertain` marks a write under an unknown condition. */
export function writeInit(
  target: InitTarget,
  name: string,
  args: Record<string, ArgValue>,
  source: InitSource,
  range: Range,
  uncertain: boolean,
  site?: Range,
): void {
  if (uncertain) {
    target.init = { name: 'unknown', args: {}, source, variance: null, range };
    return;
  }
  target.init = { name, args, source, variance: varianceFor(target, name, args), range, ...(site ? { site } : {}) };
}

/** Scales the init in force by `factor` (`.mul_(s)`, `.div_(s)`, `torch.randn(...) * s`). */
export function scaleInit(init: InitInForce, factor: number | undefined, range: Range): InitInForce {
  if (factor === undefined || init.variance === null) {
    return { ...init, variance: null, range };
  }
  if (init.name === 'normal' && (init.args.mean === undefined || init.args.mean === 0)) {
    const std = typeof init.args.std === 'number' ? init.args.std : 1;
    return { ...init, args: { ...init.args, std: std * Math.abs(factor) }, variance: init.variance * factor * factor, range };
  }
  if (init.name === 'constant') {
    const val = typeof init.args.val === 'number' ? init.args.val : 0;
    return { ...init, args: { val: val * factor }, variance: 0, range };
  }
  return { ...init, args: { ...init.args, scale: factor }, variance: init.variance * factor * factor, range };
}
