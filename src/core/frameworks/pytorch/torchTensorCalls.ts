/**
 * Calls and operators on tensors: `torch.nn.init` functions and in-place tensor methods as writes of
 * the init in force, tensor factories in `__init__`, `torch.*` / `F.*` functions and tensor methods
 * in `forward` (linear, transparent, normalising or unknown), and `+ - * / @` between tensors
 * (residual joins) or on tensors made in `__init__` (scaled inits).
 */
import type { ArgValue, InitInForce, Range } from '../../graph';
import { torchCalculateGain } from '../../activations';
import type { PyNode } from '../../python/ast';
import { argValueOf, asNumber, NONE, list, sym, type ValueOf } from '../../python/eval/values';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { FUNCTIONAL_ACTIVATIONS, LINEAR_OPS, NORM_FUNCTIONS, TRANSPARENT_OPS } from './catalog';
import { consumeLinearly, layerOutput, merge, normalizeThrough, residualAdd, splitPieces, tensorOf } from './flow';
import { markJoin } from './joins';
import { recordOp, structuralFunction } from './structuralOps';
import { attentionForward, scaleOfHead, SCALE_OF_HEAD } from './projectionCalls';
import { INIT_SIGNATURES, scaleInit, TENSOR_INIT_METHODS, writeInit, type InitTarget } from './initCalls';
import { writeUnknownInit } from './torchModuleMethods';
import { dimOf, dimValue, hosted, tensorOfValue, tensorValue, type TorchHost, type TorchRuntime, type TorchValue } from './torchHost';
import type { ModuleInst, NewTensor, ParamInst, TensorInfo } from './values';

const TENSOR_FACTORIES = new Set(
  'zeros ones empty randn rand full eye tensor zeros_like ones_like randn_like empty_like arange linspace Tensor FloatTensor'.split(' '),
);
const PASSTHROUGH = new Set(['no_grad', 'enable_grad', 'inference_mode', 'manual_seed']);

/** The argument nodes of a call: positional in order, keywords by name. */
function argumentNodes(node: PyNode): { positional: PyNode[]; keywords: Map<string, PyNode> } {
  const children = node.type === 'call' ? (node.fields.arguments?.children ?? []) : [];
  const keywords = new Map<string, PyNode>();
  const positional: PyNode[] = [];
  for (const child of children) {
    if (child.type === 'keyword_argument' && child.fields.name && child.fields.value) {
      keywords.set(child.fields.name.text || '', child.fields.value);
    } else if (child.type !== 'comment') {
      positional.push(child);
    }
  }
  return { positional, keywords };
}

/** The init arguments of a call as the graph records them (source text where they do not resolve). */
function writtenArgs(names: string[], args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>, skip: number): Record<string, ArgValue> {
  const nodes = argumentNodes(site.node);
  const text = (node: PyNode | undefined, value: TorchValue) => (node ? site.ev.text(node) : site.ev.show(value));
  const written: Record<string, ArgValue> = {};
  args.slice(skip).forEach((value, index) => {
    const key = names[index];
    if (key) {
      written[key] = argValueOf(value, text(nodes.positional[index + skip], value));
    }
  });
  for (const [key, value] of kwargs) {
    if (key !== 'tensor' && key !== 'generator') {
      written[key] = argValueOf(value, text(nodes.keywords.get(key), value));
    }
  }
  return written;
}

function initTargetOf(value: TorchValue | undefined): { target: InitTarget; tag?: TorchHost } | undefined {
  if (value?.kind !== 'host') {
    return undefined;
  }
  if (value.host.kind === 'param') {
    return { target: value.host.param, tag: value.host };
  }
  return value.host.kind === 'newTensor' ? { target: value.host.tensor } : undefined;
}

function tagSource(tag: TorchHost | undefined): ReturnType<TorchRuntime['sourceFor']> | undefined {
  return tag?.kind === 'param' ? tag.source : undefined;
}

