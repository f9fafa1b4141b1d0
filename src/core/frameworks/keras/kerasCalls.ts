/**
 * Keras and TensorFlow calls: building layers (arguments, initializers in force, the activation
 * written into the layer), Sequential and functional models, `Input`, `add_weight` and
 * `tf.Variable` in custom layers, activations applied as functions, and the tensor operations that
 * keep or end the search for a layer's activation. Calling layers is in `layerCalls.ts`.
 */
import type { Dim } from '../../graph';
import { argValueOf, asNumber, sym } from '../../python/eval/values';
import { activationFromString, callableActivation, withRange, type ActivationInfo } from './activations';
import { layerClass, MERGE_FUNCTIONS, snakeCase, type LayerClass } from './catalog';
import { initializerClass, initializerFromString, parametersOf, tensorflowInitializerClass, type KerasInit } from './initializers';
import { argNode, unknownCall, type CallSite } from './callSite';
import { LAYERS_MODULE, normalize, splitPath } from './names';
import { applyMerge } from './layerCalls';
import { withChannels } from './shapes';
import { functionName, ownerName, type KerasState } from './state';
import { activated, consumeLinearly, inputTensor, layerOutput, merge, reshaped, tensorProduct, withLastDim } from './flow';
import { hosted, itemsOf, layerOf, paramOf, shapeOf, stringEntries, tensorOf, tensorValue, weightShape } from './values';
import type { InitChoice, KerasHost, KerasName, KValue, LayerInst, ModelInst, ParamInst, TensorInfo } from './values';

/** A weight of a custom layer, named by `name=` or, until an attribute takes it, `weight_<n>`. */
function newParam(owner: LayerInst, name: KValue | undefined, shape: Dim[] | undefined, choice: InitChoice): KValue {
  const named = name?.kind === 'str';
  const param: ParamInst = { owner, attr: named ? name.value : `weight_${owner.params.length}`, attrFallback: !named, shape, choice };
  owner.params.push(param);
  return hosted({ kind: 'param', param });
}

/** `tf.Variable(initial_value=init(shape=...))` in a custom layer (the subclassed layer whose code runs): a weight of that layer. */
function tensorflowVariable(call: CallSite): KValue {
  const initial = call.keywords.get('initial_value') ?? call.positional[0];
  const owner = layerOf(call.site.ctx.self);
  if (!owner || initial?.kind !== 'host' || initial.host.kind !== 'initialized') {
    return sym(call.site.ev.text(call.node));
  }
  return newParam(owner, call.keywords.get('name'), initial.host.shape, { init: initial.host.init, source: 'call', range: initial.host.range });
}

/** An initializer object from its class and the call's arguments. */
function initializer(cls: { name: string; params: readonly string[] }, call: CallSite): KValue {
  return hosted({ kind: 'init', init: { name: cls.name, args: mapArgs(cls.params, call) }, range: call.node.range });
}

/** A call on a Keras / TensorFlow name. */
export function callKeras(k: KerasState, raw: KerasName, call: CallSite): KValue {
  const ns = normalize(raw);
  const { module, last } = splitPath(ns.path);
  if (ns.root === 'keras') {
    if (last === 'Sequential' && (module === '' || module.startsWith('models'))) {
      return newModel(k, 'sequential', call);
    }
    if ((last === 'Model' && (module === '' || module.startsWith('models'))) || (last === 'Functional' && module.startsWith('models'))) {
      return newModel(k, 'functional', call);
    }
    if (last === 'image_data_format' && (module === 'backend' || module === 'config')) {
      // keras.config.image_data_format(): "channels_last" unless ~/.keras/keras.json says otherwise
      // (keras/src/backend/config.py); the file cannot say, so the documented default is assumed.
      return { kind: 'str', value: 'channels_last' };
    }
    if (last === 'Input' && (module === '' || LAYERS_MODULE.test(module))) {
      return tensorValue(inputTensor(inputShape(call)));
    }
    if (/(^|\.)initializers$/.test(module)) {
      const cls = initializerClass(last);
      return cls ? initializer(cls, call) : sym(call.site.ev.text(call.node));
    }
    if (LAYERS_MODULE.test(module)) {
      const cls = layerClass(last);
      if (cls) {
        return hosted({ kind: 'layer', layer: constructBuiltin(k, cls, call) });
      }
      const merged = MERGE_FUNCTIONS.get(last);
      if (merged && call.positional[0]) {
        return applyMerge(layerClass(merged)!, call.positional[0], call.site.ctx.uncertain);
      }
    }
  }
  if (ns.root === 'tensorflow' && module === '' && last === 'Variable') {
    return tensorflowVariable(call);
  }
  if (ns.root === 'tensorflow' && module === '') {
    const cls = tensorflowInitializerClass(last);
    if (cls) {
      return initializer(cls, call);
    }
  }
  const activation = callableActivation(ns.root, ns.path);
  if (activation && tensorOf(call.positional[0])) {
    return applyActivation({ kind: 'act', info: activation.base, range: call.node.range, root: ns.root, path: ns.path }, call);
  }
  return tensorOperation(ns, last, call);
}

