/**
 * The torch.nn classes the analysis knows: constructor signatures, parameter shapes and the
 * default initializer each module's `reset_parameters` applies. Sources: PyTorch
 * `torch/nn/modules/{linear,conv,sparse,rnn,activation,normalization,batchnorm,transformer}.py`.
 */

/** A constructor parameter: its name and the default when the call leaves it out. */
export interface SignatureParam {
  name: string;
  default?: number | string | boolean | null;
}

export type ModuleKind = 'layer' | 'norm' | 'dropout' | 'activation' | 'transparent' | 'container' | 'recurrent' | 'attention' | 'composite';

/** Catalogue entry for one torch.nn class. */
export interface ModuleInfo {
  kind: ModuleKind;
  params: SignatureParam[];
  /** Base class name for isinstance checks (`ConvTranspose2d` → `_ConvTransposeNd`). */
  bases: string[];
}

const convParams = (transpose: boolean): SignatureParam[] =>
  transpose
    ? [
        { name: 'in_channels' },
        { name: 'out_channels' },
        { name: 'kernel_size' },
        { name: 'stride', default: 1 },
        { name: 'padding', default: 0 },
        { name: 'output_padding', default: 0 },
        { name: 'groups', default: 1 },
        { name: 'bias', default: true },
        { name: 'dilation', default: 1 },
        { name: 'padding_mode', default: 'zeros' },
      ]
    : [
        { name: 'in_channels' },
        { name: 'out_channels' },
        { name: 'kernel_size' },
        { name: 'stride', default: 1 },
        { name: 'padding', default: 0 },
        { name: 'dilation', default: 1 },
        { name: 'groups', default: 1 },
        { name: 'bias', default: true },
        { name: 'padding_mode', default: 'zeros' },
      ];

const rnnParams: SignatureParam[] = [
  { name: 'input_size' },
  { name: 'hidden_size' },
  { name: 'num_layers', default: 1 },
  { name: 'bias', default: true },
  { name: 'batch_first', default: false },
  { name: 'dropout', default: 0 },
  { name: 'bidirectional', default: false },
  { name: 'proj_size', default: 0 },
];

const normParams: SignatureParam[] = [
  { name: 'num_features' },
  { name: 'eps', default: 1e-5 },
  { name: 'momentum', default: 0.1 },
  { name: 'affine', default: true },
  { name: 'track_running_stats', default: true },
];
const instanceNormParams: SignatureParam[] = [
  { name: 'num_features' },
  { name: 'eps', default: 1e-5 },
  { name: 'momentum', default: 0.1 },
  { name: 'affine', default: false },
  { name: 'track_running_stats', default: false },
];

/** TransformerEncoderLayer and TransformerDecoderLayer share their signature. */
const transformerLayerParams: SignatureParam[] = [
  { name: 'd_model' },
  { name: 'nhead' },
  { name: 'dim_feedforward', default: 2048 },
  { name: 'dropout', default: 0.1 },
  { name: 'activation', default: 'relu' },
  { name: 'layer_norm_eps', default: 1e-5 },
  { name: 'batch_first', default: false },
  { name: 'norm_first', default: false },
  { name: 'bias', default: true },
];

const activation = (params: SignatureParam[] = []): ModuleInfo => ({ kind: 'activation', params, bases: [] });
const transparent: ModuleInfo = { kind: 'transparent', params: [], bases: [] };

