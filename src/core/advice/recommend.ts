/**
 * Which initializer an activation calls for. Each rule names its source.
 */
import type { Activation } from '../graph';
import { isKnownActivation, torchCalculateGain, type ActivationSpec } from '../activations';
import { cachedForwardGain } from './moments';
import type { Recommendation } from './types';

const HE = 'He et al. 2015, "Delving Deep into Rectifiers" (arXiv 1502.01852); torch.nn.init.kaiming_normal_';
const GLOROT = 'Glorot & Bengio 2010, "Understanding the difficulty of training deep feedforward networks"; torch.nn.init.xavier_uniform_ with calculate_gain';
const LECUN = 'Klambauer et al. 2017, "Self-Normalizing Neural Networks" (arXiv 1706.02515); PyTorch docs: use kaiming_normal_(nonlinearity="linear") for SELU';
const MEAN_FIELD =
  'Poole et al. 2016 (arXiv 1606.05340): σ_w² = 1/E[φ(z)²] keeps the signal at unit variance; gain computed by Gauss quadrature (PyTorch has no gain for this activation)';
export const ORTHOGONAL =
  'Saxe et al. 2014, "Exact solutions to the nonlinear dynamics of learning in deep linear networks" (arXiv 1312.6120): orthogonal recurrent weights keep the hidden state\'s norm';
export const GPT2_SCALED =
  'Radford et al. 2019 (GPT-2): residual output projections scaled by 1/√(2·n_layer); Goyal et al. 2017 (arXiv 1706.02677): zero-init the last BatchNorm of each residual branch';

/** The activation as the numerics module names it (PReLU at init is a leaky ReLU with its init slope). */
export function activationSpec(activation: Activation): ActivationSpec {
  if (activation.name === 'prelu') {
    return { name: 'leaky_relu', params: { negative_slope: activation.params.negative_slope ?? 0.25 } };
  }
  return { name: activation.name, params: activation.params };
}

/** Activations that end a network (their input is logits): no init rule applies. */
const OUTPUT_ACTIVATIONS = new Set(['softmax', 'log_softmax']);

/** The recommended initializer for a weight followed by `activation`, or null when no rule applies. */
export function recommendFor(activation: Activation): Recommendation | null {
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
