/**
 * Calling layers and models on symbolic tensors: each built-in kind's output shape, its parameter
 * shapes and fans (Keras kernel layouts), and the data flow (a layer's own activation, norms,
 * dropout, pooling and reshapes that keep the search for the activation going, merges and residual
 * adds); subclassed layers run `build` once, then `call`; a Sequential runs its layers in order.
 */
import type { Dim } from '../../graph';
import type { PyNode } from '../../python/ast';
import { withRange } from './activations';
import type { LayerClass } from './catalog';
import type { ExpressionInterpreter as KerasInterpreter } from './expressions';
import type { CallSite, Context } from './interpreterCore';
import { channelsOf, divide, fansOf, product, transposeOutput, tupleOf, windowOutput, withChannels, times, type Shape } from './shapes';
import {
  activated,
  asNumber,
  consumeLinearly,
  dimOf,
  inputTensor,
  layerOutput,
  merge,
  NONE,
  residualAdd,
  reshaped,
  seq,
  sym,
  throughDropout,
  throughNorm,
  withLastDim,
  type LayerInst,
  type ModelInst,
  type TensorInfo,
  type Value,
} from './values';

/** Runs a Sequential's layers on a tensor (built from the declared input shape when none is given). */
export function runSequential(interp: KerasInterpreter, model: ModelInst, input: TensorInfo | undefined, ctx: Context): TensorInfo {
  let tensor = input;
  const items = [...model.layers];
  if (!tensor) {
    const first = items[0];
    if (first?.kind === 'tensor') {
      tensor = first.tensor;
      items.shift();
    } else {
      // `input_shape=` on the first layer (tf.keras 2), or `InputLayer(shape=...)` (Keras 3).
      const declared =
        first?.kind === 'layer'
          ? (first.layer.args.get('input_shape') ??
            first.layer.args.get('batch_input_shape') ??
            (first.layer.type === 'InputLayer' ? first.layer.args.get('shape') : undefined))
          : undefined;
      const inputDim = first?.kind === 'layer' ? first.layer.args.get('input_dim') : undefined;
      let shape: Shape | undefined;
      if (declared?.kind === 'seq') {
        shape = declared.items.map((item) => (item.kind === 'none' ? null : dimOf(item, 'dim')));
        if (first?.kind === 'layer' && first.layer.args.has('batch_input_shape')) {
          shape = shape.slice(1);
        }
      } else if (inputDim && asNumber(inputDim) !== undefined) {
        shape = [asNumber(inputDim)!];
      }
      tensor = inputTensor(shape ?? model.inputShape);
    }
  }
  let value: Value = { kind: 'tensor', tensor };
  for (const item of items) {
    const call = syntheticCall(model.node, [value]);
    value =
      item.kind === 'layer'
        ? callLayer(interp, item.layer, call, ctx)
        : item.kind === 'model'
          ? callModel(interp, item.model, call, ctx)
          : interp.unknownCall(call);
  }
  const out = value.kind === 'tensor' ? value.tensor : inputTensor(undefined);
  model.ran = out;
  return out;
}

function syntheticCall(node: PyNode, positional: Value[]): CallSite {
  return { node, positional, positionalNodes: [], keywords: new Map(), keywordNodes: new Map(), hasSplat: false };
}

/** Calling a model object on a tensor: a Sequential runs its layers; a functional model's inside is not re-traced. */
export function callModel(interp: KerasInterpreter, model: ModelInst, call: CallSite, ctx: Context): Value {
  const input = call.positional[0];
  if (model.kind === 'sequential' && input?.kind === 'tensor') {
    return { kind: 'tensor', tensor: runSequential(interp, model, input.tensor, ctx) };
  }
  return interp.unknownCall(call);
}

function tensorArg(value: Value | undefined): TensorInfo {
  return value?.kind === 'tensor' ? value.tensor : inputTensor(undefined);
}

/** Calling a layer object: built-in layers by kind; subclassed ones run `build` once, then `call`. */
export function callLayer(interp: KerasInterpreter, layer: LayerInst, call: CallSite, ctx: Context): Value {
  if (layer.builtin) {
    return applyBuiltin(interp, layer, layer.builtin, call, ctx);
  }
  const cls = layer.localClass;
  if (!cls) {
    return interp.unknownCall(call);
  }
  const self: Value = { kind: 'layer', layer };
  const inner: Context = { ...ctx, self: layer, ownerClass: cls };
  const input = call.positional[0] ?? call.keywords.get('inputs');
  if (!layer.built) {
    layer.built = true;
    const build = interp.findMethod(cls, 'build');
    if (build) {
      const shape = input?.kind === 'tensor' ? input.tensor.shape : undefined;
      const shapeValue: Value = shape
        ? seq([NONE, ...shape.map((d) => (d === null ? NONE : typeof d === 'number' ? { kind: 'num' as const, value: d } : sym(d)))], true)
        : sym('input_shape');
      interp.callFunction({ name: 'build', node: build.node, scope: interp.globals, self, ownerClass: build.cls }, [shapeValue], new Map(), inner);
    }
  }
  const method = interp.findMethod(cls, 'call');
  if (!method) {
    return interp.unknownCall(call);
  }
  return interp.callFunction({ name: 'call', node: method.node, scope: interp.globals, self, ownerClass: method.cls }, call.positional, call.keywords, inner);
}