/** Every torch.nn class the analysis models, by class name. */
export const TORCH_MODULES: Record<string, ModuleInfo> = {
  Linear: { kind: 'layer', params: [{ name: 'in_features' }, { name: 'out_features' }, { name: 'bias', default: true }], bases: [] },
  NonDynamicallyQuantizableLinear: {
    kind: 'layer',
    params: [{ name: 'in_features' }, { name: 'out_features' }, { name: 'bias', default: true }],
    bases: ['Linear'],
  },
  Bilinear: {
    kind: 'layer',
    params: [{ name: 'in1_features' }, { name: 'in2_features' }, { name: 'out_features' }, { name: 'bias', default: true }],
    bases: [],
  },
  Conv1d: { kind: 'layer', params: convParams(false), bases: ['_ConvNd'] },
  Conv2d: { kind: 'layer', params: convParams(false), bases: ['_ConvNd'] },
  Conv3d: { kind: 'layer', params: convParams(false), bases: ['_ConvNd'] },
  ConvTranspose1d: { kind: 'layer', params: convParams(true), bases: ['_ConvNd', '_ConvTransposeNd'] },
  ConvTranspose2d: { kind: 'layer', params: convParams(true), bases: ['_ConvNd', '_ConvTransposeNd'] },
  ConvTranspose3d: { kind: 'layer', params: convParams(true), bases: ['_ConvNd', '_ConvTransposeNd'] },
  Embedding: {
    kind: 'layer',
    params: [{ name: 'num_embeddings' }, { name: 'embedding_dim' }, { name: 'padding_idx', default: null }, { name: 'max_norm', default: null }],
    bases: [],
  },
  EmbeddingBag: { kind: 'layer', params: [{ name: 'num_embeddings' }, { name: 'embedding_dim' }, { name: 'max_norm', default: null }], bases: [] },
  RNN: { kind: 'recurrent', params: [...rnnParams.slice(0, 3), { name: 'nonlinearity', default: 'tanh' }, ...rnnParams.slice(3, 7)], bases: ['RNNBase'] },
  LSTM: { kind: 'recurrent', params: rnnParams, bases: ['RNNBase'] },
  GRU: { kind: 'recurrent', params: rnnParams.slice(0, 7), bases: ['RNNBase'] },
  RNNCell: {
    kind: 'recurrent',
    params: [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'bias', default: true }, { name: 'nonlinearity', default: 'tanh' }],
    bases: ['RNNCellBase'],
  },
  LSTMCell: { kind: 'recurrent', params: [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'bias', default: true }], bases: ['RNNCellBase'] },
  GRUCell: { kind: 'recurrent', params: [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'bias', default: true }], bases: ['RNNCellBase'] },
  MultiheadAttention: {
    kind: 'attention',
    params: [
      { name: 'embed_dim' },
      { name: 'num_heads' },
      { name: 'dropout', default: 0 },
      { name: 'bias', default: true },
      { name: 'add_bias_kv', default: false },
      { name: 'add_zero_attn', default: false },
      { name: 'kdim', default: null },
      { name: 'vdim', default: null },
      { name: 'batch_first', default: false },
    ],
    bases: [],
  },
  TransformerEncoderLayer: { kind: 'composite', params: transformerLayerParams, bases: [] },
  TransformerDecoderLayer: { kind: 'composite', params: transformerLayerParams, bases: [] },
  TransformerEncoder: { kind: 'composite', params: [{ name: 'encoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }], bases: [] },
  TransformerDecoder: { kind: 'composite', params: [{ name: 'decoder_layer' }, { name: 'num_layers' }, { name: 'norm', default: null }], bases: [] },
  Transformer: {
    kind: 'composite',
    params: [
      { name: 'd_model', default: 512 },
      { name: 'nhead', default: 8 },
      { name: 'num_encoder_layers', default: 6 },
      { name: 'num_decoder_layers', default: 6 },
      { name: 'dim_feedforward', default: 2048 },
      { name: 'dropout', default: 0.1 },
      { name: 'activation', default: 'relu' },
      { name: 'custom_encoder', default: null },
      { name: 'custom_decoder', default: null },
      { name: 'layer_norm_eps', default: 1e-5 },
      { name: 'batch_first', default: false },
      { name: 'norm_first', default: false },
      { name: 'bias', default: true },
    ],
    bases: [],
  },
  BatchNorm1d: { kind: 'norm', params: normParams, bases: ['_BatchNorm', '_NormBase'] },
  BatchNorm2d: { kind: 'norm', params: normParams, bases: ['_BatchNorm', '_NormBase'] },
  BatchNorm3d: { kind: 'norm', params: normParams, bases: ['_BatchNorm', '_NormBase'] },
  SyncBatchNorm: { kind: 'norm', params: normParams, bases: ['_BatchNorm', '_NormBase'] },
  InstanceNorm1d: { kind: 'norm', params: instanceNormParams, bases: ['_InstanceNorm', '_NormBase'] },
  InstanceNorm2d: { kind: 'norm', params: instanceNormParams, bases: ['_InstanceNorm', '_NormBase'] },
  InstanceNorm3d: { kind: 'norm', params: instanceNormParams, bases: ['_InstanceNorm', '_NormBase'] },
  LayerNorm: {
    kind: 'norm',
    params: [{ name: 'normalized_shape' }, { name: 'eps', default: 1e-5 }, { name: 'elementwise_affine', default: true }, { name: 'bias', default: true }],
    bases: [],
  },
  RMSNorm: { kind: 'norm', params: [{ name: 'normalized_shape' }, { name: 'eps', default: null }, { name: 'elementwise_affine', default: true }], bases: [] },
  GroupNorm: {
    kind: 'norm',
    params: [{ name: 'num_groups' }, { name: 'num_channels' }, { name: 'eps', default: 1e-5 }, { name: 'affine', default: true }],
    bases: [],
  },
  Dropout: {
    kind: 'dropout',
    params: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    bases: ['_DropoutNd'],
  },
  Dropout1d: {
    kind: 'dropout',
    params: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    bases: ['_DropoutNd'],
  },
  Dropout2d: {
    kind: 'dropout',
    params: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    bases: ['_DropoutNd'],
  },
  Dropout3d: {
    kind: 'dropout',
    params: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    bases: ['_DropoutNd'],
  },
  AlphaDropout: {
    kind: 'dropout',
    params: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    bases: ['_DropoutNd'],
  },
  FeatureAlphaDropout: {
    kind: 'dropout',
    params: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    bases: ['_DropoutNd'],
  },
  ReLU: activation([{ name: 'inplace', default: false }]),
  ReLU6: activation([{ name: 'inplace', default: false }]),
  LeakyReLU: activation([
    { name: 'negative_slope', default: 0.01 },
    { name: 'inplace', default: false },
  ]),
  PReLU: activation([
    { name: 'num_parameters', default: 1 },
    { name: 'init', default: 0.25 },
  ]),
  ELU: activation([
    { name: 'alpha', default: 1.0 },
    { name: 'inplace', default: false },
  ]),
  CELU: activation([
    { name: 'alpha', default: 1.0 },
    { name: 'inplace', default: false },
  ]),
  SELU: activation([{ name: 'inplace', default: false }]),
  GELU: activation([{ name: 'approximate', default: 'none' }]),
  SiLU: activation([{ name: 'inplace', default: false }]),
  Mish: activation([{ name: 'inplace', default: false }]),
  Tanh: activation(),
  Sigmoid: activation(),
  Hardswish: activation([{ name: 'inplace', default: false }]),
  Hardsigmoid: activation([{ name: 'inplace', default: false }]),
  Hardtanh: activation([
    { name: 'min_val', default: -1 },
    { name: 'max_val', default: 1 },
    { name: 'inplace', default: false },
  ]),
  Softplus: activation([
    { name: 'beta', default: 1 },
    { name: 'threshold', default: 20 },
  ]),
  Softsign: activation(),
  Softmax: activation([{ name: 'dim', default: null }]),
  LogSoftmax: activation([{ name: 'dim', default: null }]),
  Identity: transparent,
  Flatten: transparent,
  Unflatten: transparent,
  MaxPool1d: transparent,
  MaxPool2d: transparent,
  MaxPool3d: transparent,
  AvgPool1d: transparent,
  AvgPool2d: transparent,
  AvgPool3d: transparent,
  AdaptiveAvgPool1d: transparent,
  AdaptiveAvgPool2d: transparent,
  AdaptiveAvgPool3d: transparent,
  AdaptiveMaxPool1d: transparent,
  AdaptiveMaxPool2d: transparent,
  AdaptiveMaxPool3d: transparent,
  Upsample: transparent,
  UpsamplingNearest2d: transparent,
  UpsamplingBilinear2d: transparent,
  PixelShuffle: transparent,
  PixelUnshuffle: transparent,
  ZeroPad2d: transparent,
  ConstantPad2d: transparent,
  ReflectionPad2d: transparent,
  ReplicationPad2d: transparent,
  ChannelShuffle: transparent,
  Sequential: { kind: 'container', params: [], bases: [] },
  ModuleList: { kind: 'container', params: [{ name: 'modules', default: null }], bases: [] },
  ModuleDict: { kind: 'container', params: [{ name: 'modules', default: null }], bases: [] },
};

/** Lowercase activation name for an activation module class. */
export const ACTIVATION_MODULE_NAMES: Record<string, string> = {
  ReLU: 'relu',
  ReLU6: 'relu6',
  LeakyReLU: 'leaky_relu',
  PReLU: 'prelu',
  ELU: 'elu',
  CELU: 'celu',
  SELU: 'selu',
  GELU: 'gelu',
  SiLU: 'silu',
  Mish: 'mish',
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
  Hardswish: 'hardswish',
  Hardsigmoid: 'hardsigmoid',
  Hardtanh: 'hardtanh',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Softmax: 'softmax',
  LogSoftmax: 'log_softmax',
};

/** Functional activations (`F.x`, `torch.x`, `x.method()`), with their positional parameter names after the input. */
export const FUNCTIONAL_ACTIVATIONS: Record<string, { name: string; params: string[] }> = {
  relu: { name: 'relu', params: [] },
  relu_: { name: 'relu', params: [] },
  relu6: { name: 'relu6', params: [] },
  leaky_relu: { name: 'leaky_relu', params: ['negative_slope'] },
  leaky_relu_: { name: 'leaky_relu', params: ['negative_slope'] },
  elu: { name: 'elu', params: ['alpha'] },
  elu_: { name: 'elu', params: ['alpha'] },
  celu: { name: 'celu', params: ['alpha'] },
  selu: { name: 'selu', params: [] },
  selu_: { name: 'selu', params: [] },
  gelu: { name: 'gelu', params: [] },
  silu: { name: 'silu', params: [] },
  mish: { name: 'mish', params: [] },
  hardswish: { name: 'hardswish', params: [] },
  hardsigmoid: { name: 'hardsigmoid', params: [] },
  hardtanh: { name: 'hardtanh', params: ['min_val', 'max_val'] },
  softplus: { name: 'softplus', params: ['beta', 'threshold'] },
  softsign: { name: 'softsign', params: [] },
  sigmoid: { name: 'sigmoid', params: [] },
  sigmoid_: { name: 'sigmoid', params: [] },
  tanh: { name: 'tanh', params: [] },
  tanh_: { name: 'tanh', params: [] },
  softmax: { name: 'softmax', params: ['dim'] },
  log_softmax: { name: 'log_softmax', params: ['dim'] },
};

/** Functions and tensor methods that keep the activation search going (shape, selection, pooling, normalisation). */
export const TRANSPARENT_OPS = new Set([
  'dropout',
  'dropout1d',
  'dropout2d',
  'dropout3d',
  'alpha_dropout',
  'feature_alpha_dropout',
  'max_pool1d',
  'max_pool2d',
  'max_pool3d',
  'avg_pool1d',
  'avg_pool2d',
  'avg_pool3d',
  'adaptive_avg_pool1d',
  'adaptive_avg_pool2d',
  'adaptive_avg_pool3d',
  'adaptive_max_pool1d',
  'adaptive_max_pool2d',
  'adaptive_max_pool3d',
  'flatten',
  'interpolate',
  'upsample',
  'pad',
  'cat',
  'concat',
  'stack',
  'chunk',
  'split',
  'unbind',
  'view',
  'reshape',
  'permute',
  'transpose',
  'contiguous',
  'squeeze',
  'unsqueeze',
  'expand',
  'expand_as',
  'repeat',
  'float',
  'half',
  'double',
  'to',
  'type_as',
  'clone',
  'mean',
  'sum',
  'pixel_shuffle',
  'pixel_unshuffle',
  'rearrange',
  'roll',
  'narrow',
  'flip',
  't',
  'movedim',
  'swapaxes',
  'unflatten',
  'masked_fill',
  'index_select',
  'gather',
  'amax',
  'max',
  'detach',
  'drop_path',
]);

/** Functional normalisations: the input is re-normalised; weight and bias arguments act as the norm's parameters. */
export const NORM_FUNCTIONS = new Set(['layer_norm', 'batch_norm', 'group_norm', 'instance_norm', 'rms_norm', 'normalize', 'local_response_norm']);

/** Functions that consume a tensor linearly (its producer has no activation). */
export const LINEAR_OPS = new Set([
  'matmul',
  'mm',
  'bmm',
  'baddbmm',
  'einsum',
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'scaled_dot_product_attention',
  'embedding',
  // Losses take logits: what reaches them is an output.
  'cross_entropy',
  'nll_loss',
  'mse_loss',
  'l1_loss',
  'smooth_l1_loss',
  'huber_loss',
  'binary_cross_entropy',
  'binary_cross_entropy_with_logits',
  'kl_div',
  'cosine_embedding_loss',
  'ctc_loss',
]);

/** The class names an isinstance check against `name` accepts, for a module of class `className`. */
export function torchClassChain(className: string): string[] {
  const info = TORCH_MODULES[className];
  return info ? [className, ...info.bases, 'Module'] : [className, 'Module'];
}
