/**
 * Flax's names for submodules: in compact methods the class name and a per-parent counter
 * (linen/module.py `__post_init__`) or `name=`; in `setup` / nnx `__init__` the attribute path
 * (linen `attr`, list items `attr_0`, dict items `attr_key`: Module.__setattr__ /
 * _map_submodules; nnx `attr.0`).
 */
import type { Range } from '../../graph';
import type { LayerInst, ModuleState, Value } from './host';

/** A `name=` argument: a string, or an f-string whose unresolved parts become `*` (`encoderblock_*`). */
export function explicitLocalName(value: Value | undefined): string | undefined {
  if (value?.kind === 'str') {
    return value.value;
  }
  const match = value?.kind === 'sym' ? /^[fF]([rR]?)(['"])(.*)\2$/.exec(value.text) : null;
  return match ? match[3]!.replace(/\{[^}]*\}/g, '*') : undefined;
}

/** Flax's autoname: `<ClassName>_<n>` per parent, counted in creation order (linen Module._name_taken). */
export function autoname(counters: Map<string, number>, className: string, star: boolean): string {
  const count = counters.get(className) ?? 0;
  if (star || Number.isNaN(count)) {
    counters.set(className, Number.NaN);
    return `${className}_*`;
  }
  counters.set(className, count + 1);
  return `${className}_${count}`;
}

/** Where a submodule is assigned (`self.dense = …` and its statement's range). */
export type Definition = { target: string; range: Range } | null;

/** Names a value assigned to `self.<local>` (or a member of a container) under `state`. */
export function nameValue(
  value: Value,
  state: ModuleState,
  local: string,
  style: 'linen' | 'nnx',
  definition: Definition,
  container: Definition,
  direct: boolean,
): void {
  const separator = style === 'linen' ? '_' : '.';
  if (value.kind === 'host' && value.host.kind === 'layer') {
    const inst = value.host.layer;
    if (inst.path.local !== null) {
      return;
    }
    inst.path = { state, local };
    if (direct) {
      inst.definition = definition;
    } else {
      inst.container ??= container;
    }
    inst.state.parent = state;
    inst.state.local = local;
    nameMembers(inst, style, container);
  } else if (value.kind === 'object' && value.host?.kind === 'module') {
    const own = value.host.state;
    if (own.local === null) {
      own.parent = state;
      own.local = local;
    }
  } else if (value.kind === 'list') {
    value.items.forEach((item, i) => nameValue(item, state, `${local}${separator}${value.symbolicCount ? '*' : i}`, style, definition, container, false));
  } else if (value.kind === 'dict') {
    for (const { key, value: item } of value.entries.values()) {
      const shown = key.kind === 'str' || key.kind === 'num' ? String(key.value) : '*';
      nameValue(item, state, `${local}${separator}${shown}`, style, definition, container, false);
    }
  }
}

/** Members of a Sequential: linen `layers_<i>` (its dataclass field `layers`), nnx `layers.<i>`; an RNN's `cell`. */
export function nameMembers(inst: LayerInst, style: 'linen' | 'nnx', container: Definition): void {
  if (inst.info.kind !== 'sequential' && inst.info.kind !== 'rnn') {
    return;
  }
  inst.members.forEach((member, i) => {
    const local = inst.info.kind === 'rnn' ? 'cell' : style === 'linen' ? `layers_${i}` : `layers.${i}`;
    nameValue(member, inst.state, local, style, null, container, false);
  });
}
