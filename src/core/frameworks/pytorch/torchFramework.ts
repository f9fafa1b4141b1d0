/**
 * PyTorch on the one Python evaluator: what its qualified names are, what calls on its host
 * values do (constructors, layers applied to tensors, init functions, activations), how a local
 * `nn.Module` subclass registers children and runs `forward`. One instance per analysed file; it
 * holds that file's state (the first-use clock, whether a `forward` is running, the init mechanism
 * in force), so nothing is shared between analyses but the values of qualified names, which never
 * change (the incremental memo keeps them for a document).
 */
import type { Activation, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { findInClass } from '../../python/eval/attributes';
import { bool, NONE, list, str, sym } from '../../python/eval/values';
import type { BranchWatch, Evaluator, HostSemantics, Kwargs, Site } from '../../python/eval/contracts';
import type { PyClass, PyFunction } from '../../python/eval/values';
import { watchLayers } from '../../layerFlow';
import { FUNCTIONAL_ACTIVATIONS, TORCH_MODULES, torchClassChain } from './catalog';
import { runComposite } from './composite';
import { deepCopyModule } from './moduleCopies';
import { newModule } from './construct';
import { inputSizeArgument } from './inputSizeArgument';
import { construct, ownerOf, superInit } from './torchConstruction';
import { classifyActivationBody } from './customActivation';
import { recordOp, structuralModule } from './structuralOps';
import { activated, attentionOutput, consumeLinearly, copyTensor, feedLayer, layerOutput, merge, passThroughLayer, settle, tensorOf, UseClock } from './flow';
import { loopAround } from './initLoops';
import { resolveTorchName, torchExports } from './torchNames';
import { moduleMethod, writeUnknownInit } from './torchModuleMethods';
import { initCall, tensorFunction, tensorMethod, valueBinary } from './torchTensorCalls';
import { dimValue, hosted, moduleOf, tensorOfValue, tensorValue, type TorchHost, type TorchObject, type TorchRuntime, type TorchValue } from './torchHost';
import type { ModuleInst, ParamInst } from './values';

const RUNS_ITS_CALLABLE = /(^|\.)(checkpoint|checkpoint_sequential|data_parallel|apply_chunking_to_forward)$/;
const OUTPUT_CONTAINER = /^[A-Z]\w*(Output|Outputs|Result|Results|Tuple)$/;
/** Names of methods whose init writes count as the class's own init routine. */
export const INIT_METHOD =
  /^_*(reset_parameters|reset_params|init_weights|initialize_weights|init_params|initialize_parameters|init_parameters|_init_weights|weights_init)$/;
/** PyTorch's host semantics for one file. */
export class TorchFramework implements HostSemantics<TorchHost>, TorchRuntime {
  /** The data-flow order of layers' first uses in this file's forwards. */
  readonly clock = new UseClock();
  /** Set while an `.apply(fn)` runs its function, or a class's init routine runs. */
  initSource: InitSource = 'call';
  applySite?: Range;
  private forwardDepth = 0;
  private forwardRuns = 0;
  /** Which run of a `forward` is running (TorchRuntime.forwardFrame). */
  forwardFrame = 0;
  /** The local functions running, with the call that entered each (for the loops around a write). */
  private readonly frames: { fn: PyFunction<TorchHost>; call: PyNode }[] = [];
  /** The classes whose `__init__` is running. */
  private readonly constructing: PyClass<TorchHost>[] = [];
  /** True while the extraction runs a model's forward (module-level code applying a model is not followed). */
  runningModel = false;
  /** The module's syntax tree (module-level loops around a write). */
  root?: PyNode;
  private readonly instances = new WeakMap<ModuleInst, TorchObject>();

  /** `resolved`: the values of qualified names, when a memo keeps them from one analysis of the document to the next (they never change). */
  constructor(
    readonly source: string,
    private readonly resolved = new Map<string, TorchValue | undefined>(),
  ) {}

  /** True while a `forward` runs: weight writes there are no init, tensors flow. */
  get inForward(): boolean {
    return this.forwardDepth > 0;
  }

  /** Runs `work` as a `forward` runs (a model's data-flow method when it has no forward). */
  asForward<T>(work: () => T): T {
    this.forwardDepth++;
    try {
      return work();
    } finally {
      this.forwardDepth--;
    }
  }

  /**
   * The init mechanism a write at `node` records: `.apply(fn)` (or an unknown writer) wins; then a
   * value handed out by `modules()`/`named_parameters()`; then a loop over those around the write
   * or around a call leading to it (`for m in self.modules(): self._init(m)`); then the running
   * init routine (`reset_parameters`), else a plain call.
   */
  sourceFor(tag: InitSource | undefined, node: PyNode): InitSource {
    if (this.initSource === 'apply' || this.initSource === 'unknown') {
      return this.initSource;
    }
    return tag ?? this.loopSource(node) ?? this.initSource;
  }

  private loopSource(node: PyNode): InitSource | undefined {
    let at: PyNode | undefined = node;
    for (let i = this.frames.length - 1; i >= -1 && at; i--) {
      const scope = i >= 0 ? this.frames[i]!.fn.node : this.root;
      const found = scope ? loopAround(scope, at) : undefined;
      if (found) {
        return found;
      }
      at = this.frames[i]?.call;
    }
    return undefined;
  }

  /** The Python value of a module: the local instance that owns it, or the built-in module. */
  valueOf(module: ModuleInst, source?: InitSource): TorchValue {
    return this.instances.get(module) ?? hosted({ kind: 'module', module, ...(source ? { source } : {}) });
  }

  resolve(qualified: string): TorchValue | undefined {
    // One value per name, so that `norm is nn.BatchNorm2d` can be told.
    if (!this.resolved.has(qualified)) {
      this.resolved.set(qualified, resolveTorchName(qualified));
    }
    return this.resolved.get(qualified);
  }

  exports(module: string): readonly string[] {
    return torchExports(module);
  }

  call(callee: TorchHost, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
    switch (callee.kind) {
      case 'class':
        return construct(this, callee.name, args, kwargs, site);
      case 'module':
        return this.applyModule(callee.module, args, kwargs, site);
      case 'activation':
        return this.applyActivation(callee.activation, args, kwargs, site.node);
      case 'fn':
        if (callee.space === 'init') {
          return initCall(this, callee.name, args, kwargs, site);
        }
        if (callee.name === 'checkpoint' || callee.name === 'checkpoint_sequential') {
          return this.unknownCall(callee.name, args, kwargs, site);
        }
        return tensorFunction(this, callee.name, args, kwargs, site);
      case 'bound':
        return this.callBound(callee.self, callee.name, args, kwargs, site);
      case 'member': {
        const module = moduleOf(callee.instance);
        return module ? this.callMember(callee.instance, module, callee.name, args, kwargs, site) : sym(site.ev.text(site.node));
      }
      case 'choice': {
        const outputs = callee.modules.map((module) => this.applyModule(module, args, kwargs, site));
        return this.merge(outputs) ?? outputs[0] ?? NONE;
      }
      default:
        return this.unknownCall(this.text(callee), args, kwargs, site);
    }
  }

  private callBound(self: TorchHost, name: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
    if (self.kind === 'module') {
      if (name === 'forward') {
        return this.applyModule(self.module, args, kwargs, site);
      }
      return moduleMethod(this, self.module, name, args, kwargs, site);
    }
    if (self.kind === 'param' || self.kind === 'newTensor' || self.kind === 'tensor') {
      return tensorMethod(this, self, name, args, kwargs, site);
    }
    return this.unknownCall(`${this.text(self)}.${name}`, args, kwargs, site);
  }

  /** A member `nn.Module` gives a local subclass: `super().__init__(...)`, `super().forward(x)`, `self.apply(fn)`. */
  private callMember(
    instance: TorchObject,
    module: ModuleInst,
    name: string,
    args: TorchValue[],
    kwargs: Kwargs<TorchHost>,
    site: Site<TorchHost>,
  ): TorchValue {
    if (name === '__init__') {
      if (module.torchClass && module.torchClass !== 'Module') {
        superInit(this, instance, module, module.torchClass, args, kwargs, site);
      }
      return NONE;
    }
    if (name === 'forward') {
      // `super().forward(x)` in a subclass of a built-in module: the built-in behaviour.
      return this.applyBuiltin(module, args, kwargs, site);
    }
    return moduleMethod(this, module, name, args, kwargs, site);
  }

  /** Runs `work` with the init mechanism `source` in force (`.apply(fn)`, an init routine). */
  withInitSource<T>(source: InitSource, applySite: Range | undefined, work: () => T): T {
    const saved = { source: this.initSource, site: this.applySite };
    this.initSource = source;
    this.applySite = applySite ?? saved.site;
    try {
      return work();
    } finally {
      this.initSource = saved.source;
      this.applySite = saved.site;
    }
  }

  // ───────────────────────────── local nn.Module subclasses ─────────────────────────────

  /** The torch.nn class a local class derives from (`MaskedConv2d(nn.Conv2d)` → `Conv2d`), `Module` for an imported base with a forward. */
  torchBase(cls: PyClass<TorchHost>): string | undefined {
    let imported = false;
    for (const c of cls.mro) {
      for (const base of c.foreignBases) {
        if (base.kind === 'host' && base.host.kind === 'class') {
          return base.host.name;
        }
        imported = true;
      }
    }
    // A base imported from elsewhere (HF `PreTrainedModel`): a class with a `forward` is a module.
    return imported && findInClass(cls, 'forward') ? 'Module' : undefined;
  }

  initInstance(instance: TorchObject, site: Site<TorchHost>, args: TorchValue[] = [], kwargs: Kwargs<TorchHost> = new Map()): TorchValue | undefined {
    const torchBase = this.torchBase(instance.cls);
    if (!torchBase) {
      return undefined;
    }
    if (this.constructing.includes(instance.cls)) {
      // A module that builds an instance of itself: its depth is decided at run time, not here.
      site.ev.note(`${instance.cls.name}: builds an instance of itself (recursion); the inner instance is unknown`);
      return sym(instance.cls.name);
    }
    const module = newModule(instance.cls.name, site.node.range, ownerOf(site), torchBase === 'Module' ? undefined : torchBase);
    const inputSize = inputSizeArgument(instance.cls, args, kwargs);
    if (inputSize !== undefined) {
      module.inputSize = inputSize;
    }
    instance.host = { kind: 'module', module };
    this.instances.set(module, instance);
    return undefined;
  }

  instanceAttributeSet(instance: TorchObject, name: string, value: TorchValue, site: Site<TorchHost>): void {
    const module = moduleOf(instance);
    if (!module) {
      return;
    }
    const child = moduleOf(value);
    if (child) {
      module.children.set(name, child);
      if (!this.inForward && site.node.type === 'attribute') {
        child.definition ??= { target: site.ev.text(site.node), range: this.statementRange(site.node, child) };
      }
      return;
    }
    if (value.kind === 'host' && value.host.kind === 'param' && !this.inForward) {
      if (this.registerParameter(module, name, value.host.param)) {
        // Reads go through `instanceAttribute`, so that forward marks the parameter's use.
        instance.attrs.delete(name);
      }
      return;
    }
    if (value.kind === 'none' && module.children.has(name)) {
      module.children.delete(name);
    }
  }

  /** A parameter assigned to `module.<name>`: a tied slot (`lm_head.weight = wte.weight`) or a raw parameter; true for the latter. */
  registerParameter(module: ModuleInst, name: string, param: ParamInst): boolean {
    const tiedSlot = module.params.has(name) || (module.torchClass !== undefined && (name === 'weight' || name === 'bias'));
    if (tiedSlot) {
      module.params.set(name, param);
      return false;
    }
    if (param.raw) {
      registerRawParam(module, name, param.raw);
    }
    return param.raw !== undefined;
  }

  /** The range of `self.x = <constructor>`: from the target to the constructor's end, else to the target's line end. */
  private statementRange(target: PyNode, child: ModuleInst): Range {
    if (child.range.start.line === target.range.start.line && child.range.start.column > target.range.start.column) {
      return { start: target.range.start, end: child.range.end };
    }
    const lineEnd = this.source.indexOf('\n', target.endIndex);
    const column = (lineEnd < 0 ? this.source.length : lineEnd) - (this.source.lastIndexOf('\n', target.startIndex) + 1);
    return { start: target.range.start, end: { line: target.range.start.line, column } };
  }

  instanceAttribute(instance: TorchObject, name: string, site: Site<TorchHost>): TorchValue | undefined {
    const module = moduleOf(instance);
    if (!module) {
      return undefined;
    }
    if (name === '__class__') {
      return { kind: 'class', cls: instance.cls };
    }
    if (name === 'training') {
      // A module is built in training mode (`nn.Module.__init__` sets `training = True`).
      return { kind: 'bool', value: true };
    }
    const child = module.children.get(name);
    if (child) {
      if (child.rawParam) {
        if (this.inForward) {
          this.clock.mark(child);
        }
        return hosted({ kind: 'param', param: child.rawParam });
      }
      return this.valueOf(child);
    }
    // Any other name is something `nn.Module` (or an imported base) provides: calling it is followed
    // as far as PyTorch's own methods go, else its writes to the inits are unknown.
    return this.moduleAttribute(module, name, site) ?? hosted({ kind: 'member', instance, name, read: site.node });
  }

  /** Parameters, config and `weight`/`bias` slots of a module (a built-in one, or a subclass of one). */
  private moduleAttribute(module: ModuleInst, name: string, _site: Site<TorchHost>): TorchValue | undefined {
    const param = module.params.get(name);
    if (param) {
      return hosted({ kind: 'param', param });
    }
    if ((name === 'weight' || name === 'bias') && module.torchClass && TORCH_MODULES[module.torchClass]) {
      return NONE;
    }
    const config = module.config[name];
    if (config === undefined || config === null) {
      return config === null ? NONE : undefined;
    }
    return typeof config === 'object' ? sym(config.expr) : typeof config === 'number' ? dimValue(config) : literalValue(config);
  }

  callInstance(instance: TorchObject, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue | undefined {
    const module = moduleOf(instance);
    if (!module) {
      return undefined;
    }
    if (!this.runningModel && !this.inForward) {
      // Module-level code applying a model (`q = net(x); q.argmax()`) is not the model's data flow.
      return tensorValue(tensorOf([]));
    }
    const baseKind = module.torchClass ? TORCH_MODULES[module.torchClass]?.kind : undefined;
    const forward = findInClass(instance.cls, 'forward');
    // A subclass of a norm or dropout (`LayerNorm2d(nn.LayerNorm)` calling F.layer_norm) is still that.
    if (forward?.value.kind !== 'func' || baseKind === 'norm' || baseKind === 'dropout') {
      return this.applyBuiltin(module, args, kwargs, site);
    }
    return this.runForward(instance, module, forward.value.fn, args, kwargs, site);
  }

  private runForward(
    instance: TorchObject,
    module: ModuleInst,
    fn: PyFunction<TorchHost>,
    args: TorchValue[],
    kwargs: Kwargs<TorchHost>,
    site: Site<TorchHost>,
  ): TorchValue {
    // A module with no layers whose forward is a formula is an activation (a GELU written by hand).
    if (module.children.size === 0 && module.params.size === 0 && tensorOfValue(args[0])) {
      const activation = classifyActivationBody(fn.node, this.source);
      if (activation === 'unknown') {
        const why = `it feeds ${module.className}, whose forward is a formula that is no activation the analysis knows`;
        args.forEach((arg) => tensorOfValue(arg) && settle(tensorOfValue(arg)!, 'unknown', why));
        return this.unknownCall(module.className, args, kwargs, site);
      }
      if (activation) {
        return this.applyActivation({ ...activation, range: module.range }, args, new Map(), site.node);
      }
    }
    // Inside the callee, its inputs are the skip sources of its residual joins.
    const inputs = args.map((a) => {
      const tensor = tensorOfValue(a);
      return tensor ? tensorValue(copyTensor(tensor, true)) : a;
    });
    this.forwardDepth++;
    const caller = this.forwardFrame;
    this.forwardFrame = ++this.forwardRuns;
    try {
      const output = site.ev.callMethod(instance, 'forward', inputs, kwargs, site.node, site.ctx) ?? NONE;
      // A forward that returns its input unchanged (DropPath, StochasticDepth in eval) passes the caller's tensor on, not a skip.
      const same = inputs.findIndex((input) => input === output || (tensorOfValue(input) !== undefined && tensorOfValue(input) === tensorOfValue(output)));
      return same >= 0 ? args[same]! : output;
    } finally {
      this.forwardDepth--;
      this.forwardFrame = caller;
    }
  }

  // ───────────────────────────── forward: layers applied to tensors ─────────────────────────────

  /** A module applied to inputs: tensors move through the layer. */
  applyModule(module: ModuleInst, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
    const instance = this.instances.get(module);
    return instance ? site.ev.call(instance, args, kwargs, site.node, site.ctx) : this.applyBuiltin(module, args, kwargs, site);
  }

  /** What a built-in module (or a local subclass without its own forward) does to its inputs. */
  private applyBuiltin(module: ModuleInst, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
    const input = args[0];
    const tensors = [...args, ...kwargs.values()].flatMap((a) => tensorOfValue(a) ?? []);
    if (module.activation !== undefined) {
      if (module.activation === 'unknown') {
        const why = `${module.className} is an activation the analysis cannot tell`;
        tensors.forEach((t) => settle(t, 'unknown', why));
        return tensorValue(tensorOf([]));
      }
      return this.applyActivation({ ...module.activation, range: module.range }, args.slice(0, 1), new Map(), site.node);
    }
    const info = module.torchClass ? TORCH_MODULES[module.torchClass] : undefined;
    if (!info) {
      const why = `it feeds ${module.className}, whose forward is not in the file`;
      tensors.forEach((t) => settle(t, 'unknown', why));
      return tensorValue(tensorOf([]));
    }
    const inputTensor = tensorOfValue(input);
    switch (info.kind) {
      case 'transparent': {
        const structural = structuralModule(module.torchClass);
        if (structural !== undefined && inputTensor) {
          recordOp(this.clock, [inputTensor], {
            kind: structural.kind,
            ...(structural.mode ? { mode: structural.mode } : {}),
            module,
            config: module.config,
            range: site.node.range,
          });
        }
        return inputTensor ? tensorValue(copyTensor(inputTensor)) : (input ?? NONE);
      }
      case 'norm':
      case 'dropout':
        return tensorValue(inputTensor ? passThroughLayer(this.clock, inputTensor, module, this.forwardFrame) : layerOutput(this.clock, module));
      case 'layer':
        feedLayer(module, tensors);
        tensors.forEach((t) => consumeLinearly(t));
        return tensorValue(layerOutput(this.clock, module));
      case 'recurrent': {
        // The recurrence's own nonlinearity is inside the module; the graph's activation is what follows.
        feedLayer(module, tensors);
        tensors.forEach((t) => consumeLinearly(t));
        const output = tensorValue(layerOutput(this.clock, module));
        const cls = module.torchClass!;
        return cls.endsWith('Cell') && !cls.startsWith('LSTM') ? output : list([output, sym('hidden')], true);
      }
      case 'attention':
        return list([tensorValue(attentionOutput(this.clock, module, tensors)), sym('attention_weights')], true);
      case 'composite':
        return runComposite({ clock: this.clock, callModule: (child, childArgs) => this.applyModule(child, childArgs, new Map(), site) }, module, args);
      case 'container': {
        let value: TorchValue = input ?? NONE;
        const children = [...module.children.values()].filter((c) => c.className !== 'Parameter');
        for (const child of module.children.has('*') ? [...children, ...children] : children) {
          value = this.applyModule(child, [value], new Map(), site);
        }
        return value;
      }
      default:
        return sym('output');
    }
  }

  /** An activation applied to a tensor: it settles what is pending. */
  applyActivation(activation: Activation, args: TorchValue[], kwargs: Kwargs<TorchHost>, node: PyNode): TorchValue {
    const params: Record<string, number | string> = { ...activation.params };
    // A softmax's `dim` is no parameter of the activation.
    const known = (FUNCTIONAL_ACTIVATIONS[activation.name]?.params ?? []).filter((key) => key !== 'dim');
    args.slice(1).forEach((value, index) => {
      const key = known[index];
      if (key && (value.kind === 'num' || value.kind === 'str')) {
        params[key] = value.value;
      }
    });
    for (const [key, value] of kwargs) {
      if ((value.kind === 'num' || value.kind === 'str') && key !== 'inplace' && key !== 'dim') {
        params[key] = value.value;
      }
    }
    if (activation.name === 'gelu' && params.approximate === 'none') {
      delete params.approximate;
    }
    const input = tensorOfValue(args[0]);
    if (input) {
      settle(input, { name: activation.name, params, range: node.range });
      return tensorValue(activated(input));
    }
    return sym('activation');
  }

  /** A call the analysis cannot follow: what it receives may be changed in unknown ways. */
  unknownCall(callee: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
    const all = [...args, ...kwargs.values()];
    if (this.inForward && RUNS_ITS_CALLABLE.test(callee)) {
      // `checkpoint(self.block, x)`: the callable runs on the tensors.
      const callable = all.find((a) => moduleOf(a) || a.kind === 'func' || a.kind === 'method');
      const tensors = all.filter((a) => tensorOfValue(a));
      if (callable && tensors.length > 0) {
        return site.ev.call(callable, tensors, new Map(), site.node, site.ctx);
      }
    }
    if (this.inForward && OUTPUT_CONTAINER.test(callee.split('.').pop() ?? '')) {
      return list(all, true);
    }
    let tensorSeen = false;
    for (const arg of all) {
      const tensor = tensorOfValue(arg);
      if (tensor) {
        settle(tensor, 'unknown', `it feeds ${callee}(…), which the analysis does not follow`);
        tensorSeen = true;
      } else if (!this.inForward) {
        writeUnknownInit(this, arg, site.node.range, 'unknown');
      }
    }
    return tensorSeen ? tensorValue(tensorOf([])) : sym(`${callee}(…)`);
  }

  // ───────────────────────────── other operations on host values ─────────────────────────────

  getAttribute(object: TorchHost, name: string, site: Site<TorchHost>): TorchValue | undefined {
    switch (object.kind) {
      case 'module': {
        const child = object.module.children.get(name);
        if (child) {
          return child.rawParam
            ? hosted({ kind: 'param', param: child.rawParam, ...(object.source ? { source: object.source } : {}) })
            : this.valueOf(child, object.source);
        }
        const param = object.module.params.get(name);
        if (param) {
          return hosted({ kind: 'param', param, ...(object.source ? { source: object.source } : {}) });
        }
        if (name === '__class__') {
          return hosted({ kind: 'class', name: object.module.className });
        }
        return this.moduleAttribute(object.module, name, site) ?? hosted({ kind: 'bound', self: object, name });
      }
      case 'param':
        if (name === 'data' || name === 'weight') {
          return hosted(object);
        }
        if (name === 'shape') {
          return object.param.shape ? list(object.param.shape.map(dimValue), true) : sym('shape');
        }
        return hosted({ kind: 'bound', self: object, name });
      case 'newTensor':
        return name === 'data' ? hosted(object) : hosted({ kind: 'bound', self: object, name });
      case 'tensor':
        if (name === 'data' || name === 'T' || name === 'mT') {
          return hosted(object);
        }
        if (name === 'shape' || name === 'dtype' || name === 'device' || name === 'ndim') {
          return sym(name);
        }
        return hosted({ kind: 'bound', self: object, name });
      case 'class':
        return name === '__name__' ? str<TorchHost>(object.name) : undefined;
      default:
        return undefined;
    }
  }

  setAttribute(object: TorchHost, name: string, value: TorchValue, site: Site<TorchHost>): boolean {
    if (object.kind === 'module') {
      const module = object.module;
      const child = moduleOf(value);
      if (child) {
        module.children.set(name, child);
        return true;
      }
      if (value.kind === 'host' && value.host.kind === 'param' && !this.inForward) {
        this.registerParameter(module, name, value.host.param);
        return true;
      }
      if (value.kind === 'none' && module.children.has(name)) {
        module.children.delete(name);
      }
      if (value.kind === 'none' && module.params.has(name)) {
        module.params.delete(name);
      }
      return true;
    }
    if (object.kind === 'param' && (name === 'data' || name === 'weight')) {
      writeUnknownInit(this, hosted(object), site.node.range, this.sourceFor(object.source, site.node));
      return true;
    }
    return false;
  }

  subscript(object: TorchHost, key: TorchValue): TorchValue | undefined {
    if (object.kind === 'tensor') {
      return tensorValue(copyTensor(object.tensor));
    }
    if (object.kind === 'param' && object.param.raw && this.inForward) {
      // `self.positional_embedding[:n]` in forward: a slice of the raw parameter's output.
      return tensorValue(layerOutput(this.clock, object.param.raw));
    }
    if (object.kind !== 'module') {
      return undefined;
    }
    const module = object.module;
    const children = [...module.children.entries()].filter(([, c]) => c.className !== 'Parameter');
    const symbolic = module.children.has('*');
    if (key.kind === 'str') {
      const child = module.children.get(key.value);
      return child ? this.valueOf(child, object.source) : undefined;
    }
    if (key.kind === 'slice') {
      const items = children.map(([, c]) => this.valueOf(c, object.source));
      if (symbolic) {
        return list(items, false, true);
      }
      return list(sliceItems(items, key));
    }
    if (symbolic && children[0]) {
      return this.valueOf(children[0][1], object.source);
    }
    const index = key.kind === 'num' ? key.value : undefined;
    const entry = index === undefined ? undefined : children[index < 0 ? children.length + index : index];
    return entry ? this.valueOf(entry[1], object.source) : undefined;
  }

  setSubscript(object: TorchHost, key: TorchValue, value: TorchValue, site: Site<TorchHost>): boolean {
    const child = moduleOf(value);
    if (object.kind === 'module' && key.kind === 'str' && child) {
      object.module.children.set(key.value, child);
      return true;
    }
    if ((object.kind === 'param' || object.kind === 'newTensor') && !this.inForward) {
      // `w[:, 0] = …` writes part of a tensor: the init in force is no longer one distribution.
      writeUnknownInit(this, hosted(object), site.node.range, this.sourceFor(object.kind === 'param' ? object.source : undefined, site.node));
      return true;
    }
    return object.kind === 'tensor';
  }

  binary(operator: string, left: TorchValue, right: TorchValue, site: Site<TorchHost>): TorchValue | undefined {
    return valueBinary(this, operator, left, right, site);
  }

  unary(_operator: string, operand: TorchHost): TorchValue | undefined {
    return operand.kind === 'tensor' || operand.kind === 'param' || operand.kind === 'newTensor' ? hosted(operand) : undefined;
  }

  iterate(object: TorchHost): TorchValue[] | undefined {
    if (object.kind !== 'module') {
      return undefined;
    }
    const module = object.module;
    if (module.torchClass === 'ModuleDict') {
      return [...module.children.keys()].map((k) => str<TorchHost>(k));
    }
    return [...module.children.values()].filter((c) => c.className !== 'Parameter').map((c) => this.valueOf(c, object.source));
  }

  truthy(object: TorchHost, ev: Evaluator<TorchHost>): boolean | undefined {
    if (object.kind === 'member') {
      // An attribute no code here sets (a method `nn.Module` provides is true, but a flag is a guess).
      const at = object.read ? `line ${object.read.range.start.line + 1}: ` : '';
      ev.note(`${at}${object.read ? ev.text(object.read) : object.name} is not set where it is read: its truth is not decided`);
      return undefined;
    }
    return object.kind === 'tensor' ? undefined : true;
  }

  watchBranches(condition: PyNode, live: Iterable<TorchValue>, site: Site<TorchHost>): BranchWatch | undefined {
    return watchLayers(this.clock.reached, condition, site, live, tensorOfValue);
  }

  text(object: TorchHost): string {
    switch (object.kind) {
      case 'class':
        return `nn.${object.name}`;
      case 'module':
        return object.module.className;
      case 'param':
        return object.param.attr;
      case 'newTensor':
      case 'tensor':
        return 'tensor';
      case 'fn':
        return object.name;
      case 'activation':
        return object.activation.name;
      case 'bound':
        return `${this.text(object.self)}.${object.name}`;
      case 'member':
        return `${object.instance.cls.name}.${object.name}`;
      case 'choice':
        return object.modules.map((module) => module.className).join(' or ');
    }
  }

  merge(values: TorchValue[]): TorchValue | undefined {
    const choices = values.map((v) => (v.kind === 'host' && v.host.kind === 'choice' ? v.host.modules : moduleOf(v) ? [moduleOf(v)!] : undefined));
    if (choices.every((c): c is ModuleInst[] => c !== undefined)) {
      return hosted({ kind: 'choice', modules: [...new Set(choices.flat())] });
    }
    const tensors = values.flatMap((v) => tensorOfValue(v) ?? []);
    if (tensors.length === 0) {
      return undefined;
    }
    // A tensor on one path and a cached value on the other (`k = past[0]` / `k = self.key(x)`): follow the tensor.
    const skip = tensors.some((t) => t.skip);
    return tensorValue(merge(tensors, skip));
  }

  deepcopy(object: TorchHost): TorchValue {
    return object.kind === 'module' ? deepCopyModule(object.module, this.instances, (module) => this.valueOf(module)) : hosted(object);
  }

  typeOf(object: TorchHost): TorchValue | undefined {
    switch (object.kind) {
      case 'class':
        return { kind: 'builtin', name: 'type' };
      case 'module':
        return hosted({ kind: 'class', name: object.module.className });
      case 'param':
        return this.resolve('torch.nn.Parameter');
      default:
        return undefined;
    }
  }

  isInstance(value: TorchValue, cls: TorchHost): boolean | undefined {
    if (cls.kind !== 'class' || (value.kind === 'host' && value.host.kind === 'choice')) {
      return undefined;
    }
    if (value.kind === 'host' && value.host.kind === 'param') {
      return cls.name === 'Parameter';
    }
    const module = moduleOf(value);
    if (!module) {
      return value.kind === 'sym' ? undefined : false;
    }
    return torchClassChain(module.torchClass ?? 'Module').includes(cls.name);
  }

  /** Tracks the running functions; a class's init routine (`self._init_weights()`, `self.reset_parameters()`) records that mechanism. */
  enterFunction(fn: PyFunction<TorchHost>, self: TorchValue | undefined, site: Site<TorchHost>): () => void {
    this.frames.push({ fn, call: site.node });
    const constructed = fn.name === '__init__' && self?.kind === 'object' && moduleOf(self) ? self.cls : undefined;
    if (constructed) {
      this.constructing.push(constructed);
    }
    const saved = this.initSource;
    if (self && moduleOf(self) && !this.inForward && INIT_METHOD.test(fn.name) && (saved === 'call' || saved === 'default')) {
      this.initSource = 'reset_parameters';
    }
    return () => {
      this.frames.pop();
      if (constructed) {
        this.constructing.pop();
      }
      this.initSource = saved;
    };
  }
}

function registerRawParam(parent: ModuleInst, name: string, raw: ModuleInst): void {
  parent.children.set(name, raw);
  if (raw.rawParam) {
    raw.rawParam.attr = name;
    // A raw parameter named like a bias reports its init under `bias`.
    raw.rawParam.key = /bias/.test(name) ? 'bias' : 'weight';
    raw.params.clear();
    raw.params.set(raw.rawParam.key, raw.rawParam);
  }
}

function literalValue(value: string | boolean): TorchValue {
  return typeof value === 'string' ? str<TorchHost>(value) : bool<TorchHost>(value);
}

function sliceItems(items: TorchValue[], key: Extract<TorchValue, { kind: 'slice' }>): TorchValue[] {
  const n = items.length;
  const at = (v: TorchValue, d: number) => (v.kind === 'num' ? (v.value < 0 ? Math.max(0, n + v.value) : Math.min(n, v.value)) : d);
  const step = key.step.kind === 'num' ? key.step.value : 1;
  if (step <= 0) {
    return [...items].reverse();
  }
  const out: TorchValue[] = [];
  for (let i = at(key.start, 0); i < at(key.stop, n); i += step) {
    out.push(items[i]!);
  }
  return out;
}
