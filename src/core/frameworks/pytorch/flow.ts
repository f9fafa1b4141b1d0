/**
 * Data-flow bookkeeping for `forward`: which layers' outputs a tensor still is (no activation
 * since), which layers produced it last, and what happens to them when the tensor meets an
 * activation, another layer, or a residual add.
 */
import { settleSlot } from '../../branchActivations';
import type { Activation } from '../../graph';
import type { ModuleInst, Piece, TensorInfo } from './values';

/**
 * The order in which forward reaches layers' outputs, one clock per analysed file (kept in its
 * FileScope): the graph lists layers in this data-flow order.
 */
export class UseClock {
  private next = 0;
  /** The layers whose output was reached, in that order (the ones an activation may settle). */
  readonly reached: ModuleInst[] = [];

  /** Records that the layer's output was reached (the first use counts). */
  mark(layer: ModuleInst): void {
    if (layer.flow.firstUse === undefined) {
      layer.flow.firstUse = this.next++;
      this.reached.push(layer);
    }
  }
}

/** A tensor with the given pending layers (and, unless given, the same as its last layers). */
export function tensorOf(pending: Iterable<ModuleInst>, skip = false, last?: Iterable<ModuleInst>): TensorInfo {
  const pendingSet = new Set(pending);
  return { pending: pendingSet, skip, last: new Set(last ?? pendingSet) };
}

/** A copy of a tensor (same layers), optionally marked as a skip source. */
export function copyTensor(tensor: TensorInfo, skip = tensor.skip): TensorInfo {
  const copy: TensorInfo = { pending: new Set(tensor.pending), skip, last: new Set(tensor.last) };
  if (tensor.pieces) {
    copy.pieces = new Map(tensor.pieces);
  }
  return copy;
}

/**
 * Settles the activation of every pending layer that has none yet. The first activation found wins,
 * except between the pieces of a split output: each piece's first counts, and pieces that meet
 * different activations make the layer's unknown, with why.
 */
export function settle(tensor: TensorInfo, activation: Activation | null | 'unknown', reason?: string): void {
  for (const layer of tensor.pending) {
    const piece = tensor.pieces?.get(layer);
    if (piece) {
      settlePiece(layer, piece, activation, reason);
      continue;
    }
    const open = layer.flow.activation === undefined;
    settleSlot(layer.flow, activation);
    if (open && layer.flow.activation === 'unknown' && reason) {
      layer.flow.reason = reason;
    }
  }
}

function settlePiece(layer: ModuleInst, piece: Piece, activation: Activation | null | 'unknown', reason: string | undefined): void {
  if (piece.met[piece.index] !== undefined) {
    return;
  }
  piece.met[piece.index] = activation;
  const earlier = layer.flow.activation;
  if (earlier === undefined) {
    settleSlot(layer.flow, activation);
    if (layer.flow.activation === 'unknown' && reason) {
      layer.flow.reason = reason;
    }
    return;
  }
  if (earlier === 'unknown' || sameActivation(earlier, activation)) {
    return;
  }
  // The linear half of a gated unit (`a * F.gelu(b)`, adaLN's shift and scale) does not vote against the activation.
  if (activation === null) {
    return;
  }
  if (earlier === null && activation !== 'unknown') {
    layer.flow.activation = activation;
    return;
  }
  layer.flow.activation = 'unknown';
  const names = [...new Set(piece.met.filter((met) => met !== undefined && met !== null).map(activationName))];
  layer.flow.reason = activation === 'unknown' && reason ? reason : `the pieces of its split output meet different activations (${names.join(', ')})`;
}

function sameActivation(a: Activation | null | 'unknown', b: Activation | null | 'unknown'): boolean {
  if (a === null || b === null || a === 'unknown' || b === 'unknown') {
    return a === b;
  }
  return a.name === b.name && JSON.stringify(a.params) === JSON.stringify(b.params);
}

function activationName(activation: Activation | null | 'unknown'): string {
  return activation === null ? 'none' : activation === 'unknown' ? 'unknown' : activation.name;
}

/**
 * The pieces of a tensor split in `count` (`.chunk(3, dim=-1)`, `torch.split(x, [a, b])`): each is
 * followed on its own to what it feeds.
 */
export function splitPieces(tensor: TensorInfo, count: number): TensorInfo[] {
  const met: Piece['met'] = Array.from({ length: count }, () => undefined);
  return Array.from({ length: count }, (_, index) => {
    const piece = copyTensor(tensor);
    piece.pieces = new Map([...tensor.pending].map((layer) => [layer, { index, met }]));
    return piece;
  });
}

/** The tensor after an activation: nothing pending, the same producing layers. */
export function activated(tensor: TensorInfo): TensorInfo {
  return { pending: new Set(), skip: false, last: new Set(tensor.last) };
}

/** The tensor is consumed linearly (by a layer, a matmul, the model output): its layers have no activation. */
export function consumeLinearly(tensor: TensorInfo): void {
  settle(tensor, null);
}

/** Passing through a norm or dropout layer: the activation search goes on, and the layer joins the pending set. */
export function passThroughLayer(clock: UseClock, tensor: TensorInfo, layer: ModuleInst, frame?: number): TensorInfo {
  clock.mark(layer);
  // A norm of a residual sum made in the same forward normalises the branch's share of it (post-norm, unless the sum goes on as a skip).
  if (!isDropout(layer) && tensor.sumFrame !== undefined && tensor.sumFrame === frame) {
    tensor.pending.forEach((producer) => producer.flow.residual && (producer.flow.sumNormed = true));
  }
  const next = copyTensor(tensor, false);
  next.pending.add(layer);
  if (!isDropout(layer)) {
    next.last = onStream(tensor) ? new Set() : new Set([layer]);
    for (const producer of tensor.pending) {
      if (producer.flow.activation === undefined) {
        producer.flow.normalized = true;
      }
    }
  }
  return next;
}

