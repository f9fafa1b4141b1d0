/**
 * σ_w² = fan_in·Var(W) when it does not depend on the layer's sizes: PyTorch's default for dense and
 * conv layers is 1/3 whatever the fan, He is 2, Glorot with equal fans is 1. With symbolic fans
 * (`nn.Linear(width, width)`) the per-layer factor and the verdict then stand without the numbers.
 */
import type { Layer, Model } from '../graph';
import { torchInitVariance } from '../init/torchInitVariance';
import { VARIANCE_SCALING_PRESETS } from '../init/varianceScalingPresets';
import type { Recommendation } from './types';

/** PyTorch layers whose own reset_parameters is kaiming_uniform(a=√5) on the weight: Var(W) = 1/(3·fan_in). */
const TORCH_DEFAULT_ONE_THIRD = /^(Linear|LazyLinear|Conv[123]d|ConvTranspose[123]d)$/;

/** True when the fans are the same number or the same unresolved expression (`width`, `n_state * 3`). */
export function sameFans(layer: Layer): boolean {
  return layer.fanIn !== null && layer.fanIn === layer.fanOut;
}

/** fan_out/fan_in when it is known: from numbers, or 1 for equal symbols. */
export function fanRatio(layer: Layer): number | null {
  if (typeof layer.fanIn === 'number' && typeof layer.fanOut === 'number' && layer.fanIn > 0) {
    return layer.fanOut / layer.fanIn;
  }
  return sameFans(layer) ? 1 : null;
}

/** The weight's σ_w² when the init fixes it whatever the sizes (or with equal fans), else null. */
export function fanFreeSigmaW2(layer: Layer, framework: Model['framework']): number | null {
  const init = layer.init.weight;
  if (!init) {
    return null;
  }
  if (framework === 'keras' || framework === 'flax') {
    return varianceScalingSigmaW2(init.name, init.args, sameFans(layer));
  }
  if (init.name === 'default') {
    return TORCH_DEFAULT_ONE_THIRD.test(layer.type) ? 1 / 3 : null;
  }
  return torchSigmaW2(init.name, init.args, sameFans(layer));
}

/** σ_w² the recommendation gives whatever the sizes (or with equal fans), else null. */
export function fanFreeRecommended(recommendation: Recommendation, layer: Layer): number | null {
  if (recommendation.gain !== undefined) {
    return recommendation.gain * recommendation.gain;
  }
  return torchSigmaW2(recommendation.name, recommendation.args, sameFans(layer));
}

/** Fans to probe a torch init with: a size-free σ_w² comes out the same for each pair. */
const EQUAL_PROBES = [
  { fanIn: 64, fanOut: 64 },
  { fanIn: 1000, fanOut: 1000 },
];
const FREE_PROBES = [
  { fanIn: 64, fanOut: 96 },
  { fanIn: 1000, fanOut: 96 },
  { fanIn: 64, fanOut: 1000 },
];

/** fan_in·Var(W) of a `torch.nn.init` function when the probes agree (it does not depend on the fans). */
function torchSigmaW2(name: string, args: Recommendation['args'], equalFans: boolean): number | null {
  const values = (equalFans ? EQUAL_PROBES : FREE_PROBES).map((fans) => {
    const variance = torchInitVariance(name, args, fans);
    return variance === null ? null : fans.fanIn * variance;
  });
  const first = values[0];
  if (first === null || first === undefined || !(first > 0) || values.some((value) => value === null || Math.abs(value - first) > 1e-9 * first)) {
    return null;
  }
  return first;
}

/** Keras/JAX variance scaling (presets by canonical name, or `variance_scaling`): scale, with fan_in or equal fans. */
function varianceScalingSigmaW2(name: string, args: Recommendation['args'], equalFans: boolean): number | null {
  const preset = VARIANCE_SCALING_PRESETS[name];
  const scale = preset ? preset.scale : name === 'variance_scaling' ? (args.scale === undefined ? 1 : args.scale) : undefined;
  const mode = preset ? preset.mode : args.mode === undefined ? 'fan_in' : args.mode;
  if (typeof scale !== 'number' || !(scale > 0)) {
    return null;
  }
  return mode === 'fan_in' || (equalFans && (mode === 'fan_out' || mode === 'fan_avg')) ? scale : null;
}
