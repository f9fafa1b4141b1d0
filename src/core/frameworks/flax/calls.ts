/**
 * Calls: builtins, `functools.partial`, Flax layer constructors, initializer factories, JAX
 * activations and array functions, local classes (linen modules built as dataclasses, nnx modules
 * through `__init__`), module application (`__call__`, with linen's lazy `setup`) and functions.
 */
import type { PyNode } from '../../python/ast';
import { activationParameters, activationParams, KEEPS_FEATURES, PASS_THROUGH } from './activations';
import { flaxLayerClass } from './catalog';
import { builtin, type Args } from './builtins';
import { Expressions, type CallHooks } from './expressions';
import { activated, passThrough, settle, tensor as newTensor } from './flow';
import { factoryParameters } from './initializers';
import { allFields, findMethod, isCompact, MAX_DEPTH, ReturnSignal, type Ctx, type Machine } from './interpreter';
import { buildLayer } from './layers';
import { autoname, explicitLocalName } from './naming';
import { activationAt, initializerAt, isArrayModule, splitPath } from './namespaces';
import { foldScalarCall } from './scalarMath';
import { convSpatial, outputDim, rearrangeKeepsLast, reducesSpatialOnly, reshapeLast, shortText } from './shapes';
import { nameMembers, Statements } from './statements';
import { argValue, newState, sym, valueText, type LayerInst, type LocalClass, type Scope, type TensorInfo, type Value } from './values';

/** The interpreter: expressions, statements and calls over one machine. */
export class Interpreter implements CallHooks {
  readonly expressions: Expressions;
  readonly statements: Statements;

  constructor(readonly machine: Machine) {
    this.expressions = new Expressions(machine, this);
    this.statements = new Statements(machine, this.expressions);
  }

  eval(node: PyNode | undefined, scope: Scope, ctx: Ctx): Value {
    return this.expressions.eval(node, scope, ctx);
  }

  bindTarget(target: PyNode, value: Value, scope: Scope): void {
    this.statements.assign(target, value, null, scope, { compact: true, uncertain: false, star: false, depth: 0 });
  }

  lambda(node: PyNode, scope: Scope): Value {
    return { kind: 'func', node, scope, name: 'lambda' };
  }

  attribute(object: Value, name: string, node: PyNode): Value {
    switch (object.kind) {
      case 'ns':
        return { kind: 'ns', path: `${object.path}.${name}` };
      case 'object': {
        const field = object.fields.get(name);
        if (field) {
          return field;
        }
        const method = findMethod(object.cls, name);
        if (method) {
          return { kind: 'func', node: method.node, scope: this.machine.globals, self: object, name };
        }
        return sym(this.machine.text(node));
      }
      case 'class': {
        const method = findMethod(object.cls, name);
        return method ? { kind: 'func', node: method.node, scope: this.machine.globals, name } : sym(this.machine.text(node));
      }
      case 'layer':
        return object.layer.args.get(name) ?? sym(this.machine.text(node));
      case 'tensor':
        if (name === 'T') {
          return object;
        }
        if (name === 'shape') {
          return { kind: 'shape', t: object.t };
        }
        return name === 'ndim' || name === 'dtype' || name === 'size' ? sym(this.machine.text(node)) : { kind: 'tmethod', t: object.t, name };
      default:
        return sym(this.machine.text(node));
    }
  }

  /** Evaluates a call expression. */
  call(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const fn = this.eval(node.fields.function, scope, ctx);
    const args = this.arguments(node.fields.arguments, scope, ctx);
    return this.callValue(fn, args, node, ctx);
  }

  private arguments(list: PyNode | undefined, scope: Scope, ctx: Ctx): Args {
    const positional: Value[] = [];
    const keywords = new Map<string, Value>();
    for (const arg of list?.children ?? []) {
      if (arg.type === 'keyword_argument') {
        keywords.set(this.machine.text(arg.fields.name!), this.eval(arg.fields.value, scope, ctx));
      } else if (arg.type === 'list_splat') {
        const spread = this.eval(arg.children[0], scope, ctx);
        if (spread.kind === 'tuple' && !spread.star) {
          positional.push(...spread.items);
        } else {
          positional.push(spread);
        }
      } else if (arg.type === 'dictionary_splat') {
        const spread = this.eval(arg.children[0], scope, ctx);
        if (spread.kind === 'dict') {
          spread.entries.forEach((value, key) => keywords.set(key, value));
        }
      } else if (arg.type !== 'comment') {
        positional.push(this.eval(arg, scope, ctx));
      }
    }
    return { positional, keywords };
  }

