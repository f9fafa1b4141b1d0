/**
 * Which initializer an activation calls for. Each recommendation cites its rule's source (rules.ts).
 */
import type { Activation, Model } from '../graph';
import { isKnownActivation, torchCalculateGain, type ActivationSpec } from '../activations';
import { cachedForwardGain } from './moments';
import { RULES } from './rules';
import { citationIn } from './frameworkWords';
import type { Recommendation } from './types';

const HE = RULES['init-relu'].source;
const GLOROT = RULES['init-tanh-sigmoid'].source;
const LECUN = RULES['init-selu'].source;
const MEAN_FIELD = RULES['init-gain'].source;

/** The activation as the numerics module names it (PReLU at init is a leaky ReLU with its init slope). */
export function activationSpec(activation: Activation): ActivationSpec {
  if (activation.name === 'prelu') {
    return { name: 'leaky_relu', params: { negative_slope: activation.params.negative_slope ?? 0.25 } };
  }
  return { name: activation.name, params: activation.params };
}

/** Activations that end a network (their input is logits): no init rule applies. */
const OUTPUT_ACTIVATIONS = new Set(['softmax', 'log_softmax']);

/**
 * The recommended initializer for a weight followed by `activation`, or null when no rule applies;
 * its citation names the framework's own initializer (Keras, JAX) when `framework` is given.
 */
export function recommendFor(activation: Activation, framework?: Model['framework']): Recommendation | null {
  const recommendation = torchRecommendation(activation);
  return recommendation && framework !== undefined && framework !== 'pytorch'
    ? { ...recommendation, citation: citationIn(recommendation.citation, recommendation, framework) }
    : recommendation;
}

function torchRecommendation(activation: Activation): Recommendation | null {
  const spec = activationSpec(activation);
  if (OUTPUT_ACTIVATIONS.has(spec.name) || !isKnownActivation(spec.name) || spec.name === 'linear') {
    return null;
  }
  switch (spec.name) {
    case 'relu':
      return { name: 'kaiming_normal', args: { nonlinearity: 'relu' }, label: 'He', citation: HE };
    case 'leaky_relu': {
      const slope = typeof spec.params?.negative_slope === 'number' ? spec.params.negative_slope : 0.01;
      return { name: 'kaiming_normal', args: { a: slope, nonlinearity: 'leaky_relu' }, label: `He·leaky ${slope}`, citation: HE };
    }
    case 'tanh':
      return { name: 'xavier_uniform', args: { gain: torchCalculateGain('tanh')! }, label: 'Xavier·tanh', citation: GLOROT };
    case 'sigmoid':
      return { name: 'xavier_uniform', args: {}, label: 'Xavier', citation: GLOROT };
    case 'selu':
      return { name: 'kaiming_normal', args: { nonlinearity: 'linear' }, label: 'LeCun', citation: LECUN };
    default: {
      const gain = cachedForwardGain(spec);
      if (!Number.isFinite(gain)) {
        return null;
      }
      return { name: 'normal', args: {}, gain, label: `${spec.name} gain ${gain.toFixed(2)}`, citation: MEAN_FIELD };
    }
  }
}