function numbersOf(value: Value | undefined): number | number[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = asNumber(value);
  if (n !== undefined) {
    return n;
  }
  if (value.kind === 'seq') {
    const items = value.items.map(asNumber);
    return items.every((i): i is number => i !== undefined) ? items : undefined;
  }
  return undefined;
}

function stringArg(layer: LayerInst, key: string): string | undefined {
  const value = layer.args.get(key);
  return value?.kind === 'str' ? value.value : undefined;
}

/** Records the parameter shapes of a layer on its first call, and its fans from the main kernel. */
function build(layer: LayerInst, shapes: Record<string, Dim[]>, main: string | null): void {
  if (layer.built) {
    return;
  }
  layer.built = true;
  for (const [key, shape] of Object.entries(shapes)) {
    layer.shapes.set(key, shape);
  }
  const kernel = main ? shapes[main] : undefined;
  if (kernel) {
    const fans = fansOf(kernel);
    layer.fanIn = fans.fanIn;
    layer.fanOut = fans.fanOut;
  }
}

function finish(layer: LayerInst, out: TensorInfo): Value {
  const own = layer.ownActivation;
  if (own && own.info !== null) {
    return { kind: 'tensor', tensor: activated(out, layer.uncertain ? 'unknown' : withRange(own.info, own.range)) };
  }
  return { kind: 'tensor', tensor: out };
}