/** TensorFlow / keras.ops tensor functions: linear reshapes keep the search going, matmul with a custom weight is that layer. */
function tensorOperation(ns: KerasName, name: string, call: CallSite): KValue {
  const isOps = (ns.root === 'keras' && /^ops(\.|$)/.test(ns.path)) || ns.root === 'tensorflow';
  if (!isOps) {
    return unknownCall(call);
  }
  const first = tensorOf(call.positional[0]);
  if (['shape', 'rank', 'size', 'shape_n'].includes(name)) {
    // Reading a tensor's shape does not use its values: the search for its activation goes on.
    return sym(call.site.ev.text(call.node));
  }
  if (['reshape', 'transpose', 'squeeze', 'expand_dims', 'identity', 'reduce_mean', 'mean', 'reduce_sum', 'sum', 'pad', 'cast'].includes(name) && first) {
    return tensorValue(reshaped(first, undefined));
  }
  if (['concat', 'concatenate', 'stack'].includes(name) && call.positional[0]?.kind === 'list') {
    const tensors = call.positional[0].items.flatMap((v) => tensorOf(v) ?? []);
    return tensors.length > 0 ? tensorValue(merge(tensors, undefined)) : unknownCall(call);
  }
  if (['matmul', 'dot', 'einsum', 'tensordot'].includes(name)) {
    const operands = name === 'einsum' ? call.positional.slice(1) : call.positional.slice(0, 2);
    const param = paramOf(operands);
    const tensors = operands.flatMap((v) => tensorOf(v) ?? []);
    if (param && tensors.length === 1) {
      return tensorValue(matmulOutput(param, tensors[0]!));
    }
    return tensors.length > 0 ? tensorValue(tensorProduct(tensors)) : unknownCall(call);
  }
  if (name === 'add' && call.positional.length === 2 && call.positional.every((v) => tensorOf(v))) {
    return call.site.ev.binary('+', call.positional[0]!, call.positional[1]!, call.node, call.site.ctx);
  }
  return unknownCall(call);
}

/** `x @ w` with a custom layer's weight: that layer's output, its last dimension the weight's last. */
export function matmulOutput(param: ParamInst, input: TensorInfo): TensorInfo {
  const last = param.shape && param.shape.length >= 2 ? param.shape[param.shape.length - 1] : undefined;
  const shape = input.shape && last !== undefined ? withChannels(input.shape, last) : undefined;
  return withLastDim(layerOutput(param.owner, input, shape), last);
}

/** Keyword arguments of a call with positional ones mapped to `params`. */
function argumentsOf(params: readonly string[], call: CallSite): Map<string, KValue> {
  return new Map([...call.positional.flatMap((value, index): [string, KValue][] => (params[index] ? [[params[index]!, value]] : [])), ...call.keywords]);
}

/** The text of an argument (for a graph value), by keyword or by its place in `params`. */
function argText(call: CallSite, params: readonly string[], key: string): string | undefined {
  const node = argNode(call, params, key);
  return node && call.site.ev.text(node);
}

/** An initializer's arguments as graph values, positional ones mapped to their names. */
function mapArgs(params: readonly string[], call: CallSite): KerasInit['args'] {
  return Object.fromEntries([...argumentsOf(params, call)].map(([key, value]) => [key, argValueOf(value, argText(call, params, key) ?? key)]));
}