/** A structural function applied in forward (`F.max_pool2d(x, 2)`, `torch.cat([a, b], 1)`): recorded for the graph (structuralOps.ts). */
function recordFunctionOp(fw: TorchRuntime, name: string, tensors: TensorInfo[], args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): void {
  const structural = structuralFunction(name);
  if (structural === undefined || !fw.inForward) {
    return;
  }
  const config = writtenArgs(structural.params, args, kwargs, site, 1);
  recordOp(fw.clock, tensors, { kind: structural.kind, ...(structural.mode ? { mode: structural.mode } : {}), config, range: site.node.range });
}

/** `torch.nn.init.<name>(tensor, ...)` and `calculate_gain`. */
export function initCall(fw: TorchRuntime, name: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
  if (name === 'calculate_gain') {
    const nonlinearity = args[0] ?? kwargs.get('nonlinearity');
    const gain = nonlinearity?.kind === 'str' ? torchCalculateGain(nonlinearity.value, asNumber(args[1] ?? kwargs.get('param'))) : undefined;
    return gain === undefined ? sym(site.ev.text(site.node)) : { kind: 'num', value: gain, float: true };
  }
  const value = args[0] ?? kwargs.get('tensor');
  const found = initTargetOf(value);
  if (found && !fw.inForward) {
    const written = writtenArgs(INIT_SIGNATURES[name] ?? [], args, kwargs, site, 1);
    writeInit(found.target, name, written, fw.sourceFor(tagSource(found.tag), site.node), site.node.range, site.ctx.uncertain, fw.applySite);
  }
  return value ?? NONE;
}

/** `torch.<name>(...)` and `F.<name>(...)` that are not activations. */
export function tensorFunction(fw: TorchRuntime, name: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
  if (PASSTHROUGH.has(name)) {
    return NONE;
  }
  if (TENSOR_FACTORIES.has(name)) {
    return fw.inForward ? tensorValue(tensorOf([])) : newTensor(name, args, kwargs, site);
  }
  // A raw parameter read in forward (`repeat(self.cls_token, …)`, `torch.cat([self.cls, x])`) is that layer's output.
  const flowing = (value: TorchValue): TorchValue =>
    fw.inForward && value.kind === 'host' && value.host.kind === 'param' && value.host.param.raw
      ? tensorValue(layerOutput(fw.clock, value.host.param.raw))
      : value;
  const tensors = flattenTensors(
    [...args, ...kwargs.values()].map((value) => (value.kind === 'list' ? list(value.items.map(flowing), value.tuple) : flowing(value))),
  );
  if (name === 'distribution') {
    // `Categorical(logits=self.actor(x))`, `Normal(mu, std)`: the distribution takes its parameters as they are.
    tensors.forEach((t) => consumeLinearly(t));
    return sym(site.ev.text(site.node));
  }
  if (name === 'linear' || name.startsWith('conv')) {
    // F.linear(x, self.weight): the raw weight and bias are the layer here.
    const input = tensorOfValue(args[0]);
    if (input) {
      consumeLinearly(input);
    }
    const pending: TensorInfo[] = [];
    const owners = new Set<ModuleInst>();
    for (const piece of [args[1] ?? kwargs.get('weight'), args[2] ?? kwargs.get('bias')]) {
      if (piece?.kind === 'host' && piece.host.kind === 'param' && piece.host.param.raw) {
        pending.push(layerOutput(fw.clock, piece.host.param.raw));
      } else if (piece?.kind === 'host' && piece.host.kind === 'param') {
        // A layer subclass's own forward (`F.linear(x, self.weight.to(x.dtype), …)`): the output is the layer's.
        const param = piece.host.param;
        if (!owners.has(param.owner)) {
          owners.add(param.owner);
          pending.push(layerOutput(fw.clock, param.owner));
        }
        if (piece.host.derived) {
          derivedWeight(param, site);
        }
      } else if (tensorOfValue(piece)) {
        pending.push(tensorOfValue(piece)!);
      }
    }
    return tensorValue(merge(pending));
  }
  if (name === 'multi_head_attention_forward' && fw.inForward) {
    return attentionForward(fw, args, kwargs, site);
  }
  if (SCALE_OF_HEAD.has(name) && tensors.length > 0) {
    return scaleOfHead(tensors);
  }
  if (LINEAR_OPS.has(name)) {
    tensors.forEach((t) => consumeLinearly(t));
    return tensorValue(tensorOf([]));
  }
  const first = tensorOfValue(args[0]);
  const operator = ELEMENTWISE_CALLS[name];
  if (operator && (first || tensorOfValue(args[1] ?? kwargs.get('other')))) {
    // `torch.mul(a, b)`, `torch.add(a, b)`: the same as `a * b`, `a + b`.
    return tensorBinary(operator, first, tensorOfValue(args[1] ?? kwargs.get('other')), site, fw.forwardFrame);
  }
  if (NORM_FUNCTIONS.has(name) && first) {
    // F.layer_norm(x, shape, self.weight, self.bias): x is re-normalised; raw weight/bias are the norm.
    const norms = [...args.slice(1), ...kwargs.values()].flatMap((a) =>
      a.kind === 'host' && a.host.kind === 'param' && a.host.param.raw ? [a.host.param.raw] : [],
    );
    return tensorValue(normalizeThrough(fw.clock, first, norms));
  }
  if (TRANSPARENT_OPS.has(name)) {
    if (tensors.length === 0) {
      return sym(site.ev.text(site.node));
    }
    recordFunctionOp(fw, name, tensors, args, kwargs, site);
    const merged = merge(tensors, tensors.length === 1 && tensors[0]!.skip);
    return SPLITS.has(name)
      ? splitValue(merged, pieceCount(name, args[1] ?? kwargs.get(name === 'chunk' ? 'chunks' : 'split_size_or_sections')))
      : tensorValue(merged);
  }
  if ((name === 'clamp' || name === 'clip') && tensors[0]) {
    const max = args[2] ?? kwargs.get('max');
    if (asNumber(args[1] ?? kwargs.get('min')) === 0 && (max === undefined || max.kind === 'none')) {
      return fw.applyActivation({ name: 'relu', params: {}, range: site.node.range }, [tensorValue(tensors[0])], new Map(), site.node);
    }
  }
  return fw.unknownCall(name, args, kwargs, site);
}

