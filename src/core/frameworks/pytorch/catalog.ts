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

/** A Python default as written in a signature: `True`, `None`, `1e-5`, `'relu'`. */
function literal(text: string): SignatureParam['default'] {
  const words: Record<string, SignatureParam['default']> = { True: true, False: false, None: null };
  if (text in words) {
    return words[text];
  }
  return /^'.*'$/.test(text) ? text.slice(1, -1) : Number(text);
}

/** A signature written as Python writes it: `'in_features, out_features, bias=True'`. */
function signature(text: string): SignatureParam[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [name, value] = part.split('=');
      return value === undefined ? { name: name! } : { name: name!, default: literal(value) };
    });
}

/** `'ClassA ClassB'` → a catalogue entry for each, of one kind, signature and bases. */
function entries(names: string, kind: ModuleKind, params = '', bases = ''): [string, ModuleInfo][] {
  const info: ModuleInfo = { kind, params: signature(params), bases: bases.split(' ').filter((b) => b !== '') };
  return names.split(' ').map((name) => [name, info]);
}

const CONV = "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros'";
const CONV_T = "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros'";
const RNN = 'input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0, bidirectional=False';
const CELL = 'input_size, hidden_size, bias=True';
const NORM = 'num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True';
const INSTANCE_NORM = 'num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False';
const TRANSFORMER_LAYER =
  "d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu', layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True";
const TRANSFORMER =
  "d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048, dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True";

/** Every torch.nn class the analysis models, by class name. */
export const TORCH_MODULES: Record<string, ModuleInfo> = Object.fromEntries([
  ...entries('Linear', 'layer', 'in_features, out_features, bias=True'),
  ...entries('NonDynamicallyQuantizableLinear', 'layer', 'in_features, out_features, bias=True', 'Linear'),
  ...entries('Bilinear', 'layer', 'in1_features, in2_features, out_features, bias=True'),
  ...entries('Conv1d Conv2d Conv3d', 'layer', CONV, '_ConvNd'),
  ...entries('ConvTranspose1d ConvTranspose2d ConvTranspose3d', 'layer', CONV_T, '_ConvNd _ConvTransposeNd'),
  ...entries('Embedding', 'layer', 'num_embeddings, embedding_dim, padding_idx=None, max_norm=None'),
  ...entries('EmbeddingBag', 'layer', 'num_embeddings, embedding_dim, max_norm=None'),
  ...entries(
    'RNN',
    'recurrent',
    "input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False, dropout=0, bidirectional=False",
    'RNNBase',
  ),
  ...entries('LSTM', 'recurrent', `${RNN}, proj_size=0`, 'RNNBase'),
  ...entries('GRU', 'recurrent', RNN, 'RNNBase'),
  ...entries('RNNCell', 'recurrent', `${CELL}, nonlinearity='tanh'`, 'RNNCellBase'),
  ...entries('LSTMCell GRUCell', 'recurrent', CELL, 'RNNCellBase'),
  ...entries(
    'MultiheadAttention',
    'attention',
    'embed_dim, num_heads, dropout=0, bias=True, add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None, batch_first=False',
  ),
  ...entries('TransformerEncoderLayer TransformerDecoderLayer', 'composite', TRANSFORMER_LAYER),
  ...entries('TransformerEncoder', 'composite', 'encoder_layer, num_layers, norm=None'),
  ...entries('TransformerDecoder', 'composite', 'decoder_layer, num_layers, norm=None'),
  ...entries('Transformer', 'composite', TRANSFORMER),
  ...entries('BatchNorm1d BatchNorm2d BatchNorm3d SyncBatchNorm', 'norm', NORM, '_BatchNorm _NormBase'),
  ...entries('InstanceNorm1d InstanceNorm2d InstanceNorm3d', 'norm', INSTANCE_NORM, '_InstanceNorm _NormBase'),
  ...entries('LayerNorm', 'norm', 'normalized_shape, eps=1e-5, elementwise_affine=True, bias=True'),
  ...entries('RMSNorm', 'norm', 'normalized_shape, eps=None, elementwise_affine=True'),
  ...entries('GroupNorm', 'norm', 'num_groups, num_channels, eps=1e-5, affine=True'),
  ...entries('Dropout Dropout1d Dropout2d Dropout3d AlphaDropout FeatureAlphaDropout', 'dropout', 'p=0.5, inplace=False', '_DropoutNd'),
  ...entries('ReLU ReLU6 SELU SiLU Mish Hardswish Hardsigmoid', 'activation', 'inplace=False'),
  ...entries('LeakyReLU', 'activation', 'negative_slope=0.01, inplace=False'),
  ...entries('PReLU', 'activation', 'num_parameters=1, init=0.25'),
  ...entries('ELU CELU', 'activation', 'alpha=1.0, inplace=False'),
  ...entries('GELU', 'activation', "approximate='none'"),
  ...entries('Tanh Sigmoid Softsign', 'activation'),
  ...entries('Hardtanh', 'activation', 'min_val=-1, max_val=1, inplace=False'),
  ...entries('Softplus', 'activation', 'beta=1, threshold=20'),
  ...entries('Softmax LogSoftmax', 'activation', 'dim=None'),
  ...entries('Identity Unflatten PixelUnshuffle ZeroPad2d ConstantPad2d ReflectionPad2d ReplicationPad2d ChannelShuffle', 'transparent'),
  // Parameter-free but shape-changing: the graph records where they apply (structuralOps.ts).
  ...entries('Flatten', 'transparent', 'start_dim=1, end_dim=-1'),
  ...entries('MaxPool1d MaxPool2d MaxPool3d', 'transparent', 'kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False'),
  ...entries(
    'AvgPool1d AvgPool2d AvgPool3d',
    'transparent',
    'kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None',
  ),
  ...entries('AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d', 'transparent', 'output_size'),
  ...entries('Upsample', 'transparent', "size=None, scale_factor=None, mode='nearest', align_corners=None"),
  ...entries('UpsamplingNearest2d UpsamplingBilinear2d', 'transparent', 'size=None, scale_factor=None'),
  ...entries('PixelShuffle', 'transparent', 'upscale_factor'),
  ...entries('Sequential', 'container'),
  ...entries('ModuleList ModuleDict', 'container', 'modules=None'),
]);