/**
 * The initializer an `*_initializer=` value names, as `keras.initializers.get` resolves it: a
 * string (case-sensitive), an initializer object, a class, or a `{"class_name", "config"}` dict.
 */
function initOf(value: KValue, text: string | undefined): KerasInit {
  if (value.kind === 'str') {
    const name = initializerFromString(value.value);
    return name ? { name, args: {} } : { name: 'unknown', args: { identifier: value.value } };
  }
  if (value.kind === 'host' && value.host.kind === 'init') {
    return value.host.init;
  }
  if (value.kind === 'host' && value.host.kind === 'name') {
    const ns = normalize(value.host);
    const { module, last } = splitPath(ns.path);
    const cls = ns.root === 'keras' && /(^|\.)initializers$/.test(module) ? initializerClass(last) : undefined;
    return cls ? { name: cls.name, args: {} } : { name: 'unknown', args: {} };
  }
  // A config dict: every key a parameter of the class.
  const entries = stringEntries(value);
  const className = entries?.get('class_name');
  const name = className?.kind === 'str' ? initializerFromString(className.value) : undefined;
  const config = entries?.get('config');
  const configEntries = config === undefined ? new Map<string, KValue>() : stringEntries(config);
  if (!name || !configEntries || [...configEntries.keys()].some((key) => !(parametersOf(name) ?? []).includes(key))) {
    return { name: 'unknown', args: {} };
  }
  return { name, args: Object.fromEntries([...configEntries].map(([key, item]) => [key, argValueOf(item, text ?? key)])) };
}

/** The activation a value names (`activation=` argument or an activation layer object). */
export function activationOf(value: KValue | undefined): ActivationInfo {
  if (value === undefined || value.kind === 'none') {
    return null;
  }
  if (value.kind === 'str') {
    return activationFromString(value.value);
  }
  if (value.kind !== 'host') {
    return 'unknown';
  }
  const host = value.host;
  switch (host.kind) {
    case 'name': {
      const ns = normalize(host);
      return callableActivation(ns.root, ns.path)?.base ?? 'unknown';
    }
    case 'act':
      return host.info;
    case 'layer': {
      const own = host.layer.builtin?.kind === 'activation' ? host.layer.ownActivation : undefined;
      return own ? own.info : 'unknown';
    }
    default:
      return 'unknown';
  }
}

/** A new layer object with the fields every kind shares. */
export function newLayer(k: KerasState, type: string, call: CallSite, args: Map<string, KValue>): LayerInst {
  const name = args.get('name');
  const ctx = call.site.ctx;
  k.noteRunning(ctx);
  const layer: LayerInst = {
    // The layer's place in creation order (it is recorded below).
    id: k.layers.length,
    name: name?.kind === 'str' ? name.value : k.uniqueName(snakeCase(type)),
    type,
    node: call.node,
    args,
    session: k.session,
    inits: new Map(),
    shapes: new Map(),
    params: [],
    children: [],
    fanIn: null,
    fanOut: null,
    built: false,
    ownerClass: ownerName(ctx),
    uncertain: ctx.uncertain || ctx.symbolicLoop,
    flow: { residual: false, normalized: false },
  };
  k.layers.push(layer);
  layerOf(ctx.self)?.children.push(layer);
  return layer;
}

const HAS_OWN_ACTIVATION = new Set(['dense', 'conv', 'conv_transpose', 'depthwise', 'separable']);

