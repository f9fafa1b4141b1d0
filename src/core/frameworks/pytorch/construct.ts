/**
 * Builds module instances for torch.nn classes from resolved constructor arguments: parameter
 * shapes, fans, and the initializer each module's own `reset_parameters` applies (PyTorch sources:
 * `torch/nn/modules/linear.py` Linear/Bilinear.reset_parameters, `conv.py` _ConvNd.reset_parameters,
 * `sparse.py` Embedding.reset_parameters, `rnn.py` RNNBase/RNNCellBase.reset_parameters,
 * `activation.py` MultiheadAttention._reset_parameters, `normalization.py`, `batchnorm.py`).
 */
import { structuralModule } from './structuralOps';
import type { Dim, InitInForce, Range } from '../../graph';
import { argValueOf, asNumber, bool, NONE, num, str } from '../../python/eval/values';
import { ACTIVATION_MODULE_NAMES, TORCH_MODULES } from './catalog';
import { textOf, type TorchValue } from './torchHost';
import type { ModuleInst, ParamInst } from './values';

/** A fresh module instance with nothing registered yet. */
export function newModule(className: string, range: Range, ownerClass: string, torchClass?: string): ModuleInst {
  return {
    className,
    torchClass,
    children: new Map(),
    params: new Map(),
    config: {},
    fanIn: null,
    fanOut: null,
    range,
    ownerClass,
    flow: { residual: false, normalized: false },
  };
}

/** Arguments of a constructor call matched to the catalogue signature, with the text of values that are not numbers. */
export class BoundArgs extends Map<string, TorchValue> {
  constructor(
    readonly show: (v: TorchValue) => string,
    entries: Iterable<[string, TorchValue]> = [],
  ) {
    super(entries);
  }

  /** An argument as a graph dimension: a number, or the text of what it is. */
  dim(name: string): Dim | null {
    return dimText(this.get(name), this.show);
  }
}

function dimText(value: TorchValue | undefined, show: (v: TorchValue) => string): Dim | null {
  return value ? (asNumber(value) ?? textOf(value, show)) : null;
}

/** Matches positional and keyword arguments to a torch class's signature (unknown keywords are kept). */
export function bindTorchArgs(className: string, args: TorchValue[], kwargs: Map<string, TorchValue>, show: (v: TorchValue) => string): BoundArgs {
  const params = TORCH_MODULES[className]?.params ?? [];
  const bound = new BoundArgs(show);
  args.forEach((value, index) => {
    const param = params[index];
    if (param) {
      bound.set(param.name, value);
    }
  });
  for (const [name, value] of kwargs) {
    bound.set(name, value);
  }
  for (const param of params) {
    if (!bound.has(param.name) && param.default !== undefined) {
      bound.set(param.name, literal(param.default));
    }
  }
  return bound;
}

function literal(value: number | string | boolean | null): TorchValue {
  return value === null ? NONE : typeof value === 'number' ? num(value, !Number.isInteger(value)) : typeof value === 'string' ? str(value) : bool(value);
}

/** The product of a kernel size (an int or a tuple), repeated over `dims` when an int. */
function kernelVolume(bound: BoundArgs, dims: number): Dim | null {
  const kernel = bound.get('kernel_size');
  if (!kernel) {
    return null;
  }
  if (kernel.kind === 'list') {
    let product: Dim | null = 1;
    for (const item of kernel.items) {
      product = multiply(product, dimText(item, bound.show));
    }
    return product;
  }
  const k = bound.dim('kernel_size');
  if (typeof k === 'number') {
    return k ** dims;
  }
  return k === null ? null : dims === 1 ? k : `${k}**${dims}`;
}

/** Multiplies dimensions; symbols compose as text. */
export function multiply(a: Dim | null, b: Dim | null): Dim | null {
  if (a === null || b === null) {
    return null;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return a * b;
  }
  if (a === 1) {
    return b;
  }
  if (b === 1) {
    return a;
  }
  return `${wrap(a)} * ${wrap(b)}`;
}

