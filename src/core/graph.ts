/**
 * The framework-neutral model graph: what an adapter extracts from a file and what advice,
 * simulation and every editor surface read. Plain data, JSON-serialisable.
 */

/** A 0-based position in the source text: rows end at `\n`, `\r\n` or a lone `\r` (python/lines.ts), columns in UTF-16 code units of the line (as web-tree-sitter reports them for a JS string, and as editors take them). */
export interface Position {
  line: number;
  column: number;
}

/** A source range; `end` is exclusive. */
export interface Range {
  start: Position;
  end: Position;
  /**
   * The file the range is in when it is not the analysed file: code an import brought in (a layer
   * built by a class of another file). Absent: the analysed file. Whatever places something in the
   * analysed document (a diagnostic, a hint, an edit) uses only ranges without it.
   */
  path?: string;
}

/** A number when it resolves statically, else the source text of the expression (a symbol). */
export type Dim = number | string;

/** A resolved argument value, or the source text of an expression that did not resolve. */
export type ArgValue = number | string | boolean | null | { expr: string };

/**
 * How the initializer in force was reached:
 * - `default`: the module's own `reset_parameters` (framework default);
 * - `call`: an init call or in-place tensor method on this parameter;
 * - `apply`: a function passed to `.apply(...)`;
 * - `modules`: a loop over `self.modules()` / `named_modules()`;
 * - `named_parameters`: a loop over `named_parameters()` with a name rule;
 * - `reset_parameters`: the class's own `reset_parameters` / `_init_weights` method;
 * - `unknown`: something writes the parameter but the analysis cannot tell what.
 */
export type InitSource = 'default' | 'call' | 'apply' | 'modules' | 'named_parameters' | 'reset_parameters' | 'unknown';

/** The initializer in force for one parameter tensor. */
export interface InitInForce {
  /** `torch.nn.init` name without the underscore (`kaiming_normal`), `default`, or `unknown`. */
  name: string;
  /** Arguments by keyword (positional ones mapped to their keyword names). */
  args: Record<string, ArgValue>;
  source: InitSource;
  /** Per-element variance when it resolves (fans known, args numeric), else null. */
  variance: number | null;
  /** Where the init is written (the call), or the layer definition for defaults. */
  range: Range;
  /** For inits reached through `.apply(fn)`: the `.apply(...)` call in the model's code. */
  site?: Range;
  /**
   * σ_w² = fan_in·Var(W) when the init fixes it without the fans (JAX variance_scaling in fan_in
   * mode: its scale), so the stack's drift resolves when a linen layer's input size does not.
   */
  sigmaW2?: number;
}

/** An activation function applied elementwise after a layer. */
export interface Activation {
  /** Lowercase function name: `relu`, `leaky_relu`, `gelu`, `tanh`, … */
  name: string;
  /** e.g. `{ negative_slope: 0.2 }`, `{ approximate: 'tanh' }`. */
  params: Record<string, number | string>;
  /** Where the activation is applied (call or module). */
  range: Range;
}

