/**
 * PyTorch's host values on the one Python evaluator (src/core/python/eval): torch.nn classes,
 * module instances, parameters, tensors made in `__init__`, tensors flowing through `forward`,
 * `torch` / `torch.nn.init` / `torch.nn.functional` functions, activations, and bound methods of
 * these. Plain Python (numbers, lists, local classes and functions) stays the evaluator's.
 */
import type { Activation, Dim, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import type { Kwargs, Site } from '../../python/eval/contracts';
import type { Value, ValueOf } from '../../python/eval/values';
import type { UseClock } from './flow';
import * as legacy from './values';
import type { ModuleInst, NewTensor, ParamInst, TensorInfo } from './values';

/** The host values of PyTorch. `source` is how an init write reached the value (a loop over `self.modules()`). */
export type TorchHost =
  | { kind: 'class'; name: string }
  | { kind: 'module'; module: ModuleInst; source?: InitSource }
  | { kind: 'param'; param: ParamInst; source?: InitSource }
  | { kind: 'newTensor'; tensor: NewTensor }
  | { kind: 'tensor'; tensor: TensorInfo }
  | { kind: 'fn'; space: 'init' | 'F' | 'torch'; name: string }
  | { kind: 'activation'; activation: Activation }
  /** A method of a host value (`m.apply`, `p.normal_`, `x.view`). */
  | { kind: 'bound'; self: TorchHost; name: string }
  /** A member `nn.Module` gives a local subclass's instance (`self.apply`, `super().__init__`). */
  | { kind: 'member'; instance: ValueOf<TorchHost, 'object'>; name: string };

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

/** The number a value is (booleans count as 0/1), or undefined. */
export function numberOf(value: TorchValue | undefined): number | undefined {
  if (value?.kind === 'num') {
    return value.value;
  }
  if (value?.kind === 'bool') {
    return value.value ? 1 : 0;
  }
  return undefined;
}

/**
 * The value in the shape the construction semantics (construct.ts, composite.ts) read: scalars,
 * tuples, symbols and modules; `show` gives the source-like text of anything else.
 */
export function toLegacy(value: TorchValue, show: (v: TorchValue) => string): legacy.Value {
  switch (value.kind) {
    case 'num':
      return { kind: 'num', value: value.value };
    case 'str':
      return { kind: 'str', value: value.value };
    case 'bool':
      return { kind: 'bool', value: value.value };
    case 'none':
      return legacy.NONE;
    case 'list':
      return legacy.list(
        value.items.map((v) => toLegacy(v, show)),
        value.tuple,
        value.symbolicCount,
      );
    case 'host':
      if (value.host.kind === 'activation') {
        return { kind: 'activationFn', activation: value.host.activation };
      }
      break;
    default:
      break;
  }
  const module = moduleOf(value);
  return module ? { kind: 'module', module } : legacy.sym(show(value));
}

/** A value as a graph argument (the evaluator's rule, under the name PyTorch code uses). */
export { argValueOf as argOf } from '../../python/eval/values';

/** A value as a graph dimension: a number, or source-like text. */
export function dimOf(value: TorchValue | undefined, show: (v: TorchValue) => string): Dim | null {
  if (!value) {
    return null;
  }
  return numberOf(value) ?? show(value);
}

/** What the helpers of the PyTorch semantics need from the file's framework instance (torchFramework.ts). */
export interface TorchRuntime {
  /** The data-flow order of layers' first uses in this file's forwards. */
  readonly clock: UseClock;
  /** True while a `forward` runs: weight writes there are no init, tensors flow. */
  readonly inForward: boolean;
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