  callValue(fn: Value, args: Args, node: PyNode, ctx: Ctx): Value {
    this.machine.tick();
    switch (fn.kind) {
      case 'ns':
        return this.callNamespace(fn.path, args, node, ctx);
      case 'partial': {
        const keywords = new Map(fn.kwargs);
        args.keywords.forEach((value, key) => keywords.set(key, value));
        return this.callValue(fn.fn, { positional: [...fn.args, ...args.positional], keywords }, node, ctx);
      }
      case 'class':
        return this.instantiate(fn.cls, args, node, ctx);
      case 'func':
        return this.callFunction(fn, args, ctx);
      case 'object': {
        const method = findMethod(fn.cls, '__call__');
        if (!method) {
          return this.unknownCall(args, node);
        }
        return this.callMethod(fn, '__call__', args, ctx);
      }
      case 'layer':
        return this.applyLayer(fn.layer, args, node, ctx);
      case 'tmethod':
        return this.tensorMethod(fn.t, fn.name, args, node);
      default:
        return this.unknownCall(args, node);
    }
  }

  /** A call the analysis cannot follow: the tensors it receives get an unknown activation. */
  private unknownCall(args: Args, node: PyNode): Value {
    for (const value of [...args.positional, ...args.keywords.values()]) {
      if (value.kind === 'tensor') {
        settle(value.t, 'unknown');
      }
    }
    const tensorArg = [...args.positional, ...args.keywords.values()].some((v) => v.kind === 'tensor');
    return tensorArg ? { kind: 'tensor', t: newTensor(sym(`${shortText(this.machine.text(node))}.shape[-1]`)) } : sym(this.machine.text(node));
  }

  private callNamespace(path: string, args: Args, node: PyNode, ctx: Ctx): Value {
    if (path === 'functools.partial') {
      const [fn, ...rest] = args.positional;
      return fn ? { kind: 'partial', fn, args: rest, kwargs: args.keywords } : sym(this.machine.text(node));
    }
    if (path.startsWith('builtins.')) {
      return builtin(path.slice('builtins.'.length), args, node, this.machine, (object, attr, at) => this.attribute(object, attr, at));
    }
    if (path === 'dataclasses.field' || path === 'flax.struct.field') {
      const factory = args.keywords.get('default_factory');
      if (factory) {
        return this.callValue(factory, { positional: [], keywords: new Map() }, node, ctx);
      }
      return args.keywords.get('default') ?? sym(this.machine.text(node));
    }
    // Transforms that keep a module's parameters as they are: nn.remat / nn.checkpoint / nn.jit on a
    // class (linen/transforms.py), and sharding annotations on an initializer (with_partitioning,
    // with_logical_partitioning wrap `fn` and return its values unchanged: linen/spmd.py).
    if (/^flax\.(linen|nnx)\.(remat|checkpoint|jit|with_partitioning|with_logical_partitioning)$/.test(path) && args.positional[0]) {
      return args.positional[0];
    }
    // nnx.List / nnx.Dict hold submodules like a list / dict (attribute paths `layers.0`).
    if (path === 'flax.nnx.List') {
      return args.positional[0] ?? { kind: 'tuple', items: [] };
    }
    if (path === 'flax.nnx.Dict') {
      return args.positional[0] ?? { kind: 'dict', entries: new Map(args.keywords) };
    }
    const layerClass = flaxLayerClass(path);
    if (layerClass) {
      return this.construct(layerClass.name, layerClass.info, args, node, ctx);
    }
    const factory = initializerAt(path);
    if (factory) {
      const names = factoryParameters(factory);
      const initArgs: Record<string, import('../../graph').ArgValue> = {};
      args.positional.forEach((value, i) => (initArgs[names[i] ?? `arg${i}`] = argValue(value)));
      args.keywords.forEach((value, key) => (initArgs[key] = argValue(value)));
      const name = factory === 'zeros_init' ? 'zeros' : factory === 'ones_init' ? 'ones' : factory;
      return { kind: 'init', name, args: initArgs, range: node.range };
    }
    const activation = activationAt(path);
    if (activation) {
      return this.applyActivation(activation, args, node);
    }
    const { module, name } = splitPath(path);
    const folded = foldScalarCall(module, name, args);
    if (folded) {
      return folded;
    }
    if (isArrayModule(module)) {
      return this.arrayFunction(name, args, node);
    }
    if (path === 'flax.nnx.Rngs' || path.startsWith('jax.random.')) {
      return sym(this.machine.text(node));
    }
    return this.unknownCall(args, node);
  }

