/**
 * The Keras layer classes the adapter knows: what kind each is, its positional parameters (Keras 3
 * signatures; only the leading ones that tf.keras 2 shares), and the initializer arguments with
 * their defaults. Sources: keras/src/layers/** (Keras 3) and tf.keras 2 `keras/layers/**`.
 */

/** Kinds whose layers are layers of the graph: parametrised ones, norms and dropout. */
type GraphKind = 'dense' | 'conv' | 'conv_transpose' | 'depthwise' | 'separable' | 'embedding' | 'recurrent' | 'norm' | 'dropout' | 'attention';
/** Kinds that only activate, reshape, merge or wrap. */
type FlowKind = 'activation' | 'pooling' | 'global_pooling' | 'flatten' | 'reshape' | 'passthrough' | 'merge_add' | 'merge_concat' | 'merge_other' | 'wrapper';
export type LayerKind = GraphKind | FlowKind;

/** One initializer argument of a layer: the keyword (`kernel_initializer`), the graph's `init` key (`weight`, `bias`, `weight_hh`) and Keras' default. */
export interface InitParam {
  keyword: string;
  key: string;
  fallback: string;
}

export interface LayerClass {
  /** The class name (aliases map to it: `Convolution2D` → `Conv2D`). */
  name: string;
  kind: LayerKind;
  /** Leading positional parameters. */
  params: readonly string[];
  /** Spatial rank of convolutions and pooling. */
  rank?: number;
  /** Gates of a recurrent layer (LSTM 4, GRU 3, SimpleRNN 1). */
  gates?: number;
  inits?: readonly InitParam[];
}

const KERNEL: InitParam = { keyword: 'kernel_initializer', key: 'weight', fallback: 'glorot_uniform' };
const BIAS: InitParam = { keyword: 'bias_initializer', key: 'bias', fallback: 'zeros' };
const DEPTHWISE = (key: string): InitParam => ({ keyword: 'depthwise_initializer', key, fallback: 'glorot_uniform' });
const CONV_PARAMS = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'use_bias'];
const POOL_PARAMS = ['pool_size', 'strides', 'padding', 'data_format'];
/** Merge classes besides Add and Concatenate (operands of one shape). */
const OTHER_MERGES = ['Multiply', 'Average', 'Subtract', 'Maximum', 'Minimum', 'Dot'];
const PASSTHROUGH =
  'Permute RepeatVector Rescaling Normalization Resizing Masking Identity InputLayer CenterCrop RandomFlip RandomRotation RandomZoom RandomCrop RandomTranslation RandomContrast';