/** Divides dimensions (integer division as PyTorch shapes do); symbols compose as text. */
export function divide(a: Dim | null, b: Dim | null): Dim | null {
  if (a === null || b === null) {
    return null;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return b === 0 ? null : Math.floor(a / b);
  }
  if (a === b) {
    // Depthwise: in_channels // groups with groups = in_channels.
    return 1;
  }
  if (b === 1) {
    return a;
  }
  return `${wrap(a)} // ${wrap(b)}`;
}

function wrap(d: Dim): string {
  return typeof d === 'number' || /^[\w.]+$/.test(d) ? String(d) : `(${d})`;
}

function defaultInit(variance: number | null, range: Range): InitInForce {
  return { name: 'default', args: {}, source: 'default', variance, range };
}

/** PyTorch's default weight/bias variance from kaiming_uniform_(a=√5): U(±1/√fan_in) → 1/(3·fan_in). */
function uniformFanInVariance(fanIn: Dim | null): number | null {
  return typeof fanIn === 'number' && fanIn > 0 ? 1 / (3 * fanIn) : null;
}

function addParam(module: ModuleInst, attr: string, key: string, shape: (Dim | null)[] | undefined, init: InitInForce): ParamInst {
  const param: ParamInst = {
    owner: module,
    attr,
    key,
    shape: shape && shape.every((d) => d !== null) ? (shape as Dim[]) : undefined,
    init,
  };
  module.params.set(attr, param);
  return param;
}

function recordConfig(module: ModuleInst, bound: BoundArgs, names: string[]): void {
  for (const name of names) {
    const value = bound.get(name);
    if (value !== undefined) {
      module.config[name] = argValueOf(value, textOf(value, bound.show));
    }
  }
}

function isFalse(value: TorchValue | undefined): boolean {
  return value !== undefined && ((value.kind === 'bool' && !value.value) || (value.kind === 'num' && value.value === 0) || value.kind === 'none');
}

/**
 * Creates the instance of a built-in torch.nn module (not containers, which the interpreter fills).
 * Returns undefined for classes the catalogue does not know.
 */
export function constructTorchModule(className: string, bound: BoundArgs, range: Range, ownerClass: string, baseClass = className): ModuleInst | undefined {
  const info = TORCH_MODULES[baseClass];
  if (!info) {
    return undefined;
  }
  const module = newModule(className, range, ownerClass, baseClass);
  const dim = (name: string) => bound.dim(name);
  switch (info.kind) {
    case 'layer':
      buildLayer(module, baseClass, bound, dim, range);
      break;
    case 'recurrent':
      buildRecurrent(module, baseClass, bound, dim, range);
      break;
    case 'attention':
      buildAttention(module, bound, dim, range, ownerClass);
      break;
    case 'norm': {
      const affineKey = baseClass === 'LayerNorm' || baseClass === 'RMSNorm' ? 'elementwise_affine' : 'affine';
      if (!isFalse(bound.get(affineKey))) {
        addParam(module, 'weight', 'weight', undefined, defaultInit(0, range));
        const hasBias = baseClass !== 'RMSNorm' && !(baseClass === 'LayerNorm' && isFalse(bound.get('bias')));
        if (hasBias) {
          addParam(module, 'bias', 'bias', undefined, defaultInit(0, range));
        }
      }
      recordConfig(module, bound, ['num_features', 'normalized_shape', 'num_groups', 'num_channels', 'eps', 'affine', 'elementwise_affine']);
      break;
    }
    case 'dropout':
      recordConfig(module, bound, ['p']);
      break;
    case 'activation':
      module.activation = activationFromModule(baseClass, bound);
      recordConfig(module, bound, ['negative_slope', 'alpha', 'approximate', 'beta', 'init']);
      break;
    default: {
      const structural = structuralModule(baseClass);
      if (structural !== undefined) {
        recordConfig(module, bound, structural.params);
        Object.assign(module.config, structural.preset);
      }
      break;
    }
  }
  return module;
}

