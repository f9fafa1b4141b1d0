/**
 * Calls while building a model: torch.nn constructors, containers, `nn.Parameter`, classes written in
 * the file (their `__init__`, `super().__init__`, dataclass configs), and functions with their arguments.
 */

import type { Dim, InitSource } from '../../graph';
import type { PyNode } from '../../python/ast';
import { TORCH_MODULES } from './catalog';
import { bindTorchArgs, constructTorchModule, multiply, newModule } from './construct';
import { constructComposite } from './composite';
import { callBuiltin } from './builtins';
import { list, NONE, sym, valueText, type LocalClass, type LocalFunction, type ModuleInst, type Scope, type Value } from './values';
import { classifyActivationBody } from './customActivation';

import { ExpressionInterpreter } from './expressions';

import { INIT_METHOD, MAX_DEPTH, mergeValues, ReturnSignal, type Context } from './interpreterCore';

export abstract class ConstructionInterpreter extends ExpressionInterpreter {
  /** Calls any callable value. */
  call(callee: Value, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context, argNodes: PyNode[] = []): Value {
    switch (callee.kind) {
      case 'torchClass':
        return this.instantiateTorch(callee, args, kwargs, node, ctx);
      case 'localClass':
        return this.instantiateLocal(callee, args, kwargs, node, ctx);
      case 'func':
        return this.callFunction(callee.fn, args, kwargs, node, ctx);
      case 'module':
        return this.callModule(callee.module, args, kwargs, node, ctx);
      case 'activationFn':
        return this.applyActivation(callee.activation, args, kwargs, node);
      case 'builtin':
        return callBuiltin(this.self(), callee, args, kwargs, node, ctx, argNodes);
      default:
        return this.callUnknown(callee, args, node, ctx);
    }
  }

  protected instantiateTorch(callee: Extract<Value, { kind: 'torchClass' }>, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const allArgs = callee.bound ? [...callee.bound.args, ...args] : args;
    const allKwargs = callee.bound ? new Map([...callee.bound.kwargs, ...kwargs]) : kwargs;
    const owner = ctx.ownerClass?.name ?? '<module>';
    const name = callee.name;
    if (name === 'Sequential' || name === 'ModuleList' || name === 'ModuleDict') {
      const container = newModule(name, node.range, owner, name);
      this.fillContainer(container, allArgs, node);
      return { kind: 'module', module: container };
    }
    if (name === 'Parameter') {
      return this.makeParameter(allArgs[0], node, ctx);
    }
    if (name === 'Module') {
      return { kind: 'module', module: newModule('Module', node.range, owner, 'Module') };
    }
    const info = TORCH_MODULES[name];
    if (info?.kind === 'composite') {
      const module = constructComposite(name, bindTorchArgs(name, allArgs, allKwargs), node.range, owner);
      return module ? { kind: 'module', module } : sym(this.text(node));
    }
    const module = constructTorchModule(name, bindTorchArgs(name, allArgs, allKwargs), node.range, owner);
    return module ? { kind: 'module', module } : sym(this.text(node));
  }

  /** Registers the children of `Sequential(...)`, `ModuleList([...])`, `ModuleDict({...})`. */
  fillContainer(container: ModuleInst, args: Value[], node: PyNode): void {
    const add = (key: string, value: Value) => {
      if (value.kind === 'module') {
        container.children.set(key, value.module);
      } else if (value.kind !== 'none') {
        // A module the analysis cannot see (imported, built elsewhere): it keeps its index, and data
        // flow through it is unknown rather than linear.
        container.children.set(key, newModule(valueText(value), node.range, container.ownerClass));
      }
    };
    const first = args[0];
    if (container.className === 'Sequential' || container.torchClass === 'Sequential') {
      if (first && first.kind === 'dict') {
        for (const [key, value] of first.entries) {
          add(key, value);
        }
        return;
      }
      let index = 0;
      for (const arg of args) {
        add(String(index++), arg);
      }
      return;
    }
    if (!first) {
      return;
    }
    if (first.kind === 'list') {
      if (first.symbolicCount) {
        first.items.slice(0, 1).forEach((item) => add('*', item));
        return;
      }
      first.items.forEach((item, index) => add(String(index), item));
    } else if (first.kind === 'dict') {
      for (const [key, value] of first.entries) {
        add(key, value);
      }
    }
  }

  protected makeParameter(data: Value | undefined, node: PyNode, ctx: Context): Value {
    const owner = ctx.ownerClass?.name ?? '<module>';
    const raw = newModule('Parameter', node.range, owner, undefined);
    const tensor =
      data?.kind === 'newTensor'
        ? data.tensor
        : data?.kind === 'param'
          ? { shape: data.param.shape, init: data.param.init }
          : { shape: undefined, init: { name: 'unknown', args: {}, source: 'unknown' as InitSource, variance: null, range: node.range } };
    const init = tensor.init.source === 'default' ? { ...tensor.init, source: 'call' as InitSource } : tensor.init;
    const param = { owner: raw, attr: 'weight', key: 'weight', shape: tensor.shape, init, raw };
    raw.rawParam = param;
    raw.params.set('weight', param);
    const shape = tensor.shape;
    if (shape && shape.length >= 2) {
      // PyTorch's fans: size(1)·∏size(2:) and size(0)·∏size(2:).
      const receptive = shape.slice(2).reduce<Dim | null>((acc, d) => multiply(acc, d), 1);
      raw.fanIn = multiply(shape[1]!, receptive);
      raw.fanOut = multiply(shape[0]!, receptive);
    }
    return { kind: 'param', param };
  }

