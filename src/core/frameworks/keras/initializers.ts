/**
 * Keras initializers: how an `*_initializer=` argument resolves (string alias, class call, config
 * dict) and the per-element variance of the tensor it fills, following Keras 3
 * `keras/src/initializers/__init__.py` (names and aliases, case-sensitive),
 * `random_initializers.py`, `constant_initializers.py` and `keras/src/backend/common/...compute_fans`.
 * tf.keras 2 (`keras/initializers/initializers_v2.py`) has the same names, defaults and formulas.
 */
import type { ArgValue, Dim } from '../../graph';
import { truncatedNormalVariance } from '../../init/truncatedNormal';
import { VARIANCE_SCALING_PRESETS } from '../../init/varianceScalingPresets';
import { fansOf } from './shapes';

/** An initializer as Keras resolves it: the canonical snake_case name and its arguments by keyword. */
export interface KerasInit {
  /** `glorot_uniform`, `he_normal`, `variance_scaling`, `random_normal`, `orthogonal`, `zeros`, … or `unknown`. */
  name: string;
  args: Record<string, ArgValue>;
}

/** An initializer class: its canonical snake_case name and constructor parameters after `self`, in order. */
interface InitializerClass {
  name: string;
  params: readonly string[];
}

/** Class name → canonical snake_case name and constructor parameters after `self`, in order (Keras 3 signatures). */
const CLASSES: Readonly<Record<string, InitializerClass>> = {
  Constant: { name: 'constant', params: ['value'] },
  Identity: { name: 'identity', params: ['gain'] },
  Ones: { name: 'ones', params: [] },
  Zeros: { name: 'zeros', params: [] },
  GlorotNormal: { name: 'glorot_normal', params: ['seed'] },
  GlorotUniform: { name: 'glorot_uniform', params: ['seed'] },
  HeNormal: { name: 'he_normal', params: ['seed'] },
  HeUniform: { name: 'he_uniform', params: ['seed'] },
  LecunNormal: { name: 'lecun_normal', params: ['seed'] },
  LecunUniform: { name: 'lecun_uniform', params: ['seed'] },
  RandomNormal: { name: 'random_normal', params: ['mean', 'stddev', 'seed'] },
  RandomUniform: { name: 'random_uniform', params: ['minval', 'maxval', 'seed'] },
  TruncatedNormal: { name: 'truncated_normal', params: ['mean', 'stddev', 'seed'] },
  VarianceScaling: { name: 'variance_scaling', params: ['scale', 'mode', 'distribution', 'seed'] },
  Orthogonal: { name: 'orthogonal', params: ['gain', 'seed'] },
};

const BY_NAME: ReadonlyMap<string, InitializerClass> = new Map(Object.values(CLASSES).map((info) => [info.name, info]));

/** What an attribute of `keras.initializers` names: a class, its snake_case export (Keras 3; functions in tf.keras 2), or an `*Initializer` alias. */
const ATTRIBUTES: ReadonlyMap<string, string> = new Map([
  ...Object.entries(CLASSES).flatMap(([cls, info]) => [cls, info.name].map((key): [string, string] => [key, info.name])),
  ['OrthogonalInitializer', 'orthogonal'],
  ['IdentityInitializer', 'identity'],
]);

/**
 * Every string `keras.initializers.get` accepts: the attributes and the aliases `uniform`, `normal`,
 * `one`, `zero` (keras/src/initializers/__init__.py ALL_OBJECTS_DICT). Case-sensitive, as Keras is.
 */
const STRING_NAMES = new Map([...ATTRIBUTES, ...Object.entries({ uniform: 'random_uniform', normal: 'random_normal', one: 'ones', zero: 'zeros' })]);

/** TensorFlow's own initializer classes `tf.<name>_initializer`, the Keras initializers of that name (tensorflow/python/ops/init_ops_v2.py defaults). */
const TENSORFLOW_NAMES = new Set('random_normal random_uniform truncated_normal zeros ones constant glorot_uniform glorot_normal orthogonal'.split(' '));

/** The canonical name of a string initializer identifier, or undefined when Keras would reject it. */
export function initializerFromString(identifier: string): string | undefined {
  return STRING_NAMES.get(identifier);
}

/** Constructor parameters of an initializer class reached as `initializers.<attr>`, or undefined. */
export function initializerClass(attr: string): InitializerClass | undefined {
  return BY_NAME.get(ATTRIBUTES.get(attr) ?? '');
}

/** A `tf.<name>` initializer class, or undefined. */
export function tensorflowInitializerClass(attr: string): InitializerClass | undefined {
  const name = /^(\w+)_initializer$/.exec(attr)?.[1];
  return name && TENSORFLOW_NAMES.has(name) ? BY_NAME.get(name) : undefined;
}

/** Parameter names of a canonical initializer (for config dicts). */
export function parametersOf(name: string): readonly string[] | undefined {
  return BY_NAME.get(name)?.params;
}

/**
 * `compute_fans(shape)` (keras/src/initializers/random_initializers.py): rank 0 → (1, 1); rank 1 →
 * (shape[0], shape[0]); rank 2 → (shape[0], shape[1]); higher → receptive field ∏shape[:-2] times
 * shape[-2] (in) and shape[-1] (out). Null when a dimension is symbolic.
 */
