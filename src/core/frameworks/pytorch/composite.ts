/**
 * Built-in composite modules: `nn.TransformerEncoderLayer` / `DecoderLayer` (PyTorch
 * `torch/nn/modules/transformer.py`: self_attn, linear1, dropout, linear2, norm1, norm2, …) and
 * `nn.TransformerEncoder` / `Decoder` (deep copies of the layer). Dropout inside them is left out.
 */
import type { Activation, Range } from '../../graph';
import { asNumber, bool, NONE, str, sym } from '../../python/eval/values';
import { bindTorchArgs, BoundArgs, constructTorchModule, newModule } from './construct';
import { attentionOutput, consumeLinearly, copyTensor, layerOutput, passThroughLayer, residualAdd, settle, tensorOf, type UseClock } from './flow';
import { allParams } from './torchModuleMethods';
import { varianceFor } from './initCalls';
import { hosted, moduleOf, tensorOfValue, tensorValue, type TorchValue } from './torchHost';
import type { ModuleInst, TensorInfo } from './values';

/** Builds a composite module's instance with its sub-layers. */
export function constructComposite(className: string, bound: BoundArgs, range: Range, owner: string): ModuleInst | undefined {
  if (className === 'TransformerEncoderLayer' || className === 'TransformerDecoderLayer') {
    return buildTransformerLayer(className, bound, range, owner);
  }
  if (className === 'Transformer') {
    return buildTransformer(bound, range, owner);
  }
  const layer = moduleOf(bound.get(className === 'TransformerEncoder' ? 'encoder_layer' : 'decoder_layer'));
  if (!layer) {
    return undefined;
  }
  const module = newModule(className, range, owner, className);
  const layers = newModule('ModuleList', range, owner, 'ModuleList');
  const count = asNumber(bound.get('num_layers'));
  if (count === undefined) {
    layers.children.set('*', cloneModule(layer));
  } else {
    // The count went through the file's budget (torchConstruction's boundRepeats): it is within its repeat bound.
    for (let i = 0; i < count; i++) {
      layers.children.set(String(i), cloneModule(layer));
    }
  }
  module.children.set('layers', layers);
  const norm = moduleOf(bound.get('norm'));
  if (norm) {
    module.children.set('norm', norm);
  }
  return module;
}

function buildTransformerLayer(className: string, bound: BoundArgs, range: Range, owner: string): ModuleInst {
  const module = newModule(className, range, owner, className);
  const dModel = bound.get('d_model') ?? sym('d_model');
  const feedForward = bound.get('dim_feedforward') ?? sym('dim_feedforward');
  const bias = bound.get('bias') ?? bool(true);
  const eps = bound.get('layer_norm_eps') ?? NONE;
  const build = (cls: string, args: TorchValue[], kwargs: [string, TorchValue][]) =>
    constructTorchModule(cls, bindTorchArgs(cls, args, new Map(kwargs), bound.show), range, owner);
  const attention = () => build('MultiheadAttention', [dModel, bound.get('nhead') ?? sym('nhead')], [['bias', bias]]);
  const linear = (input: TorchValue, output: TorchValue) => build('Linear', [input, output], [['bias', bias]]);
  const norm = () =>
    build(
      'LayerNorm',
      [dModel],
      [
        ['eps', eps],
        ['bias', bias],
      ],
    );
  const set = (name: string, child: ModuleInst | undefined) => child && module.children.set(name, child);
  set('self_attn', attention());
  if (className === 'TransformerDecoderLayer') {
    set('multihead_attn', attention());
  }
  set('linear1', linear(dModel, feedForward));
  set('linear2', linear(feedForward, dModel));
  set('norm1', norm());
  set('norm2', norm());
  if (className === 'TransformerDecoderLayer') {
    set('norm3', norm());
  }
  const normFirst = bound.get('norm_first');
  module.transformer = {
    activation: layerActivation(bound.get('activation') ?? str('relu'), range),
    normFirst: normFirst?.kind === 'bool' && normFirst.value,
  };
  return module;
}

/**
 * `nn.Transformer`: an encoder and a decoder stack, each with a final LayerNorm; its
 * `_reset_parameters` then applies `xavier_uniform_` to every parameter with more than one dimension.
 */
function buildTransformer(bound: BoundArgs, range: Range, owner: string): ModuleInst {
  const module = newModule('Transformer', range, owner, 'Transformer');
  const layerArgs = new BoundArgs(bound.show);
  for (const key of ['d_model', 'nhead', 'dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias']) {
    const value = bound.get(key);
    if (value) {
      layerArgs.set(key, value);
    }
  }
  const norm = () =>
    constructTorchModule(
      'LayerNorm',
      bindTorchArgs('LayerNorm', [bound.get('d_model') ?? sym('d_model')], new Map([['eps', bound.get('layer_norm_eps') ?? NONE]]), bound.show),
      range,
      owner,
    );
  const stack = (kind: 'Encoder' | 'Decoder', count: TorchValue | undefined) => {
    const layer = buildTransformerLayer(`Transformer${kind}Layer`, layerArgs, range, owner);
    const args = new BoundArgs(bound.show, [
      [kind === 'Encoder' ? 'encoder_layer' : 'decoder_layer', hosted({ kind: 'module', module: layer })],
      ['num_layers', count ?? sym('num_layers')],
    ]);
    const finalNorm = norm();
    if (finalNorm) {
      args.set('norm', hosted({ kind: 'module', module: finalNorm }));
    }
    return constructComposite(`Transformer${kind}`, args, range, owner);
  };
  const encoder = stack('Encoder', bound.get('num_encoder_layers'));
  const decoder = stack('Decoder', bound.get('num_decoder_layers'));
  if (encoder) {
    module.children.set('encoder', encoder);
  }
  if (decoder) {
    module.children.set('decoder', decoder);
  }
  for (const param of allParams(module)) {
    if (param.shape && param.shape.length > 1) {
      param.init = { name: 'xavier_uniform', args: {}, source: 'default', variance: varianceFor(param, 'xavier_uniform', {}), range };
    }
  }
  return module;
}