/** `layers.Dense(64, activation="relu", kernel_initializer=...)` and every other built-in layer. */
function constructBuiltin(k: KerasState, cls: LayerClass, call: CallSite): LayerInst {
  const args = argumentsOf(cls.params, call);
  const layer = newLayer(k, cls.name, call, args);
  layer.builtin = cls;
  const off = (key: string) => {
    const value = args.get(key);
    return value !== undefined && value.kind === 'bool' && !value.value;
  };
  for (const param of cls.inits ?? []) {
    const absent =
      (param.key === 'bias' && cls.kind !== 'norm' && off('use_bias')) ||
      (cls.kind === 'norm' && ((param.key === 'bias' && off('center')) || (param.key === 'weight' && off('scale'))));
    if (absent) {
      layer.inits.set(param.key, null);
      continue;
    }
    const value = args.get(param.keyword);
    const node = argNode(call, [], param.keyword);
    let choice: InitChoice =
      value === undefined
        ? { init: { name: initializerFromString(param.fallback)!, args: {} }, source: 'default', range: call.node.range }
        : { init: initOf(value, node && call.site.ev.text(node)), source: 'call', range: node?.range ?? call.node.range };
    if (cls.kind === 'recurrent' && cls.name === 'LSTM' && param.key === 'bias' && !off('unit_forget_bias')) {
      // lstm.py: with unit_forget_bias (default True) the forget gate's quarter of the bias starts at 1.
      choice = { ...choice, init: { ...choice.init, args: { ...choice.init.args, unit_forget_bias: true } } };
    }
    layer.inits.set(param.key, choice);
  }
  if (HAS_OWN_ACTIVATION.has(cls.kind)) {
    layer.ownActivation = { info: activationOf(args.get('activation')), range: argNode(call, cls.params, 'activation')?.range ?? call.node.range };
  }
  if (cls.kind === 'activation') {
    layer.ownActivation = { info: activationLayerInfo(cls.name, args), range: call.node.range };
  }
  if (cls.kind === 'wrapper') {
    layer.inner = layerOf(args.get('layer'));
  }
  return layer;
}

/** A number argument, `fallback` when it is not written, undefined when it is no number. */
function numberOr(value: KValue | undefined, fallback: number): number | undefined {
  return value === undefined ? fallback : asNumber(value);
}

/**
 * Activation layers with Keras' defaults: `ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`,
 * `LeakyReLU(negative_slope=0.3)` (Keras 3; `alpha=0.3` in tf.keras 2), `ELU(alpha=1.0)`,
 * `PReLU(alpha_initializer="Zeros")` (a slope of 0 at init), `Softmax`.
 */
function activationLayerInfo(name: string, args: Map<string, KValue>): ActivationInfo {
  switch (name) {
    case 'Activation':
      return activationOf(args.get('activation'));
    case 'ReLU': {
      const max = args.get('max_value');
      const maxValue = max === undefined || max.kind === 'none' ? null : asNumber(max);
      const slopeValue = numberOr(args.get('negative_slope'), 0);
      if (maxValue === undefined || slopeValue === undefined || numberOr(args.get('threshold'), 0) !== 0) {
        return 'unknown';
      }
      if (maxValue === null) {
        return slopeValue === 0 ? { name: 'relu', params: {} } : { name: 'leaky_relu', params: { negative_slope: slopeValue } };
      }
      return maxValue === 6 && slopeValue === 0 ? { name: 'relu6', params: {} } : 'unknown';
    }
    case 'LeakyReLU': {
      const slope = numberOr(args.get('negative_slope') ?? args.get('alpha'), 0.3);
      return slope === undefined ? 'unknown' : { name: 'leaky_relu', params: { negative_slope: slope } };
    }
    case 'ELU': {
      const alpha = numberOr(args.get('alpha'), 1);
      return alpha === undefined ? 'unknown' : { name: 'elu', params: alpha === 1 ? {} : { alpha } };
    }
    case 'PReLU': {
      const init = args.get('alpha_initializer');
      const zeros =
        init === undefined ||
        (init.kind === 'str' && initializerFromString(init.value) === 'zeros') ||
        (init.kind === 'host' && init.host.kind === 'init' && init.host.init.name === 'zeros');
      return zeros ? { name: 'prelu', params: { negative_slope: 0 } } : 'unknown';
    }
    case 'Softmax':
      return { name: 'softmax', params: {} };
    default:
      return 'unknown';
  }
}