/** The activation an activation module applies, with the parameters written in its call. */
export function activationFromModule(className: string, bound: BoundArgs): ModuleInst['activation'] {
  const name = ACTIVATION_MODULE_NAMES[className];
  if (!name) {
    return undefined;
  }
  const params: Record<string, number | string> = {};
  for (const key of ['negative_slope', 'alpha', 'approximate', 'beta', 'min_val', 'max_val']) {
    const value = bound.get(key);
    const info = TORCH_MODULES[className]?.params.find((p) => p.name === key);
    if (value === undefined || info === undefined) {
      continue;
    }
    const isDefault = (value.kind === 'num' || value.kind === 'str') && value.value === info.default;
    if (value.kind === 'num' || value.kind === 'str') {
      if (!isDefault) {
        params[key] = value.value;
      }
    } else {
      return 'unknown';
    }
  }
  if (className === 'PReLU') {
    const init = asNumber(bound.get('init'));
    params.negative_slope = init ?? 0.25;
  }
  return { name, params, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } };
}

function buildLayer(module: ModuleInst, cls: string, bound: BoundArgs, dim: (n: string) => Dim | null, range: Range): void {
  const hasBias = !isFalse(bound.get('bias'));
  if (cls === 'Linear' || cls === 'NonDynamicallyQuantizableLinear') {
    const fanIn = dim('in_features');
    const out = dim('out_features');
    module.fanIn = fanIn;
    module.fanOut = out;
    const variance = uniformFanInVariance(fanIn);
    addParam(module, 'weight', 'weight', [out, fanIn], defaultInit(variance, range));
    if (hasBias) {
      addParam(module, 'bias', 'bias', [out], defaultInit(variance, range));
    }
    recordConfig(module, bound, ['in_features', 'out_features', 'bias']);
    return;
  }
  if (cls === 'Bilinear') {
    const in1 = dim('in1_features');
    const in2 = dim('in2_features');
    const out = dim('out_features');
    module.fanIn = multiply(in1, in2);
    module.fanOut = multiply(out, in2);
    // Bilinear.reset_parameters: bound = 1/sqrt(weight.size(1)) = 1/sqrt(in1_features).
    const variance = uniformFanInVariance(in1);
    addParam(module, 'weight', 'weight', [out, in1, in2], defaultInit(variance, range));
    if (hasBias) {
      addParam(module, 'bias', 'bias', [out], defaultInit(variance, range));
    }
    recordConfig(module, bound, ['in1_features', 'in2_features', 'out_features', 'bias']);
    return;
  }
  if (cls.startsWith('Conv')) {
    const dims = Number(cls.charAt(cls.length - 2));
    const transpose = cls.startsWith('ConvTranspose');
    const inChannels = dim('in_channels');
    const outChannels = dim('out_channels');
    const groups = dim('groups') ?? 1;
    const receptive = kernelVolume(bound, dims);
    const kernel = bound.get('kernel_size');
    const kernelDims: (Dim | null)[] =
      kernel?.kind === 'list' ? kernel.items.map((item) => dimText(item, bound.show)) : Array.from({ length: dims }, () => bound.dim('kernel_size'));
    // Conv weight (out, in/groups, *k); ConvTranspose weight (in, out/groups, *k).
    const shape = transpose ? [inChannels, divide(outChannels, groups), ...kernelDims] : [outChannels, divide(inChannels, groups), ...kernelDims];
    module.fanIn = multiply(shape[1] ?? null, receptive);
    module.fanOut = multiply(shape[0] ?? null, receptive);
    const variance = uniformFanInVariance(module.fanIn);
    addParam(module, 'weight', 'weight', shape, defaultInit(variance, range));
    if (hasBias) {
      addParam(module, 'bias', 'bias', [outChannels], defaultInit(variance, range));
    }
    recordConfig(module, bound, ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'groups', 'dilation', 'bias']);
    return;
  }
  if (cls === 'Embedding' || cls === 'EmbeddingBag') {
    const count = dim('num_embeddings');
    const width = dim('embedding_dim');
    module.fanIn = width;
    module.fanOut = count;
    // Embedding.reset_parameters: init.normal_(self.weight) → N(0, 1).
    addParam(module, 'weight', 'weight', [count, width], defaultInit(1, range));
    recordConfig(module, bound, ['num_embeddings', 'embedding_dim', 'padding_idx']);
  }
}

