/**
 * The Flax layers the adapter knows, for linen (`flax.linen`, dataclass fields in declaration
 * order are the positional parameters) and nnx (`flax.nnx`, explicit input sizes). Parameter
 * orders and defaults: flax/linen/linear.py, normalization.py, stochastic.py, attention.py,
 * recurrent.py and flax/nnx/nn/{linear,normalization,stochastic,attention,recurrent}.py.
 */

export type LayerKind = 'dense' | 'conv' | 'convTranspose' | 'embed' | 'norm' | 'dropout' | 'attention' | 'cell' | 'rnn' | 'sequential';

/** One layer class. */
export interface FlaxLayerClass {
  kind: LayerKind;
  /** Positional parameters of the constructor, in order. */
  positional: readonly string[];
  /** True for nnx classes (input sizes are constructor arguments). */
  nnx: boolean;
  /** Parameters a norm has (`scale`, `bias`); RMSNorm has no bias. */
  normParams?: readonly string[];
}

const NORM = ['scale', 'bias'] as const;

/** flax.linen classes. */
const LINEN: Readonly<Record<string, FlaxLayerClass>> = {
  Dense: { kind: 'dense', positional: ['features', 'use_bias'], nnx: false },
  DenseGeneral: { kind: 'dense', positional: ['features', 'axis', 'batch_dims', 'use_bias'], nnx: false },
  Conv: {
    kind: 'conv',
    positional: ['features', 'kernel_size', 'strides', 'padding', 'input_dilation', 'kernel_dilation', 'feature_group_count', 'use_bias'],
    nnx: false,
  },
  ConvLocal: {
    kind: 'conv',
    positional: ['features', 'kernel_size', 'strides', 'padding', 'input_dilation', 'kernel_dilation', 'feature_group_count', 'use_bias'],
    nnx: false,
  },
  ConvTranspose: { kind: 'convTranspose', positional: ['features', 'kernel_size', 'strides', 'padding', 'kernel_dilation', 'use_bias'], nnx: false },
  Embed: { kind: 'embed', positional: ['num_embeddings', 'features'], nnx: false },
  LayerNorm: { kind: 'norm', positional: ['epsilon'], nnx: false, normParams: NORM },
  BatchNorm: { kind: 'norm', positional: ['use_running_average', 'axis', 'momentum', 'epsilon'], nnx: false, normParams: NORM },
  GroupNorm: { kind: 'norm', positional: ['num_groups', 'group_size', 'epsilon'], nnx: false, normParams: NORM },
  InstanceNorm: { kind: 'norm', positional: ['epsilon'], nnx: false, normParams: NORM },
  RMSNorm: { kind: 'norm', positional: ['epsilon'], nnx: false, normParams: ['scale'] },
  Dropout: { kind: 'dropout', positional: ['rate', 'broadcast_dims', 'deterministic'], nnx: false },
  MultiHeadDotProductAttention: { kind: 'attention', positional: ['num_heads'], nnx: false },
  MultiHeadAttention: { kind: 'attention', positional: ['num_heads'], nnx: false },
  SelfAttention: { kind: 'attention', positional: ['num_heads'], nnx: false },
  LSTMCell: { kind: 'cell', positional: ['features'], nnx: false },
  OptimizedLSTMCell: { kind: 'cell', positional: ['features'], nnx: false },
  GRUCell: { kind: 'cell', positional: ['features'], nnx: false },
  SimpleCell: { kind: 'cell', positional: ['features'], nnx: false },
  RNN: { kind: 'rnn', positional: ['cell'], nnx: false },
  Sequential: { kind: 'sequential', positional: ['layers'], nnx: false },
};

/** flax.nnx classes. */
const NNX: Readonly<Record<string, FlaxLayerClass>> = {
  Linear: { kind: 'dense', positional: ['in_features', 'out_features'], nnx: true },
  LinearGeneral: { kind: 'dense', positional: ['in_features', 'out_features'], nnx: true },
  Conv: { kind: 'conv', positional: ['in_features', 'out_features', 'kernel_size', 'strides'], nnx: true },
  ConvTranspose: { kind: 'convTranspose', positional: ['in_features', 'out_features', 'kernel_size', 'strides'], nnx: true },
  Embed: { kind: 'embed', positional: ['num_embeddings', 'features'], nnx: true },
  LayerNorm: { kind: 'norm', positional: ['num_features'], nnx: true, normParams: NORM },
  BatchNorm: { kind: 'norm', positional: ['num_features'], nnx: true, normParams: NORM },
  GroupNorm: { kind: 'norm', positional: ['num_features', 'num_groups'], nnx: true, normParams: NORM },
  RMSNorm: { kind: 'norm', positional: ['num_features'], nnx: true, normParams: ['scale'] },
  Dropout: { kind: 'dropout', positional: ['rate'], nnx: true },
  MultiHeadAttention: { kind: 'attention', positional: ['num_heads', 'in_features', 'qkv_features', 'out_features'], nnx: true },
  LSTMCell: { kind: 'cell', positional: ['in_features', 'hidden_features'], nnx: true },
  OptimizedLSTMCell: { kind: 'cell', positional: ['in_features', 'hidden_features'], nnx: true },
  GRUCell: { kind: 'cell', positional: ['in_features', 'hidden_features'], nnx: true },
  SimpleCell: { kind: 'cell', positional: ['in_features', 'hidden_features'], nnx: true },
  RNN: { kind: 'rnn', positional: ['cell'], nnx: true },
  Sequential: { kind: 'sequential', positional: [], nnx: true },
};

/** The class for a dotted path (`flax.linen.Dense`, `flax.nnx.Linear`), or undefined. */
export function flaxLayerClass(path: string): { name: string; info: FlaxLayerClass } | undefined {
  const match = /^flax\.(linen|nnx)(?:\.(?:linear|normalization|stochastic|attention|recurrent|combinators|nn\.\w+))?\.(\w+)$/.exec(path);
  if (!match) {
    return undefined;
  }
  const table = match[1] === 'nnx' ? NNX : LINEN;
  const name = match[2]!;
  return Object.prototype.hasOwnProperty.call(table, name) ? { name, info: table[name]! } : undefined;
}

/** True for the base classes of Flax modules. */
export function isFlaxModuleBase(path: string): 'linen' | 'nnx' | undefined {
  if (/^flax\.linen(\.module|\.recurrent)?\.(Module|RNNCellBase)$/.test(path)) {
    return 'linen';
  }
  if (/^flax\.nnx(\.module|\.object)?\.Module$/.test(path)) {
    return 'nnx';
  }
  return undefined;
}
