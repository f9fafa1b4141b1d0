/**
 * A module's parameters by dotted name (issue 10 item 3): `named_parameters()`, `state_dict()` and
 * `load_state_dict()`. `target.load_state_dict(q.state_dict())` gives each parameter of the target
 * the init in force in q's parameter of the same name (an RL target network starts as its online
 * network); weights loaded from outside the file (`torch.load(path)`) leave the inits as the code
 * writes them (those in force when it trains from scratch), with a note, as does a copy behind a
 * condition the analysis cannot decide.
 */
import type { Site } from '../../python/eval/contracts';
import { NONE, type DictEntry, type DictKey } from '../../python/eval/values';
import { hosted, type TorchHost, type TorchRuntime, type TorchValue } from './torchHost';
import type { ModuleInst, ParamInst } from './values';

/** `named_parameters()`: own parameters first, then each child's, with dotted names. */
export function namedParams(module: ModuleInst, prefix: string): [string, ParamInst][] {
  const join = (name: string) => (prefix ? `${prefix}.${name}` : name);
  if (module.rawParam) {
    return [[prefix, module.rawParam]];
  }
  const out: [string, ParamInst][] = [];
  for (const [attr, param] of module.params) {
    out.push([join(attr), param]);
  }
  for (const [key, child] of module.children) {
    out.push(...namedParams(child, join(key)));
  }
  return out;
}

/** `module.state_dict()`: a dict of its parameters by name (writing through them writes the parameters, as tensors sharing storage do). */
export function stateDict(module: ModuleInst): TorchValue {
  const entries = new Map<DictKey, DictEntry<TorchHost>>();
  for (const [name, param] of namedParams(module, '')) {
    entries.set(`s${name}`, { key: { kind: 'str', value: name }, value: hosted({ kind: 'param', param, source: 'named_parameters' }) });
  }
  return { kind: 'dict', entries };
}

/** `module.load_state_dict(state)`. */
export function loadStateDict(fw: TorchRuntime, module: ModuleInst, state: TorchValue | undefined, site: Site<TorchHost>): TorchValue {
  const line = site.node.range.start.line + 1;
  if (fw.inForward) {
    return NONE;
  }
  const copied = state?.kind === 'dict' ? parametersOf(state) : undefined;
  if (!copied) {
    const written = site.node.type === 'call' ? site.node.fields.arguments?.children[0] : undefined;
    const from = written ? site.ev.text(written) : state ? site.ev.show(state) : 'nothing';
    site.ev.note(
      `line ${line}: load_state_dict() loads weights from outside the file (${from})${site.ctx.uncertain ? ' when its condition holds' : ''}: the inits shown are those the code writes, in force when it trains from scratch`,
    );
    return NONE;
  }
  if (site.ctx.uncertain) {
    site.ev.note(
      `line ${line}: load_state_dict() copies another network's weights behind a condition that is not known: the inits shown are those written before it`,
    );
    return NONE;
  }
  for (const [name, param] of namedParams(module, '')) {
    const source = copied.get(name);
    if (source && source !== param) {
      param.init = { ...source.init };
    }
  }
  return NONE;
}

/** The parameters a state dict holds by name, or undefined when it holds anything else (a loaded checkpoint, a symbol). */
function parametersOf(state: Extract<TorchValue, { kind: 'dict' }>): Map<string, ParamInst> | undefined {
  const out = new Map<string, ParamInst>();
  for (const entry of state.entries.values()) {
    if (entry.key.kind !== 'str' || entry.value.kind !== 'host' || entry.value.host.kind !== 'param') {
      return undefined;
    }
    out.set(entry.key.value, entry.value.host.param);
  }
  return out;
}
