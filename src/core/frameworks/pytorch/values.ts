/**
 * PyTorch's records of what a model builds: module instances with their parameters and the init in
 * force, tensors made in `__init__`, and the data-flow record of tensors in `forward`.
 */
import type { Activation, ArgValue, Dim, GraphOpKind, InitInForce, Range } from '../../graph';
import type { OneWay } from '../../branchActivations';

/** A parameter tensor of a module. */
export interface ParamInst {
  owner: ModuleInst;
  /** The attribute name on the owner (`weight`, `weight_hh_l0`, `pos_embed`). */
  attr: string;
  /** The key in the graph's `init` record (`weight`, `weight_hh`). */
  key: string;
  shape: Dim[] | undefined;
  init: InitInForce;
  /** For raw `nn.Parameter` attributes: the pseudo-layer this tensor is. */
  raw?: ModuleInst;
}

/** A module instance made while interpreting constructors. */
export interface ModuleInst {
  /** The class name as written (`Conv2d`, `BasicBlock`, `MaskedConv2d`, `Parameter` for raw parameters). */
  className: string;
  /** The torch.nn class this is or derives from, if any. */
  torchClass?: string;
  /** Sub-modules and raw-parameter pseudo-layers in registration order. */
  children: Map<string, ModuleInst>;
  params: Map<string, ParamInst>;
  /** For transformer layers: the activation of the feed-forward block and whether norms come first. */
  transformer?: { activation: Activation | 'unknown'; normFirst: boolean };
  /** For activation modules: the activation (or 'unknown' when it cannot be told). */
  activation?: Activation | 'unknown';
  /** Constructor arguments that matter, for the graph's `config`. */
  config: Record<string, ArgValue>;
  fanIn: Dim | null;
  fanOut: Dim | null;
  range: Range;
  /** The class whose code created this module (for fixes). */
  ownerClass: string;
  /** Data-flow results: the activation after this layer, whether it ends a residual branch, whether it is on a projection shortcut, first use, joins. */
  flow: {
    activation?: Activation | null | 'unknown';
    residual: boolean;
    normalized: boolean;
    shortcut?: true;
    firstUse?: number;
    oneWay?: OneWay;
    /** Why the activation is unknown, in words, when the data flow says. */
    reason?: string;
    /** Set when the output meets another layer's stream in an elementwise product or a non-residual sum (graph.ts Layer.join). */
    join?: 'product' | 'sum';
    /** Shape-changing ops applied to this layer's output (structuralOps.ts), in forward order. */
    opsAfter?: AppliedOp[];
    /** The last parametrised layers on the paths of the layer's inputs, over every call (graph.ts Layer.inputs); unset when never called. */
    fedBy?: Set<ModuleInst>;
    /** A residual end whose sum a norm of the same forward normalised (`norm1(x + attn(x))`), and whose sum went on un-normalised as a skip (pre-norm). */
    sumNormed?: true;
    sumContinued?: true;
  };
  /** `self.<attr> = <constructor>` that binds this module, if it was bound that way. */
  definition?: { target: string; range: Range };
  /** The input image side its constructor was given by name (`image_size=64`), for the simulation. */
  inputSize?: { size: number; from: string };
  /** Raw parameter pseudo-layer: its tensor. */
  rawParam?: ParamInst;
}

/** A tensor in `forward`: the layers whose output it still is (no activation applied since). */
export interface TensorInfo {
  pending: Set<ModuleInst>;
  /** The last parametrised layers on the path (kept through activations; dropout does not count). */
  last: Set<ModuleInst>;
  /** Derived from the forward's input without passing a layer (a skip connection's source). */
  skip: boolean;
  /** Set on a residual sum: the forward run it was made in (TorchRuntime.forwardFrame). */
  sumFrame?: number;
  /** For a piece of a split output (`a, b = self.proj(x).chunk(2, dim=-1)`): which piece it is of each pending layer. */
  pieces?: Map<ModuleInst, Piece>;
}

/** One piece of a layer's output split by `.chunk` / `.split`: every piece's first activation must agree. */
export interface Piece {
  index: number;
  /** The first activation each piece met (by index), shared by the pieces of one split. */
  met: (Activation | null | 'unknown' | undefined)[];
}

/** A tensor made in `__init__` (`torch.zeros(...)`, `torch.randn(...) * 0.02`), before it becomes a Parameter. */
export interface NewTensor {
  shape: Dim[] | undefined;
  init: InitInForce;
}

/** One application of a structural op, held on the layer it follows until the graph is built. */
export interface AppliedOp {
  kind: GraphOpKind;
  mode?: 'max' | 'avg';
  /** The module that applies it, when a module does. */
  module?: ModuleInst;
  config: Record<string, ArgValue>;
  range: Range;
  /** It reads an earlier tensor than the output of the layer reached last (a parallel branch). */
  branch?: true;
}
