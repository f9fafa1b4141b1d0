/**
 * Imports: every imported name is bound to its qualified name (`import torch.nn as nn` binds `nn`
 * to `torch.nn`; `from flax import linen as nn` binds `nn` to `flax.linen`). Names the standard
 * library or the framework resolves become their values; others are namespaces whose attributes
 * are qualified further. Modules of the workspace (other files of the project) go through a
 * `ModuleResolver`: a module it knows is a namespace whose attributes are the names it binds.
 */
import type { PyNode } from '../ast';
import type { Evaluator } from './contracts';
import type { Scope } from './scope';
import { stdlibValue } from './stdlib';
import { sym, type Value, type ValueOf } from './values';

/** Finds the workspace modules an import names, running each module's file once per evaluator. */
export interface ModuleResolver<H> {
  /**
   * The module `qualified` (leading dots for a relative import) as imported from the module whose
   * scope is `from`: a namespace whose `attrs` are the names the module binds (a module still
   * running, in an import cycle, has bound only some, as in Python); null when it should be a
   * workspace module but cannot be read (the resolver noted why); undefined when it is not the
   * workspace's (a framework, a library), which leaves the import to the framework.
   */
  module(ev: Evaluator<H>, qualified: string, from: Scope<Value<H>>, node: PyNode): ValueOf<H, 'ns'> | null | undefined;
}

/** Makes a resolver for each evaluator of one analysis (each framework's evaluator has values of its own). */
export interface ModuleResolvers {
  forEvaluator<H>(): ModuleResolver<H>;
}

/**
 * True when a definition's node is in the analysed file whose tree is `root`, not in a module an
 * import brought in (those are placed after it): a framework builds models of its own file's classes only.
 */
export function inFile(node: PyNode, root: PyNode): boolean {
  return node.startIndex <= root.endIndex;
}

/** The resolver that knows no workspace module (a file analysed on its own). */
export function noModules<H>(): ModuleResolver<H> {
  return { module: () => undefined };
}

/** The value of a qualified name from the standard library or the framework, or undefined. */
export function resolveQualified<H>(ev: Evaluator<H>, qualified: string): Value<H> | undefined {
  return stdlibValue<H>(qualified) ?? ev.host.resolve(qualified);
}

function moduleValue<H>(ev: Evaluator<H>, qualified: string): Value<H> {
  return resolveQualified(ev, qualified) ?? { kind: 'ns', path: qualified };
}

/** `name` under `module` as an import spells it (`.` + `x` → `.x`, `a` + `x` → `a.x`). */
function submodule(module: string, name: string): string {
  return module.endsWith('.') ? `${module}${name}` : `${module}.${name}`;
}

/** Runs an `import` or `from … import` statement into `scope`. */
export function execImport<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, modules: ModuleResolver<H>): void {
  if (node.type === 'import_statement') {
    for (const child of node.children) {
      if (child.type === 'aliased_import') {
        const qualified = ev.text(child.fields.name!);
        const local = modules.module(ev, qualified, scope, node);
        scope.set(ev.text(child.fields.alias!), local ?? moduleValue(ev, qualified));
      } else {
        // `import a.b.c` binds `a`; `a.b.c` is then reached through attributes (the resolver binds each submodule in its parent).
        const qualified = ev.text(child);
        const head = qualified.split('.')[0]!;
        const local = modules.module(ev, qualified, scope, node) !== undefined ? modules.module(ev, head, scope, node) : undefined;
        scope.set(head, local ?? moduleValue(ev, head));
      }
    }
    return;
  }
  if (node.type === 'future_import_statement') {
    return;
  }
  execFromImport(ev, node, scope, modules);
}

/** `from module import names` (or `*`). */
function execFromImport<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, modules: ModuleResolver<H>): void {
  const moduleNode = node.fields.module_name!;
  const module = ev.text(moduleNode);
  const relative = moduleNode.type === 'relative_import';
  const found = modules.module(ev, module, scope, node);
  const local = found ?? undefined;
  if (relative && found === undefined) {
    ev.note(`line ${node.range.start.line + 1}: the module ${module} is not followed (relative import): its names are symbols`);
  }
  const wildcard = node.children.some((child) => child.type === 'wildcard_import');
  if (wildcard) {
    const names = local ? publicNames(local) : found === null ? [] : ev.host.exports?.(module);
    if (!names) {
      ev.note(`line ${node.range.start.line + 1}: the names of from ${module} import * are not known`);
    }
    for (const name of names ?? []) {
      scope.set(name, local?.attrs?.get(name) ?? moduleValue(ev, `${module}.${name}`));
    }
    return;
  }
  for (const child of node.children.slice(1)) {
    const nameNode = child.type === 'aliased_import' ? child.fields.name! : child;
    const name = ev.text(nameNode);
    const bound = child.type === 'aliased_import' ? ev.text(child.fields.alias!) : name;
    if (local) {
      // A name the module binds, else one of its submodules (`from pkg import blocks`).
      const value = local.attrs?.get(name) ?? modules.module(ev, submodule(module, name), scope, node);
      if (!value && local.library) {
        // A library name the stub does not describe: the framework's (or a symbol), as without the stub,
        // under the stub module's absolute name (`from .weight_init import x` in a stub package).
        scope.set(bound, moduleValue(ev, `${local.path}.${name}`));
        continue;
      }
      if (!value) {
        ev.note(`line ${node.range.start.line + 1}: ${module} binds no ${name} (yet): it is a symbol`);
      }
      scope.set(bound, value ?? sym(bound));
    } else if (relative || found === null) {
      scope.set(bound, sym(bound));
    } else {
      scope.set(bound, moduleValue(ev, `${module}.${name}`));
    }
  }
}

/** The names `from module import *` binds: `__all__` when it is a list of strings, else the names not starting with `_`. */
function publicNames<H>(module: ValueOf<H, 'ns'>): string[] {
  const all = module.attrs?.get('__all__');
  if (all?.kind === 'list' && all.items.every((item) => item.kind === 'str')) {
    return all.items.map((item) => (item as ValueOf<H, 'str'>).value);
  }
  return [...(module.attrs?.keys() ?? [])].filter((name) => !name.startsWith('_'));
}
