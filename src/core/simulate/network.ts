/**
 * The simulation's input: a network as a forward-ordered list of layers with resolved weight
 * distributions. Built from a ModelGraph (fromGraph.ts) or from a torch-oracle spec (fromSpec.ts);
 * read by the analytic (mean-field) pass and the Monte-Carlo pass alike. Plain data, so it crosses
 * the webview boundary as JSON.
 */
import type { ActivationSpec } from '../activations';
import type { ArgValue, Dim } from '../graph';

/**
 * A parameter's distribution at init, in the framework's exact semantics, so that the analytic pass
 * reads its variance and the Monte-Carlo pass samples it. Bounds of `truncated_normal` are absolute
 * (torch's `trunc_normal_(mean, std, a, b)`); `std` is the std of the untruncated normal.
 */
export type Distribution =
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'truncated_normal'; mean: number; std: number; low: number; high: number }
  /** A (semi-)orthogonal matrix times `gain` (torch.nn.init.orthogonal_: QR of a normal matrix, sign-corrected). */
  | { kind: 'orthogonal'; gain: number }
  | { kind: 'constant'; value: number };

/**
 * The initializer call a parameter's distribution comes from (torch.nn.init name without `_`, or
 * `default` for the module's own init), kept so that resolve.ts can recompute the distribution once
 * symbolic fans have values.
 */
export interface InitCall {
  name: string;
  args: Record<string, ArgValue>;
}

/** The per-example input: N(0, variance) per element, or uniform token ids for an embedding first layer. */
export type InputShape =
  | { kind: 'vector'; width: Dim }
  | { kind: 'signal'; channels: Dim; length: Dim }
  | { kind: 'image'; channels: Dim; height: Dim; width: Dim }
  | { kind: 'tokens'; length: Dim };

/** Fields every layer has. `name` is the graph's qualified layer name (for reveal and the table). */
interface LayerBase {
  name: string;
  /** Applied after the layer's op; null for none. */
  activation: ActivationSpec | null;
}

/**
 * `linear`, `conv1d`, `conv2d`: y = W·x + b over `inFeatures·∏kernel/groups` inputs.
 * `conv_transpose2d` (torch.nn.ConvTranspose2d): the adjoint of the conv2d from its output to its
 * input with the same kernel, stride and padding; weight (in, out/groups, k…) as torch holds it.
 */
export interface AffineLayer extends LayerBase {
  op: 'linear' | 'conv1d' | 'conv2d' | 'conv_transpose2d';
  inFeatures: Dim;
  outFeatures: Dim;
  /** Spatial kernel sizes (empty for linear). */
  kernel: number[];
  stride: number[];
  /** Zero padding per spatial dim. */
  padding: number[];
  groups: number;
  /** conv_transpose2d only: the extra rows and columns at the bottom and right of the output (default 0). */
  outputPadding?: number[];
  weight: Distribution;
  /** null when the layer has no bias. */
  bias: Distribution | null;
  /** Where weight and bias come from, when built from a model graph (fromGraph.ts). */
  weightInit?: InitCall;
  biasInit?: InitCall;
}

/**
 * A table lookup of token ids (the first layer), or with `positional` a positional embedding added
 * to the current tensor: row p at sequence position p (nanoGPT's `wte(idx) + wpe(pos)`).
 */
export interface EmbeddingLayer extends LayerBase {
  op: 'embedding';
  numEmbeddings: Dim;
  embeddingDim: Dim;
  positional?: boolean;
  weight: Distribution;
  weightInit?: InitCall;
}

/**
 * BatchNorm (batch statistics, train mode), LayerNorm (last dim; per position over channels for conv
 * tensors), or GroupNorm (per example over `groups` groups of channels and all positions; InstanceNorm
 * is GroupNorm with one channel per group).
 */
export interface NormLayer extends LayerBase {
  op: 'batchnorm' | 'layernorm' | 'groupnorm';
  /** groupnorm only: the number of groups (the channels for an InstanceNorm). */
  groups?: number;
  /** γ and β; null when not affine. */
  weight: Distribution | null;
  bias: Distribution | null;
  eps: number;
}

export interface DropoutLayer extends LayerBase {
  op: 'dropout';
  /** Train mode: kept elements are scaled by 1/(1−p). */
  p: number;
}

