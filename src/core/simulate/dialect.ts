/**
 * What a framework hands the simulator so that its models read in the simulator's vocabulary (torch
 * layer types, torch constructor argument names, `torch.nn.init`-style init calls). Each framework
 * implements it in its own folder (frameworks/<name>/simulation.ts); the framework registry hands
 * the right one to whoever builds a network (`dialectFor`), so this folder knows no framework.
 */
import type { Recommendation } from '../advice/types';
import type { Layer, Model } from '../graph';
import type { InitCall } from './network';

/** The kinds of parameterised module whose own (framework default) init a dialect knows. */
export type ModuleKind = 'affine' | 'embedding' | 'norm';

/** How one framework's layers and inits read in the simulator's (torch) vocabulary. */
export interface SimulationDialect {
  /** The framework whose models this dialect reads (a model's `framework`, `pytorch` when unset). */
  framework: NonNullable<Model['framework']>;
  /** The framework's name in notes. */
  label: string;
  /** The layer with a torch type, torch argument names and init calls in the simulator's terms (the same layer when nothing maps). */
  layer(layer: Layer): Layer;
  /** The init call the framework's fix writes for a recommendation; null when it has no spelling. */
  recommended(recommendation: Recommendation): InitCall | null;
  /** The framework's own init of a parameter, for an init the simulator cannot read. */
  fallback(module: ModuleKind, parameter: 'weight' | 'bias'): InitCall;
  /** True when a layer's input size is inferred at its first call (Flax linen, Keras without an Input): a symbolic input size is the tensor before it. */
  infersInputSize: boolean;
}

/**
 * A recommendation as the simulator's call: std = gain/√fan_in (Recommendation.gain) as
 * N(0, gain²/fan_in), spelled so that it follows the fans; otherwise its own name and arguments,
 * which are already in the simulator's (`torch.nn.init`) vocabulary.
 */
export function recommendationAsCall(recommendation: Recommendation): InitCall {
  if (recommendation.gain !== undefined && recommendation.name === 'normal') {
    return { name: 'variance_scaling', args: { scale: recommendation.gain * recommendation.gain, mode: 'fan_in', distribution: 'normal' } };
  }
  return { name: recommendation.name, args: recommendation.args };
}