/** Lowercase activation name for an activation module class. */
export const ACTIVATION_MODULE_NAMES: Record<string, string> = Object.fromEntries(
  'ReLU ReLU6 LeakyReLU PReLU ELU CELU SELU GELU SiLU Mish Tanh Sigmoid Hardswish Hardsigmoid Hardtanh Softplus Softsign Softmax'
    .split(' ')
    .map((name) => [name, name === 'LeakyReLU' ? 'leaky_relu' : name.toLowerCase()])
    .concat([['LogSoftmax', 'log_softmax']]),
);

/**
 * Functional activations (`F.x`, `torch.x`, `x.method()`) as `written:positional,parameters` after
 * the input; an in-place spelling (`relu_`) is its activation.
 */
export const FUNCTIONAL_ACTIVATIONS: Record<string, { name: string; params: string[] }> = Object.fromEntries(
  (
    'relu relu_ relu6 leaky_relu:negative_slope leaky_relu_:negative_slope elu:alpha elu_:alpha celu:alpha selu selu_ gelu silu mish hardswish ' +
    'hardsigmoid hardtanh:min_val,max_val softplus:beta,threshold softsign sigmoid sigmoid_ tanh tanh_ softmax:dim log_softmax:dim'
  )
    .split(' ')
    .map((entry) => {
      const [written, params] = entry.split(':') as [string, string | undefined];
      return [written, { name: written.replace(/_$/, ''), params: params ? params.split(',') : [] }];
    }),
);

/** Functions and tensor methods that keep the activation search going (shape, selection, pooling, normalisation). */
export const TRANSPARENT_OPS = new Set(
  (
    'dropout dropout1d dropout2d dropout3d alpha_dropout feature_alpha_dropout max_pool1d max_pool2d max_pool3d avg_pool1d avg_pool2d ' +
    'avg_pool3d adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool1d adaptive_max_pool2d adaptive_max_pool3d ' +
    'flatten interpolate upsample pad cat concat stack chunk split unbind view reshape permute transpose contiguous squeeze unsqueeze expand ' +
    'expand_as repeat float half double to type_as clone mean sum pixel_shuffle pixel_unshuffle rearrange roll narrow flip t movedim swapaxes ' +
    'unflatten masked_fill index_select gather amax max detach drop_path'
  ).split(' '),
);

/** Functional normalisations: the input is re-normalised; weight and bias arguments act as the norm's parameters. */
export const NORM_FUNCTIONS = new Set(['layer_norm', 'batch_norm', 'group_norm', 'instance_norm', 'rms_norm', 'normalize', 'local_response_norm']);

/** Functions that consume a tensor linearly (its producer has no activation); losses take logits, so what reaches them is an output. */
export const LINEAR_OPS = new Set(
  (
    'matmul mm bmm baddbmm einsum linear conv1d conv2d conv3d scaled_dot_product_attention embedding cross_entropy nll_loss mse_loss l1_loss ' +
    'smooth_l1_loss huber_loss binary_cross_entropy binary_cross_entropy_with_logits kl_div cosine_embedding_loss ctc_loss'
  ).split(' '),
);

/** The class names an isinstance check against `name` accepts, for a module of class `className`. */
export function torchClassChain(className: string): string[] {
  const info = TORCH_MODULES[className];
  return info ? [className, ...info.bases, 'Module'] : [className, 'Module'];
}
