/**
 * Python builtins, `torch`, `torch.nn.init`, `torch.nn.functional` and `math` as the interpreter
 * sees them, and the methods of modules, parameters, tensors, lists, dicts and strings.
 */
import type { ArgValue, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { torchCalculateGain } from '../../activations';
import { FUNCTIONAL_ACTIVATIONS, LINEAR_OPS, TORCH_MODULES, TRANSPARENT_OPS, torchClassChain } from './catalog';
import { canonicalInitName, INIT_SIGNATURES, scaleInit, TENSOR_INIT_METHODS, writeInit, type InitTarget } from './initCalls';
import { consumeLinearly, layerOutput, merge, settle, tensorOf } from './flow';
import type { Context, Interpreter } from './interpreter';
import { allParams } from './interpreter';
import { asArg, asDim, asNumber, list, NONE, num, str, sym, valueText, type ModuleInst, type NewTensor, type ParamInst, type Value } from './values';

type Builtin = Extract<Value, { kind: 'builtin' }>;

const MATH_CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, inf: Infinity, tau: 2 * Math.PI };
const MATH_FUNCTIONS: Record<string, (...xs: number[]) => number> = {
  sqrt: Math.sqrt, log: Math.log, log2: Math.log2, log10: Math.log10, exp: Math.exp, ceil: Math.ceil, floor: Math.floor,
  pow: Math.pow, fabs: Math.abs, tanh: Math.tanh, sin: Math.sin, cos: Math.cos, erf: erfApprox, prod: (...xs) => xs.reduce((a, b) => a * b, 1),
};
const TENSOR_FACTORIES = new Set(['zeros', 'ones', 'empty', 'randn', 'rand', 'full', 'eye', 'tensor', 'zeros_like', 'ones_like', 'randn_like', 'empty_like', 'arange', 'linspace', 'Tensor', 'FloatTensor']);

/** `namespace.name` for imported modules. */
export function attributeOfNamespace(path: string, name: string): Value {
  const full = `${path}.${name}`;
  if (path === 'math' || path === 'numpy') {
    if (name in MATH_CONSTANTS) {
      return num(MATH_CONSTANTS[name]!);
    }
    return name in MATH_FUNCTIONS ? { kind: 'builtin', name: `math:${name}` } : { kind: 'ns', path: full };
  }
  if (path === 'torch') {
    if (name === 'nn') {
      return { kind: 'ns', path: 'torch.nn' };
    }
    if (['relu', 'tanh', 'sigmoid', 'selu', 'softmax', 'log_softmax', 'relu_', 'sigmoid_', 'tanh_', 'celu', 'rrelu'].includes(name)) {
      return activationFn(name);
    }
    if (name === 'pi') {
      return num(Math.PI);
    }
    return { kind: 'builtin', name: `torch:${name}` };
  }
  if (path === 'torch.nn') {
    if (name === 'init' || name === 'functional' || name === 'utils' || name === 'modules' || name === 'parameter') {
      return { kind: 'ns', path: full };
    }
    if (name === 'Module' || name === 'Parameter' || name in TORCH_MODULES) {
      return { kind: 'torchClass', name };
    }
    return { kind: 'ns', path: full };
  }
  if (path === 'torch.nn.init' || name === 'trunc_normal_') {
    if (name === 'calculate_gain') {
      return { kind: 'builtin', name: 'init:calculate_gain' };
    }
    const canonical = canonicalInitName(name);
    return canonical ? { kind: 'builtin', name: `init:${canonical}` } : { kind: 'ns', path: full };
  }
  if (path === 'torch.nn.functional') {
    return name in FUNCTIONAL_ACTIVATIONS ? activationFn(name) : { kind: 'builtin', name: `F:${name}` };
  }
  if (path === 'torch.nn.parameter' && name === 'Parameter') {
    return { kind: 'torchClass', name };
  }
  if ((path === 'einops' || path.startsWith('einops.')) && (name === 'rearrange' || name === 'repeat' || name === 'reduce')) {
    return { kind: 'builtin', name: 'F:rearrange' };
  }
  return { kind: 'ns', path: full };
}

function activationFn(written: string): Value {
  const info = FUNCTIONAL_ACTIVATIONS[written] ?? { name: written.replace(/_$/, ''), params: [] };
  return { kind: 'activationFn', activation: { name: info.name, params: {}, range: zeroRange() } };
}

