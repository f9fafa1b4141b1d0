/**
 * Building torch.nn modules: constructors of layers, containers (`Sequential`, `ModuleList`,
 * `ModuleDict`) and composites, `nn.Parameter`, and a torch base class's constructor run on a local
 * subclass (`super().__init__(...)`, then the subclass's `reset_parameters` override).
 */
import type { Dim, InitSource } from '../../graph';
import { findInClass } from '../../python/eval/attributes';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { sym } from '../../python/eval/values';
import { TORCH_MODULES } from './catalog';
import { constructComposite } from './composite';
import { bindTorchArgs, constructTorchModule, multiply, newModule, type BoundArgs } from './construct';
import { hosted, moduleOf, type TorchHost, type TorchObject, type TorchRuntime, type TorchValue } from './torchHost';
import type { ModuleInst, ParamInst } from './values';
import { amount } from '../../python/eval/budget';

/** The class whose code creates a module (for fixes), or `<module>` at module level. */
export function ownerOf(site: Site<TorchHost>): string {
  return site.ctx.ownerClass?.name ?? '<module>';
}

/** The arguments that repeat a layer: `nn.LSTM(num_layers=…)`, `nn.TransformerEncoder(…, num_layers)`, `nn.Transformer`. */
const REPEAT_COUNTS = ['num_layers', 'num_encoder_layers', 'num_decoder_layers'];

/**
 * Repeat counts go through the file's budget: a count over its repeat bound becomes a symbol (the
 * constructors then build one symbolic copy, `_l*` or `*`), with a note, instead of a billion copies.
 */
function boundRepeats(bound: BoundArgs, site: Site<TorchHost>): BoundArgs {
  for (const name of REPEAT_COUNTS) {
    const value = bound.get(name);
    if (value?.kind === 'num' && !site.ev.budget.allowsRepeat(value.value, `${name}`)) {
      bound.set(name, sym(`${name}=${amount(value.value)}`));
    }
  }
  return bound;
}

export function construct(fw: TorchRuntime, name: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
  const owner = ownerOf(site);
  const range = site.node.range;
  if (name === 'Sequential' || name === 'ModuleList' || name === 'ModuleDict') {
    const container = newModule(name, range, owner, name);
    fillContainer(container, args, site);
    return fw.valueOf(container);
  }
  if (name === 'Parameter') {
    return makeParameter(args[0] ?? kwargs.get('data'), site);
  }
  if (name === 'Module') {
    return fw.valueOf(newModule('Module', range, owner, 'Module'));
  }
  const torchArgs = boundRepeats(bindTorchArgs(name, args, kwargs, site.ev.show), site);
  const module =
    TORCH_MODULES[name]?.kind === 'composite' ? constructComposite(name, torchArgs, range, owner) : constructTorchModule(name, torchArgs, range, owner);
  return module ? fw.valueOf(module) : sym(site.ev.text(site.node));
}

/** Registers the children of `Sequential(...)`, `ModuleList([...])`, `ModuleDict({...})`. */
export function fillContainer(container: ModuleInst, args: TorchValue[], site: Site<TorchHost>): void {
  const add = (key: string, value: TorchValue) => {
    const module = moduleOf(value);
    if (module) {
      container.children.set(key, module);
    } else if (value.kind !== 'none') {
      // A module the analysis cannot see keeps its index; data flow through it is unknown, not linear.
      container.children.set(key, newModule(site.ev.show(value), site.node.range, container.ownerClass));
    }
  };
  const first = args[0];
  const addDict = (dict: TorchValue) => {
    if (dict.kind === 'dict') {
      for (const entry of dict.entries.values()) {
        add(entry.key.kind === 'str' ? entry.key.value : childName(site.ev.show(entry.key)), entry.value);
      }
    }
  };
  if (container.torchClass === 'Sequential') {
    if (first?.kind === 'dict') {
      addDict(first);
      return;
    }
    args.forEach((arg, index) => add(String(index), arg));
    return;
  }
  if (first?.kind === 'list') {
    if (first.symbolicCount) {
      first.items.slice(0, 1).forEach((item) => add('*', item));
      return;
    }
    first.items.forEach((item, index) => add(String(index), item));
  } else if (first) {
    addDict(first);
  }
}

function makeParameter(data: TorchValue | undefined, site: Site<TorchHost>): TorchValue {
  const raw = newModule('Parameter', site.node.range, ownerOf(site), undefined);
  const host = data?.kind === 'host' ? data.host : undefined;
  const tensor =
    host?.kind === 'newTensor'
      ? host.tensor
      : host?.kind === 'param'
        ? { shape: host.param.shape, init: host.param.init }
        : { shape: undefined, init: { name: 'unknown', args: {}, source: 'unknown' as InitSource, variance: null, range: site.node.range } };
  const init = tensor.init.source === 'default' ? { ...tensor.init, source: 'call' as InitSource } : tensor.init;
  const param: ParamInst = { owner: raw, attr: 'weight', key: 'weight', shape: tensor.shape, init, raw };
  raw.rawParam = param;
  raw.params.set('weight', param);
  const shape = tensor.shape;
  if (shape && shape.length >= 2) {
    // PyTorch's fans: size(1)·∏size(2:) and size(0)·∏size(2:).
    const receptive = shape.slice(2).reduce<Dim | null>((acc, d) => multiply(acc, d), 1);
    raw.fanIn = multiply(shape[1]!, receptive);
    raw.fanOut = multiply(shape[0]!, receptive);
  }
  return hosted({ kind: 'param', param });
}

/** Runs a torch base class's constructor on a local subclass instance (`super().__init__(...)`). */
export function superInit(
  fw: TorchRuntime,
  instance: TorchObject,
  module: ModuleInst,
  torchBase: string,
  args: TorchValue[],
  kwargs: Kwargs<TorchHost>,
  site: Site<TorchHost>,
): void {
  if (torchBase === 'Sequential' || torchBase === 'ModuleList' || torchBase === 'ModuleDict') {
    fillContainer(module, args, site);
    return;
  }
  const torchArgs = boundRepeats(bindTorchArgs(torchBase, args, kwargs, site.ev.show), site);
  if (TORCH_MODULES[torchBase]?.kind === 'composite') {
    // `class TransformerModel(nn.Transformer)`: the base constructor builds the encoder and decoder.
    const built = constructComposite(torchBase, torchArgs, module.range, module.ownerClass);
    for (const [key, child] of built?.children ?? []) {
      module.children.set(key, child);
    }
    module.transformer = built?.transformer;
    return;
  }
  const built = constructTorchModule(module.className, torchArgs, module.range, module.ownerClass, torchBase);
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
  if (findInClass(instance.cls, 'reset_parameters')) {
    fw.withInitSource('reset_parameters', undefined, () => site.ev.callMethod(instance, 'reset_parameters', [], new Map(), site.node, site.ctx));
  }
}

/** A child's name from a key that is not known: `f"encoder_layer_{i}"` → `encoder_layer_*` (a count that is not static). */
function childName(text: string): string {
  const fstring = /^[rR]?[fF][rR]?(["'])(.*)\1$/.exec(text);
  return fstring ? fstring[2]!.replace(/\{[^}]*\}/g, '*') : text;
}