/**
 * A layer computes with a tensor derived from its parameter (weight standardisation, a rescaled
 * weight): the parameter's init does not give the variance it computes with, so it is no verdict.
 */
function derivedWeight(param: ParamInst, site: Site<TorchHost>): void {
  if (param.init.name === 'unknown' && param.init.source === 'unknown') {
    return;
  }
  param.init = { name: 'unknown', args: {}, source: 'unknown', variance: null, range: site.node.range };
  site.ev.note(
    `line ${site.node.range.start.line + 1}: ${param.owner.className}.forward computes with a tensor derived from its ${param.attr} (such as weight standardisation): the init of ${param.attr} is not what the layer computes with, so it is unknown`,
  );
}

/** The tensors in values (lists flattened). */
function flattenTensors(values: TorchValue[]): TensorInfo[] {
  return values.flatMap((v) => (v.kind === 'list' ? flattenTensors(v.items) : (tensorOfValue(v) ?? [])));
}

/** A tensor made in `__init__` (`torch.zeros(d)`, `torch.randn(a, b)`), with the init its factory gives. */
function newTensor(name: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
  const first = args[0];
  const shapeArgs =
    args.length === 1 && first?.kind === 'list' ? first.items : name === 'full' ? (first?.kind === 'list' ? first.items : first ? [first] : []) : args;
  const shape =
    name === 'tensor' || name.endsWith('_like') || name === 'arange' || name === 'linspace'
      ? undefined
      : shapeArgs.map((v) => dimOf(v, site.ev.show)).filter((d): d is number | string => d !== null);
  const make = (init: string, initArgs: Record<string, ArgValue>, variance: number | null): TorchValue =>
    hosted({ kind: 'newTensor', tensor: { shape, init: { name: init, args: initArgs, source: 'call', variance, range: site.node.range } } });
  if (name === 'full') {
    const value = asNumber(args[1] ?? kwargs.get('fill_value'));
    return make('constant', value === undefined ? {} : { val: value }, 0);
  }
  // torch.empty / Tensor(...): uninitialised memory until an init call writes it.
  const [init, variance] = FACTORY_INITS[name.replace(/_like$/, '')] ?? ['unknown', null];
  return make(init, {}, variance);
}