function zeroRange(): Range {
  return { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
}

/** A method of a value (`m.modules`, `p.normal_`, `x.view`, `s.endswith`), bound as a builtin. */
export function methodOfValue(object: Value, name: string): Value | undefined {
  switch (object.kind) {
    case 'param':
      if (name === 'data' || name === 'weight') {
        return object;
      }
      if (name === 'shape') {
        return object.param.shape ? list(object.param.shape.map((d) => (typeof d === 'number' ? num(d) : sym(d))), true) : sym('shape');
      }
      return { kind: 'builtin', name: `param.${name}`, self: object };
    case 'newTensor':
      if (name === 'data') {
        return object;
      }
      return { kind: 'builtin', name: `param.${name}`, self: object };
    case 'tensor':
      if (name === 'data' || name === 'T' || name === 'mT') {
        return object;
      }
      if (name === 'shape' || name === 'dtype' || name === 'device' || name === 'ndim') {
        return sym(name);
      }
      return { kind: 'builtin', name: `tensor.${name}`, self: object };
    case 'module':
      return { kind: 'builtin', name: `module.${name}`, self: object };
    case 'list':
    case 'dict':
    case 'str':
      return { kind: 'builtin', name: `${object.kind}.${name}`, self: object };
    case 'builtin':
      if (object.name === 'super') {
        return { kind: 'builtin', name: `super.${name}`, self: object.self };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Calls a builtin. */
export function callBuiltin(interp: Interpreter, callee: Builtin, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context, argNodes: PyNode[]): Value {
  const name = callee.name;
  const dot = name.indexOf('.');
  const colon = name.indexOf(':');
  if (colon > 0) {
    const space = name.slice(0, colon);
    const fn = name.slice(colon + 1);
    switch (space) {
      case 'init':
        return callInit(interp, fn, args, kwargs, node, ctx, argNodes);
      case 'math': {
        const numbers = args.map(asNumber);
        const f = MATH_FUNCTIONS[fn];
        if (f && numbers.every((n): n is number => n !== undefined)) {
          return num(f(...numbers));
        }
        return sym(interp.text(node));
      }
      case 'torch':
      case 'F':
        return callTensorFunction(interp, fn, args, kwargs, node, ctx);
      default:
        return sym(interp.text(node));
    }
  }
  if (dot > 0) {
    const kind = name.slice(0, dot);
    const method = name.slice(dot + 1);
    const self = callee.self!;
    switch (kind) {
      case 'param':
        return callParamMethod(interp, self as Extract<Value, { kind: 'param' | 'newTensor' }>, method, args, node, ctx);
      case 'tensor':
        return callTensorMethod(interp, self as Extract<Value, { kind: 'tensor' }>, method, args, kwargs, node, ctx);
      case 'module':
        return callModuleMethod(interp, (self as Extract<Value, { kind: 'module' }>).module, method, args, kwargs, node, ctx);
      case 'list':
        return callListMethod(self as Extract<Value, { kind: 'list' }>, method, args, ctx);
      case 'dict':
        return callDictMethod(self as Extract<Value, { kind: 'dict' }>, method, args);
      case 'str':
        return callStrMethod((self as Extract<Value, { kind: 'str' }>).value, method, args, interp, node);
      case 'super':
        return callSuper(interp, self, method, args, kwargs, node, ctx);
      default:
        return sym(interp.text(node));
    }
  }
  return callPythonBuiltin(interp, callee, args, kwargs, node, ctx);
}

function callInit(interp: Interpreter, fn: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context, argNodes: PyNode[]): Value {
  if (fn === 'calculate_gain') {
    const nonlinearity = args[0] ?? kwargs.get('nonlinearity');
    const param = asNumber(args[1] ?? kwargs.get('param'));
    if (nonlinearity?.kind === 'str') {
      const gain = torchCalculateGain(nonlinearity.value, param);
      return gain === undefined ? sym(interp.text(node)) : num(gain);
    }
    return sym(interp.text(node));
  }
  const target = args[0] ?? kwargs.get('tensor');
  const signature = INIT_SIGNATURES[fn] ?? [];
  const written: Record<string, ArgValue> = {};
  args.slice(1).forEach((value, index) => {
    const key = signature[index];
    if (key) {
      written[key] = asArg(value, argNodes[index + 1] ? interp.text(argNodes[index + 1]!) : valueText(value));
    }
  });
  const argsNode = node.fields.arguments;
  for (const [key, value] of kwargs) {
    if (key === 'tensor' || key === 'generator') {
      continue;
    }
    const keywordNode = argsNode?.children.find((c) => c.type === 'keyword_argument' && interp.text(c.fields.name!) === key);
    written[key] = asArg(value, keywordNode?.fields.value ? interp.text(keywordNode.fields.value) : valueText(value));
  }
  const initTarget = targetOf(target);
  if (initTarget && !ctx.inForward) {
    writeInit(initTarget, fn, written, ctx.initSource, node.range, ctx.uncertain);
  }
  return target ?? NONE;
}

function targetOf(value: Value | undefined): InitTarget | undefined {
  if (value?.kind === 'param') {
    return value.param;
  }
  if (value?.kind === 'newTensor') {
    return value.tensor;
  }
  return undefined;
}

function callParamMethod(interp: Interpreter, self: Extract<Value, { kind: 'param' | 'newTensor' }>, method: string, args: Value[], node: PyNode, ctx: Context): Value {
  const target: ParamInst | NewTensor = self.kind === 'param' ? self.param : self.tensor;
  const initMethod = TENSOR_INIT_METHODS[method];
  if (initMethod && !ctx.inForward) {
    const written: Record<string, ArgValue> = {};
    const argsNode = node.fields.arguments;
    const positional = argsNode?.children.filter((c) => c.type !== 'keyword_argument') ?? [];
    args.forEach((value, index) => {
      const key = initMethod.params[index];
      if (key) {
        written[key] = asArg(value, positional[index] ? interp.text(positional[index]!) : valueText(value));
      }
    });
    for (const child of argsNode?.children ?? []) {
      if (child.type === 'keyword_argument') {
        const key = interp.text(child.fields.name!);
        written[key] = asArg(interp.eval(child.fields.value!, interp.file.globals, ctx), interp.text(child.fields.value!));
      }
    }
    // keyword values evaluated in the global scope may lose locals; prefer the positional/keyword values given.
    writeInit(target, initMethod.name, written, ctx.initSource, node.range, ctx.uncertain);
    return self;
  }
  switch (method) {
    case 'mul_':
    case 'div_':
    case 'mul':
    case 'div': {
      const factor = asNumber(args[0]);
      const f = factor === undefined ? undefined : method.startsWith('div') ? 1 / factor : factor;
      if (!ctx.inForward) {
        const scaled = scaleInit(target.init, f, node.range);
        if (method.endsWith('_')) {
          target.init = ctx.uncertain ? { ...scaled, name: 'unknown', variance: null } : scaled;
          return self;
        }
        if (self.kind === 'newTensor') {
          return { kind: 'newTensor', tensor: { shape: self.tensor.shape, init: scaled } };
        }
      }
      return self;
    }
    case 'dim':
      return target.shape ? num(target.shape.length) : sym('dim');
    case 'size': {
      const index = asNumber(args[0]);
      if (index === undefined || !target.shape) {
        return target.shape ? list(target.shape.map((d) => (typeof d === 'number' ? num(d) : sym(d))), true) : sym('size');
      }
      const d = target.shape[index < 0 ? target.shape.length + index : index];
      return d === undefined ? sym('size') : typeof d === 'number' ? num(d) : sym(d);
    }
    case 'numel':
      return target.shape && target.shape.every((d) => typeof d === 'number') ? num((target.shape as number[]).reduce((a, b) => a * b, 1)) : sym('numel');
    case 'requires_grad_':
    case 'to':
    case 'float':
    case 'detach':
    case 'contiguous':
      return self;
    case 'copy_':
    case 'add_':
    case 'sub_':
    case 'clamp_':
    case 'exponential_':
    case 'bernoulli_':
    case 'random_':
    case 'geometric_':
    case 'cauchy_':
    case 'log_normal_':
    case 'masked_fill_':
    case 'index_fill_':
    case 'scatter_':
    case 'set_':
      if (!ctx.inForward) {
        interp.writeUnknownInit(self, node.range, ctx);
      }
      return self;
    default:
      if (ctx.inForward && self.kind === 'param' && self.param.raw) {
        return { kind: 'tensor', tensor: layerOutput(self.param.raw) };
      }
      return sym(`${interp.text(node)}`);
  }
}

/** `torch.x(...)` and `F.x(...)` that are not activations. */
function callTensorFunction(interp: Interpreter, fn: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
  if (fn === 'no_grad' || fn === 'enable_grad' || fn === 'manual_seed') {
    return NONE;
  }
  if (TENSOR_FACTORIES.has(fn)) {
    if (ctx.inForward) {
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    return newTensorFrom(fn, args, kwargs, node);
  }
  const tensors = flattenTensors([...args, ...kwargs.values()]);
  if (fn === 'linear' || fn.startsWith('conv')) {
    // F.linear(x, self.weight): a raw parameter used as a layer.
    const input = args[0];
    if (input?.kind === 'tensor') {
      consumeLinearly(input.tensor);
    }
    // The weight and bias (raw parameters, or tensors made from them) are the layer here.
    const pieces = [args[1] ?? kwargs.get('weight'), args[2] ?? kwargs.get('bias')];
    const pending: ReturnType<typeof tensorOf>[] = [];
    for (const piece of pieces) {
      if (piece?.kind === 'param' && piece.param.raw) {
        pending.push(layerOutput(piece.param.raw));
      } else if (piece?.kind === 'tensor') {
        pending.push(piece.tensor);
      }
    }
    return { kind: 'tensor', tensor: merge(pending) };
  }
  if (LINEAR_OPS.has(fn)) {
    tensors.forEach((t) => consumeLinearly(t));
    return { kind: 'tensor', tensor: tensorOf([]) };
  }
  if (TRANSPARENT_OPS.has(fn)) {
    if (tensors.length === 0) {
      return sym(interp.text(node));
    }
    const merged = merge(tensors, tensors.length === 1 && tensors[0]!.skip);
    if (fn === 'chunk' || fn === 'split' || fn === 'unbind') {
      return list([{ kind: 'tensor', tensor: merged }], true, true);
    }
    return { kind: 'tensor', tensor: merged };
  }
  if (fn === 'clamp' || fn === 'clip') {
    const min = asNumber(args[1] ?? kwargs.get('min'));
    const max = args[2] ?? kwargs.get('max');
    if (min === 0 && (max === undefined || max.kind === 'none') && tensors[0]) {
      return interp.applyActivation({ name: 'relu', params: {}, range: node.range }, [{ kind: 'tensor', tensor: tensors[0] }], new Map(), node);
    }
  }
  return interp.callUnknown(sym(fn), [...args, ...kwargs.values()], node, ctx);
}

function flattenTensors(values: Value[]): ReturnType<typeof tensorOf>[] {
  const out: ReturnType<typeof tensorOf>[] = [];
  for (const value of values) {
    if (value.kind === 'tensor') {
      out.push(value.tensor);
    } else if (value.kind === 'list') {
      out.push(...flattenTensors(value.items));
    }
  }
  return out;
}

function newTensorFrom(fn: string, args: Value[], kwargs: Map<string, Value>, node: PyNode): Value {
  const shapeArgs = args.length === 1 && args[0]!.kind === 'list' ? (args[0] as Extract<Value, { kind: 'list' }>).items : fn === 'full' ? [args[0]!] : args;
  const shapeSource = fn === 'full' && args[0]?.kind === 'list' ? (args[0] as Extract<Value, { kind: 'list' }>).items : shapeArgs;
  const shape = fn === 'tensor' || fn.endsWith('_like') || fn === 'arange' || fn === 'linspace' ? undefined : shapeSource.map((v) => asDim(v)).filter((d): d is number | string => d !== null);
  const range = node.range;
  const make = (name: string, initArgs: Record<string, ArgValue>, variance: number | null): Value => ({
    kind: 'newTensor',
    tensor: { shape, init: { name, args: initArgs, source: 'call', variance, range } },
  });
  switch (fn) {
    case 'zeros':
    case 'zeros_like':
      return make('zeros', {}, 0);
    case 'ones':
    case 'ones_like':
      return make('ones', {}, 0);
    case 'randn':
    case 'randn_like':
      return make('normal', {}, 1);
    case 'rand':
      return make('uniform', {}, 1 / 12);
    case 'full': {
      const value = asNumber(args[1] ?? kwargs.get('fill_value'));
      return make('constant', value === undefined ? {} : { val: value }, 0);
    }
    case 'eye':
      return make('eye', {}, null);
    default:
      // torch.empty / Tensor(...): uninitialised memory until an init call writes it.
      return make('unknown', {}, null);
  }
}

function callTensorMethod(interp: Interpreter, self: Extract<Value, { kind: 'tensor' }>, method: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
  const activation = FUNCTIONAL_ACTIVATIONS[method];
  if (activation) {
    return interp.applyActivation({ name: activation.name, params: {}, range: node.range }, [self, ...args], kwargs, node);
  }
  if (method === 'clamp' || method === 'clamp_' || method === 'clip') {
    const min = asNumber(args[0] ?? kwargs.get('min'));
    const max = args[1] ?? kwargs.get('max');
    if (min === 0 && (max === undefined || max.kind === 'none')) {
      return interp.applyActivation({ name: 'relu', params: {}, range: node.range }, [self], new Map(), node);
    }
  }
  if (['matmul', 'mm', 'bmm'].includes(method)) {
    consumeLinearly(self.tensor);
    flattenTensors(args).forEach((t) => consumeLinearly(t));
    return { kind: 'tensor', tensor: tensorOf([]) };
  }
  if (TRANSPARENT_OPS.has(method) || ['div', 'mul', 'add', 'sub', 'neg', 'div_', 'mul_', 'add_', 'type', 'cuda', 'cpu', 'long', 'int', 'bool', 'unfold', 'fill_', 'zero_'].includes(method)) {
    const others = flattenTensors(args);
    const merged = merge([self.tensor, ...others], self.tensor.skip && others.length === 0);
    if (method === 'chunk' || method === 'split' || method === 'unbind') {
      return list([{ kind: 'tensor', tensor: merged }], true, true);
    }
    return { kind: 'tensor', tensor: merged };
  }
  if (method === 'size' || method === 'dim' || method === 'numel' || method === 'item') {
    return sym(method);
  }
  settle(self.tensor, 'unknown');
  return interp.callUnknown(sym(method), args, node, ctx);
}

function callModuleMethod(interp: Interpreter, module: ModuleInst, method: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
  const moduleValue: Value = { kind: 'module', module };
  switch (method) {
    case 'modules':
      return list(walkModules(module).map(([, m]) => ({ kind: 'module', module: m }) as Value));
    case 'named_modules':
      return list(walkModules(module).map(([n, m]) => list([str(n), { kind: 'module', module: m }], true)));
    case 'children':
      return list(directChildren(module).map(([, m]) => ({ kind: 'module', module: m }) as Value));
    case 'named_children':
      return list(directChildren(module).map(([n, m]) => list([str(n), { kind: 'module', module: m }], true)));
    case 'parameters':
      return list(namedParams(module, '').map(([, p]) => ({ kind: 'param', param: p }) as Value));
    case 'named_parameters':
      return list(namedParams(module, '').map(([n, p]) => list([str(n), { kind: 'param', param: p }], true)));
    case 'apply': {
      const fn = args[0];
      if (!fn || ctx.inForward) {
        return moduleValue;
      }
      const applyCtx: Context = { ...ctx, initSource: 'apply' };
      // nn.Module.apply: children first (recursively), then the module itself.
      for (const target of postOrder(module)) {
        interp.call(fn, [{ kind: 'module', module: target }], new Map(), node, applyCtx);
      }
      return moduleValue;
    }
    case 'add_module':
    case 'register_module': {
      const nameValue = args[0];
      const child = args[1];
      if (nameValue?.kind === 'str' && child?.kind === 'module') {
        interp.registerChild(module, nameValue.value, child.module);
      }
      return NONE;
    }
    case 'register_parameter': {
      const nameValue = args[0];
      const param = args[1];
      if (nameValue?.kind === 'str' && param?.kind === 'param' && param.param.raw) {
        interp.registerRawParam(module, nameValue.value, param.param.raw);
      }
      return NONE;
    }
    case 'append':
      if (args[0]?.kind === 'module') {
        const key = ctx.symbolicLoop ? '*' : String([...module.children.keys()].filter((k) => k !== '*').length);
        interp.registerChild(module, key, args[0].module);
      }
      return moduleValue;
    case 'extend': {
      const items = args[0]?.kind === 'list' ? args[0].items : [];
      const symbolic = args[0]?.kind === 'list' && args[0].symbolicCount;
      for (const item of items) {
        if (item.kind === 'module') {
          interp.registerChild(module, symbolic || ctx.symbolicLoop ? '*' : String(module.children.size), item.module);
        }
      }
      return moduleValue;
    }
    case 'items':
      return list([...module.children.entries()].map(([k, m]) => list([str(k), { kind: 'module', module: m }], true)));
    case 'keys':
      return list([...module.children.keys()].map((k) => str(k)));
    case 'values':
      return list([...module.children.values()].map((m) => ({ kind: 'module', module: m }) as Value));
    case 'register_buffer':
    case 'to':
    case 'cuda':
    case 'cpu':
    case 'float':
    case 'double':
    case 'half':
    case 'train':
    case 'eval':
    case 'requires_grad_':
    case 'zero_grad':
      return method === 'register_buffer' ? NONE : moduleValue;
    case 'forward':
      return interp.callModule(module, args, kwargs, node, ctx);
    case 'reset_parameters':
      return NONE;
    default:
      if (ctx.inForward) {
        return interp.callUnknown(sym(method), args, node, ctx);
      }
      for (const param of allParams(module)) {
        void param;
      }
      return sym(`${module.className}.${method}(…)`);
  }
}

/** `module.modules()` order: pre-order, the module itself first; raw parameters are not modules. */
function walkModules(module: ModuleInst, prefix = ''): [string, ModuleInst][] {
  const out: [string, ModuleInst][] = [[prefix, module]];
  for (const [key, child] of module.children) {
    if (child.className !== 'Parameter') {
      out.push(...walkModules(child, prefix ? `${prefix}.${key}` : key));
    }
  }
  return out;
}

function directChildren(module: ModuleInst): [string, ModuleInst][] {
  return [...module.children.entries()].filter(([, c]) => c.className !== 'Parameter');
}

/** `module.apply(fn)` order: children recursively first, then the module. */
function postOrder(module: ModuleInst): ModuleInst[] {
  const out: ModuleInst[] = [];
  for (const [, child] of directChildren(module)) {
    out.push(...postOrder(child));
  }
  out.push(module);
  return out;
}

/** `named_parameters()`: own parameters first, then each child's, with dotted names. */
export function namedParams(module: ModuleInst, prefix: string): [string, ParamInst][] {
  const out: [string, ParamInst][] = [];
  const join = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (module.rawParam) {
    return [[prefix, module.rawParam]];
  }
  for (const [attr, param] of module.params) {
    out.push([join(attr), param]);
  }
  for (const [key, child] of module.children) {
    out.push(...namedParams(child, join(key)));
  }
  return out;
}

function callListMethod(self: Extract<Value, { kind: 'list' }>, method: string, args: Value[], ctx: Context): Value {
  switch (method) {
    case 'append':
      if (args[0]) {
        self.items.push(args[0]);
        if (ctx.symbolicLoop) {
          self.symbolicCount = true;
        }
      }
      return NONE;
    case 'extend':
      if (args[0]?.kind === 'list') {
        self.items.push(...args[0].items);
        self.symbolicCount ||= args[0].symbolicCount || ctx.symbolicLoop === true;
      }
      return NONE;
    case 'insert': {
      const index = asNumber(args[0]);
      if (index !== undefined && args[1]) {
        self.items.splice(index, 0, args[1]);
      }
      return NONE;
    }
    case 'pop':
      return self.items.pop() ?? NONE;
    case 'copy':
      return list([...self.items], self.tuple, self.symbolicCount);
    case 'index':
    case 'count':
      return sym(method);
    default:
      return sym(method);
  }
}

function callDictMethod(self: Extract<Value, { kind: 'dict' }>, method: string, args: Value[]): Value {
  switch (method) {
    case 'items':
      return list([...self.entries.entries()].map(([k, v]) => list([str(k), v], true)));
    case 'keys':
      return list([...self.entries.keys()].map((k) => str(k)));
    case 'values':
      return list([...self.entries.values()]);
    case 'get': {
      const key = args[0];
      return key && (key.kind === 'str' || key.kind === 'num') ? (self.entries.get(String(key.value)) ?? args[1] ?? NONE) : sym('get');
    }
    case 'pop': {
      const key = args[0];
      if (key && (key.kind === 'str' || key.kind === 'num')) {
        const value = self.entries.get(String(key.value));
        self.entries.delete(String(key.value));
        return value ?? args[1] ?? NONE;
      }
      return sym('pop');
    }
    case 'update':
      if (args[0]?.kind === 'dict') {
        for (const [k, v] of args[0].entries) {
          self.entries.set(k, v);
        }
      }
      return NONE;
    case 'setdefault': {
      const key = args[0];
      if (key && key.kind === 'str') {
        if (!self.entries.has(key.value)) {
          self.entries.set(key.value, args[1] ?? NONE);
        }
        return self.entries.get(key.value)!;
      }
      return sym('setdefault');
    }
    default:
      return sym(method);
  }
}

function callStrMethod(value: string, method: string, args: Value[], interp: Interpreter, node: PyNode): Value {
  const a = args[0];
  const argString = a?.kind === 'str' ? a.value : undefined;
  const tupleStrings = a?.kind === 'list' && a.items.every((i) => i.kind === 'str') ? a.items.map((i) => (i as { value: string }).value) : undefined;
  switch (method) {
    case 'endswith':
      if (tupleStrings) {
        return { kind: 'bool', value: tupleStrings.some((s) => value.endsWith(s)) };
      }
      return argString === undefined ? sym(interp.text(node)) : { kind: 'bool', value: value.endsWith(argString) };
    case 'startswith':
      if (tupleStrings) {
        return { kind: 'bool', value: tupleStrings.some((s) => value.startsWith(s)) };
      }
      return argString === undefined ? sym(interp.text(node)) : { kind: 'bool', value: value.startsWith(argString) };
    case 'find':
      return argString === undefined ? sym(interp.text(node)) : num(value.indexOf(argString));
    case 'rfind':
      return argString === undefined ? sym(interp.text(node)) : num(value.lastIndexOf(argString));
    case 'count':
      return argString === undefined ? sym(interp.text(node)) : num(value.split(argString).length - 1);
    case 'split':
      return list((argString === undefined ? value.split(/\s+/) : value.split(argString)).map((s) => str(s)));
    case 'rsplit':
      return list((argString === undefined ? value.split(/\s+/) : value.split(argString)).map((s) => str(s)));
    case 'replace':
      return argString !== undefined && args[1]?.kind === 'str' ? str(value.split(argString).join(args[1].value)) : sym(interp.text(node));
    case 'lower':
      return str(value.toLowerCase());
    case 'upper':
      return str(value.toUpperCase());
    case 'strip':
      return str(value.trim());
    case 'join':
      return a?.kind === 'list' && a.items.every((i) => i.kind === 'str') ? str(a.items.map((i) => (i as { value: string }).value).join(value)) : sym(interp.text(node));
    case 'format':
      return sym(interp.text(node));
    default:
      return sym(interp.text(node));
  }
}

function callSuper(interp: Interpreter, self: Value | undefined, method: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
  if (!self) {
    return NONE;
  }
  const owner = ctx.ownerClass;
  if (method !== '__init__' || !owner) {
    if (owner && self.kind === 'module') {
      const base = interp.localBase(owner);
      const found = base ? interp.findMethod(base, method) : undefined;
      if (found) {
        return interp.invoke(found.fn, self, args, kwargs, node, { ...ctx, ownerClass: found.owner });
      }
      if (method === 'forward' && self.module.torchClass) {
        return interp.callModule({ ...self.module, localClass: undefined }, args, kwargs, node, ctx);
      }
    }
    return NONE;
  }
  const base = interp.localBase(owner);
  if (base) {
    const init = interp.findMethod(base, '__init__');
    if (init) {
      return interp.invoke(init.fn, self, args, kwargs, node, { ...ctx, ownerClass: init.owner });
    }
  }
  const torchBase = interp.torchBase(owner);
  if (torchBase && torchBase !== 'Module' && self.kind === 'module') {
    interp.superInit(self.module, torchBase, args, kwargs, node, ctx);
  }
  return NONE;
}

function callPythonBuiltin(interp: Interpreter, callee: Builtin, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
  const a = args[0];
  switch (callee.name) {
    case 'range': {
      const numbers = args.map(asNumber);
      if (numbers.every((n): n is number => n !== undefined) && numbers.length > 0) {
        const [start, stop, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
        const out: Value[] = [];
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
          out.push(num(i));
          if (out.length > 4096) {
            break;
          }
        }
        return list(out);
      }
      return list([sym('*')], false, true);
    }
    case 'len':
      if (a?.kind === 'list' && !a.symbolicCount) {
        return num(a.items.length);
      }
      if (a?.kind === 'str') {
        return num(a.value.length);
      }
      if (a?.kind === 'dict') {
        return num(a.entries.size);
      }
      if (a?.kind === 'module' && !a.module.children.has('*')) {
        return num(directChildren(a.module).length);
      }
      return sym(interp.text(node));
    case 'int': {
      const n = asNumber(a);
      if (n !== undefined) {
        return num(Math.trunc(n));
      }
      return a?.kind === 'str' && /^-?\d+$/.test(a.value) ? num(Number(a.value)) : sym(interp.text(node));
    }
    case 'float': {
      const n = asNumber(a);
      return n !== undefined ? num(n) : a?.kind === 'str' && Number.isFinite(Number(a.value)) ? num(Number(a.value)) : sym(interp.text(node));
    }
    case 'bool': {
      return a ? ({ kind: 'bool', value: asNumber(a) !== 0 } as Value) : { kind: 'bool', value: false };
    }
    case 'str':
      return a && (a.kind === 'num' || a.kind === 'str') ? str(String(a.value)) : sym(interp.text(node));
    case 'min':
    case 'max':
    case 'sum': {
      const items = args.length === 1 && a?.kind === 'list' ? a.items : args;
      const numbers = items.map(asNumber);
      if (numbers.length > 0 && numbers.every((n): n is number => n !== undefined)) {
        return num(callee.name === 'min' ? Math.min(...numbers) : callee.name === 'max' ? Math.max(...numbers) : numbers.reduce((x, y) => x + y, 0));
      }
      return sym(interp.text(node));
    }
    case 'abs': {
      const n = asNumber(a);
      return n === undefined ? sym(interp.text(node)) : num(Math.abs(n));
    }
    case 'round': {
      const n = asNumber(a);
      const digits = asNumber(args[1]) ?? 0;
      return n === undefined ? sym(interp.text(node)) : num(Math.round(n * 10 ** digits) / 10 ** digits);
    }
    case 'pow': {
      const x = asNumber(a);
      const y = asNumber(args[1]);
      return x === undefined || y === undefined ? sym(interp.text(node)) : num(x ** y);
    }
    case 'list':
    case 'tuple':
    case 'sorted':
    case 'reversed': {
      if (!a) {
        return list([], callee.name === 'tuple');
      }
      const { items, symbolic } = interp.iterate(a, ctx);
      if (!items) {
        return sym(interp.text(node));
      }
      const copy = [...items];
      if (callee.name === 'reversed') {
        copy.reverse();
      }
      return list(copy, callee.name === 'tuple', symbolic);
    }
    case 'dict':
      return { kind: 'dict', entries: new Map([...(a?.kind === 'dict' ? a.entries : []), ...kwargs]) };
    case 'OrderedDict': {
      if (a?.kind === 'list') {
        const entries = new Map<string, Value>();
        for (const pair of a.items) {
          if (pair.kind === 'list' && pair.items[0]?.kind === 'str' && pair.items[1]) {
            entries.set(pair.items[0].value, pair.items[1]);
          }
        }
        return { kind: 'dict', entries };
      }
      return { kind: 'dict', entries: a?.kind === 'dict' ? new Map(a.entries) : new Map() };
    }
    case 'enumerate': {
      if (!a) {
        return sym(interp.text(node));
      }
      const { items, symbolic } = interp.iterate(a, ctx);
      if (!items) {
        return sym(interp.text(node));
      }
      const start = asNumber(args[1] ?? kwargs.get('start')) ?? 0;
      return list(items.map((item, i) => list([symbolic ? sym('*') : num(start + i), item], true)), false, symbolic);
    }
    case 'zip': {
      const iterated = args.map((arg) => interp.iterate(arg, ctx));
      if (iterated.some((it) => !it.items)) {
        return sym(interp.text(node));
      }
      const length = Math.min(...iterated.map((it) => it.items!.length));
      return list(
        Array.from({ length }, (_, i) => list(iterated.map((it) => it.items![i]!), true)),
        false,
        iterated.some((it) => it.symbolic),
      );
    }
    case 'isinstance':
      return isInstance(interp, a, args[1]);
    case 'issubclass':
      return sym(interp.text(node));
    case 'hasattr': {
      const nameValue = args[1];
      if (a?.kind === 'module' && nameValue?.kind === 'str') {
        const m = a.module;
        const has = m.params.has(nameValue.value) || m.children.has(nameValue.value) || m.attrs.has(nameValue.value) || nameValue.value in m.config;
        return { kind: 'bool', value: has };
      }
      return sym(interp.text(node));
    }
    case 'getattr': {
      const nameValue = args[1];
      if (a && nameValue?.kind === 'str') {
        const value = interp.getAttribute(a, nameValue.value, node, ctx);
        if (value.kind === 'sym' && args[2]) {
          return args[2];
        }
        return value;
      }
      return args[2] ?? sym(interp.text(node));
    }
    case 'setattr': {
      const nameValue = args[1];
      if (a && nameValue?.kind === 'str' && args[2]) {
        interp.setAttribute(a, nameValue.value, args[2], node, ctx);
      }
      return NONE;
    }
    case 'type':
      if (a?.kind === 'module') {
        return a.module.localClass ? { kind: 'localClass', cls: a.module.localClass } : { kind: 'torchClass', name: a.module.className };
      }
      return sym(interp.text(node));
    case 'super':
      return { kind: 'builtin', name: 'super', self: ctx.self };
    case 'partial': {
      const target = a;
      const rest = args.slice(1);
      if (target?.kind === 'torchClass' || target?.kind === 'localClass') {
        return { ...target, bound: { args: rest, kwargs: new Map(kwargs) } };
      }
      return sym(interp.text(node));
    }
    case 'cast':
      return args[1] ?? NONE;
    case 'print':
    case 'iter':
    case 'next':
    case 'map':
    case 'filter':
    case 'any':
    case 'all':
    case 'set':
    case 'divmod':
      return callee.name === 'print' ? NONE : sym(interp.text(node));
    default:
      return sym(interp.text(node));
  }
}

/** `isinstance(m, cls)` for modules of torch classes and local subclasses. */
function isInstance(interp: Interpreter, value: Value | undefined, classes: Value | undefined): Value {
  if (!value || !classes) {
    return sym('isinstance');
  }
  const candidates = classes.kind === 'list' ? classes.items : [classes];
  if (value.kind === 'module') {
    const chain = moduleClassChain(interp, value.module);
    for (const candidate of candidates) {
      if (candidate.kind === 'torchClass' && chain.torch.includes(candidate.name)) {
        return { kind: 'bool', value: true };
      }
      if (candidate.kind === 'localClass' && chain.local.includes(candidate.cls.name)) {
        return { kind: 'bool', value: true };
      }
      if (candidate.kind === 'sym') {
        return sym('isinstance');
      }
    }
    return { kind: 'bool', value: false };
  }
  if (value.kind === 'param') {
    return { kind: 'bool', value: candidates.some((c) => c.kind === 'torchClass' && c.name === 'Parameter') };
  }
  if (value.kind === 'num' || value.kind === 'str' || value.kind === 'bool' || value.kind === 'none' || value.kind === 'list' || value.kind === 'dict') {
    return { kind: 'bool', value: false };
  }
  return sym('isinstance');
}

function moduleClassChain(interp: Interpreter, module: ModuleInst): { torch: string[]; local: string[] } {
  const local: string[] = [];
  for (let cls = module.localClass; cls; cls = interp.localBase(cls)) {
    local.push(cls.name);
  }
  const torch = module.torchClass ? torchClassChain(module.torchClass) : ['Module'];
  return { torch, local };
}

/** erf by the Abramowitz–Stegun 7.1.26 bound is too coarse; this series/continued fraction is exact to ~1e-15. */
function erfApprox(x: number): number {
  const t = Math.abs(x);
  if (t < 2.5) {
    let sum = t;
    let term = t;
    for (let n = 1; n < 60; n++) {
      term *= (-t * t) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc.
  let f = 0;
  for (let n = 60; n >= 1; n--) {
    f = n / 2 / (t + f);
  }
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}
