/**
 * A recommendation in each framework's own words: Keras findings name Keras initializers
 * (`keras.initializers.HeNormal()`, `"he_normal"`), Flax findings JAX initializers
 * (`nn.initializers.he_normal()`, the same functions as `jax.nn.initializers`), and neither cites
 * `torch.nn.init`. The numbers are the recommendation's: Keras' `_normal` presets and JAX's
 * `truncated_normal` variance scaling are std-corrected, so their variance is exactly scale/fan.
 */
import type { Model } from '../graph';
import type { Recommendation } from './types';

type Framework = Model['framework'];

/** A scale short enough to read, exact to 4 significant digits. */
function scaleText(value: number): string {
  const text = String(Number(value.toPrecision(4)));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A preset (`he_normal`) or variance scaling, framework-neutral: what both spellings are built from. */
type Spelling = { preset: string } | { scale: number; mode: 'fan_in' | 'fan_avg'; distribution: 'truncated_normal' | 'uniform' };

function spellingOf(recommendation: Recommendation): Spelling | null {
  const args = recommendation.args;
  if (recommendation.gain !== undefined) {
    return { scale: recommendation.gain * recommendation.gain, mode: 'fan_in', distribution: 'truncated_normal' };
  }
  switch (recommendation.name) {
    case 'kaiming_normal': {
      const nonlinearity = args.nonlinearity ?? 'leaky_relu';
      const a = typeof args.a === 'number' ? args.a : 0;
      if (nonlinearity === 'relu' || (nonlinearity === 'leaky_relu' && a === 0)) {
        return { preset: 'he_normal' };
      }
      if (nonlinearity === 'linear') {
        return { preset: 'lecun_normal' };
      }
      return nonlinearity === 'leaky_relu' ? { scale: 2 / (1 + a * a), mode: 'fan_in', distribution: 'truncated_normal' } : null;
    }
    case 'xavier_uniform': {
      const gain = typeof args.gain === 'number' ? args.gain : args.gain === undefined ? 1 : null;
      return gain === null ? null : gain === 1 ? { preset: 'glorot_uniform' } : { scale: gain * gain, mode: 'fan_avg', distribution: 'uniform' };
    }
    case 'orthogonal':
      return { preset: 'orthogonal' };
    default:
      return null;
  }
}

/** Keras' class name of a preset (`he_normal` → `HeNormal`). */
function kerasClass(preset: string): string {
  return preset
    .split('_')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The recommendation as the framework writes it: `keras.initializers.HeNormal() ("he_normal")`,
 * `nn.initializers.he_normal()`; null for PyTorch (its messages use torch.nn.init's own names) and
 * when no initializer gives it.
 */
export function spelledInit(recommendation: Recommendation, framework: Framework | undefined): string | null {
  if (framework !== 'keras' && framework !== 'flax') {
    return null;
  }
  const spelling = spellingOf(recommendation);
  if (!spelling) {
    return null;
  }
  if ('preset' in spelling) {
    return framework === 'keras' ? `keras.initializers.${kerasClass(spelling.preset)}() ("${spelling.preset}")` : `nn.initializers.${spelling.preset}()`;
  }
  const { scale, mode, distribution } = spelling;
  return framework === 'keras'
    ? `keras.initializers.VarianceScaling(scale=${scaleText(scale)}, mode="${mode}", distribution="${distribution}")`
    : `nn.initializers.variance_scaling(${scaleText(scale)}, "${mode}", "${distribution}")`;
}

/**
 * A rule's source in the framework's words: the paper, then the framework's initializer in place of
 * `torch.nn.init` (PyTorch keeps the source as the registry states it).
 */
export function citationIn(source: string, recommendation: Recommendation, framework: Framework | undefined): string {
  const spelled = spelledInit(recommendation, framework);
  if (!spelled) {
    return source;
  }
  // The paper is the part before the first `; ` (the rest names torch.nn.init or PyTorch's docs).
  const paper = source.split('; ')[0]!.replace(/ \(PyTorch has no gain for this activation\)$/, '');
  return `${paper}; ${framework === 'keras' ? 'Keras' : 'Flax (jax.nn.initializers)'}: ${spelled}`;
}