/** The init and variance each tensor factory gives (a `_like` factory as its plain one). */
const FACTORY_INITS: Record<string, [string, number | null]> = {
  zeros: ['zeros', 0],
  ones: ['ones', 0],
  randn: ['normal', 1],
  rand: ['uniform', 1 / 12],
  eye: ['eye', null],
};

/** `tensor.<name>(...)` on a parameter, a tensor made in `__init__`, or a tensor in forward. */
export function tensorMethod(
  fw: TorchRuntime,
  self: Extract<TorchHost, { kind: 'param' | 'newTensor' | 'tensor' }>,
  name: string,
  args: TorchValue[],
  kwargs: Kwargs<TorchHost>,
  site: Site<TorchHost>,
): TorchValue {
  if (self.kind === 'tensor') {
    return flowingTensorMethod(fw, self.tensor, name, args, kwargs, site);
  }
  const target: InitTarget = self.kind === 'param' ? self.param : self.tensor;
  const source = fw.sourceFor(self.kind === 'param' ? self.source : undefined, site.node);
  const initMethod = TENSOR_INIT_METHODS[name];
  if (initMethod && !fw.inForward) {
    writeInit(target, initMethod.name, writtenArgs(initMethod.params, args, kwargs, site, 0), source, site.node.range, site.ctx.uncertain, fw.applySite);
    return hosted(self);
  }
  switch (name) {
    case 'mul_':
    case 'div_':
    case 'mul':
    case 'div': {
      const factor = asNumber(args[0]);
      const f = factor === undefined ? undefined : name.startsWith('div') ? 1 / factor : factor;
      if (fw.inForward) {
        return hosted(self);
      }
      const scaled = scaleInit(target.init, f, site.node.range);
      if (name.endsWith('_')) {
        target.init = site.ctx.uncertain ? { ...scaled, name: 'unknown', variance: null } : scaled;
        return hosted(self);
      }
      return self.kind === 'newTensor' ? hosted({ kind: 'newTensor', tensor: { shape: self.tensor.shape, init: scaled } }) : hosted(self);
    }
    case 'dim':
      return target.shape ? { kind: 'num', value: target.shape.length, float: false } : sym('dim');
    case 'size': {
      const index = asNumber(args[0]);
      const dims = target.shape?.map(dimValue);
      if (!dims) {
        return sym('size');
      }
      return index === undefined ? list(dims, true) : (dims[index < 0 ? dims.length + index : index] ?? sym('size'));
    }
    default:
      if (UNKNOWN_WRITES.has(name)) {
        writeUnknownInit(fw, hosted(self), site.node.range, source);
      }
      if (SAME_TENSOR.has(name) || UNKNOWN_WRITES.has(name)) {
        return hosted(self);
      }
      if (fw.inForward && self.kind === 'param' && self.param.raw) {
        return tensorValue(layerOutput(fw.clock, self.param.raw));
      }
      return sym(site.ev.text(site.node));
  }
}