  private applyActivation(activation: { jaxName: string; name: string }, args: Args, node: PyNode): Value {
    const [input, ...rest] = args.positional;
    const names = activationParameters(activation.jaxName);
    const raw: Record<string, number | string | boolean | null | undefined> = {};
    rest.forEach((value, i) => {
      if (names[i]) {
        raw[names[i]!] = scalar(value);
      }
    });
    args.keywords.forEach((value, key) => (raw[key] = scalar(value)));
    const params = activationParams(activation.jaxName, raw);
    if (!input || input.kind !== 'tensor') {
      return sym(this.machine.text(node));
    }
    const settled = params ? { name: activation.name, params, range: node.range } : 'unknown';
    settle(input.t, settled);
    const out = activated(input.t);
    if (activation.name === 'sigmoid' && settled !== 'unknown') {
      out.sigmoidOf = { source: input.t, activation: settled };
    }
    return { kind: 'tensor', t: out };
  }

  /** jnp / lax / pooling functions: data plumbing that keeps the activation search going. */
  private arrayFunction(name: string, args: Args, node: PyNode): Value {
    const tensors = args.positional.flatMap((v) =>
      v.kind === 'tensor' ? [v.t] : v.kind === 'tuple' ? v.items.flatMap((i) => (i.kind === 'tensor' ? [i.t] : [])) : [],
    );
    if (tensors.length === 0) {
      return sym(this.machine.text(node));
    }
    if (name === 'einsum' || name === 'matmul' || name === 'dot' || name === 'dot_general') {
      tensors.forEach((t) => settle(t, null));
      return { kind: 'tensor', t: newTensor(sym(`${shortText(this.machine.text(node))}.shape[-1]`)) };
    }
    if (!PASS_THROUGH.has(name)) {
      return this.unknownCall(args, node);
    }
    const axis = args.keywords.get('axis') ?? args.positional[1];
    const keepsFeatures =
      KEEPS_FEATURES.has(name) || (name === 'mean' && reducesSpatialOnly(axis)) || (name === 'rearrange' && rearrangeKeepsLast(args.positional[1]));
    const concatAxis = (name === 'concatenate' || name === 'split') && axis?.kind === 'num' && axis.value >= 0;
    const reshaped = name === 'reshape' ? reshapeLast(args.positional.slice(1)) : undefined;
    const dim = reshaped ?? ((keepsFeatures || concatAxis) && tensors.length >= 1 ? tensors[0]!.dim : sym(`${shortText(this.machine.text(node))}.shape[-1]`));
    const pending = new Set(tensors.flatMap((t) => [...t.pending]));
    const last = new Set(tensors.flatMap((t) => [...t.last]));
    // Pooling changes the spatial shape the same way each time the same call runs on the same key.
    const input = tensors.length === 1 ? tensors[0]!.spatial : null;
    const spatial = !input
      ? null
      : /^(astype|stop_gradient|asarray|array)$/.test(name)
        ? input
        : /pool$/.test(name)
          ? `${input}|${shortText(this.machine.text(node))}`
          : null;
    return { kind: 'tensor', t: { pending, last, skip: false, dim, spatial } };
  }