export function kerasFans(shape: readonly Dim[]): { fanIn: number; fanOut: number } | null {
  if (!shape.every((d): d is number => typeof d === 'number')) {
    return null;
  }
  // One compute_fans for both: on numeric dims shapes.fansOf gives numbers.
  const { fanIn, fanOut } = fansOf(shape);
  return { fanIn: fanIn as number, fanOut: fanOut as number };
}

/** A number argument, `fallback` when absent (Python arithmetic treats bools as ints; Keras takes them as floats), undefined when no number. */
function numberArg(args: Record<string, ArgValue>, key: string, fallback: number): number | undefined {
  const value = key in args ? args[key] : fallback;
  return typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'boolean' ? Number(value) : undefined;
}

function stringArg(args: Record<string, ArgValue>, key: string, fallback: string): string | undefined {
  const value = key in args ? args[key] : fallback;
  return typeof value === 'string' ? value : undefined;
}

/** The VarianceScaling parameters an initializer amounts to (presets or `variance_scaling` itself), else undefined. */
export function varianceScalingOf(init: KerasInit): { scale: number; mode: string; distribution: string } | undefined {
  // Keras' presets are JAX's too (random_initializers.py): one table serves both.
  if (init.name in VARIANCE_SCALING_PRESETS) {
    return VARIANCE_SCALING_PRESETS[init.name];
  }
  if (init.name !== 'variance_scaling') {
    return undefined;
  }
  const scale = numberArg(init.args, 'scale', 1);
  const mode = stringArg(init.args, 'mode', 'fan_in');
  let distribution = stringArg(init.args, 'distribution', 'truncated_normal')?.toLowerCase();
  // VarianceScaling.__init__ lower-cases the distribution; 'normal' means 'truncated_normal' (Keras 3 and tf.keras 2).
  if (distribution === 'normal') {
    distribution = 'truncated_normal';
  }
  // Keras raises ValueError for a scale ≤ 0 or an unknown mode or distribution.
  if (scale === undefined || !(scale > 0) || mode === undefined || !['fan_in', 'fan_out', 'fan_avg'].includes(mode)) {
    return undefined;
  }
  if (distribution === undefined || !['uniform', 'truncated_normal', 'untruncated_normal'].includes(distribution)) {
    return undefined;
  }
  return { scale, mode, distribution };
}

/**
 * Per-element variance of the tensor of `shape` (Keras layout) that the initializer fills, or null.
 *
 * - VarianceScaling: `scale /= max(1, fan)` (fan_avg = (in + out)/2); truncated_normal draws with
 *   stddev √scale / .87962566103423978 cut at ±2σ, so the variance is `scale`; untruncated_normal
 *   std √scale; uniform limit √(3·scale): every distribution gives variance `scale`.
 * - RandomNormal(mean=0, stddev=0.05): stddev²; RandomUniform(minval=-0.05, maxval=0.05): (max−min)²/12;
 *   TruncatedNormal(mean=0, stddev=0.05): cut at mean ± 2·stddev with no correction.
 * - Orthogonal(gain=1): the tensor is flattened to (∏shape[:-1], shape[-1]) rows × cols with
 *   orthonormal rows or columns: gain²/max(rows, cols).
 * - Zeros, Ones, Constant, Identity: deterministic, 0.
 */
export function kerasInitVariance(init: KerasInit, shape: readonly Dim[] | undefined): number | null {
  const scaling = varianceScalingOf(init);
  if (scaling) {
    const fans = shape ? kerasFans(shape) : null;
    if (!fans) {
      return null;
    }
    const fan = scaling.mode === 'fan_in' ? fans.fanIn : scaling.mode === 'fan_out' ? fans.fanOut : (fans.fanIn + fans.fanOut) / 2;
    return scaling.scale / Math.max(1, fan);
  }
  switch (init.name) {
    case 'random_normal': {
      const std = numberArg(init.args, 'stddev', 0.05);
      return std === undefined || numberArg(init.args, 'mean', 0) === undefined ? null : std * std;
    }
    case 'random_uniform': {
      const low = numberArg(init.args, 'minval', -0.05);
      const high = numberArg(init.args, 'maxval', 0.05);
      return low === undefined || high === undefined || low > high ? null : ((high - low) * (high - low)) / 12;
    }
    case 'truncated_normal': {
      const mean = numberArg(init.args, 'mean', 0);
      const std = numberArg(init.args, 'stddev', 0.05);
      if (mean === undefined || std === undefined || !(std > 0)) {
        return null;
      }
      const variance = truncatedNormalVariance(mean, std, mean - 2 * std, mean + 2 * std);
      return Number.isFinite(variance) ? variance : null;
    }
    case 'orthogonal': {
      const gain = numberArg(init.args, 'gain', 1);
      if (gain === undefined || !shape || shape.length < 2 || !shape.every((d): d is number => typeof d === 'number')) {
        return null;
      }
      const cols = shape[shape.length - 1]!;
      const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
      return rows > 0 && cols > 0 ? (gain * gain) / Math.max(rows, cols) : null;
    }
    case 'zeros':
    case 'ones':
    case 'constant':
      return 0;
    case 'identity':
      // Identity raises for anything but a 2-D shape.
      return shape && shape.length !== 2 ? null : 0;
    default:
      return null;
  }
}