function flowingTensorMethod(
  fw: TorchRuntime,
  tensor: TensorInfo,
  name: string,
  args: TorchValue[],
  kwargs: Kwargs<TorchHost>,
  site: Site<TorchHost>,
): TorchValue {
  const self = tensorValue(tensor);
  const activation = FUNCTIONAL_ACTIVATIONS[name];
  if (activation) {
    return fw.applyActivation({ name: activation.name, params: {}, range: site.node.range }, [self, ...args], kwargs, site.node);
  }
  if (name === 'clamp' || name === 'clamp_' || name === 'clip') {
    const max = args[1] ?? kwargs.get('max');
    if (asNumber(args[0] ?? kwargs.get('min')) === 0 && (max === undefined || max.kind === 'none')) {
      return fw.applyActivation({ name: 'relu', params: {}, range: site.node.range }, [self], new Map(), site.node);
    }
  }
  if (SCALE_OF_HEAD.has(name)) {
    return scaleOfHead([tensor]);
  }
  if (name === 'matmul' || name === 'mm' || name === 'bmm') {
    consumeLinearly(tensor);
    flattenTensors(args).forEach((t) => consumeLinearly(t));
    return tensorValue(tensorOf([]));
  }
  const operator = ELEMENTWISE_CALLS[name];
  const other = tensorOfValue(args[0] ?? kwargs.get('other'));
  if (operator && other) {
    // `a.mul(b)`, `a.add(b)` of two tensors: the same as `a * b`, `a + b` (by a number, the tensor passes on).
    return tensorBinary(operator, tensor, other, site, fw.forwardFrame);
  }
  if (TRANSPARENT_OPS.has(name) || TENSOR_PASSTHROUGH.has(name)) {
    const others = flattenTensors(args);
    if (name === 'flatten') {
      recordFunctionOp(fw, name, [tensor], [tensorValue(tensor), ...args], kwargs, site);
    }
    const merged = merge([tensor, ...others], tensor.skip && others.length === 0);
    return SPLITS.has(name) ? splitValue(merged, pieceCount(name, args[0] ?? kwargs.get(name === 'chunk' ? 'chunks' : 'split_size'))) : tensorValue(merged);
  }
  if (name === 'size' || name === 'dim' || name === 'numel' || name === 'item') {
    return sym(name);
  }
  return fw.unknownCall(name, [self, ...args], kwargs, site);
}

const SPLITS = new Set(['chunk', 'split', 'unbind']);

/** Elementwise calls that are the operators (`torch.mul(a, b)` is `a * b`; `a.add(b)` is `a + b`), with `torch.` or as tensor methods. */
const ELEMENTWISE_CALLS: Readonly<Record<string, string>> = { mul: '*', multiply: '*', add: '+', sub: '-', subtract: '-' };

/** How many pieces a split gives, when the code says: `chunk(3, …)`, `split([a, b], …)`; not for a split size or `unbind`. */
function pieceCount(name: string, sizes: TorchValue | undefined): number | undefined {
  if (name === 'chunk') {
    const count = asNumber(sizes);
    return count !== undefined && Number.isInteger(count) && count > 0 && count <= MAX_PIECES ? count : undefined;
  }
  return name === 'split' && sizes?.kind === 'list' && !sizes.symbolicCount && sizes.items.length <= MAX_PIECES ? sizes.items.length : undefined;
}

/** More pieces than this are not followed one by one (a chunk per head). */
const MAX_PIECES = 16;

/** The pieces of a split tensor: each followed on its own when their number is known, else one tensor standing for all. */
function splitValue(tensor: TensorInfo, count: number | undefined): TorchValue {
  if (count === undefined) {
    return list([tensorValue(tensor)], true, true);
  }
  return list(
    splitPieces(tensor, count).map((piece) => tensorValue(piece)),
    true,
  );
}

const TENSOR_PASSTHROUGH = new Set('div mul add sub neg div_ mul_ add_ type cuda cpu long int bool unfold fill_ zero_'.split(' '));
/** In-place tensor methods whose result the analysis does not follow: the init in force becomes unknown. */
const UNKNOWN_WRITES = new Set(
  'copy_ add_ sub_ clamp_ exponential_ bernoulli_ random_ geometric_ cauchy_ log_normal_ masked_fill_ index_fill_ scatter_ set_'.split(' '),
);
/** Tensor methods that give the tensor itself back. */
const SAME_TENSOR = new Set('requires_grad_ to float detach contiguous'.split(' '));

const COMPARISONS = new Set(['==', '!=', 'is', 'is not']);