/** A functional normalisation (`F.layer_norm(x, shape, w, b)`): like a norm layer, with its raw weight and bias. */
export function normalizeThrough(clock: UseClock, tensor: TensorInfo, normParams: ModuleInst[]): TensorInfo {
  for (const producer of tensor.pending) {
    if (producer.flow.activation === undefined) {
      producer.flow.normalized = true;
    }
  }
  const next = copyTensor(tensor, false);
  for (const param of normParams) {
    clock.mark(param);
    next.pending.add(param);
  }
  if (normParams.length > 0) {
    next.last = onStream(tensor) ? new Set() : new Set(normParams);
  }
  return next;
}

/** Records which layers' outputs reach a parametrised layer's inputs: its data-flow edges (graph.ts Layer.inputs). */
export function feedLayer(layer: ModuleInst, inputs: readonly TensorInfo[]): void {
  layer.flow.fedBy ??= new Set();
  for (const input of inputs) {
    input.last.forEach((producer) => layer.flow.fedBy!.add(producer));
  }
}

/** The output of a parametrised layer. */
export function layerOutput(clock: UseClock, layer: ModuleInst): TensorInfo {
  clock.mark(layer);
  return tensorOf([layer]);
}

/** The output of `nn.MultiheadAttention` (its inputs consumed linearly): its `out_proj`'s; the attention itself has no activation. */
export function attentionOutput(clock: UseClock, attention: ModuleInst, inputs: TensorInfo[]): TensorInfo {
  inputs.forEach(consumeLinearly);
  clock.mark(attention);
  attention.flow.activation ??= null;
  const outProj = attention.children.get('out_proj');
  return outProj ? layerOutput(clock, outProj) : tensorOf([]);
}

/** The union of several tensors (concatenation, elementwise products, merges of branches). */
export function merge(tensors: TensorInfo[], skip = false): TensorInfo {
  const pending = new Set<ModuleInst>();
  const last = new Set<ModuleInst>();
  let pieces: Map<ModuleInst, Piece> | undefined;
  for (const tensor of tensors) {
    tensor.pending.forEach((layer) => pending.add(layer));
    tensor.last.forEach((layer) => last.add(layer));
    for (const [layer, piece] of tensor.pieces ?? []) {
      pieces ??= new Map();
      // Two pieces of one split joined again (`torch.cat([a, b])`) are the whole output.
      const other = pieces.get(layer);
      if (other && other.index !== piece.index) {
        pieces.set(layer, { index: -1, met: [] });
      } else {
        pieces.set(layer, piece);
      }
    }
  }
  for (const [layer, piece] of pieces ?? []) {
    if (piece.index < 0) {
      pieces!.delete(layer);
    }
  }
  return pieces && pieces.size > 0 ? { pending, skip, last, pieces } : { pending, skip, last };
}

/**
 * A residual add `branch + skip`: the last parametrised layer of the branch (dropout skipped, an
 * activation in between allowed) ends a residual branch. Adding only raw parameters (a position
 * embedding) is no residual branch. The sum carries on as the residual stream.
 */
export function residualAdd(branch: TensorInfo, skip: TensorInfo, certain = true, frame?: number): TensorInfo {
  // A sum of this forward that goes on un-normalised as the next skip: its branch ends are pre-norm ends, whatever norm reads it.
  if (skip.sumFrame !== undefined) {
    skip.pending.forEach((producer) => producer.flow.residual && (producer.flow.sumContinued = true));
  }
  const candidates = [...branch.last].filter((layer) => !isDropout(layer));
  // On a path the analysis cannot decide (`if self.use_res_connect` with unknown sizes) the flag would be a guess.
  if (certain && candidates.some((layer) => layer.className !== 'Parameter')) {
    const last = candidates.reduce((a, b) => ((b.flow.firstUse ?? -1) > (a.flow.firstUse ?? -1) ? b : a));
    last.flow.residual = true;
    markShortcut(skip);
  }
  const sum = merge([branch, skip], true);
  sum.last = new Set();
  if (frame !== undefined) {
    sum.sumFrame = frame;
  }
  return sum;
}

/**
 * A skip that passed layers since the forward's input (`identity = self.downsample(x)`) is a
 * projection shortcut: its layers whose output meets nothing but this add (no activation settled yet)
 * are marked. A layer settled earlier (`x = fc1(x); x + fc2(relu(x))`) also feeds the branch: not marked.
 */
function markShortcut(skip: TensorInfo): void {
  if (skip.skip) {
    return;
  }
  for (const layer of skip.pending) {
    if (layer.className !== 'Parameter' && layer.flow.activation === undefined) {
      layer.flow.shortcut = true;
    }
  }
}

/**
 * Whether a tensor is the stream rather than a branch's inside: an input, a residual sum, or a sum
 * of two layers' streams. A norm of it (post-norm: `norm1(x + attn(x))`) is no branch's last layer.
 */
function onStream(tensor: TensorInfo): boolean {
  return tensor.skip || [...tensor.pending].some((layer) => layer.flow.residual || layer.flow.join === 'sum');
}

function isDropout(layer: ModuleInst): boolean {
  return /Dropout/.test(layer.torchClass ?? '');
}
