/**
 * Data flow through `__call__`: which layers' outputs a tensor still is (no activation since),
 * and what an activation, a norm, dropout or a residual add does to them. Mirrors the PyTorch
 * adapter's flow (../pytorch/flow.ts) over Flax layer instances.
 */
import { markResidual, renormalize, unionOf } from '../../layerFlow';
import type { LayerInst, TensorInfo, Value } from './host';

export { settle } from '../../layerFlow';

/** Orders first uses across one model's analysis. */
export class UseClock {
  private next = 0;

  mark(layer: LayerInst): void {
    if (layer.flow.firstUse === undefined) {
      layer.flow.firstUse = this.next++;
    }
  }
}

export function tensor(dim: Value, pending: Iterable<LayerInst> = [], skip = false): TensorInfo {
  const set = new Set(pending);
  return { pending: set, last: new Set(set), skip, dim };
}

/** After an activation: nothing pending, the same producers. */
export function activated(t: TensorInfo): TensorInfo {
  return { pending: new Set(), last: new Set(t.last), skip: false, dim: t.dim, spatial: t.spatial };
}

/** Through a norm or dropout: the activation search goes on; a norm re-normalises what is pending. */
export function passThrough(t: TensorInfo, layer: LayerInst, isNorm: boolean): TensorInfo {
  // Dropout keeps a stream a stream (`x = dropout(x); x + block(x)`); a norm makes a new branch.
  const next: TensorInfo = { pending: new Set(t.pending), last: new Set(t.last), skip: isNorm ? false : t.skip, dim: t.dim, spatial: t.spatial };
  next.pending.add(layer);
  if (isNorm) {
    next.last = new Set([layer]);
    renormalize(t.pending);
  }
  return next;
}

/** The union of several tensors (concatenation, products, merges). */
export function merge(tensors: TensorInfo[], dim: Value, skip = false): TensorInfo {
  const spatial = tensors.length > 0 && tensors.every((t) => t.spatial && t.spatial === tensors[0]!.spatial) ? tensors[0]!.spatial : null;
  return { ...unionOf(tensors), skip, dim, spatial };
}

/**
 * `branch + skip`: the branch's last layer (dropout aside, an activation in between allowed) ends
 * a residual branch, unless the add sits on a path the analysis cannot decide.
 */
export function residualAdd(branch: TensorInfo, skip: TensorInfo, certain: boolean): TensorInfo {
  if (certain) {
    markResidual([...branch.last].filter((layer) => layer.info.kind !== 'dropout'));
  }
  // The branch must match the stream's width, so the stream's size names the sum; a branch that went
  // through a relabelling op (MLP-Mixer's swapaxes there and back) keeps the stream's symbol.
  const sum = merge([branch, skip], skip.dim.kind === 'num' || branch.dim.kind !== 'num' ? skip.dim : branch.dim, true);
  sum.last = new Set();
  return sum;
}

const SKIP_NAME = /^(x|inputs?|identity|shortcut|residual|skip|res|h|hidden|hidden_states|carry)$/;

/** Decides which side of `left + right` is the branch, by the skip flag, then names, then recency. */
export function addTensors(left: TensorInfo, right: TensorInfo, leftName: string, rightName: string, certain: boolean): TensorInfo {
  // A residual join adds a branch to a stream: a module input or another layer's output. A sum with
  // a side that is neither (noise in a reparameterisation, a computed constant) is no residual.
  const isStream = (t: TensorInfo) => t.skip || t.last.size > 0;
  if (!isStream(left) || !isStream(right)) {
    return merge([left, right], left.dim.kind === 'num' ? left.dim : right.dim, left.skip || right.skip);
  }
  if (left.skip && !right.skip) {
    return residualAdd(right, left, certain);
  }
  if (right.skip && !left.skip) {
    return residualAdd(left, right, certain);
  }
  if (SKIP_NAME.test(leftName) && !SKIP_NAME.test(rightName)) {
    return residualAdd(right, left, certain);
  }
  if (SKIP_NAME.test(rightName) && !SKIP_NAME.test(leftName)) {
    return residualAdd(left, right, certain);
  }
  const recency = (t: TensorInfo) => Math.max(-1, ...[...t.last].map((layer) => layer.flow.firstUse ?? -1));
  return recency(left) >= recency(right) ? residualAdd(left, right, certain) : residualAdd(right, left, certain);
}