/** A deep copy with fresh identities (`copy.deepcopy` in `_get_clones`); `copies` records each module's copy. */
export function cloneModule(module: ModuleInst, copies?: Map<ModuleInst, ModuleInst>): ModuleInst {
  // As Python's deepcopy memo: a module reached twice (shared, or in a cycle) is copied once.
  const known = copies?.get(module);
  if (known) {
    return known;
  }
  const copy = newModule(module.className, module.range, module.ownerClass, module.torchClass);
  copies?.set(module, copy);
  copy.activation = module.activation;
  copy.config = { ...module.config };
  copy.fanIn = module.fanIn;
  copy.fanOut = module.fanOut;
  copy.transformer = module.transformer;
  for (const [key, param] of module.params) {
    copy.params.set(key, { ...param, owner: copy, init: { ...param.init } });
  }
  for (const [key, child] of module.children) {
    copy.children.set(key, cloneModule(child, copies));
  }
  if (module.rawParam) {
    copy.rawParam = copy.params.get(module.rawParam.attr) ?? { ...module.rawParam, owner: copy, raw: copy };
    copy.rawParam.raw = copy;
  }
  return copy;
}

/** The activation a transformer layer's `activation` argument names. */
function layerActivation(value: TorchValue, range: Range): Activation | 'unknown' {
  if (value.kind === 'str' && (value.value === 'relu' || value.value === 'gelu')) {
    return { name: value.value, params: {}, range };
  }
  if (value.kind === 'host' && value.host.kind === 'activation') {
    return { ...value.host.activation, range };
  }
  const module = moduleOf(value);
  if (module?.activation) {
    return module.activation === 'unknown' ? 'unknown' : { ...module.activation, range };
  }
  return 'unknown';
}

/** What running a composite needs: the first-use clock, and a way to apply a sub-module. */
export interface CompositeRunner {
  readonly clock: UseClock;
  callModule(module: ModuleInst, args: TorchValue[]): TorchValue;
}

/** Runs a composite module's forward over the data-flow primitives. */
export function runComposite(interp: CompositeRunner, module: ModuleInst, args: TorchValue[]): TorchValue {
  const tensor: TensorInfo = tensorOfValue(args[0]) ?? tensorOf([]);
  if (module.className === 'Transformer') {
    // forward(src, tgt): memory = encoder(src); output = decoder(tgt, memory).
    const encoder = module.children.get('encoder');
    const decoder = module.children.get('decoder');
    const memory = encoder ? interp.callModule(encoder, [args[0] ?? NONE]) : NONE;
    return decoder ? interp.callModule(decoder, [args[1] ?? args[0] ?? NONE, memory]) : memory;
  }
  if (module.className === 'TransformerEncoder' || module.className === 'TransformerDecoder') {
    // Each layer gets the running output and the extra inputs (a decoder's memory).
    const layers = module.children.get('layers');
    let value = tensorValue(tensor);
    const children = layers ? [...layers.children.values()] : [];
    for (const layer of layers?.children.has('*') ? [...children, ...children] : children) {
      value = interp.callModule(layer, [value, ...args.slice(1)]);
    }
    const norm = module.children.get('norm');
    return norm ? interp.callModule(norm, [value]) : value;
  }
  const child = (name: string) => module.children.get(name);
  const preNorm = module.transformer?.normFirst ?? false;
  const activation = module.transformer?.activation ?? 'unknown';
  const memory = tensorOfValue(args[1]);

  const attentionBlock = (x: TensorInfo, attention: ModuleInst | undefined, extra?: TensorInfo): TensorInfo => {
    const inputs = extra ? [x, extra] : [x];
    if (!attention) {
      inputs.forEach(consumeLinearly);
      return tensorOf([]);
    }
    return attentionOutput(interp.clock, attention, inputs);
  };
  const feedForward = (x: TensorInfo): TensorInfo => {
    consumeLinearly(x);
    const linear1 = child('linear1');
    const linear2 = child('linear2');
    if (!linear1 || !linear2) {
      return tensorOf([]);
    }
    const hidden = layerOutput(interp.clock, linear1);
    settle(hidden, activation);
    return layerOutput(interp.clock, linear2);
  };
  const norm = (x: TensorInfo, name: string): TensorInfo => {
    const layer = child(name);
    return layer ? passThroughLayer(interp.clock, x, layer) : x;
  };
  const decoder = module.className === 'TransformerDecoderLayer';
  let x: TensorInfo = copyTensor(tensor, true);
  if (preNorm) {
    x = residualAdd(attentionBlock(norm(x, 'norm1'), child('self_attn')), x);
    if (decoder) {
      x = residualAdd(attentionBlock(norm(x, 'norm2'), child('multihead_attn'), memory), x);
    }
    x = residualAdd(feedForward(norm(x, decoder ? 'norm3' : 'norm2')), x);
  } else {
    x = norm(residualAdd(attentionBlock(x, child('self_attn')), x), 'norm1');
    if (decoder) {
      x = norm(residualAdd(attentionBlock(x, child('multihead_attn'), memory), x), 'norm2');
    }
    x = norm(residualAdd(feedForward(x), x), decoder ? 'norm3' : 'norm2');
  }
  return tensorValue(copyTensor(x, false));
}
