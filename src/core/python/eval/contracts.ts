/**
 * The contracts of the evaluator: the context a piece of code runs in, the operations the
 * evaluator offers (to its own parts and to frameworks), and what a framework supplies about its
 * host values (`HostSemantics`). A framework never re-implements Python: it receives the evaluator.
 */
import type { PyNode } from '../ast';
import type { Budget } from './budget';
import type { Scope } from './scope';
import type { Param, PyClass, PyFunction, Value, ValueOf } from './values';

/** What a running function collects: its return value, values returned on uncertain paths, yields. */
export interface Frame<H> {
  returned?: Value<H>;
  /** Returns on paths of an undecided branch that did not end the function (merged at its end). */
  uncertainReturns?: Value<H>[];
  /** The class names of the exception being raised (its MRO for a local class), empty when unknown. */
  raised?: string[];
  /** A generator function's yields, in order (its call returns them as a list). */
  yields?: Value<H>[];
}

/** Where code runs: the path's certainty, the loop kind, the call depth, the owner class and `self`. */
export interface Context<H> {
  /** True under an undecided branch or loop: what happens here may not happen. */
  uncertain: boolean;
  /** True inside a loop of unknown length whose body runs once symbolically (frameworks name things `*`). */
  symbolicLoop: boolean;
  /** Local function calls in progress. */
  depth: number;
  /** The local class whose method is running (for `super()`). */
  ownerClass?: PyClass<H>;
  /** The instance whose method is running. */
  self?: Value<H>;
  /** The local function (or method) whose body is running; undefined at module level. */
  fn?: PyFunction<H>;
  /** The context the running function was called from (a framework names what a builder made after it). */
  caller?: Context<H>;
  frame: Frame<H>;
}

/** Where a host operation happens: the node, the context, and the evaluator (to call back into Python). */
export interface Site<H> {
  node: PyNode;
  ctx: Context<H>;
  ev: Evaluator<H>;
}

export type Kwargs<H> = Map<string, Value<H>>;

/** What a framework supplies about its host values (layers, tensors, initializers). */
export interface HostSemantics<H> {
  /** The value of a qualified name (`torch.nn.Linear`, `keras.layers.Dense`), or undefined if not the framework's. */
  resolve(qualified: string): Value<H> | undefined;
  /** The names `from <module> import *` binds. */
  exports?(module: string): readonly string[];
  /** Calls a host value (constructors, applying a layer, activations, init functions). */
  call(callee: H, args: Value<H>[], kwargs: Kwargs<H>, site: Site<H>): Value<H>;
  getAttribute(object: H, name: string, site: Site<H>): Value<H> | undefined;
  /**
   * A call the evaluator cannot follow (its callee is a symbol or a name no module defines): the
   * framework may follow or mark the host values it receives (a tensor through unknown code keeps its
   * layers but gets an unknown activation) and give the result; undefined gives a symbol.
   */
  callUnknown?(callee: Value<H>, args: Value<H>[], kwargs: Kwargs<H>, site: Site<H>): Value<H> | undefined;
  /** Returns false when the framework does not take the write (the evaluator notes it). */
  setAttribute?(object: H, name: string, value: Value<H>, site: Site<H>): boolean;
  subscript?(object: H, key: Value<H>, site: Site<H>): Value<H> | undefined;
  setSubscript?(object: H, key: Value<H>, value: Value<H>, site: Site<H>): boolean;
  /** A binary operation where at least one operand is a host value (`x + identity`, `x * gate`, `a @ b`). */
  binary?(operator: string, left: Value<H>, right: Value<H>, site: Site<H>): Value<H> | undefined;
  unary?(operator: string, operand: H, site: Site<H>): Value<H> | undefined;
  /**
   * A host value unpacked into `count` names (`n, h, w, c = x.shape`: an array's shape gives as many
   * sizes as there are names), or undefined to iterate it.
   */
  unpack?(object: H, count: number, site: Site<H>): Value<H>[] | undefined;
  /** The items of a host sequence (`nn.ModuleList`), or undefined when unknown. */
  iterate?(object: H, site: Site<H>): Value<H>[] | undefined;
  /** Python truthiness of a host value, or undefined when undecided (`ev` to say why in a note). */
  truthy?(object: H, ev: Evaluator<H>): boolean | undefined;
  /** Source-like text of a host value, for symbols composed from it. */
  text(object: H): string;
  /**
   * Called as an undecided branch starts (its test `condition`; `live` the values in scope): the
   * framework may watch its own state through the two ways (an activation one way settles a layer
   * the other way must see unsettled). Ends are told through the watch returned.
   */
  watchBranches?(condition: PyNode, live: Iterable<Value<H>>, site: Site<H>): BranchWatch | undefined;
  /** One value for several that differ between undecided paths (at least one is a host value), or undefined. */
  merge?(values: Value<H>[], site: Site<H>): Value<H> | undefined;
  deepcopy?(object: H, site: Site<H>): Value<H>;
  /** `type(object)` of a host value (its class, or `type` for a host class), or undefined when unknown. */
  typeOf?(object: H): Value<H> | undefined;
  /** `isinstance(value, cls)` where `cls` is a host class; undefined when it cannot be told. */
  isInstance?(value: Value<H>, cls: H): boolean | undefined;
  /** Called once a local class with foreign (host) bases is defined (e.g. Flax modules are dataclasses: `makeDataclass`). */
  classDefined?(cls: PyClass<H>, site: Site<H>): void;
  /**
   * Called when an instance of a local class with foreign (host) bases is created, before `__init__`,
   * with the constructor's arguments (Flax names a linen submodule from its `name=`). A value returned
   * stands for the instance instead, and `__init__` does not run (PyTorch: a module whose constructor
   * builds an instance of itself is not unrolled).
   */
  initInstance?(instance: ValueOf<H, 'object'>, site: Site<H>, args: Value<H>[], kwargs: Kwargs<H>): Value<H> | void;
  /** Called before a method of such an instance runs (linen runs a module's `setup` lazily, before its first method). */
  methodCalled?(instance: ValueOf<H, 'object'>, name: string, site: Site<H>): void;
  /** Called after an attribute of such an instance is set (`self.fc = nn.Linear(...)` registers a child). */
  instanceAttributeSet?(instance: ValueOf<H, 'object'>, name: string, value: Value<H>, site: Site<H>): void;
  /** An attribute such an instance inherits from its host bases (`self.training`, `self.add_module`). */
  instanceAttribute?(instance: ValueOf<H, 'object'>, name: string, site: Site<H>): Value<H> | undefined;
  /**
   * Called before a local function's body runs (`self` is the bound instance, if any); the function
   * it returns is called when the body ends. Lets a framework scope its own state to a call
   * (PyTorch: writes inside `self._init_weights()` are the class's init routine).
   */
  enterFunction?(fn: PyFunction<H>, self: Value<H> | undefined, site: Site<H>): (() => void) | undefined;
  /** Calling such an instance (`block(x)` runs `forward` for PyTorch); undefined falls back to `__call__`. */
  callInstance?(instance: ValueOf<H, 'object'>, args: Value<H>[], kwargs: Kwargs<H>, site: Site<H>): Value<H> | undefined;
}