function buildRecurrent(module: ModuleInst, cls: string, bound: BoundArgs, dim: (n: string) => Dim | null, range: Range): void {
  const gates = cls.startsWith('LSTM') ? 4 : cls.startsWith('GRU') ? 3 : 1;
  const input = dim('input_size');
  const hidden = dim('hidden_size');
  const rows = multiply(gates, hidden);
  module.fanIn = input;
  module.fanOut = rows;
  // RNNBase.reset_parameters: every weight and bias U(-1/√hidden, 1/√hidden) → 1/(3·hidden).
  const variance = typeof hidden === 'number' && hidden > 0 ? 1 / (3 * hidden) : null;
  const hasBias = !isFalse(bound.get('bias'));
  const cell = cls.endsWith('Cell');
  const layers = cell ? 1 : asNumber(bound.get('num_layers'));
  const bidirectional = bound.get('bidirectional');
  const directions = !cell && bidirectional?.kind === 'bool' && bidirectional.value ? 2 : 1;
  const suffixes: string[] = [];
  if (cell) {
    suffixes.push('');
  } else {
    for (let layer = 0; layer < (layers ?? 1); layer++) {
      suffixes.push(`_l${layers === undefined ? '*' : layer}`);
      if (directions === 2) {
        suffixes.push(`_l${layers === undefined ? '*' : layer}_reverse`);
      }
    }
  }
  suffixes.forEach((suffix, index) => {
    const layerInput = index < directions ? input : multiply(directions, hidden);
    addParam(module, `weight_ih${suffix}`, 'weight_ih', [rows, layerInput], defaultInit(variance, range));
    addParam(module, `weight_hh${suffix}`, 'weight_hh', [rows, hidden], defaultInit(variance, range));
    if (hasBias) {
      addParam(module, `bias_ih${suffix}`, 'bias_ih', [rows], defaultInit(variance, range));
      addParam(module, `bias_hh${suffix}`, 'bias_hh', [rows], defaultInit(variance, range));
    }
  });
  recordConfig(module, bound, ['input_size', 'hidden_size', 'num_layers', 'nonlinearity', 'bias', 'bidirectional']);
}

function buildAttention(module: ModuleInst, bound: BoundArgs, dim: (n: string) => Dim | null, range: Range, ownerClass: string): void {
  const embed = dim('embed_dim');
  const rows = multiply(3, embed);
  module.fanIn = embed;
  module.fanOut = rows;
  // MultiheadAttention._reset_parameters: xavier_uniform_(in_proj_weight) on (3E, E) → 2/(4E); biases 0.
  const variance = typeof embed === 'number' && embed > 0 ? 2 / (4 * embed) : null;
  addParam(module, 'in_proj_weight', 'in_proj_weight', [rows, embed], defaultInit(variance, range));
  const hasBias = !isFalse(bound.get('bias'));
  if (hasBias) {
    addParam(module, 'in_proj_bias', 'in_proj_bias', [rows], defaultInit(0, range));
  }
  const outBound = new BoundArgs(bound.show, [
    ['in_features', bound.get('embed_dim') ?? NONE],
    ['out_features', bound.get('embed_dim') ?? NONE],
    ['bias', bool(hasBias)],
  ]);
  const outProj = constructTorchModule('Linear', outBound, range, ownerClass);
  if (outProj) {
    const bias = outProj.params.get('bias');
    if (bias) {
      bias.init = defaultInit(0, range);
    }
    module.children.set('out_proj', outProj);
  }
  recordConfig(module, bound, ['embed_dim', 'num_heads', 'bias']);
}