  /** Instantiates a class written in the file: a module (runs `__init__`), a dataclass, or a plain object. */
  instantiateLocal(callee: Extract<Value, { kind: 'localClass' }>, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const cls = callee.cls;
    const allArgs = callee.bound ? [...callee.bound.args, ...args] : args;
    const allKwargs = callee.bound ? new Map([...callee.bound.kwargs, ...kwargs]) : kwargs;
    if (ctx.depth > MAX_DEPTH) {
      this.notes.add(`${cls.name}: construction nested more than ${MAX_DEPTH} levels deep; the rest is unknown`);
      return sym(cls.name);
    }
    if (ctx.constructing?.has(cls)) {
      // A module that builds an instance of itself: its depth is decided at run time, not here.
      this.notes.add(`${cls.name}: builds an instance of itself (recursion); the inner instance is unknown`);
      return sym(cls.name);
    }
    const torchBase = this.torchBase(cls);
    if (!torchBase) {
      return this.instantiateObject(cls, allArgs, allKwargs, node, ctx);
    }
    const owner = ctx.ownerClass?.name ?? '<module>';
    const module = newModule(cls.name, node.range, owner, torchBase === 'Module' ? undefined : torchBase);
    module.localClass = cls;
    const self: Value = { kind: 'module', module };
    const init = this.findMethod(cls, '__init__');
    const inner: Context = {
      ...ctx,
      depth: ctx.depth + 1,
      ownerClass: cls,
      initSource: ctx.initSource === 'default' ? 'call' : ctx.initSource,
      constructing: new Set([...(ctx.constructing ?? []), cls]),
    };
    if (init) {
      this.invoke(init.fn, self, allArgs, allKwargs, node, { ...inner, ownerClass: init.owner });
    } else if (torchBase !== 'Module') {
      this.superInit(module, torchBase, allArgs, allKwargs, node, inner);
    }
    return self;
  }

  /** Runs a torch base class's constructor on a local subclass instance (`super().__init__(...)`). */
  superInit(module: ModuleInst, torchBase: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): void {
    if (torchBase === 'Sequential' || torchBase === 'ModuleList' || torchBase === 'ModuleDict') {
      this.fillContainer(module, args, node);
      return;
    }
    if (TORCH_MODULES[torchBase]?.kind === 'composite') {
      // `class TransformerModel(nn.Transformer)`: the base constructor builds the encoder and decoder.
      const built = constructComposite(torchBase, bindTorchArgs(torchBase, args, kwargs), module.range, module.ownerClass);
      for (const [key, child] of built?.children ?? []) {
        module.children.set(key, child);
      }
      for (const [key, value] of built?.attrs ?? []) {
        module.attrs.set(key, value);
      }
      return;
    }
    const built = constructTorchModule(module.className, bindTorchArgs(torchBase, args, kwargs), module.range, module.ownerClass, torchBase);
    if (!built) {
      return;
    }
    for (const [key, param] of built.params) {
      param.owner = module;
      module.params.set(key, param);
    }
    for (const [key, child] of built.children) {
      module.children.set(key, child);
    }
    module.config = built.config;
    module.fanIn = built.fanIn;
    module.fanOut = built.fanOut;
    module.activation = built.activation;
    // torch's constructor ends with self.reset_parameters(): an override in the subclass replaces the default.
    const reset = module.localClass ? this.findMethod(module.localClass, 'reset_parameters') : undefined;
    if (reset) {
      this.invoke(reset.fn, { kind: 'module', module }, [], new Map(), node, { ...ctx, initSource: 'reset_parameters', ownerClass: reset.owner });
    }
  }

  protected instantiateObject(cls: LocalClass, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const object: Value = { kind: 'object', cls, attrs: new Map() };
    if (cls.isDataclass) {
      cls.fieldOrder.forEach((field, index) => {
        const given = kwargs.get(field) ?? args[index];
        const defaultNode = cls.fields.get(field);
        const value = given ?? (defaultNode ? this.eval(defaultNode, this.file.globals, ctx) : sym(field));
        object.attrs.set(field, value);
      });
      return object;
    }
    const init = this.findMethod(cls, '__init__');
    if (init) {
      this.invoke(init.fn, object, args, kwargs, node, { ...ctx, depth: ctx.depth + 1, ownerClass: init.owner });
    }
    return object;
  }

