/**
 * Methods of module instances as PyTorch defines them: `modules()`, `named_parameters()`,
 * `apply(fn)` (children first), container `append`/`extend`, `add_module`, `register_parameter`,
 * `state_dict()` / `load_state_dict()` (./stateDicts.ts).
 * Values they hand out carry the mechanism an init write through them records (`modules`,
 * `named_parameters`).
 */
import type { InitSource, Range } from '../../graph';
import { NONE, list, str, sym } from '../../python/eval/values';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { hosted, moduleOf, type TorchHost, type TorchRuntime, type TorchValue } from './torchHost';
import { loadStateDict, namedParams, stateDict } from './stateDicts';
import type { ModuleInst, ParamInst } from './values';

/** Methods that give the module itself back and change nothing the analysis reads. */
const RETURNS_SELF = new Set('to cuda cpu float double half train eval requires_grad_ zero_grad'.split(' '));

/** `module.<name>(...)`. */
export function moduleMethod(
  fw: TorchRuntime,
  module: ModuleInst,
  name: string,
  args: TorchValue[],
  kwargs: Kwargs<TorchHost>,
  site: Site<TorchHost>,
): TorchValue {
  const self = fw.valueOf(module);
  const pair = (key: string, value: TorchValue) => list([str<TorchHost>(key), value], true);
  switch (name) {
    case 'modules':
      return list(walkModules(module).map(([, m]) => fw.valueOf(m, 'modules')));
    case 'named_modules':
      return list(walkModules(module).map(([n, m]) => pair(n, fw.valueOf(m, 'modules'))));
    case 'children':
      return list(directChildren(module).map(([, m]) => fw.valueOf(m, 'modules')));
    case 'named_children':
      return list(directChildren(module).map(([n, m]) => pair(n, fw.valueOf(m, 'modules'))));
    case 'parameters':
      return list(namedParams(module, '').map(([, p]) => paramValue(p, 'named_parameters')));
    case 'named_parameters':
      return list(namedParams(module, '').map(([n, p]) => pair(n, paramValue(p, 'named_parameters'))));
    case 'apply': {
      const fn = args[0];
      if (!fn || fw.inForward) {
        return self;
      }
      // nn.Module.apply: children first (recursively), then the module itself.
      fw.withInitSource('apply', site.node.range, () => {
        for (const target of postOrder(module)) {
          site.ev.call(fn, [fw.valueOf(target)], new Map(), site.node, site.ctx);
        }
      });
      return self;
    }
    case 'add_module':
    case 'register_module': {
      const child = moduleOf(args[1]);
      if (args[0]?.kind === 'str' && child) {
        module.children.set(args[0].value, child);
      }
      return NONE;
    }
    case 'register_parameter': {
      const param = args[1];
      if (args[0]?.kind === 'str' && param?.kind === 'host' && param.host.kind === 'param' && param.host.param.raw) {
        fw.registerParameter(module, args[0].value, param.host.param);
      }
      return NONE;
    }
    case 'append': {
      const child = moduleOf(args[0]);
      if (child) {
        const key = site.ctx.symbolicLoop ? '*' : String([...module.children.keys()].filter((k) => k !== '*').length);
        module.children.set(key, child);
      }
      return self;
    }
    case 'extend': {
      const items = args[0]?.kind === 'list' ? args[0].items : [];
      const symbolic = (args[0]?.kind === 'list' && args[0].symbolicCount) || site.ctx.symbolicLoop;
      for (const item of items) {
        const child = moduleOf(item);
        if (child) {
          module.children.set(symbolic ? '*' : String(module.children.size), child);
        }
      }
      return self;
    }
    case 'items':
      return list([...module.children.entries()].map(([k, m]) => pair(k, fw.valueOf(m))));
    case 'keys':
      return list([...module.children.keys()].map((k) => str<TorchHost>(k)));
    case 'values':
      return list([...module.children.values()].map((m) => fw.valueOf(m)));
    case 'state_dict':
      return stateDict(module);
    case 'load_state_dict':
      return loadStateDict(fw, module, args[0] ?? kwargs.get('state_dict'), site);
    case 'register_buffer':
    case 'reset_parameters':
      return NONE;
    default:
      if (RETURNS_SELF.has(name)) {
        return self;
      }
      if (fw.inForward) {
        return fw.unknownCall(name, args, kwargs, site);
      }
      // A method the file does not define (`self.post_init()` from an imported base) may initialise
      // every weight: the init in force is unknown from here on.
      writeUnknownInit(fw, self, site.node.range, 'unknown');
      site.ev.note(`line ${site.node.range.start.line + 1}: ${name}() is not in the file; the inits it may write are unknown`);
      return sym(`${module.className}.${name}(…)`);
  }
}

function paramValue(param: ParamInst, source: InitSource): TorchValue {
  return hosted({ kind: 'param', param, source });
}

/** Marks what a value holds (a parameter, a new tensor, every parameter of a module) as written by something not followed. */
export function writeUnknownInit(fw: TorchRuntime, target: TorchValue | undefined, range: Range, source: InitSource): void {
  if (fw.inForward || !target) {
    // forward may rescale weights at run time (masks, equalized lr); that is not the init.
    return;
  }
  const init = { name: 'unknown', args: {}, source, variance: null, range };
  if (target.kind === 'host' && target.host.kind === 'param') {
    target.host.param.init = init;
  } else if (target.kind === 'host' && target.host.kind === 'newTensor') {
    target.host.tensor.init = init;
  } else {
    const module = moduleOf(target);
    for (const param of module ? allParams(module) : []) {
      param.init = { ...init };
    }
  }
}

/** Every parameter of a module and its descendants. */
export function allParams(module: ModuleInst): ParamInst[] {
  const out = [...module.params.values()];
  for (const child of module.children.values()) {
    out.push(...allParams(child));
  }
  return out;
}

/** `module.modules()` order: pre-order, the module itself first; raw parameters are not modules. */
export function walkModules(module: ModuleInst, prefix = ''): [string, ModuleInst][] {
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