/** Whether two values are the same torch class, module or parameter (undefined when not both such). */
function sameHost(a: TorchValue, b: TorchValue): boolean | undefined {
  if (a.kind !== 'host' || b.kind !== 'host') {
    return a.kind === 'none' || b.kind === 'none' ? false : undefined;
  }
  const x = a.host;
  const y = b.host;
  if (x.kind === 'class' && y.kind === 'class') {
    return x.name === y.name;
  }
  if (x.kind === 'module' && y.kind === 'module') {
    return x.module === y.module;
  }
  if (x.kind === 'param' && y.kind === 'param') {
    return x.param === y.param;
  }
  return x.kind === y.kind ? undefined : x.kind === 'class' || y.kind === 'class' ? false : undefined;
}

/** Names a skip connection's source is usually given. */
const SKIP_NAME = /^(x|identity|shortcut|residual|skip|res|inp|input|inputs|h|hidden|hidden_states)$/;

/**
 * Names a module applied to the block input on a skip path (`out + self.shortcut(x)`, CIFAR ResNets'
 * `nn.Sequential()` replaced by a conv and a norm when the shape changes).
 */
const SHORTCUT_MODULE = /^self\.(shortcut|downsample|skip|proj|projection|short_cut)$/;

/** `left <op> right` where one side is a PyTorch value. */
export function valueBinary(fw: TorchRuntime, operator: string, left: TorchValue, right: TorchValue, site: Site<TorchHost>): TorchValue | undefined {
  if (COMPARISONS.has(operator)) {
    const same = sameHost(left, right);
    return same === undefined ? undefined : { kind: 'bool', value: operator === '==' || operator === 'is' ? same : !same };
  }
  const asTensor = (v: TorchValue): TorchValue =>
    fw.inForward && v.kind === 'host' && v.host.kind === 'param' && v.host.param.raw ? tensorValue(layerOutput(fw.clock, v.host.param.raw)) : v;
  const l = asTensor(left);
  const r = asTensor(right);
  const lt = tensorOfValue(l);
  const rt = tensorOfValue(r);
  if (lt || rt) {
    return tensorBinary(operator, lt, rt, site, fw.forwardFrame);
  }
  const param = [l, r].find((v): v is ValueOf<TorchHost, 'host'> & { host: { kind: 'param' } } => v.kind === 'host' && v.host.kind === 'param');
  if (fw.inForward && param && !param.host.param.raw) {
    // Arithmetic on a layer's parameter in forward (`(w - m) / s`): a tensor derived from it.
    return hosted({ ...param.host, derived: true });
  }
  const isNew = (v: TorchValue) => v.kind === 'host' && v.host.kind === 'newTensor';
  if (isNew(l) || isNew(r)) {
    return newTensorBinary(operator, l, r, site);
  }
  return undefined;
}

function tensorBinary(operator: string, lt: TensorInfo | undefined, rt: TensorInfo | undefined, site: Site<TorchHost>, frame: number): TorchValue {
  if (operator === '@') {
    [lt, rt].forEach((t) => t && consumeLinearly(t));
    return tensorValue(tensorOf([]));
  }
  if ((operator === '+' || operator === '-') && lt && rt) {
    return tensorValue(add(lt, rt, site, frame));
  }
  if (operator === '*') {
    markJoin(lt, rt, 'product');
  }
  const pending = [lt, rt].filter((t): t is TensorInfo => t !== undefined);
  return tensorValue(merge(pending, pending.some((t) => t.skip) && pending.length === 1));
}

