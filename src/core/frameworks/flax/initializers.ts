/**
 * JAX initializers (`jax.nn.initializers`, re-exported as `flax.linen.initializers` and
 * `flax.nnx.initializers`): their parameters and the exact per-element variance they give a
 * kernel of a known shape. Source: jax/_src/nn/initializers.py.
 */
import type { ArgValue, Dim } from '../../graph';
import { truncatedNormalVariance } from '../../init/truncatedNormal';
import { VARIANCE_SCALING_PRESETS as PRESETS } from '../../init/varianceScalingPresets';

/** Positional parameters of each initializer factory (jax/_src/nn/initializers.py signatures). */
const FACTORY_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  constant: ['value', 'dtype'],
  uniform: ['scale', 'dtype'],
  normal: ['stddev', 'dtype'],
  truncated_normal: ['stddev', 'dtype', 'lower', 'upper'],
  variance_scaling: ['scale', 'mode', 'distribution', 'in_axis', 'out_axis', 'batch_axis', 'dtype'],
  glorot_uniform: ['in_axis', 'out_axis', 'batch_axis', 'dtype'],
  glorot_normal: ['in_axis', 'out_axis', 'batch_axis', 'dtype'],
  lecun_uniform: ['in_axis', 'out_axis', 'batch_axis', 'dtype'],
  lecun_normal: ['in_axis', 'out_axis', 'batch_axis', 'dtype'],
  he_uniform: ['in_axis', 'out_axis', 'batch_axis', 'dtype'],
  he_normal: ['in_axis', 'out_axis', 'batch_axis', 'dtype'],
  orthogonal: ['scale', 'column_axis', 'dtype'],
  delta_orthogonal: ['scale', 'column_axis', 'dtype'],
  zeros_init: [],
  ones_init: [],
};

/** `xavier_*` / `kaiming_*` are the same functions as `glorot_*` / `he_*` (initializers.py: `xavier_uniform = glorot_uniform`). */
const ALIASES: Readonly<Record<string, string>> = {
  xavier_uniform: 'glorot_uniform',
  xavier_normal: 'glorot_normal',
  kaiming_uniform: 'he_uniform',
  kaiming_normal: 'he_normal',
};

/** The canonical name of an alias (`kaiming_normal` → `he_normal`), else the name itself. */
export function canonicalInitializer(name: string): string {
  return ALIASES[name] ?? name;
}

/** Plain initializer functions (not factories): `zeros`, `ones` take (key, shape, dtype) directly. */
const PLAIN_FUNCTIONS = new Set(['zeros', 'ones']);

/** The canonical factory name, or undefined when `name` is not a JAX initializer factory. */
export function initializerFactory(name: string): string | undefined {
  const canonical = ALIASES[name] ?? name;
  return Object.prototype.hasOwnProperty.call(FACTORY_PARAMETERS, canonical) ? canonical : undefined;
}

/** True for `zeros` / `ones`, used without a call (`bias_init=nn.initializers.zeros`). */
export function isPlainInitializer(name: string): boolean {
  return PLAIN_FUNCTIONS.has(name);
}

/** The keyword names of a factory's positional parameters (aliases included). */
export function factoryParameters(name: string): readonly string[] {
  return FACTORY_PARAMETERS[ALIASES[name] ?? name] ?? [];
}

/** Normalises an axis (or several) against the rank; undefined when out of range or not integers. */
function axesOf(value: ArgValue | number[] | undefined, rank: number, fallback: number[]): number[] | undefined {
  const raw = value === undefined ? fallback : Array.isArray(value) ? value : typeof value === 'number' ? [value] : undefined;
  if (!raw) {
    return undefined;
  }
  const out: number[] = [];
  for (const axis of raw) {
    if (!Number.isInteger(axis) || axis >= rank || axis < -rank) {
      return undefined;
    }
    out.push(axis < 0 ? axis + rank : axis);
  }
  return out;
}

/**
 * `_compute_fans(shape, in_axis=-2, out_axis=-1, batch_axis=())` (initializers.py): the axes not
 * named are the receptive field; fan_in = in_size·receptive, fan_out = out_size·receptive.
 * Not shared with keras/shapes.fansOf: JAX takes in/out/batch axes (Embed uses out_axis=0), Keras cannot.
 */
export function computeFans(
  shape: number[],
  inAxis?: ArgValue | number[],
  outAxis?: ArgValue | number[],
  batchAxis?: ArgValue | number[],
): { fanIn: number; fanOut: number } | undefined {
  if (shape.length < 2) {
    return undefined;
  }
  const product = (axes: number[]) => axes.reduce((p, axis) => p * shape[axis]!, 1);
  const inAxes = axesOf(inAxis, shape.length, [-2]);
  const outAxes = axesOf(outAxis, shape.length, [-1]);
  const batchAxes = axesOf(batchAxis, shape.length, []);
  if (!inAxes || !outAxes || !batchAxes) {
    return undefined;
  }
  const total = shape.reduce((p, size) => p * size, 1);
  const inSize = product(inAxes);
  const outSize = product(outAxes);
  const batchSize = product(batchAxes);
  if (!(inSize > 0 && outSize > 0 && batchSize > 0)) {
    return undefined;
  }
  const receptive = total / inSize / outSize / batchSize;
  return { fanIn: inSize * receptive, fanOut: outSize * receptive };
}

