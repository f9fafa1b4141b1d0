/**
 * Imports: every imported name is bound to its qualified name (`import torch.nn as nn` binds `nn`
 * to `torch.nn`; `from flax import linen as nn` binds `nn` to `flax.linen`). Names the standard
 * library or the framework resolves become their values; others are namespaces whose attributes
 * are qualified further. Modules of the workspace (relative imports, other files) go through a
 * `ModuleResolver`, a seam that knows no module today.
 */
import type { PyNode } from '../ast';
import type { Evaluator } from './contracts';
import type { Scope } from './scope';
import { stdlibValue } from './stdlib';
import { sym, type Value } from './values';

/** Finds the names a workspace or bundled-stub module binds. */
export interface ModuleResolver<H> {
  /** The names module `qualified` binds (relative imports spelled with leading dots), or undefined if unknown. */
  resolve(qualified: string): Map<string, Value<H>> | undefined;
}

/** The resolver of phase 1: every workspace module is unknown. */
export function noModules<H>(): ModuleResolver<H> {
  return { resolve: () => undefined };
}

/** The value of a qualified name from the standard library or the framework, or undefined. */
export function resolveQualified<H>(ev: Evaluator<H>, qualified: string): Value<H> | undefined {
  return stdlibValue<H>(qualified) ?? ev.host.resolve(qualified);
}

function moduleValue<H>(ev: Evaluator<H>, qualified: string): Value<H> {
  return resolveQualified(ev, qualified) ?? { kind: 'ns', path: qualified };
}

/** Runs an `import` or `from … import` statement into `scope`. */
export function execImport<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, modules: ModuleResolver<H>): void {
  if (node.type === 'import_statement') {
    for (const child of node.children) {
      if (child.type === 'aliased_import') {
        const qualified = ev.text(child.fields.name!);
        scope.set(ev.text(child.fields.alias!), moduleValue(ev, qualified));
      } else {
        // `import a.b.c` binds `a`; `a.b.c` is then reached through attributes.
        const qualified = ev.text(child);
        const head = qualified.split('.')[0]!;
        scope.set(head, moduleValue(ev, head));
      }
    }
    return;
  }
  if (node.type === 'future_import_statement') {
    return;
  }
  const moduleNode = node.fields.module_name!;
  const module = ev.text(moduleNode);
  const local = moduleNode.type === 'relative_import' ? modules.resolve(module) : undefined;
  if (moduleNode.type === 'relative_import' && !local) {
    ev.note(`line ${node.range.start.line + 1}: the module ${module} is not followed (relative import): its names are symbols`);
  }
  const wildcard = node.children.some((child) => child.type === 'wildcard_import');
  if (wildcard) {
    const names = local ? [...local.keys()] : ev.host.exports?.(module);
    if (!names) {
      ev.note(`line ${node.range.start.line + 1}: the names of from ${module} import * are not known`);
    }
    for (const name of names ?? []) {
      scope.set(name, local?.get(name) ?? moduleValue(ev, `${module}.${name}`));
    }
    return;
  }
  for (const child of node.children.slice(1)) {
    const nameNode = child.type === 'aliased_import' ? child.fields.name! : child;
    const name = ev.text(nameNode);
    const bound = child.type === 'aliased_import' ? ev.text(child.fields.alias!) : name;
    if (moduleNode.type === 'relative_import') {
      scope.set(bound, local?.get(name) ?? sym(bound));
    } else {
      scope.set(bound, moduleValue(ev, `${module}.${name}`));
    }
  }
}