/** `a + b` of two tensors: a residual join when one side is the skip (`out += identity`: the left is the branch). */
function add(lt: TensorInfo, rt: TensorInfo, site: Site<TorchHost>, frame: number): TensorInfo {
  const certain = !site.ctx.uncertain;
  const node = site.node;
  if (node.type === 'augmented_assignment') {
    // `x += self.pos_embedding[:, :n]`: a raw parameter added to the stream is no residual branch.
    const parameterOnly = rt.last.size > 0 && [...rt.last].every((layer) => layer.className === 'Parameter');
    return (rt.pending.size === 0 && lt.pending.size === 0) || parameterOnly ? merge([lt, rt], true) : residualAdd(lt, rt, certain, frame);
  }
  if (lt.skip && !rt.skip) {
    return residualAdd(rt, lt, certain, frame);
  }
  if (rt.skip && !lt.skip) {
    return residualAdd(lt, rt, certain, frame);
  }
  const shortcutCall = (side: PyNode | undefined) =>
    side?.type === 'call' && side.fields.function !== undefined && SHORTCUT_MODULE.test(site.ev.text(side.fields.function));
  if (shortcutCall(node.fields.right) && !shortcutCall(node.fields.left)) {
    return residualAdd(lt, rt, certain);
  }
  if (shortcutCall(node.fields.left) && !shortcutCall(node.fields.right)) {
    return residualAdd(rt, lt, certain);
  }
  const name = (side: PyNode | undefined) => (side?.type === 'identifier' ? site.ev.text(side) : '');
  const leftName = name(node.fields.left);
  const rightName = name(node.fields.right);
  if (SKIP_NAME.test(rightName) && !SKIP_NAME.test(leftName)) {
    return residualAdd(lt, rt, certain, frame);
  }
  if (SKIP_NAME.test(leftName) && !SKIP_NAME.test(rightName)) {
    return residualAdd(rt, lt, certain, frame);
  }
  markJoin(lt, rt, 'sum');
  return merge([lt, rt], lt.skip || rt.skip);
}

/** Arithmetic on a tensor made in `__init__`: `torch.randn(d) * 0.02` scales its init. */
function newTensorBinary(operator: string, left: TorchValue, right: TorchValue, site: Site<TorchHost>): TorchValue {
  const isNew = left.kind === 'host' && left.host.kind === 'newTensor';
  const tensor = (isNew ? left : right) as { kind: 'host'; host: { kind: 'newTensor'; tensor: NewTensor } };
  const { shape, init } = tensor.host.tensor;
  const other = isNew ? right : left;
  const range: Range = (site.node.fields.left ?? site.node).range;
  const factor = asNumber(other);
  const made = (next: NewTensor['init']) => hosted({ kind: 'newTensor', tensor: { shape, init: next } });
  if (operator === '*' && factor === undefined && init.name === 'ones') {
    // `torch.ones(d) * layer_scale`: a constant whatever the value.
    return made({ ...init, name: 'constant', args: { val: { expr: site.ev.show(other) } }, variance: 0, range });
  }
  if (operator === '*' || (operator === '/' && isNew)) {
    const f = factor === undefined ? undefined : operator === '/' ? 1 / factor : factor;
    return made(scaleNewTensorInit(init, f, range));
  }
  if ((operator === '+' || operator === '-') && factor !== undefined && init.name === 'zeros') {
    return made({ ...init, name: 'constant', args: { val: factor }, variance: 0 });
  }
  return made({ ...init, name: 'unknown', args: {}, variance: null });
}

/** The init of `t * factor` for a tensor made in `__init__` (an unknown factor keeps the distribution, not its scale). */
function scaleNewTensorInit(init: InitInForce, factor: number | undefined, range: Range): InitInForce {
  if (init.name === 'zeros') {
    return init;
  }
  if (init.name === 'ones') {
    return factor === undefined ? { ...init, name: 'unknown', variance: null } : { ...init, name: 'constant', args: { val: factor }, variance: 0, range };
  }
  if (factor === undefined) {
    return { ...init, variance: null, args: { ...init.args, scale: { expr: '?' } } };
  }
  const variance = init.variance === null ? null : init.variance * factor * factor;
  if (init.name === 'normal') {
    const std = typeof init.args.std === 'number' ? init.args.std : 1;
    return { ...init, args: { ...init.args, std: std * Math.abs(factor) }, variance };
  }
  return { ...init, args: { ...init.args, scale: factor }, variance };
}