  private tensorMethod(t: TensorInfo, name: string, args: Args, node: PyNode): Value {
    if (!PASS_THROUGH.has(name)) {
      return this.unknownCall({ positional: [{ kind: 'tensor', t }, ...args.positional], keywords: args.keywords }, node);
    }
    const axis = args.keywords.get('axis') ?? args.positional[0];
    const keeps = KEEPS_FEATURES.has(name) || (name === 'mean' && reducesSpatialOnly(axis));
    const reshaped = name === 'reshape' ? reshapeLast(args.positional) : undefined;
    const dim = reshaped ?? (keeps ? t.dim : sym(`${shortText(this.machine.text(node))}.shape[-1]`));
    return { kind: 'tensor', t: { pending: new Set(t.pending), last: new Set(t.last), skip: false, dim, spatial: name === 'astype' ? t.spatial : null } };
  }

  /** A built-in Flax layer instance; linen layers made in a compact method are named now (`Dense_0`). */
  private construct(className: string, info: LayerInst['info'], args: Args, node: PyNode, ctx: Ctx): Value {
    const mapped = new Map<string, Value>();
    args.positional.forEach((value, i) => {
      const key = info.positional[i];
      if (key) {
        mapped.set(key, value);
      }
    });
    args.keywords.forEach((value, key) => mapped.set(key, value));
    const members =
      info.kind === 'sequential'
        ? info.nnx
          ? args.positional
          : listItems(mapped.get('layers'))
        : info.kind === 'rnn'
          ? [mapped.get('cell')].filter((v): v is Value => v !== undefined)
          : [];
    const inst: LayerInst = {
      className,
      info,
      args: mapped,
      node,
      path: { state: null, local: null },
      state: newState(),
      ownerClass: ctx.cls?.name ?? '',
      definition: null,
      container: null,
      built: null,
      flow: { normalized: false, residual: false },
      members,
    };
    const explicitName = mapped.get('name');
    if (ctx.compact && ctx.self) {
      const state = ctx.self.state;
      const local = explicitLocalName(explicitName) ?? autoname(state.counters, className, ctx.star);
      const existing = ctx.star || local.includes('*') ? undefined : state.children.get(local);
      if (existing) {
        return existing;
      }
      inst.path = { state, local };
      inst.state.parent = state;
      inst.state.local = local;
      const value: Value = { kind: 'layer', layer: inst };
      state.children.set(local, value);
      nameMembers(inst, 'linen', null);
      this.machine.layers.push(inst);
      return value;
    }
    this.machine.layers.push(inst);
    return { kind: 'layer', layer: inst };
  }

  /** Applies a layer to its input: builds the graph layer on first use, then the data flow. */
  private applyLayer(inst: LayerInst, args: Args, node: PyNode, ctx: Ctx): Value {
    const kind = inst.info.kind;
    if (kind === 'sequential') {
      let value: Value = args.positional[0] ?? sym('input');
      for (const member of inst.members) {
        value = this.callValue(member, { positional: [value], keywords: new Map() }, node, ctx);
      }
      return value;
    }
    if (kind === 'rnn') {
      const cell = inst.members[0];
      const input = args.positional[0];
      if (cell?.kind === 'layer') {
        const out = this.applyLayer(cell.layer, { positional: [sym('carry'), input ?? sym('inputs')], keywords: new Map() }, node, ctx);
        const outputs = out.kind === 'tuple' ? out.items[1]! : out;
        // nn.RNN(..., return_carry=True) returns (carry, outputs) (linen/recurrent.py).
        const returnCarry = inst.args.get('return_carry') ?? args.keywords.get('return_carry');
        return returnCarry?.kind === 'bool' && returnCarry.value ? { kind: 'tuple', items: [sym('carry'), outputs] } : outputs;
      }
      return this.unknownCall(args, node);
    }
    const input = kind === 'cell' ? args.positional[1] : args.positional[0];
    const t: TensorInfo = input?.kind === 'tensor' ? input.t : newTensor(sym(`${input ? valueText(input) : 'x'}.shape[-1]`));
    if (!inst.built) {
      inst.built = buildLayer(inst, t.dim);
    }
    this.machine.clock.mark(inst);
    switch (kind) {
      case 'norm':
      case 'dropout':
        return { kind: 'tensor', t: passThrough(t, inst, kind === 'norm') };
      case 'conv':
      case 'convTranspose': {
        for (const value of [...args.positional, ...args.keywords.values()]) {
          if (value.kind === 'tensor') {
            settle(value.t, null);
          }
        }
        const out = newTensor(outputDim(inst, t.dim), [inst]);
        out.spatial = convSpatial(inst, t.spatial);
        return { kind: 'tensor', t: out };
      }
      case 'attention': {
        for (const value of [...args.positional, ...args.keywords.values()]) {
          if (value.kind === 'tensor') {
            settle(value.t, null);
          }
        }
        // q/k/v feed dot-product attention and the output projection is linear: the kernel the
        // graph reports (q/k/v) is never followed by an elementwise activation.
        inst.flow.activation = null;
        const out = newTensor(outputDim(inst, t.dim));
        out.last.add(inst);
        out.spatial = t.spatial;
        return { kind: 'tensor', t: out };
      }
      case 'cell': {
        settle(t, null);
        // The cell's output h = o·tanh(c) already went through its own nonlinearity.
        inst.flow.activation ??= 'unknown';
        const out = newTensor(inst.args.get(inst.info.nnx ? 'hidden_features' : 'features') ?? sym('features'));
        out.last.add(inst);
        return { kind: 'tuple', items: [sym('carry'), { kind: 'tensor', t: out }] };
      }
      default: {
        for (const value of [...args.positional, ...args.keywords.values()]) {
          if (value.kind === 'tensor') {
            settle(value.t, null);
          }
        }
        const out = newTensor(outputDim(inst, t.dim), [inst]);
        out.spatial = kind === 'dense' || kind === 'embed' ? t.spatial : null;
        return { kind: 'tensor', t: out };
      }
    }
  }