  protected callFunction(fn: LocalFunction, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    if (ctx.depth > MAX_DEPTH) {
      return sym(fn.name);
    }
    // A function used as an activation (`def gelu(x): return 0.5 * x * (1 + torch.tanh(...))`).
    // Only a function of one tensor is an activation (`attention(q, k, v)` is not).
    if (ctx.inForward && args.length === 1 && args[0]?.kind === 'tensor' && !fn.self) {
      const activation = classifyActivationBody(fn.node, this.file.source);
      if (activation) {
        return activation === 'unknown' ? this.callUnknown(sym(fn.name), args, node, ctx) : this.applyActivation(activation, args, kwargs, node);
      }
    }
    let inner: Context = { ...ctx, depth: ctx.depth + 1, ownerClass: fn.ownerClass ?? ctx.ownerClass };
    if (fn.self && INIT_METHOD.test(fn.name) && !ctx.inForward && (ctx.initSource === 'call' || ctx.initSource === 'default')) {
      inner = { ...inner, initSource: 'reset_parameters' };
    }
    return this.invoke(fn.node, fn.self, args, kwargs, node, inner, fn.scope);
  }

  /** Binds arguments to a function's parameters and runs its body; returns what it returns. */
  invoke(
    fnNode: PyNode,
    self: Value | undefined,
    args: Value[],
    kwargs: Map<string, Value>,
    _callNode: PyNode,
    callerCtx: Context,
    closure: Scope = this.file.globals,
  ): Value {
    const ctx: Context = self ? { ...callerCtx, self } : callerCtx;
    const scope: Scope = { vars: new Map(), parent: closure };
    const parameters = fnNode.fields.parameters?.children ?? [];
    const positional = self ? [self, ...args] : [...args];
    let index = 0;
    for (const parameter of parameters) {
      const bound = this.bindParameter(parameter, positional, index, kwargs, scope, ctx);
      index = bound;
    }
    const body = fnNode.fields.body;
    if (fnNode.type === 'lambda') {
      return body ? this.eval(body, scope, ctx) : NONE;
    }
    const returns: Value[] = [];
    const bodyCtx: Context = { ...ctx, returns };
    let value: Value = NONE;
    try {
      this.execBlock(body, scope, bodyCtx);
    } catch (signal) {
      if (!(signal instanceof ReturnSignal)) {
        throw signal;
      }
      value = signal.value;
    }
    return returns.length > 0 ? mergeValues([value, ...returns]) : value;
  }

  protected bindParameter(parameter: PyNode, positional: Value[], index: number, kwargs: Map<string, Value>, scope: Scope, ctx: Context): number {
    switch (parameter.type) {
      case 'identifier': {
        const name = this.text(parameter);
        scope.vars.set(name, positional[index] ?? kwargs.get(name) ?? this.configDefault(name, ctx, parameter));
        return index + 1;
      }
      case 'typed_parameter': {
        const nameNode = parameter.children[0]!;
        if (nameNode.type === 'list_splat_pattern' || nameNode.type === 'dictionary_splat_pattern') {
          return this.bindParameter(nameNode, positional, index, kwargs, scope, ctx);
        }
        const name = this.text(nameNode);
        scope.vars.set(name, positional[index] ?? kwargs.get(name) ?? this.annotatedDefault(parameter, name, ctx));
        return index + 1;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = this.text(parameter.fields.name!);
        const given = positional[index] ?? kwargs.get(name);
        scope.vars.set(name, given ?? this.eval(parameter.fields.value!, this.file.globals, ctx));
        return index + 1;
      }
      case 'list_splat_pattern': {
        const name = this.text(parameter.children[0]!);
        scope.vars.set(name, list(positional.slice(index), true));
        return positional.length;
      }
      case 'dictionary_splat_pattern': {
        const name = this.text(parameter.children[0]!);
        scope.vars.set(name, { kind: 'dict', entries: new Map(kwargs) });
        return index;
      }
      default:
        return index;
    }
  }

  /**
   * A parameter with no argument and no default: a config whose dataclass is in the file resolves to
   * the dataclass defaults (`config: GPTConfig`); otherwise it is a symbol named after the parameter.
   */
  protected annotatedDefault(parameter: PyNode, name: string, ctx: Context): Value {
    const annotation = parameter.fields.type;
    if (annotation) {
      const value = this.eval(annotation.children[0] ?? annotation, this.file.globals, ctx);
      if (value.kind === 'localClass' && value.cls.isDataclass) {
        return this.instantiateObject(value.cls, [], new Map(), parameter, ctx);
      }
    }
    return sym(name);
  }

  /**
   * An unannotated `config` / `cfg` parameter with no argument: when the file defines exactly one
   * dataclass named like a config, its defaults are what the model is built with (nanoGPT style).
   */
  configDefault(name: string, ctx: Context, node: PyNode): Value {
    if (!/^(config|cfg|conf|model_config|model_cfg|args|hparams|params)$/i.test(name)) {
      return sym(name);
    }
    const configs = [...this.file.classes.values()].filter((cls) => cls.isDataclass && /(config|cfg|args|params)$/i.test(cls.name));
    if (configs.length !== 1) {
      return sym(name);
    }
    return this.instantiateObject(configs[0]!, [], new Map(), node, ctx);
  }

  // ───────────────────────────── forward ─────────────────────────────
}
