/**
 * Calls on Flax host values: layer constructors (linen submodules made in a compact method are
 * named at construction), applying a layer to a tensor (the graph layer is built on first use),
 * initializer factories, JAX activations, array functions and tensor methods (data plumbing that
 * keeps the activation search going), and calls the analysis cannot follow.
 */
import type { ArgValue } from '../../graph';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { sym } from '../../python/eval/values';
import { activationParameters, activationParams, KEEPS_FEATURES, PASS_THROUGH } from './activations';
import { activated, passThrough, settle, tensor as newTensor, type UseClock } from './flow';
import { argValue, host, newState, tensorOf, tensorValue, valueText, type FlaxHost, type LayerInst, type TensorInfo, type Value } from './host';
import { factoryParameters } from './initializers';
import { buildLayer } from './layers';
import { autoname, explicitLocalName, nameMembers } from './naming';
import { isArrayModule, splitPath } from './namespaces';
import { convSpatial, outputDim, rearrangeKeepsLast, reducesSpatialOnly, reshapeLast, shortText } from './shapes';

/** What one file's analysis records: the layers built (for the model being run) and the order of first uses. */
export interface FlaxRecord {
  layers: LayerInst[];
  clock: UseClock;
}

type S = Site<FlaxHost>;

const text = (site: S) => site.ev.text(site.node);

/** Calls a Flax host value. */
export function callHost(record: FlaxRecord, callee: FlaxHost, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  switch (callee.kind) {
    case 'layerClass':
      return construct(record, callee.name, callee.info, args, kwargs, site);
    case 'layer':
      return applyLayer(record, callee.layer, args, kwargs, site);
    case 'choice': {
      const outputs = callee.layers.map((layer) => applyLayer(record, layer, args, kwargs, site));
      return site.ev.merge(outputs, site.ev.text(site.node), site.node, site.ctx);
    }
    case 'initFactory': {
      const names = factoryParameters(callee.name);
      const initArgs: Record<string, ArgValue> = {};
      args.forEach((value, i) => (initArgs[names[i] ?? `arg${i}`] = argValue(value)));
      kwargs.forEach((value, key) => (initArgs[key] = argValue(value)));
      const name = callee.name === 'zeros_init' ? 'zeros' : callee.name === 'ones_init' ? 'ones' : callee.name;
      return host({ kind: 'init', name, args: initArgs, range: site.node.range });
    }
    case 'activation':
      return applyActivation(callee, args, kwargs, site);
    case 'compact':
      // `@nn.compact` gives the method back; the framework reads the decorator off the function.
      return args[0] ?? sym(text(site));
    case 'tmethod':
      return tensorMethod(callee.t, callee.name, args, kwargs, site);
    case 'fn':
      return callPath(callee.path, args, kwargs, site);
    default:
      return opaque(args, kwargs, site);
  }
}

/** A call the analysis cannot follow: the tensors it receives get an unknown activation. */
export function opaque(args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  const tensors = [...args, ...kwargs.values()].flatMap((v) => tensorOf(v) ?? []);
  tensors.forEach((t) => settle(t, 'unknown'));
  return tensors.length > 0 ? tensorValue(newTensor(sym(`${shortText(text(site))}.shape[-1]`))) : sym(text(site));
}

const SCALAR_MATH: Record<string, (x: number) => number> = { sqrt: Math.sqrt, exp: Math.exp, log: Math.log };

/** A library function by its path: transforms that keep their argument, nnx containers, array functions. */
function callPath(path: string, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  // Transforms that keep a module's parameters as they are: nn.remat / nn.checkpoint / nn.jit on a
  // class (linen/transforms.py), and sharding annotations on an initializer (with_partitioning,
  // with_logical_partitioning wrap `fn` and return its values unchanged: linen/spmd.py).
  if (/^flax\.(linen|nnx)\.(remat|checkpoint|jit|with_partitioning|with_logical_partitioning)$/.test(path) && args[0]) {
    return args[0];
  }
  // nnx.List / nnx.Dict hold submodules like a list / dict (attribute paths `layers.0`).
  if (path === 'flax.nnx.List') {
    return args[0] ?? { kind: 'list', items: [], tuple: false, symbolicCount: false };
  }
  if (path === 'flax.nnx.Dict') {
    if (args[0]) {
      return args[0];
    }
    const entries = new Map([...kwargs].map(([key, value]) => [`s${key}`, { key: { kind: 'str', value: key } as Value, value }]));
    return { kind: 'dict', entries };
  }
  const { module, name } = splitPath(path);
  // Scalar arithmetic written into initializer arguments (`scale=1.0 / jnp.sqrt(3.0)`).
  const x = args[0];
  if (/^(numpy|jax\.numpy)$/.test(module) && SCALAR_MATH[name] && args.length === 1 && kwargs.size === 0 && x?.kind === 'num') {
    const folded = SCALAR_MATH[name]!(x.value);
    return Number.isFinite(folded) ? { kind: 'num', value: folded, float: true } : sym(text(site));
  }
  if (isArrayModule(module)) {
    return arrayFunction(name, args, kwargs, site);
  }
  if (path === 'flax.nnx.Rngs' || path.startsWith('jax.random.')) {
    return sym(text(site));
  }
  return opaque(args, kwargs, site);
}