  /** A local class called: a dataclass-like instance (linen modules, configs) or `__init__` run (nnx). */
  instantiate(cls: LocalClass, args: Args, _node: PyNode, ctx: Ctx): Value {
    const object: Extract<Value, { kind: 'object' }> = { kind: 'object', cls, fields: new Map(), state: newState() };
    if (cls.flax === 'linen' || cls.isDataclass) {
      const fields = allFields(cls);
      args.positional.forEach((value, i) => {
        if (fields[i]) {
          object.fields.set(fields[i]!.name, value);
        }
      });
      args.keywords.forEach((value, key) => {
        if (key !== 'name' && key !== 'parent') {
          object.fields.set(key, value);
        }
      });
      for (const field of fields) {
        if (!object.fields.has(field.name)) {
          object.fields.set(
            field.name,
            field.default ? this.eval(field.default, this.machine.globals, { ...ctx, compact: false, self: undefined }) : sym(field.name),
          );
        }
      }
      if (cls.flax === 'linen' && ctx.compact && ctx.self) {
        const explicit = args.keywords.get('name');
        const state = ctx.self.state;
        const local = explicitLocalName(explicit) ?? autoname(state.counters, cls.name, ctx.star);
        const existing = ctx.star || local.includes('*') ? undefined : state.children.get(local);
        if (existing) {
          return existing;
        }
        object.state.parent = state;
        object.state.local = local;
        state.children.set(local, object);
      }
      return object;
    }
    if (findMethod(cls, '__init__')) {
      this.callMethod(object, '__init__', args, { ...ctx, compact: false });
    }
    return object;
  }

  /** Runs a method of an instance (linen runs `setup` lazily before the first other method). */
  callMethod(object: Extract<Value, { kind: 'object' }>, name: string, args: Args, ctx: Ctx): Value {
    const found = findMethod(object.cls, name);
    if (!found) {
      return sym(`${object.cls.name}.${name}`);
    }
    if (object.cls.flax === 'linen' && name !== 'setup' && !object.state.setupDone) {
      object.state.setupDone = true;
      if (findMethod(object.cls, 'setup')) {
        this.callMethod(object, 'setup', { positional: [], keywords: new Map() }, ctx);
      }
    }
    const compact = object.cls.flax === 'linen' && isCompact(object.cls, name);
    // A module's inputs are streams a residual branch can be added to.
    const asStream = (v: Value): Value => (v.kind === 'tensor' ? { kind: 'tensor', t: { ...v.t, skip: true } } : v);
    if (name !== 'setup' && name !== '__init__') {
      args = { positional: args.positional.map(asStream), keywords: new Map([...args.keywords].map(([k, v]) => [k, asStream(v)])) };
    }
    if (compact) {
      object.state.counters.clear();
    }
    // A submodule's own names do not depend on the caller's loop: its counters are its own.
    return this.callFunction({ kind: 'func', node: found.node, scope: this.machine.globals, self: object, name }, args, {
      ...ctx,
      self: object,
      cls: found.cls,
      compact,
      star: false,
    });
  }