function applyBuiltin(interp: KerasInterpreter, layer: LayerInst, cls: LayerClass, call: CallSite, ctx: Context): Value {
  const first = call.positional[0] ?? call.keywords.get('inputs');
  if (cls.kind === 'merge_add' || cls.kind === 'merge_concat' || cls.kind === 'merge_other') {
    return first ? applyMerge(cls, first, ctx) : interp.unknownCall(call);
  }
  if (cls.kind === 'wrapper') {
    if (!layer.inner) {
      return interp.unknownCall(call);
    }
    const out = callLayer(interp, layer.inner, call, ctx);
    const concat = cls.name === 'Bidirectional' && (stringArg(layer, 'merge_mode') ?? 'concat') === 'concat';
    if (concat && out.kind === 'tensor' && out.tensor.shape) {
      const channels = out.tensor.shape[out.tensor.shape.length - 1];
      return {
        kind: 'tensor',
        tensor: reshaped(out.tensor, withChannels(out.tensor.shape, channels === null || channels === undefined ? 'units*2' : times(channels, 2))),
      };
    }
    return out;
  }
  const input = tensorArg(first);
  const shape = input.shape;
  const channelsFirst = stringArg(layer, 'data_format') === 'channels_first';
  const inChannels = shape ? channelsOf(shape, channelsFirst) : (input.channels ?? channelsOf(shape, channelsFirst));
  const rank = cls.rank ?? 1;
  const kernelSize = () => tupleOf(numbersOf(layer.args.get('kernel_size')), rank, 1);
  const strides = (fallback?: number[]) => tupleOf(numbersOf(layer.args.get('strides')), rank, 1) ?? fallback;
  const dilation = () => tupleOf(numbersOf(layer.args.get('dilation_rate')), rank, 1);
  // Keras lower-cases padding (`standardize_padding`).
  const padding = (stringArg(layer, 'padding') ?? 'valid').toLowerCase();
  switch (cls.kind) {
    case 'dense': {
      const units = dimOf(layer.args.get('units'), 'units') ?? 'units';
      build(layer, { weight: [inChannels, units], bias: [units] }, 'weight');
      return finish(layer, withLastDim(layerOutput(layer, input, withChannels(shape, units)), units));
    }
    case 'conv':
    case 'conv_transpose':
    case 'depthwise':
    case 'separable': {
      const k = kernelSize();
      const kernel: Dim[] = k ?? Array.from({ length: rank }, (_, i) => `kernel_size[${i}]`);
      const filters = dimOf(layer.args.get('filters'), 'filters') ?? 'filters';
      const groups = asNumber(layer.args.get('groups')) ?? 1;
      // depth_multiplier defaults to 1 (depthwise_conv2d.py, separable_conv2d.py).
      const multiplier = layer.args.has('depth_multiplier') ? (dimOf(layer.args.get('depth_multiplier'), 'depth_multiplier') ?? 'depth_multiplier') : 1;
      const s = strides();
      const d = dilation();
      let outChannels: Dim = filters;
      if (cls.kind === 'conv') {
        // base_conv.py: kernel (*kernel_size, in // groups, filters).
        build(layer, { weight: [...kernel, divide(inChannels, groups), filters], bias: [filters] }, 'weight');
      } else if (cls.kind === 'conv_transpose') {
        // base_conv_transpose.py: kernel (*kernel_size, filters, in).
        build(layer, { weight: [...kernel, filters, inChannels], bias: [filters] }, 'weight');
      } else if (cls.kind === 'depthwise') {
        // base_depthwise_conv.py: kernel (*kernel_size, in, depth_multiplier). Its initializer sees
        // compute_fans of that shape (fan_in = in·∏k), but each output reads only ∏k inputs: the
        // layer's fans are the true ones (fan_in = ∏k, fan_out = depth_multiplier·∏k, as PyTorch's
        // depthwise Conv2d), so that σ_w² = fan_in·Var(W) is the real per-layer gain.
        outChannels = times(inChannels, multiplier);
        build(layer, { weight: [...kernel, inChannels, multiplier], bias: [outChannels] }, null);
        layer.fanIn = product(kernel);
        layer.fanOut = times(product(kernel), multiplier);
      } else {
        // base_separable_conv.py: depthwise (*k, in, depth_multiplier), pointwise (1…, in·depth_multiplier, filters).
        // Two kernels in series: no single σ_w² describes the layer, so its fans stay undefined (no verdict).
        build(
          layer,
          { depthwise: [...kernel, inChannels, multiplier], weight: [...kernel.map(() => 1), times(inChannels, multiplier), filters], bias: [filters] },
          null,
        );
      }
      const outShape =
        k && s && d
          ? cls.kind === 'conv_transpose'
            ? transposeOutput(shape, rank, k, s, padding, outChannels, channelsFirst)
            : windowOutput(shape, rank, k, s, d, padding, outChannels, channelsFirst)
          : undefined;
      return finish(
        layer,
        withLastDim(
          layerOutput(
            layer,
            input,
            outShape ??
              (shape
                ? withChannels(
                    shape.map(() => null),
                    outChannels,
                    channelsFirst,
                  )
                : undefined),
          ),
          channelsFirst ? undefined : outChannels,
        ),
      );
    }
    case 'embedding': {
      const inputDim = dimOf(layer.args.get('input_dim'), 'input_dim') ?? 'input_dim';
      const outputDim = dimOf(layer.args.get('output_dim'), 'output_dim') ?? 'output_dim';
      build(layer, { weight: [inputDim, outputDim] }, 'weight');
      return finish(layer, layerOutput(layer, input, shape ? [...shape, outputDim] : undefined));
    }
    case 'recurrent': {
      const units = dimOf(layer.args.get('units'), 'units') ?? 'units';
      const gates = cls.gates ?? 1;
      const gated = times(units, gates);
      // gru.py: reset_after=True (the default) keeps two bias vectors, shape (2, 3·units).
      const resetAfter =
        cls.name === 'GRU' && layer.args.get('reset_after')?.kind !== 'bool'
          ? true
          : layer.args.get('reset_after')?.kind === 'bool' && (layer.args.get('reset_after') as { value: boolean }).value;
      build(layer, { weight: [inChannels, gated], weight_hh: [units, gated], bias: cls.name === 'GRU' && resetAfter ? [2, gated] : [gated] }, 'weight');
      const sequences = layer.args.get('return_sequences');
      const returnSequences = sequences?.kind === 'bool' && sequences.value;
      const outShape = shape && shape.length >= 2 ? (returnSequences ? [...shape.slice(0, -1), units] : [units]) : undefined;
      const out = withLastDim(layerOutput(layer, input, outShape), units);
      const state = layer.args.get('return_state');
      if (state?.kind === 'bool' && state.value) {
        const states = cls.name === 'LSTM' ? 2 : 1;
        return seq(
          [{ kind: 'tensor', tensor: out }, ...Array.from({ length: states }, () => ({ kind: 'tensor' as const, tensor: reshaped(out, [units]) }))],
          true,
        );
      }
      return { kind: 'tensor', tensor: out };
    }
    case 'norm': {
      const axis = asNumber(layer.args.get('axis'));
      const channel =
        axis === undefined || axis === -1 ? inChannels : shape && shape[axis - 1] !== undefined && shape[axis - 1] !== null ? shape[axis - 1]! : 'channels';
      build(layer, { weight: [channel], bias: [channel] }, null);
      return { kind: 'tensor', tensor: throughNorm(layer, input) };
    }
    case 'dropout':
      return { kind: 'tensor', tensor: throughDropout(layer, input) };
    case 'activation': {
      const own = layer.ownActivation;
      return { kind: 'tensor', tensor: activated(input, own ? (layer.uncertain || ctx.uncertain ? 'unknown' : withRange(own.info, own.range)) : 'unknown') };
    }
    case 'pooling': {
      const poolChannels = input.channels;
      const pool = tupleOf(numbersOf(layer.args.get('pool_size')), rank, 2);
      // Pooling: strides default to pool_size.
      const s = strides(pool) ?? pool;
      const outShape =
        pool && s
          ? windowOutput(
              shape,
              rank,
              pool,
              layer.args.has('strides') && layer.args.get('strides')?.kind !== 'none' ? s : pool,
              pool.map(() => 1),
              padding,
              channelsOf(shape, channelsFirst),
              channelsFirst,
            )
          : undefined;
      return { kind: 'tensor', tensor: withLastDim(reshaped(input, outShape), poolChannels) };
    }
    case 'global_pooling': {
      const keep = layer.args.get('keepdims');
      const keepDims = keep?.kind === 'bool' && keep.value;
      return {
        kind: 'tensor',
        tensor: reshaped(
          input,
          keepDims ? [...Array.from({ length: rank }, () => 1), inChannels] : shape || input.channels !== undefined ? [inChannels] : undefined,
        ),
      };
    }
    case 'flatten':
      return { kind: 'tensor', tensor: reshaped(input, shape ? [product(shape)] : undefined) };
    case 'reshape': {
      const target = layer.args.get('target_shape');
      const dims = target?.kind === 'seq' ? target.items.map((item) => dimOf(item, 'dim')) : undefined;
      let resolved = dims;
      if (dims && shape && dims.includes(-1)) {
        const total = product(shape);
        const known = product(dims.filter((d) => d !== -1));
        resolved = typeof total === 'number' && typeof known === 'number' ? dims.map((d) => (d === -1 ? total / known : d)) : undefined;
      }
      return { kind: 'tensor', tensor: reshaped(input, resolved) };
    }
    case 'passthrough': {
      const sizeChanging = /^(ZeroPadding|UpSampling|Cropping|Resizing|CenterCrop|RandomCrop|Permute|RepeatVector)/.test(cls.name);
      return {
        kind: 'tensor',
        tensor: reshaped(
          input,
          sizeChanging
            ? shape
              ? withChannels(
                  shape.map(() => null),
                  inChannels,
                  channelsFirst,
                )
              : undefined
            : shape,
          !sizeChanging || !/^(Permute|RepeatVector)/.test(cls.name),
        ),
      };
    }
    case 'attention': {
      // Four projections (query, key, value, output); their shapes depend on num_heads/key_dim: no single fan.
      build(layer, {}, null);
      const others = [call.positional[1], call.keywords.get('value')].filter((v): v is Extract<Value, { kind: 'tensor' }> => v?.kind === 'tensor');
      others.forEach((t) => consumeLinearly(t.tensor));
      return finish(layer, withLastDim(layerOutput(layer, input, shape), input.channels));
    }
    default:
      return interp.unknownCall(call);
  }
}