const entries: LayerClass[] = [
  // keras/src/layers/core/dense.py: kernel_initializer="glorot_uniform", bias_initializer="zeros".
  { name: 'Dense', kind: 'dense', params: ['units', 'activation', 'use_bias'], inits: [KERNEL, BIAS] },
  // keras/src/layers/convolutional/base_conv.py: the same defaults; kernel (*k, in/groups, filters).
  ...[1, 2, 3].map((rank): LayerClass => ({ name: `Conv${rank}D`, kind: 'conv', params: CONV_PARAMS, rank, inits: [KERNEL, BIAS] })),
  // base_conv_transpose.py: kernel (*k, filters, in); tf.keras 2 has output_padding 5th, so 4 positional only.
  ...[1, 2, 3].map((rank): LayerClass => ({
    name: `Conv${rank}DTranspose`,
    kind: 'conv_transpose',
    params: CONV_PARAMS.slice(0, 4),
    rank,
    inits: [KERNEL, BIAS],
  })),
  // depthwise_conv2d.py: depthwise_initializer="glorot_uniform"; kernel (*k, in, depth_multiplier).
  ...[1, 2].map((rank): LayerClass => ({
    name: `DepthwiseConv${rank}D`,
    kind: 'depthwise',
    params: ['kernel_size', 'strides', 'padding', 'depth_multiplier'],
    rank,
    inits: [DEPTHWISE('weight'), BIAS],
  })),
  // separable_conv2d.py: depthwise and pointwise kernels, both glorot_uniform.
  ...[1, 2].map((rank): LayerClass => ({
    name: `SeparableConv${rank}D`,
    kind: 'separable',
    params: CONV_PARAMS.slice(0, 4),
    rank,
    inits: [DEPTHWISE('depthwise'), { keyword: 'pointwise_initializer', key: 'weight', fallback: 'glorot_uniform' }, BIAS],
  })),
  // keras/src/layers/core/embedding.py: embeddings_initializer="uniform" (RandomUniform ±0.05).
  {
    name: 'Embedding',
    kind: 'embedding',
    params: ['input_dim', 'output_dim'],
    inits: [{ keyword: 'embeddings_initializer', key: 'weight', fallback: 'uniform' }],
  },
  // keras/src/layers/rnn/{lstm,gru,simple_rnn}.py: kernel glorot_uniform, recurrent orthogonal, bias zeros.
  ...Object.entries({ LSTM: 4, GRU: 3, SimpleRNN: 1 }).map(([name, gates]): LayerClass => ({
    name,
    kind: 'recurrent',
    params: ['units'],
    gates,
    inits: [KERNEL, { keyword: 'recurrent_initializer', key: 'weight_hh', fallback: 'orthogonal' }, BIAS],
  })),
  // keras/src/layers/normalization/*: gamma_initializer="ones", beta_initializer="zeros".
  ...['BatchNormalization', 'LayerNormalization', 'GroupNormalization'].map((name): LayerClass => ({
    name,
    kind: 'norm',
    params: name === 'GroupNormalization' ? ['groups', 'axis', 'epsilon', 'center', 'scale'] : ['axis', name === 'BatchNormalization' ? 'momentum' : 'epsilon'],
    inits: [
      { keyword: 'gamma_initializer', key: 'weight', fallback: 'ones' },
      { keyword: 'beta_initializer', key: 'bias', fallback: 'zeros' },
    ],
  })),
  { name: 'UnitNormalization', kind: 'norm', params: ['axis'], inits: [] },
  ...'Dropout SpatialDropout1D SpatialDropout2D SpatialDropout3D AlphaDropout GaussianDropout GaussianNoise'
    .split(' ')
    .map((name): LayerClass => ({ name, kind: 'dropout', params: ['rate'] })),
  { name: 'Activation', kind: 'activation', params: ['activation'] },
  { name: 'ReLU', kind: 'activation', params: ['max_value', 'negative_slope', 'threshold'] },
  { name: 'LeakyReLU', kind: 'activation', params: ['negative_slope'] },
  { name: 'ELU', kind: 'activation', params: ['alpha'] },
  { name: 'PReLU', kind: 'activation', params: ['alpha_initializer'] },
  { name: 'Softmax', kind: 'activation', params: ['axis'] },
  ...[1, 2, 3].flatMap((rank): LayerClass[] => [
    { name: `MaxPooling${rank}D`, kind: 'pooling', params: POOL_PARAMS, rank },
    { name: `AveragePooling${rank}D`, kind: 'pooling', params: POOL_PARAMS, rank },
    { name: `GlobalAveragePooling${rank}D`, kind: 'global_pooling', params: ['data_format', 'keepdims'], rank },
    { name: `GlobalMaxPooling${rank}D`, kind: 'global_pooling', params: ['data_format', 'keepdims'], rank },
    { name: `ZeroPadding${rank}D`, kind: 'passthrough', params: ['padding'], rank },
    { name: `UpSampling${rank}D`, kind: 'passthrough', params: ['size'], rank },
    { name: `Cropping${rank}D`, kind: 'passthrough', params: ['cropping'], rank },
  ]),
  { name: 'Flatten', kind: 'flatten', params: ['data_format'] },
  { name: 'Reshape', kind: 'reshape', params: ['target_shape'] },
  ...PASSTHROUGH.split(' ').map((name): LayerClass => ({ name, kind: 'passthrough', params: [] })),
  { name: 'Add', kind: 'merge_add', params: [] },
  { name: 'Concatenate', kind: 'merge_concat', params: ['axis'] },
  ...OTHER_MERGES.map((name): LayerClass => ({ name, kind: 'merge_other', params: [] })),
  { name: 'Bidirectional', kind: 'wrapper', params: ['layer', 'merge_mode'] },
  { name: 'TimeDistributed', kind: 'wrapper', params: ['layer'] },
  // keras/src/layers/attention/multi_head_attention.py: kernel glorot_uniform, bias zeros (four EinsumDense projections).
  { name: 'MultiHeadAttention', kind: 'attention', params: ['num_heads', 'key_dim', 'value_dim', 'dropout', 'use_bias'], inits: [KERNEL, BIAS] },
];

/** Other names of the same classes (keras/src/layers/__init__.py exports). */
function aliasEntries(): [string, string][] {
  const out: [string, string][] = [];
  for (const r of [1, 2, 3]) {
    out.push([`Convolution${r}D`, `Conv${r}D`], [`MaxPool${r}D`, `MaxPooling${r}D`], [`AvgPool${r}D`, `AveragePooling${r}D`]);
    out.push([`GlobalAvgPool${r}D`, `GlobalAveragePooling${r}D`], [`GlobalMaxPool${r}D`, `GlobalMaxPooling${r}D`]);
  }
  out.push(['Convolution2DTranspose', 'Conv2DTranspose'], ['Convolution3DTranspose', 'Conv3DTranspose']);
  out.push(['SeparableConvolution1D', 'SeparableConv1D'], ['SeparableConvolution2D', 'SeparableConv2D']);
  return out;
}

const ALIASES: ReadonlyMap<string, string> = new Map(aliasEntries());
const BY_NAME = new Map(entries.map((entry) => [entry.name, entry]));

/** The layer class a `layers.<attr>` name refers to, or undefined. */
export function layerClass(attr: string): LayerClass | undefined {
  return BY_NAME.get(ALIASES.get(attr) ?? attr);
}

/** Every class name `keras.layers` exports that the catalog knows (for `from keras.layers import *`). */
export function layerNames(): string[] {
  return [...BY_NAME.keys(), ...ALIASES.keys()];
}

/** Lower-case merge functions of `keras.layers` (`add([a, b])`) and the class each stands for. */
export const MERGE_FUNCTIONS: ReadonlyMap<string, string> = new Map(['Add', 'Concatenate', ...OTHER_MERGES].map((name) => [name.toLowerCase(), name]));

/**
 * Keras' automatic layer name prefix: `to_snake_case(class name)` (keras/src/utils/naming.py):
 * `Conv2D` → `conv2d`, `BatchNormalization` → `batch_normalization`, `ReLU` → `re_lu`.
 */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