function applyActivation(activation: { jaxName: string; name: string }, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  const [input, ...rest] = args;
  const names = activationParameters(activation.jaxName);
  const raw: Record<string, number | string | boolean | null | undefined> = {};
  rest.forEach((value, i) => {
    if (names[i]) {
      raw[names[i]!] = scalar(value);
    }
  });
  kwargs.forEach((value, key) => (raw[key] = scalar(value)));
  const params = activationParams(activation.jaxName, raw);
  const t = tensorOf(input);
  if (!t) {
    return sym(text(site));
  }
  const settled = params ? { name: activation.name, params, range: site.node.range } : 'unknown';
  settle(t, settled);
  const out = activated(t);
  if (activation.name === 'sigmoid' && settled !== 'unknown') {
    out.sigmoidOf = { source: t, activation: settled };
  }
  return tensorValue(out);
}

/** jnp / lax / pooling functions: data plumbing that keeps the activation search going. */
function arrayFunction(name: string, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  const tensors = args.flatMap((v) => (v.kind === 'list' ? v.items.flatMap((i) => tensorOf(i) ?? []) : (tensorOf(v) ?? [])));
  if (tensors.length === 0) {
    return sym(text(site));
  }
  const shown = shortText(text(site));
  if (name === 'einsum' || name === 'matmul' || name === 'dot' || name === 'dot_general') {
    tensors.forEach((t) => settle(t, null));
    return tensorValue(newTensor(sym(`${shown}.shape[-1]`)));
  }
  if (!PASS_THROUGH.has(name)) {
    return opaque(args, kwargs, site);
  }
  const axis = kwargs.get('axis') ?? args[1];
  const keepsFeatures = KEEPS_FEATURES.has(name) || (name === 'mean' && reducesSpatialOnly(axis)) || (name === 'rearrange' && rearrangeKeepsLast(args[1]));
  const concatAxis = (name === 'concatenate' || name === 'split') && axis?.kind === 'num' && axis.value >= 0;
  const reshaped = name === 'reshape' ? reshapeLast(args.slice(1)) : undefined;
  const dim = reshaped ?? ((keepsFeatures || concatAxis) && tensors.length >= 1 ? tensors[0]!.dim : sym(`${shown}.shape[-1]`));
  const pending = new Set(tensors.flatMap((t) => [...t.pending]));
  const last = new Set(tensors.flatMap((t) => [...t.last]));
  // Pooling changes the spatial shape the same way each time the same call runs on the same key.
  const input = tensors.length === 1 ? tensors[0]!.spatial : null;
  const spatial = !input ? null : /^(astype|stop_gradient|asarray|array)$/.test(name) ? input : /pool$/.test(name) ? `${input}|${shown}` : null;
  return tensorValue({ pending, last, skip: false, dim, spatial });
}

/** A method of an array is the array function on it (`x.reshape(s)` is `jnp.reshape(x, s)`). */
function tensorMethod(t: TensorInfo, name: string, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  return PASS_THROUGH.has(name) ? arrayFunction(name, [tensorValue(t), ...args], kwargs, site) : opaque([tensorValue(t), ...args], kwargs, site);
}

/** The linen module whose compact method is running here, if any (submodules made now are autonamed). */
export function compactParent(site: S): Extract<FlaxHost, { kind: 'module' }> | undefined {
  const self = site.ctx.self;
  const record = self?.kind === 'object' ? self.host : undefined;
  return record?.kind === 'module' && record.flavour === 'linen' && !record.state.defining ? record : undefined;
}