/**
 * Pushes the current tensor (the skip path of a residual block). With `shortcut`, the skip is that
 * tensor through these layers (a projection shortcut: torchvision's `downsample = Sequential(conv1x1(stride),
 * BatchNorm2d)`), applied in order and without activations of their own (the join's activation follows the add).
 * Their statistics are reported after the branch's, just before the residual_end's, the order in which
 * torchvision's `forward` runs them (`identity = self.downsample(x)` after the branch); the first
 * shortcut layer's gradInputVar is the block input's total gradient (branch + shortcut), as autograd
 * accumulates it on that tensor (the same as the residual_begin's).
 */
export interface ResidualBeginLayer extends LayerBase {
  op: 'residual_begin';
  shortcut?: (AffineLayer | NormLayer | DropoutLayer | PoolLayer)[];
}

/** Adds the last pushed tensor times `scale` to the current one. */
export interface ResidualEndLayer extends LayerBase {
  op: 'residual_end';
  scale: number;
}

export interface FlattenLayer extends LayerBase {
  op: 'flatten';
}

/**
 * Max or average pooling over spatial windows (pooling.ts), unpadded, floor mode; a global pooling is
 * a window the size of its input.
 */
export interface PoolLayer extends LayerBase {
  op: 'pool';
  mode: 'max' | 'avg';
  kernel: number[];
  stride: number[];
}

/**
 * Channel concatenation (concat.ts), in three ops on a stack of open forks: `fork` keeps the
 * current tensor; `branch` sets the current tensor (one branch's output) aside and starts the next
 * branch from the kept one (Inception); `concat` joins the set-aside outputs, the current tensor and,
 * with `withInput`, the kept tensor itself (DenseNet's `cat([x, f(x)])`, a U-Net skip), along channels.
 */
export interface ForkLayer extends LayerBase {
  op: 'fork' | 'branch';
}

export interface ConcatLayer extends LayerBase {
  op: 'concat';
  withInput: boolean;
}

/**
 * Self-attention over the `length` positions of each example, on fused q, k, v (3·n features in, n
 * out, nanoGPT's `c_attn(x).split(n)`): softmax(q·kᵀ/√d)·v, `causal` masking later positions. One
 * head: the per-element statistics of several heads are the same at init (each head's logits have
 * variance E[q²]·E[k²], whatever d is).
 */
export interface AttentionLayer extends LayerBase {
  op: 'attention';
  causal: boolean;
  length: Dim;
}

/**
 * Spatial upsampling by an integer `scale` per dim (torch.nn.Upsample / F.interpolate, nearest or
 * bilinear with align_corners False or True), or a pixel shuffle (torch.nn.PixelShuffle: channels
 * c·r² become c channels over r× the positions; a permutation of the values). See resampling.ts.
 */
export interface ResampleLayer extends LayerBase {
  op: 'upsample' | 'pixel_shuffle';
  /** upsample: `nearest` or `bilinear`; pixel_shuffle: unused (`shuffle`). */
  mode: 'nearest' | 'bilinear' | 'shuffle';
  alignCorners: boolean;
  /** The integer factor per spatial dim (upsample) or the upscale factor r (pixel shuffle). */
  scale: number[];
}

export type SimLayer =
  | AttentionLayer
  | ResampleLayer
  | AffineLayer
  | EmbeddingLayer
  | NormLayer
  | DropoutLayer
  | ResidualBeginLayer
  | ResidualEndLayer
  | FlattenLayer
  | PoolLayer
  | ForkLayer
  | ConcatLayer;

/** A network to simulate. Symbolic dims (strings) must be resolved (resolve.ts) before simulating. */
export interface SimNetwork {
  input: InputShape;
  layers: SimLayer[];
  /** Variance of each input element (default 1). */
  inputVariance?: number;
  /** What the conversion could not represent exactly, one line each (shown by the panel and the CLI). */
  notes?: string[];
  /** How many of the model's parametrised layers are simulated, and which are left out (fromGraph.ts). */
  coverage?: Coverage;
}

/** The share of a model's parametrised layers (weights of their own) the network simulates. */
export interface Coverage {
  simulated: number;
  total: number;
  leftOut: string[];
}

/** Per-layer results, the shape of the CLI's `simulate` output and of the panel's charts. */
export interface LayerStats {
  name: string;
  /** The layer's op (`linear`, `conv2d`, `batchnorm`, `residual_end`, …). */
  type: string;
  forward: {
    /** Variance of the layer's output before its activation (for residual_end: of the sum). */
    preVar: number;
    /** E[x²] after the activation. */
    postMeanSquare: number;
  };
  backward: {
    /** Variance of dLoss/d(layer input); null for an embedding's token input. */
    gradInputVar: number | null;
  };
}
