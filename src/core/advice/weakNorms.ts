/**
 * Norms judged by what they do: BatchNorm or LayerNorm computes (x − μ)/√(Var + eps), so with
 * eps ≥ 0.1 (PyTorch-GAN's `nn.BatchNorm2d(c, 0.8)`, whose second positional argument is eps, not
 * momentum) a pre-activation of variance well under 1 is rescaled by about 1/√eps, not normalised.
 * The layer before such a norm is judged as not normalised.
 */
import type { Layer, Model } from '../graph';
import { fmt } from './formatNumber';
import type { FindingReason } from './types';

/** The eps from which a norm is taken to rescale rather than normalise. */
export const WEAK_NORM_EPS = 0.1;

/** A norm with a large eps right after a weight layer. */
export interface WeakNorm {
  /** The norm layer itself. */
  norm: Layer;
  /** The norm's qualified name and class. */
  name: string;
  type: string;
  eps: number;
}

function isNorm(layer: Layer): boolean {
  return layer.fanIn === null && /Norm/.test(layer.type);
}

/**
 * Each normalised weight layer whose norm (the next layer in forward order, dropout skipped) has a
 * numeric eps ≥ 0.1. A layer whose norm cannot be placed stays normalised (no verdict is safer).
 */
export function weakNorms(model: Model): Map<Layer, WeakNorm> {
  const found = new Map<Layer, WeakNorm>();
  const layers = model.layers.filter((layer) => !/Dropout/.test(layer.type));
  layers.forEach((layer, index) => {
    const next = layers[index + 1];
    const eps = next?.config.eps;
    if (layer.normalized && layer.fanIn !== null && next && isNorm(next) && typeof eps === 'number' && eps >= WEAK_NORM_EPS) {
      found.set(layer, { norm: next, name: next.name, type: next.type, eps });
    }
  });
  return found;
}

/** Why the norm after a layer does not count as one: named for the layer's own message, in general words for a merged one. */
export function weakNormReason(norm: WeakNorm): FindingReason {
  const byPosition = /^BatchNorm/.test(norm.type) ? " (a BatchNorm's second positional argument is eps, not momentum)" : '';
  return {
    text: `${norm.name} does not normalise it: its eps = ${fmt(norm.eps)} rescales by 1/√(Var + eps) instead${byPosition}.`,
    shared: `the ${norm.type} after it does not normalise it: its eps = ${fmt(norm.eps)} rescales by 1/√(Var + eps) instead${byPosition}.`,
  };
}