/** `Add()([a, b])`, `add([a, b])`, `Concatenate()([...])`, … */
export function applyMerge(cls: LayerClass, operands: Value, ctx: Context): Value {
  const tensors =
    operands.kind === 'seq' ? operands.items.filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor').map((v) => v.tensor) : [];
  if (tensors.length === 0) {
    return sym(cls.name);
  }
  if (cls.kind === 'merge_add') {
    return { kind: 'tensor', tensor: residualAdd(tensors, !ctx.uncertain) };
  }
  if (cls.kind === 'merge_concat') {
    // The channels add up; a tensor of unknown rank may still know its channels (DenseNet's
    // `Concatenate()([x, x1])` after convolutions on an input of unknown size).
    const channels = tensors.map((t) => (t.shape && t.shape.length > 0 ? t.shape[t.shape.length - 1] : (t.channels ?? null)));
    const total = channels.every((c): c is number => typeof c === 'number') ? channels.reduce((a, b) => a + b, 0) : null;
    const shape = tensors[0]!.shape && total !== null ? withChannels(tensors[0]!.shape, total) : undefined;
    const out = merge(tensors, shape);
    if (!shape && total !== null) {
      out.channels = total;
    }
    return { kind: 'tensor', tensor: out };
  }
  // Multiply / Average / Maximum …: operands of one shape (EfficientNet's squeeze-excite `multiply([x, se])`).
  const out = merge(tensors, tensors[0]!.shape);
  const channels = new Set(tensors.map((t) => (t.shape ? t.shape[t.shape.length - 1] : t.channels)));
  if (!out.shape && channels.size === 1) {
    out.channels = [...channels][0] ?? undefined;
  }
  return { kind: 'tensor', tensor: out };
}