  /** Runs a function body with its parameters bound; returns what `return` gives. */
  callFunction(fn: Extract<Value, { kind: 'func' }>, args: Args, ctx: Ctx): Value {
    if (ctx.depth >= MAX_DEPTH) {
      this.machine.notes.add('calls nested too deeply were not followed');
      return sym(fn.name);
    }
    if (fn.self && fn.self.kind === 'object' && ctx.self !== fn.self) {
      return this.callMethod(fn.self, fn.name, args, ctx);
    }
    const scope: Scope = { vars: new Map(), parent: fn.scope };
    const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
    const params = fn.node.fields.parameters?.children ?? [];
    const positional = fn.self ? [fn.self, ...args.positional] : [...args.positional];
    let index = 0;
    for (const param of params) {
      const { name, defaultNode, kind } = parameterInfo(this.machine, param);
      if (!name) {
        continue;
      }
      if (kind === 'args') {
        scope.vars.set(name, { kind: 'tuple', items: positional.slice(index) });
        index = positional.length;
        continue;
      }
      if (kind === 'kwargs') {
        scope.vars.set(name, { kind: 'dict', entries: new Map(args.keywords) });
        continue;
      }
      const value = args.keywords.get(name) ?? positional[index] ?? (defaultNode ? this.eval(defaultNode, fn.scope, inner) : sym(name));
      if (!args.keywords.has(name) && index < positional.length) {
        index++;
      }
      scope.vars.set(name, value);
    }
    if (fn.node.type === 'lambda') {
      return this.eval(fn.node.fields.body, scope, inner);
    }
    try {
      this.statements.block(fn.node.fields.body?.children ?? [], scope, inner);
    } catch (signal) {
      if (signal instanceof ReturnSignal) {
        return signal.value;
      }
      throw signal;
    }
    return { kind: 'none' };
  }
}

/** A parameter's name, default and kind (`*args`, `**kwargs`). */
export function parameterInfo(
  machine: Machine,
  param: PyNode,
): { name: string | null; defaultNode?: PyNode; kind: 'plain' | 'args' | 'kwargs'; annotation?: string } {
  switch (param.type) {
    case 'identifier':
      return { name: machine.text(param), kind: 'plain' };
    case 'default_parameter':
      return { name: machine.text(param.fields.name!), defaultNode: param.fields.value, kind: 'plain' };
    case 'typed_parameter': {
      const inner = param.children[0];
      const annotation = param.fields.type ? machine.text(param.fields.type) : undefined;
      if (inner?.type === 'list_splat_pattern') {
        return { name: machine.text(inner.children[0] ?? inner), kind: 'args' };
      }
      if (inner?.type === 'dictionary_splat_pattern') {
        return { name: machine.text(inner.children[0] ?? inner), kind: 'kwargs' };
      }
      return { name: inner ? machine.text(inner) : null, kind: 'plain', annotation };
    }
    case 'typed_default_parameter':
      return {
        name: machine.text(param.fields.name!),
        defaultNode: param.fields.value,
        kind: 'plain',
        annotation: param.fields.type ? machine.text(param.fields.type) : undefined,
      };
    case 'list_splat_pattern':
      return { name: param.children[0] ? machine.text(param.children[0]) : null, kind: 'args' };
    case 'dictionary_splat_pattern':
      return { name: param.children[0] ? machine.text(param.children[0]) : null, kind: 'kwargs' };
    default:
      return { name: null, kind: 'plain' };
  }
}

function listItems(value: Value | undefined): Value[] {
  return value?.kind === 'tuple' ? value.items : [];
}

function scalar(value: Value): number | string | boolean | null | undefined {
  switch (value.kind) {
    case 'num':
    case 'str':
    case 'bool':
      return value.value;
    case 'none':
      return null;
    default:
      return undefined;
  }
}