/** `self.add_weight(shape=..., initializer=...)`: Keras 3 `add_weight(shape, initializer, ...)`, tf.keras 2 `add_weight(name, shape, ...)`. */
export function addWeight(owner: LayerInst, call: CallSite): KValue {
  const firstIsName = call.positional[0]?.kind === 'str';
  const params = firstIsName ? ['name', 'shape', 'dtype', 'initializer'] : ['shape', 'initializer', 'dtype'];
  const args = argumentsOf(params, call);
  const initValue = args.get('initializer');
  // Layer.add_weight: initializer None → "glorot_uniform" for float weights (Keras 3 layer.py; tf.keras 2 base_layer.py).
  const defaulted = initValue === undefined || initValue.kind === 'none';
  const init = defaulted ? { name: 'glorot_uniform', args: {} } : initOf(initValue, argText(call, params, 'initializer'));
  // The range is the `add_weight` call: the place where this weight's initializer is written (and fixed).
  return newParam(owner, args.get('name'), weightShape(args.get('shape')), { init, source: defaulted ? 'default' : 'call', range: call.node.range });
}

/** The Input shape: `shape=` (without batch) or `batch_shape=` / `batch_input_shape=`. */
function inputShape(call: CallSite): (Dim | null)[] | undefined {
  const shape = call.keywords.get('shape') ?? call.positional[0];
  return shape ? shapeOf(shape) : shapeOf(call.keywords.get('batch_shape') ?? call.keywords.get('batch_input_shape'))?.slice(1);
}

function newModel(k: KerasState, kind: ModelInst['kind'], call: CallSite): KValue {
  const ctx = call.site.ctx;
  k.noteRunning(ctx);
  const model: ModelInst = { kind, node: call.node, layers: [], outputs: [], functionName: undefined };
  const name = call.keywords.get('name');
  model.declaredName = name?.kind === 'str' ? name.value : undefined;
  model.createdIn = functionName(ctx);
  // A Sequential built inside a subclassed layer is part of that layer, not a model of its own.
  model.insideLayer = layerOf(ctx.self) !== undefined;
  if (kind === 'sequential') {
    const layers = call.keywords.get('layers') ?? call.positional[0];
    model.layers.push(...(itemsOf(layers) ?? []));
  } else {
    const outputs = call.keywords.get('outputs') ?? call.positional[1];
    const values = outputs?.kind === 'dict' ? [...(stringEntries(outputs)?.values() ?? [])] : (itemsOf(outputs) ?? (outputs ? [outputs] : []));
    const tensors = values.flatMap((v) => tensorOf(v) ?? []);
    if (tensors.length === 0) {
      // `super().__init__()`-style or outputs that did not resolve: no functional graph to read.
      return sym(call.site.ev.text(call.node));
    }
    tensors.forEach(consumeLinearly);
    model.outputs = tensors;
  }
  k.models.push(model);
  return hosted({ kind: 'model', model });
}

/** An activation function applied to a tensor: `tf.nn.relu(x)`, `keras.activations.gelu(x, approximate=True)`. */
export function applyActivation(callee: Extract<KerasHost, { kind: 'act' }>, call: CallSite): KValue {
  const input = tensorOf(call.positional[0]);
  if (!input) {
    return unknownCall(call);
  }
  let info = callee.info;
  const spec = callee.root && callee.path ? callableActivation(callee.root, callee.path) : undefined;
  if (spec?.keywords && info && info !== 'unknown') {
    const params = { ...info.params };
    for (const [keyword, rule] of Object.entries(spec.keywords)) {
      const value = call.keywords.get(keyword) ?? call.positional[rule.index];
      if (value === undefined) {
        continue;
      }
      const raw = value.kind === 'num' || value.kind === 'str' || value.kind === 'bool' ? value.value : undefined;
      const converted = raw === undefined ? undefined : rule.convert ? rule.convert(raw) : typeof raw === 'number' ? raw : undefined;
      if (converted === undefined) {
        info = 'unknown';
        break;
      }
      params[rule.param] = converted;
    }
    if (info !== 'unknown') {
      info = { name: info.name, params };
    }
  }
  const unread = [...call.keywords.keys()].some((key) => !spec?.ignored?.includes(key) && (!spec?.keywords || !(key in spec.keywords)));
  if ((call.positional.length > 1 && !spec?.keywords) || unread) {
    // Extra arguments the adapter does not read (relu's max_value, …): the function is not the plain one.
    info = 'unknown';
  }
  // On a path the analysis could not decide, the branch's watch compares it with the other way's.
  return tensorValue(activated(input, withRange(info, call.node.range)));
}
