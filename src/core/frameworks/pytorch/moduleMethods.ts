/**
 * Methods of module instances as PyTorch defines them: `modules()`, `named_parameters()`, `apply(fn)`
 * (children first), container `append`/`extend`, and `super()` calls in local subclasses.
 */
import type { PyNode } from '../../python/ast';
import type { Context, Interpreter } from './interpreter';
import { list, NONE, str, sym, type ModuleInst, type ParamInst, type Value } from './values';

export function callModuleMethod(
  interp: Interpreter,
  module: ModuleInst,
  method: string,
  args: Value[],
  kwargs: Map<string, Value>,
  node: PyNode,
  ctx: Context,
): Value {
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
      const applyCtx: Context = { ...ctx, initSource: 'apply', applySite: node.range };
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
      // A method the file does not define (`self.post_init()` from an imported base) may initialise
      // every weight: the init in force is unknown from here on.
      interp.writeUnknownInit({ kind: 'module', module }, node.range, { ...ctx, initSource: 'unknown' });
      interp.notes.add(`line ${node.range.start.line + 1}: ${method}() is not in the file; the inits it may write are unknown`);
      return sym(`${module.className}.${method}(…)`);
  }
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

export function directChildren(module: ModuleInst): [string, ModuleInst][] {
  return [...module.children.entries()].filter(([, c]) => c.className !== 'Parameter');
}

/** `module.apply(fn)` order: children recursively first, then the module. */
export function postOrder(module: ModuleInst): ModuleInst[] {
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

export function callSuper(
  interp: Interpreter,
  self: Value | undefined,
  method: string,
  args: Value[],
  kwargs: Map<string, Value>,
  node: PyNode,
  ctx: Context,
): Value {
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
