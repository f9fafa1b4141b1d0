/**
 * `torch.nn.init` calls, in-place tensor methods on parameters, tensor factories in `__init__`, and
 * `torch.*` / `F.*` functions and tensor methods in `forward` (linear, transparent, or unknown).
 */
import type { ArgValue } from '../../graph';
import type { PyNode } from '../../python/ast';
import { torchCalculateGain } from '../../activations';
import { FUNCTIONAL_ACTIVATIONS, LINEAR_OPS, NORM_FUNCTIONS, TRANSPARENT_OPS } from './catalog';
import { INIT_SIGNATURES, scaleInit, TENSOR_INIT_METHODS, writeInit, type InitTarget } from './initCalls';
import { consumeLinearly, layerOutput, merge, normalizeThrough, settle, tensorOf } from './flow';
import type { Context, Interpreter } from './interpreter';
import { asArg, asDim, asNumber, list, NONE, num, sym, valueText, type NewTensor, type ParamInst, type Value } from './values';

const TENSOR_FACTORIES = new Set([
  'zeros',
  'ones',
  'empty',
  'randn',
  'rand',
  'full',
  'eye',
  'tensor',
  'zeros_like',
  'ones_like',
  'randn_like',
  'empty_like',
  'arange',
  'linspace',
  'Tensor',
  'FloatTensor',
]);

export function callInit(interp: Interpreter, fn: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context, argNodes: PyNode[]): Value {
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
    writeInit(initTarget, fn, written, ctx.initSource, node.range, ctx.uncertain, ctx.applySite);
  }
  return target ?? NONE;
}

export function targetOf(value: Value | undefined): InitTarget | undefined {
  if (value?.kind === 'param') {
    return value.param;
  }
  if (value?.kind === 'newTensor') {
    return value.tensor;
  }
  return undefined;
}

export function callParamMethod(
  interp: Interpreter,
  self: Extract<Value, { kind: 'param' | 'newTensor' }>,
  method: string,
  args: Value[],
  node: PyNode,
  ctx: Context,
): Value {
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
    writeInit(target, initMethod.name, written, ctx.initSource, node.range, ctx.uncertain, ctx.applySite);
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
        return target.shape
          ? list(
              target.shape.map((d) => (typeof d === 'number' ? num(d) : sym(d))),
              true,
            )
          : sym('size');
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
        return { kind: 'tensor', tensor: layerOutput(interp.file.clock, self.param.raw) };
      }
      return sym(`${interp.text(node)}`);
  }
}

/** `torch.x(...)` and `F.x(...)` that are not activations. */
export function callTensorFunction(interp: Interpreter, fn: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
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
        pending.push(layerOutput(interp.file.clock, piece.param.raw));
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
  if (NORM_FUNCTIONS.has(fn) && args[0]?.kind === 'tensor') {
    // F.layer_norm(x, shape, self.weight, self.bias): x is re-normalised; raw weight/bias are the norm.
    const norms = [...args.slice(1), ...kwargs.values()].flatMap((arg) => (arg.kind === 'param' && arg.param.raw ? [arg.param.raw] : []));
    return { kind: 'tensor', tensor: normalizeThrough(interp.file.clock, args[0].tensor, norms) };
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

export function flattenTensors(values: Value[]): ReturnType<typeof tensorOf>[] {
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

export function newTensorFrom(fn: string, args: Value[], kwargs: Map<string, Value>, node: PyNode): Value {
  const shapeArgs = args.length === 1 && args[0]!.kind === 'list' ? (args[0] as Extract<Value, { kind: 'list' }>).items : fn === 'full' ? [args[0]!] : args;
  const shapeSource = fn === 'full' && args[0]?.kind === 'list' ? (args[0] as Extract<Value, { kind: 'list' }>).items : shapeArgs;
  const shape =
    fn === 'tensor' || fn.endsWith('_like') || fn === 'arange' || fn === 'linspace'
      ? undefined
      : shapeSource.map((v) => asDim(v)).filter((d): d is number | string => d !== null);
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

export function callTensorMethod(
  interp: Interpreter,
  self: Extract<Value, { kind: 'tensor' }>,
  method: string,
  args: Value[],
  kwargs: Map<string, Value>,
  node: PyNode,
  ctx: Context,
): Value {
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
  if (
    TRANSPARENT_OPS.has(method) ||
    ['div', 'mul', 'add', 'sub', 'neg', 'div_', 'mul_', 'add_', 'type', 'cuda', 'cpu', 'long', 'int', 'bool', 'unfold', 'fill_', 'zero_'].includes(method)
  ) {
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