/** A number argument with a default when absent; undefined when given but not a finite number. */
export function numberArg(args: Record<string, ArgValue>, key: string, fallback: number): number | undefined {
  const value = args[key];
  if (value === undefined) {
    return fallback;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** What each variance_scaling mode divides the scale by (initializers.py `_compute_fans`). */
const DENOMINATORS: Readonly<Record<string, (fans: { fanIn: number; fanOut: number }) => number>> = {
  fan_in: (fans) => fans.fanIn,
  fan_out: (fans) => fans.fanOut,
  fan_avg: (fans) => (fans.fanIn + fans.fanOut) / 2,
  fan_geo_avg: (fans) => Math.sqrt(fans.fanIn * fans.fanOut),
};

/**
 * Per-element variance of the kernel a JAX initializer fills, for a kernel of `shape` (numbers;
 * undefined when a dimension is not static), or null when it does not resolve.
 *
 * - `zeros`, `ones`, `constant(value)`: 0;
 * - `uniform(scale=1e-2)`: U[0, scale) → scale²/12 (mean scale/2, not centred);
 * - `normal(stddev=1e-2)`: stddev²;
 * - `truncated_normal(stddev=1e-2, lower=-2, upper=2)`: bounds in units of stddev, no correction:
 *   stddev²·Var(N(0,1) | lower < z < upper);
 * - `variance_scaling(scale, mode, distribution, in_axis=-2, out_axis=-1, batch_axis=())` and its
 *   presets (glorot/xavier, he/kaiming, lecun): scale/denominator, whatever the distribution;
 * - `orthogonal(scale=1, column_axis=-1)`: scale²/max(rows, cols), cols = shape[column_axis].
 */
export function jaxInitVariance(written: string, args: Record<string, ArgValue>, shape: number[] | undefined): number | null {
  const name = ALIASES[written] ?? written;
  switch (name) {
    case 'zeros':
    case 'ones':
    case 'zeros_init':
    case 'ones_init':
      return 0;
    case 'constant':
      return 'value' in args ? 0 : null;
    case 'uniform': {
      const scale = numberArg(args, 'scale', 1e-2);
      return scale === undefined ? null : (scale * scale) / 12;
    }
    case 'normal': {
      const stddev = numberArg(args, 'stddev', 1e-2);
      return stddev === undefined ? null : stddev * stddev;
    }
    case 'truncated_normal': {
      const stddev = numberArg(args, 'stddev', 1e-2);
      const lower = numberArg(args, 'lower', -2);
      const upper = numberArg(args, 'upper', 2);
      if (stddev === undefined || lower === undefined || upper === undefined || !(lower < upper)) {
        return null;
      }
      const factor = truncatedNormalVariance(0, 1, lower, upper);
      return Number.isFinite(factor) ? stddev * stddev * factor : null;
    }
    case 'orthogonal': {
      const scale = numberArg(args, 'scale', 1);
      if (scale === undefined || !shape || shape.length < 2) {
        return null;
      }
      const column = axesOf(args.column_axis, shape.length, [-1]);
      if (!column) {
        return null;
      }
      const cols = shape[column[0]!]!;
      const rows = shape.reduce((p, s) => p * s, 1) / cols;
      return rows > 0 && cols > 0 ? (scale * scale) / Math.max(rows, cols) : null;
    }
    default: {
      // variance_scaling(scale, mode, distribution) has no defaults; the presets fix all three.
      const given = { scale: numberArg(args, 'scale', Number.NaN), mode: args.mode, distribution: args.distribution };
      const { scale, mode, distribution } = name === 'variance_scaling' ? given : (PRESETS[name] ?? { ...given, scale: undefined });
      if (scale === undefined || Number.isNaN(scale) || typeof mode !== 'string' || typeof distribution !== 'string' || !shape) {
        return null;
      }
      // Not Keras' VarianceScaling: in JAX 'normal' is UNtruncated, 'truncated_normal' divides the std by
      // .87962566103423978 (the std of N(0,1) cut at ±2) and fans are not floored at 1: every
      // distribution has exactly variance scale/denominator.
      const fans = computeFans(shape, axisArg(args.in_axis), axisArg(args.out_axis), axisArg(args.batch_axis));
      const denominator = fans && Object.prototype.hasOwnProperty.call(DENOMINATORS, mode) ? DENOMINATORS[mode]!(fans) : Number.NaN;
      return ['truncated_normal', 'normal', 'uniform'].includes(distribution) && denominator > 0 && scale >= 0 ? scale / denominator : null;
    }
  }
}

/** Axis arguments arrive as numbers or as tuple text (`"(0, 1)"`); tuples of integers are parsed. */
function axisArg(value: ArgValue | undefined): ArgValue | number[] | undefined {
  if (value && typeof value === 'object' && 'expr' in value) {
    const match = /^\(\s*(-?\d+(?:\s*,\s*-?\d+)*)\s*,?\s*\)$/.exec(value.expr);
    return match ? match[1]!.split(',').map((s) => Number(s.trim())) : Number.NaN;
  }
  return value;
}

/** A shape of Dims as numbers, or undefined when a dimension is symbolic or unknown. */
export function numericShape(shape: readonly (Dim | null)[] | null | undefined): number[] | undefined {
  return shape?.every((dim): dim is number => typeof dim === 'number') ? [...shape] : undefined;
}