/** One layer (a parametrised module, a norm, or dropout) in forward order. */
export interface Layer {
  /** Qualified name as PyTorch names it at run time (`layer1.0.conv1`, `h.*.attn.c_attn`). */
  name: string;
  /** Framework class name: `Linear`, `Conv2d`, `LayerNorm`, `Parameter`, … */
  type: string;
  /** Fans of the main weight in the framework's convention; null where undefined (norms, dropout). */
  fanIn: Dim | null;
  fanOut: Dim | null;
  /**
   * The activation that follows: an Activation, null when the output is used linearly
   * (logits, attention projections, a residual add with nothing after), or 'unknown'.
   */
  activation: Activation | null | 'unknown';
  /** Why the activation is unknown, or why a parameter no forward reads has none, in words (by frameworks that can say). */
  activationReason?: string;
  /** The init in force per parameter; keys are `weight`, `bias`, and e.g. `weight_hh` for RNNs. */
  init: Record<string, InitInForce | null>;
  /** True when the layer's output ends a residual branch (is added to a skip connection). */
  residual: boolean;
  /** True when a normalisation layer (BatchNorm, LayerNorm, …) re-normalises the output before any activation. */
  normalized: boolean;
  /**
   * Set on a residual branch end whose sum its block normalises and does not pass on un-normalised
   * (post-norm: `x = norm1(x + attn(x))`): the stream is rescaled after every add, so the branch's
   * share of it needs no depth scaling. Not serialized.
   */
  postNorm?: true;
  /** Set when the layer is on a projection shortcut: the skip of a residual add passes it (`identity = self.downsample(x)`). Not serialized. */
  shortcut?: true;
  /**
   * Set when the layer's output (after its activation) meets another layer's stream elementwise:
   * `product` for gating and modulation (`sigmoid(W_z·xh) * h`, `silu(w1(x)) * w3(x)`, FiLM's
   * `gamma * h`, squeeze-excitation), `sum` for parallel branches added without a skip (`W_x·x + W_h·h`).
   * Such a layer is an input of the join, not a link of a chain: a stack ends at it. Not serialized.
   */
  join?: 'product' | 'sum';
  /**
   * The names of the layers whose output reaches this layer's input (the last parametrised layers on
   * its input's paths, activations and dropout passed): its data-flow edges. Empty when the input comes
   * from no layer (the model's input); unset when the framework does not follow the data flow or the
   * layer is never called. Two heads on one trunk or a skip are fed by other layers than the one
   * before them in forward order. Not serialized.
   */
  inputs?: string[];
  /**
   * Where the layer is bound as `self.<attr> = <constructor>` in its owner's code: the target text
   * (`self.fc1`) and the statement's range. Null when it is built inside a container or a helper.
   */
  definition: { target: string; range: Range } | null;
  /** The nearest enclosing container bound as `self.<attr> = …` (`self.net = nn.Sequential(...)`), when the layer has no definition of its own. */
  container: { target: string; range: Range } | null;
  /** The class that defines this layer (the owner of the assignment), for fixes. */
  ownerClass: string;
  /** The layer's definition (the constructor call). */
  range: Range;
  /** Constructor arguments that matter (`negative_slope`, `groups`, `hidden_size`, `bias`, `eps`, `p`). */
  config: Record<string, ArgValue>;
}

/**
 * The kinds of parameter-free ops between layers that change the tensor's shape, in any framework's
 * spelling (`nn.MaxPool2d`, `F.avg_pool2d`, Keras' `MaxPooling2D`): `pool` (a k×k window, `mode`
 * max or avg), `adaptive_pool` (to an `output_size`; global when it is 1), `upsample` (`scale_factor`
 * or `size`, `mode`), `pixel_shuffle` (`upscale_factor`), `flatten`, `concat` (along `dim`).
 */
export type GraphOpKind = 'pool' | 'adaptive_pool' | 'upsample' | 'pixel_shuffle' | 'flatten' | 'concat';

/** A parameter-free op between layers that changes the tensor's shape, applied once in forward order. */
export interface GraphOp {
  kind: GraphOpKind;
  /** For pools: which reduction. */
  mode?: 'max' | 'avg';
  /** The layer whose output it reads (the last one on its input's path), a name in `Model.layers`. */
  after: string;
  /** The module's qualified name when a module applies it (`features.2`); absent for a function call. */
  module?: string;
  /** Arguments that matter (`kernel_size`, `stride`, `padding`, `output_size`, `scale_factor`, `upscale_factor`, `dim`). */
  config: Record<string, ArgValue>;
  /** Where it is applied (the call in forward). */
  range: Range;
  /** Set when it reads an earlier tensor than `after`'s output was last (a parallel branch from it, Inception's pool branch). */
  branch?: true;
}

/** One model class (an `nn.Module` subclass) with all its layers, nested modules flattened. */
export interface Model {
  name: string;
  /** The framework whose adapter extracted it (a file may mix frameworks). */
  framework?: 'pytorch' | 'keras' | 'flax';
  range: Range;
  layers: Layer[];
  /** The shape-changing ops between the layers, in forward order; absent when the adapter records none. */
  ops?: GraphOp[];
  /** The input image side the model's code gives by name (`image_size=64`) and where from; absent when it gives none. */
  inputSize?: { size: number; from: string };
}

/** What one file yields. */
export interface FileGraph {
  path: string;
  framework: 'pytorch' | 'keras' | 'flax' | 'unknown';
  models: Model[];
  /** Why parts of the file were not analysed (syntax errors, size), one line each. */
  notes: string[];
  /**
   * The workspace files the analysis read through imports, nearest first, each with a hash of the
   * text read: a change to one of them calls for analysing this file again. Absent: none.
   */
  dependencies?: { path: string; hash: string }[];
}
