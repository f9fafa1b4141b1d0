/**
 * PyTorch's host values on the one Python evaluator (src/core/python/eval): torch.nn classes,
 * module instances, parameters, tensors made in `__init__`, tensors flowing through `forward`,
 * `torch` / `torch.nn.init` / `torch.nn.functional` functions, activations, and bound methods of
 * these. Plain Python (numbers, lists, local classes and functions) stays the evaluator's.
 */
import type { Activation, Dim, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import type { Kwargs, Site } from '../../python/eval/contracts';
import { asNumber, type Value, type ValueOf } from '../../python/eval/values';
import type { UseClock } from './flow';
import type { ModuleInst, NewTensor, ParamInst, TensorInfo } from './values';

/** The host values of PyTorch. `source` is how an init write reached the value (a loop over `self.modules()`). */
export type TorchHost =
  | { kind: 'class'; name: string }
  | { kind: 'module'; module: ModuleInst; source?: InitSource }
  /** A parameter; `derived`: a tensor forward computed from it (`(w - m) / s`, weight standardisation), not the parameter itself. */
  | { kind: 'param'; param: ParamInst; source?: InitSource; derived?: true }
  | { kind: 'newTensor'; tensor: NewTensor }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'fn'; space: 'init' | 'F' | 'torch'; name: string }
  | { kind: 'activation'; activation: Activation }
  /** A method of a host value (`m.apply`, `p.normal_`, `x.view`). */
  | { kind: 'bound'; self: TorchHost; name: string }
  /**
   * A member `nn.Module` gives a local subclass's instance (`self.apply`, `super().__init__`), or an
   * attribute this file never sets; `read` is where it was read.
   */
  | { kind: 'member'; instance: ValueOf<TorchHost, 'object'>; name: string; read?: PyNode }
  /** Modules on undecided paths (`self.a if wide else self.b`): applying the choice applies each. */
  | { kind: 'choice'; modules: ModuleInst[] };

export type TorchValue = Value<TorchHost>;
export type TorchObject = ValueOf<TorchHost, 'object'>;

/** A host value. */
export function hosted(host: TorchHost): TorchValue {
  return { kind: 'host', host };
}

/** The module instance a value is: a built-in module, or a local `nn.Module` subclass's instance. */
export function moduleOf(value: TorchValue | undefined): ModuleInst | undefined {
  if (value?.kind === 'host' && value.host.kind === 'module') {
    return value.host.module;
  }
  if (value?.kind === 'object' && value.host?.kind === 'module') {
    return value.host.module;
  }
  return undefined;
}

/** The tensor-flow record of a value in forward, if it is a tensor. */
export function tensorOfValue(value: TorchValue | undefined): TensorInfo | undefined {
  return value?.kind === 'host' && value.host.kind === 'tensor' ? value.host.tensor : undefined;
}

/** A tensor value. */
export function tensorValue(tensor: TensorInfo): TorchValue {
  return hosted({ kind: 'tensor', tensor });
}

/** Source-like text of a value in a composed dimension or a config entry: a module or an activation is `…`. */
export function textOf(value: TorchValue, show: (v: TorchValue) => string): string {
  switch (value.kind) {
    case 'num':
      return String(value.value);
    case 'str':
      return JSON.stringify(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list': {
      const items = value.items.map((v) => textOf(v, show)).join(', ');
      return value.tuple ? `(${items})` : `[${items}]`;
    }
    default:
      return moduleOf(value) || (value.kind === 'host' && value.host.kind === 'activation') ? '…' : show(value);
  }
}

/** A value as a graph dimension: a number, or source-like text (`show`'s, or `textOf`'s for constructor arguments). */
export function dimOf(value: TorchValue | undefined, show: (v: TorchValue) => string): Dim | null {
  return value ? (asNumber(value) ?? show(value)) : null;
}

/** A dimension as a value: a number (an int, or a float as config values may be), or a symbol. */
export function dimValue(d: Dim): TorchValue {
  return typeof d === 'number' ? { kind: 'num', value: d, float: !Number.isInteger(d) } : { kind: 'sym', text: d };
}

/** What the helpers of the PyTorch semantics need from the file's framework instance (torchFramework.ts). */
export interface TorchRuntime {
  /** The data-flow order of layers' first uses in this file's forwards. */
  readonly clock: UseClock;
  /** True while a `forward` runs: weight writes there are no init, tensors flow. */
  readonly inForward: boolean;
  /** Which run of a `forward` is running (each call its own number): a norm of a sum made in the same forward is post-norm. */
  readonly forwardFrame: number;
  /** The range of the `.apply(fn)` call whose function is running. */
  readonly applySite?: Range;
  /** The init mechanism a write reaching a value tagged `tag` records. */
  sourceFor(tag: InitSource | undefined, node: PyNode): InitSource;
  /** The Python value of a module (its local instance, or the built-in module). */
  valueOf(module: ModuleInst, source?: InitSource): TorchValue;
  withInitSource<T>(source: InitSource, applySite: Range | undefined, work: () => T): T;
  /** Registers a raw parameter (or ties a parameter slot) of a module. */
  registerParameter(module: ModuleInst, name: string, param: ParamInst): boolean;
  applyActivation(activation: Activation, args: TorchValue[], kwargs: Kwargs<TorchHost>, node: PyNode): TorchValue;
  unknownCall(callee: string, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue;
}
