/**
 * The data-flow bookkeeping of Keras tensors: which layers' outputs a tensor still is (no
 * activation since), which layers produced it last, which layers lie behind it, and its shape when
 * it resolves; residual adds, products and merges of tensors.
 */
import type { Activation, Dim } from '../../graph';
import { markResidual, renormalize, settle, unionOf } from '../../layerFlow';
import type { LayerInst, TensorInfo } from './values';

/** A fresh input tensor. */
export function inputTensor(shape: (Dim | null)[] | undefined): TensorInfo {
  return { pending: new Set(), last: new Set(), history: new Set(), shape, depth: 0 };
}

/** The tensor is consumed by something linear (a layer, a matmul, the model output). */
export function consumeLinearly(tensor: TensorInfo): void {
  settle(tensor, null);
}

/** The tensor after a step: the same layers behind it, shape and depth, unless `change` says otherwise. */
function after(input: TensorInfo, change: Partial<TensorInfo>): TensorInfo {
  const { pending, last, history, shape, channels, depth } = input;
  return { pending: new Set(pending), last: new Set(last), history: new Set(history), shape, channels, depth, ...change };
}

/** A step through `layer` (its first use is counted): it joins the tensor's history. */
function through(layer: LayerInst, input: TensorInfo, change: Partial<TensorInfo>): TensorInfo {
  if (layer.flow.firstUse === undefined) {
    layer.flow.firstUse = layer.session.nextUse++;
  }
  return after(input, { history: new Set([...input.history, layer]), ...change });
}

/** The output of a parametrised layer applied to `input`. */
export function layerOutput(layer: LayerInst, input: TensorInfo, shape: (Dim | null)[] | undefined): TensorInfo {
  consumeLinearly(input);
  return through(layer, input, { pending: new Set([layer]), last: new Set([layer]), shape, channels: undefined, depth: input.depth + 1 });
}

/** Through a norm layer: the producers are re-normalised, and the norm joins the pending set. */
export function throughNorm(layer: LayerInst, input: TensorInfo): TensorInfo {
  renormalize(input.pending);
  return through(layer, input, { pending: new Set([...input.pending, layer]), last: new Set([layer]), depth: input.depth + 1 });
}

/** Through dropout: the search for the activation goes on. */
export function throughDropout(layer: LayerInst, input: TensorInfo): TensorInfo {
  return through(layer, input, { pending: new Set([...input.pending, layer]) });
}

/** Through something linear that is no layer of the graph (pooling, reshape): the same tensor, a new shape. */
export function reshaped(input: TensorInfo, shape: (Dim | null)[] | undefined, keepChannels = false): TensorInfo {
  return after(input, { shape, channels: keepChannels ? input.channels : undefined });
}

/** The tensor with its last dimension known (when its full shape is not). */
export function withLastDim(tensor: TensorInfo, channels: Dim | undefined): TensorInfo {
  if (!tensor.shape && channels !== undefined) {
    tensor.channels = channels;
  }
  return tensor;
}

/** After an activation: nothing pending. */
export function activated(input: TensorInfo, activation: Activation | null | 'unknown'): TensorInfo {
  if (activation === null) {
    return input;
  }
  settle(input, activation);
  return after(input, { pending: new Set() });
}

/** The union of several tensors (concatenation, products, branches). */
export function merge(tensors: TensorInfo[], shape: (Dim | null)[] | undefined): TensorInfo {
  const history = new Set(tensors.flatMap((tensor) => [...tensor.history]));
  return { ...unionOf(tensors), history, shape, depth: Math.max(0, ...tensors.map((tensor) => tensor.depth)) };
}

/**
 * The product of two activations (`a @ b`, `tf.matmul(a, b)`: attention, attention pooling). Each
 * operand is used linearly, so nothing stays pending; the layers behind both operands stay part of
 * the model (dropping them cut everything before the product out of the graph).
 */
export function tensorProduct(operands: TensorInfo[]): TensorInfo {
  operands.forEach(consumeLinearly);
  const out = merge(operands, undefined);
  out.pending = new Set();
  return out;
}

function isDropout(layer: LayerInst): boolean {
  return layer.builtin?.kind === 'dropout';
}

/**
 * True when one operand is only a lookup table the other does not go through: a positional or
 * segment embedding added to the tokens (`patches + self.pos_emb(positions)`, CCT/ViT). That sum
 * is no skip connection, whatever the depths: an embedding that feeds the other operand (the
 * first block's `x + attention(x)`) is.
 */
function addsEmbedding(a: TensorInfo, b: TensorInfo): boolean {
  const onlyEmbeddings = (own: TensorInfo, other: TensorInfo): boolean => {
    const exclusive = [...own.history].filter((layer) => !other.history.has(layer));
    return exclusive.length > 0 && exclusive.every((layer) => layer.builtin?.kind === 'embedding');
  };
  return onlyEmbeddings(a, b) || onlyEmbeddings(b, a);
}

/**
 * A residual add of two tensors. The residual branch is the operand with more parametrised steps
 * since the model input (the skip is the identity or a short projection); its last parametrised
 * layer (dropout skipped) ends a residual branch. Equal depths, or a path the analysis could not
 * decide, mark nothing: the flag would be a guess.
 */
export function residualAdd(operands: TensorInfo[], certain: boolean): TensorInfo {
  // Operands of a real add have one shape. Known shapes that disagree mean a path the analysis
  // could not decide (MobileNetV2's `if in_channels == pointwise_filters: return Add(…)`): the
  // sum's shape is then unknown, not the first operand's.
  const agree = <T>(values: T[]): T | undefined => {
    const known = values.filter((v) => v !== undefined);
    return known.length > 0 && known.every((v) => JSON.stringify(v) === JSON.stringify(known[0])) ? known[0] : undefined;
  };
  const sum = merge(operands, agree(operands.map((t) => t.shape)));
  if (!sum.shape) {
    sum.channels = agree(operands.map((t) => (t.shape ? (t.shape[t.shape.length - 1] ?? undefined) : t.channels)));
  }
  if (operands.length === 2 && certain && !addsEmbedding(operands[0]!, operands[1]!)) {
    const [a, b] = operands as [TensorInfo, TensorInfo];
    const branch = a.depth > b.depth ? a : b.depth > a.depth ? b : undefined;
    markResidual(branch ? [...branch.last].filter((layer) => !isDropout(layer)) : []);
  }
  sum.last = new Set();
  return sum;
}
