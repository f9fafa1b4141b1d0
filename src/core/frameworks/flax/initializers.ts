/**
 * JAX initializers (`jax.nn.initializers`, re-exported as `flax.linen.initializers` and
 * `flax.nnx.initializers`): their parameters and the exact per-element variance they give a
 * kernel of a known shape. Source: jax/_src/nn/initializers.py.
 */
import type { ArgValue, Dim } from '../../graph';
import { normalCdf, normalPdf } from '../../math/quadrature';
import { VARIANCE_SCALING_PRESETS } from '../../init/varianceScalingPresets';

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

/** JAX's presets (initializers.py), the same table as Keras'. */
const PRESETS = VARIANCE_SCALING_PRESETS;

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

/** Variance of a standard normal truncated to [lower, upper] (no rescaling). */
function standardTruncatedVariance(lower: number, upper: number): number {
  const mass = normalCdf(upper) - normalCdf(lower);
  if (!(mass > 0)) {
    return Number.NaN;
  }
  const shift = (normalPdf(lower) - normalPdf(upper)) / mass;
  return 1 + (lower * normalPdf(lower) - upper * normalPdf(upper)) / mass - shift * shift;
}

/** A number argument with a default; undefined when given but not a number. */
function numberArg(args: Record<string, ArgValue>, key: string, fallback: number): number | undefined {
  if (!(key in args)) {
    return fallback;
  }
  const value = args[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

// Not shared with Keras' VarianceScaling: in JAX (jax/_src/nn/initializers.py) 'normal' is UNtruncated and fans are not floored at 1.
function variancesScaling(scale: number, mode: string, distribution: string, fans: { fanIn: number; fanOut: number }): number | null {
  // variance_scaling: denominator by mode; 'truncated_normal' divides the std by .87962566103423978
  // (the std of N(0,1) cut at ±2), so every distribution has exactly variance scale/denominator.
  let denominator: number;
  switch (mode) {
    case 'fan_in':
      denominator = fans.fanIn;
      break;
    case 'fan_out':
      denominator = fans.fanOut;
      break;
    case 'fan_avg':
      denominator = (fans.fanIn + fans.fanOut) / 2;
      break;
    case 'fan_geo_avg':
      denominator = Math.sqrt(fans.fanIn * fans.fanOut);
      break;
    default:
      return null;
  }
  if (!['truncated_normal', 'normal', 'uniform'].includes(distribution) || !(denominator > 0) || !(scale >= 0)) {
    return null;
  }
  return scale / denominator;
}

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
      const factor = standardTruncatedVariance(lower, upper);
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
    case 'variance_scaling': {
      const scale = numberArg(args, 'scale', Number.NaN);
      const { mode, distribution } = args;
      if (scale === undefined || Number.isNaN(scale) || typeof mode !== 'string' || typeof distribution !== 'string' || !shape) {
        return null;
      }
      const fans = computeFans(shape, axisArg(args.in_axis), axisArg(args.out_axis), axisArg(args.batch_axis));
      return fans ? variancesScaling(scale, mode, distribution, fans) : null;
    }
    default: {
      const preset = PRESETS[name];
      if (!preset || !shape) {
        return null;
      }
      const fans = computeFans(shape, axisArg(args.in_axis), axisArg(args.out_axis), axisArg(args.batch_axis));
      return fans ? variancesScaling(preset.scale, preset.mode, preset.distribution, fans) : null;
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

/** A shape of Dims as numbers, or undefined when a dimension is symbolic. */
export function numericShape(shape: Dim[] | null): number[] | undefined {
  if (!shape || shape.some((dim) => typeof dim !== 'number')) {
    return undefined;
  }
  return shape as number[];
}