/** A built-in Flax layer instance; linen layers made in a compact method are named now (`Dense_0`). */
function construct(record: FlaxRecord, className: string, info: LayerInst['info'], args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  const mapped = new Map<string, Value>();
  args.forEach((value, i) => {
    const key = info.positional[i];
    if (key) {
      mapped.set(key, value);
    }
  });
  kwargs.forEach((value, key) => mapped.set(key, placeInit(value, key, site)));
  const layersArg = mapped.get('layers');
  const cell = mapped.get('cell');
  const members =
    info.kind === 'sequential' ? (info.nnx ? args : layersArg?.kind === 'list' ? layersArg.items : []) : info.kind === 'rnn' && cell ? [cell] : [];
  const self = site.ctx.self;
  const inst: LayerInst = {
    className,
    info,
    args: mapped,
    node: site.node,
    path: { state: null, local: null },
    state: newState(),
    // The class whose code builds it (a method inherited from a base is the base's code).
    ownerClass: site.ctx.ownerClass?.name ?? (self?.kind === 'object' ? self.cls.name : ''),
    definition: null,
    container: null,
    built: null,
    flow: { normalized: false, residual: false },
    members,
    symbolic: site.ctx.symbolicLoop,
  };
  if (mapped.get('parent')?.kind === 'none') {
    // `nn.OptimizedLSTMCell(h, parent=None).initialize_carry(...)`: a detached module, no parameter of the model.
    return host({ kind: 'layer', layer: inst });
  }
  const parent = compactParent(site);
  if (parent) {
    const state = parent.state;
    const star = site.ctx.symbolicLoop;
    const local = explicitLocalName(mapped.get('name')) ?? autoname(state.counters, className, star);
    const existing = star || local.includes('*') ? undefined : state.children.get(local);
    if (existing) {
      return host(existing);
    }
    inst.path = { state, local };
    inst.state.parent = state;
    inst.state.local = local;
    const value: FlaxHost = { kind: 'layer', layer: inst };
    state.children.set(local, value);
    nameMembers(inst, 'linen', null);
    record.layers.push(inst);
    return host(value);
  }
  record.layers.push(inst);
  return host({ kind: 'layer', layer: inst });
}

/** An initializer named without a call (`kernel_init=zeros`) is written where the keyword's value is. */
function placeInit(value: Value, key: string, site: S): Value {
  if (value.kind !== 'host' || value.host.kind !== 'init' || value.host.range) {
    return value;
  }
  const argument = site.node.fields.arguments?.children.find((a) => a.type === 'keyword_argument' && site.ev.text(a.fields.name!) === key);
  return host({ ...value.host, range: (argument?.fields.value ?? site.node).range });
}

/** Applies a layer to its input: builds the graph layer on first use, then the data flow. */
function applyLayer(record: FlaxRecord, inst: LayerInst, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
  const kind = inst.info.kind;
  if (kind === 'sequential') {
    let value: Value = args[0] ?? sym('input');
    for (const member of inst.members) {
      value = site.ev.call(member, [value], new Map(), site.node, site.ctx);
    }
    return value;
  }
  if (kind === 'rnn') {
    const cell = inst.members[0];
    if (cell?.kind === 'host' && cell.host.kind === 'layer') {
      const out = applyLayer(record, cell.host.layer, [sym('carry'), args[0] ?? sym('inputs')], new Map(), site);
      const outputs = out.kind === 'list' ? out.items[1]! : out;
      // nn.RNN(..., return_carry=True) returns (carry, outputs) (linen/recurrent.py).
      const returnCarry = inst.args.get('return_carry') ?? kwargs.get('return_carry');
      return returnCarry?.kind === 'bool' && returnCarry.value ? { kind: 'list', items: [sym('carry'), outputs], tuple: true, symbolicCount: false } : outputs;
    }
    return opaque(args, kwargs, site);
  }
  const input = kind === 'cell' ? args[1] : args[0];
  const t: TensorInfo = tensorOf(input) ?? newTensor(sym(`${input ? valueText(input) : 'x'}.shape[-1]`));
  inst.built ??= buildLayer(inst, t.dim);
  record.clock.mark(inst);
  const settleInputs = () => [...args, ...kwargs.values()].forEach((v) => tensorOf(v) && settle(tensorOf(v)!, null));
  switch (kind) {
    case 'norm':
    case 'dropout':
      return tensorValue(passThrough(t, inst, kind === 'norm'));
    case 'conv':
    case 'convTranspose': {
      settleInputs();
      const out = newTensor(outputDim(inst, t.dim), [inst]);
      out.spatial = convSpatial(inst, t.spatial);
      return tensorValue(out);
    }
    case 'attention': {
      settleInputs();
      // q/k/v feed dot-product attention and the output projection is linear: the kernel the
      // graph reports (q/k/v) is never followed by an elementwise activation.
      inst.flow.activation = null;
      const out = newTensor(outputDim(inst, t.dim));
      out.last.add(inst);
      out.spatial = t.spatial;
      return tensorValue(out);
    }
    case 'cell': {
      settle(t, null);
      // Inside, the gates are sigmoid and the candidate tanh (the catalog's gate_fn / activation_fn);
      // the graph's activation is what follows the cell's output h, as for PyTorch's and Keras' LSTM.
      const out = newTensor(inst.args.get(inst.info.nnx ? 'hidden_features' : 'features') ?? sym('features'), [inst]);
      return { kind: 'list', items: [sym('carry'), tensorValue(out)], tuple: true, symbolicCount: false };
    }
    default: {
      settleInputs();
      const out = newTensor(outputDim(inst, t.dim), [inst]);
      out.spatial = kind === 'dense' || kind === 'embed' ? t.spatial : null;
      return tensorValue(out);
    }
  }
}

/** A constant argument as it is; anything else undefined (the parameter keeps its default). */
function scalar(value: Value): number | string | boolean | null | undefined {
  const arg = argValue(value);
  return arg !== null && typeof arg === 'object' ? undefined : arg;
}