/** A framework's watch over the two ways of an undecided branch. */
export interface BranchWatch {
  /** The first way has run; the second starts. */
  between(): void;
  /** Both ways have run. */
  join(): void;
}

/** The outcome of a statement: carries on, or leaves through break/continue/return/raise. */
export enum Completion {
  Normal = 0,
  Break = 1,
  Continue = 2,
  Return = 3,
  Raise = 4,
}

/** The items of an iterable: known items, or (`symbolic`) a sample standing for an unknown count. */
export interface Iteration<H> {
  items: Value<H>[];
  symbolic: boolean;
}

/** What the evaluator offers to its parts and to frameworks. */
export interface Evaluator<H> {
  readonly source: string;
  readonly budget: Budget;
  readonly host: HostSemantics<H>;
  /** The module scope of the file. */
  readonly globals: Scope<Value<H>>;
  /** The source text of a node. */
  text(node: PyNode): string;
  note(text: string): void;
  /** A fresh top-level context (certain, depth 0). */
  rootContext(): Context<H>;
  /** Runs `work`, or gives `fallback()` with a note when the step budget is spent; wrap framework entry points in it. */
  guard<T>(work: () => T, fallback: () => T): T;
  /** Runs a module's top level into `globals`; never throws. */
  runModule(root: PyNode): void;
  evaluate(node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H>;
  execute(block: PyNode | undefined, scope: Scope<Value<H>>, ctx: Context<H>): Completion;
  assign(target: PyNode, value: Value<H>, scope: Scope<Value<H>>, ctx: Context<H>): void;
  call(callee: Value<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H>;
  /** Calls a method of an object found through its class (undefined when it has none). */
  callMethod(self: Value<H>, name: string, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> | undefined;
  /** Creates an instance of a local class and runs its `__init__` (or the dataclass constructor). */
  instantiate(cls: PyClass<H>, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H>;
  getAttribute(object: Value<H>, name: string, node: PyNode, ctx: Context<H>): Value<H>;
  setAttribute(object: Value<H>, name: string, value: Value<H>, node: PyNode, ctx: Context<H>): void;
  binary(operator: string, left: Value<H>, right: Value<H>, node: PyNode, ctx: Context<H>): Value<H>;
  /** Python truthiness, or undefined when it cannot be told statically. */
  truthy(value: Value<H>): boolean | undefined;
  iterate(value: Value<H>, node: PyNode, ctx: Context<H>): Iteration<H>;
  /** One value for the values a variable has on undecided paths. */
  merge(values: Value<H>[], name: string, node: PyNode, ctx: Context<H>): Value<H>;
  /** Source-like text of a value. */
  show(value: Value<H>): string;
  /** The parameters of a definition and whether it yields, read once per node. */
  functionShape(node: PyNode): { params: Param[]; isGenerator: boolean };
  /** A number as a value, or a symbol (the text of `origin`) with a note when it is not finite or over 2⁵³. */
  number(value: number, float: boolean, origin: PyNode | string): Value<H>;
}
