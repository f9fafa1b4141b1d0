/**
 * Local Flax modules on the evaluator: linen modules are dataclasses whose `setup` runs lazily
 * before their first call and whose compact methods name submodules at construction; nnx modules
 * run `__init__` (with `rngs` and explicit input sizes). Submodules assigned to `self` in `setup`
 * or `__init__` are named by their attribute path.
 */
import type { PyNode } from '../../python/ast';
import { findInClass } from '../../python/eval/attributes';
import { makeDataclass } from '../../python/eval/classes';
import type { Kwargs, Site } from '../../python/eval/contracts';
import type { PyClass, ValueOf } from '../../python/eval/values';
import { compactParent } from './apply';
import { newState, tensorOf, tensorValue, type FlaxHost, type Value } from './host';
import { autoname, explicitLocalName, nameValue } from './naming';

type S = Site<FlaxHost>;
type Instance = ValueOf<FlaxHost, 'object'>;
type ModuleRecord = Extract<FlaxHost, { kind: 'module' }>;

/** Which Flax module kind a local class is (its first Flax base along the MRO), if any. */
export function flavourOf(cls: PyClass<FlaxHost>): 'linen' | 'nnx' | undefined {
  for (const c of cls.mro) {
    for (const base of c.foreignBases) {
      if (base.kind === 'host' && base.host.kind === 'base') {
        return base.host.flavour;
      }
    }
  }
  return undefined;
}

/** Linen modules are dataclasses (flax/linen/module.py `__init_subclass__`). */
export function moduleClassDefined(cls: PyClass<FlaxHost>, site: S): void {
  if (flavourOf(cls) === 'linen') {
    makeDataclass(site.ev, cls);
  }
}

/** A new module instance: its record, and (linen, in a compact method) its autoname under the parent. */
export function initModule(instance: Instance, site: S, kwargs: Kwargs<FlaxHost>): void {
  const flavour = flavourOf(instance.cls);
  if (!flavour) {
    return;
  }
  const record: ModuleRecord = { kind: 'module', flavour, state: newState(), instance };
  instance.host = record;
  const parent = flavour === 'linen' ? compactParent(site) : undefined;
  if (!parent) {
    return;
  }
  const star = site.ctx.symbolicLoop;
  const local = explicitLocalName(kwargs.get('name')) ?? autoname(parent.state.counters, instance.cls.name, star);
  const existing = star || local.includes('*') ? undefined : parent.state.children.get(local);
  if (existing?.kind === 'module') {
    // The compact method runs again (the parent is called twice): Flax gives back the same child.
    instance.host = existing;
    for (const [key, value] of existing.instance?.attrs ?? []) {
      instance.attrs.set(key, value);
    }
    return;
  }
  record.state.parent = parent.state;
  record.state.local = local;
  parent.state.children.set(local, record);
}

/** `self.<name> = value` in `setup` or nnx `__init__` names the submodules it holds. */
export function moduleAttributeSet(instance: Instance, name: string, value: Value, site: S, statementOf: (target: PyNode) => PyNode): void {
  const record = instance.host;
  if (record?.kind !== 'module' || site.ctx.self !== instance || (record.flavour === 'linen' && !record.state.defining)) {
    return;
  }
  const definition = { target: site.ev.text(site.node), range: statementOf(site.node).range };
  nameValue(value, record.state, name, record.flavour, definition, definition, true);
}

/** Linen's lazy setup: runs `setup` once, before the module's first other method. */
export function ensureSetup(instance: Instance, site: S): void {
  const record = instance.host;
  if (record?.kind !== 'module' || record.flavour !== 'linen' || record.state.setupDone) {
    return;
  }
  record.state.setupDone = true;
  if (!findInClass(instance.cls, 'setup')) {
    return;
  }
  record.state.defining = true;
  try {
    site.ev.callMethod(instance, 'setup', [], new Map(), site.node, { ...site.ctx, symbolicLoop: false });
  } finally {
    record.state.defining = false;
  }
}

/** Calling a module instance runs `__call__` (after linen's setup); its tensor inputs are streams. */
export function callModule(instance: Instance, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value | undefined {
  const record = instance.host;
  if (record?.kind !== 'module') {
    return undefined;
  }
  ensureSetup(instance, site);
  const call = findInClass(instance.cls, '__call__');
  if (!call) {
    return undefined;
  }
  if (record.flavour === 'linen' && call.value.kind === 'func' && call.value.fn.decorators.some((d) => d.kind === 'host' && d.host.kind === 'compact')) {
    record.state.counters.clear();
  }
  // A module's inputs are streams a residual branch can be added to.
  const asStream = (v: Value): Value => {
    const t = tensorOf(v);
    return t ? tensorValue({ ...t, skip: true }) : v;
  };
  const streamKwargs = new Map([...kwargs].map(([key, value]) => [key, asStream(value)]));
  // A submodule's own names do not depend on the caller's loop: its counters are its own.
  // A module called in a loop of unknown length runs as the loop's body does: taken to run.
  const ctx = { ...site.ctx, symbolicLoop: false, uncertain: site.ctx.uncertain && !site.ctx.symbolicLoop };
  return site.ev.callMethod(instance, '__call__', args.map(asStream), streamKwargs, site.node, ctx);
}
