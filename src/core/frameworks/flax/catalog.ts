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

/** Rows of `'Name Other'`, kind, `'positional parameters'`: one class per name; norms get `scale` and `bias` (RMSNorm only `scale`). */
function table(nnx: boolean, rows: readonly [string, LayerKind, string][]): Readonly<Record<string, FlaxLayerClass>> {
  return Object.fromEntries(
    rows.flatMap(([names, kind, positional]) =>
      names.split(' ').map((name): [string, FlaxLayerClass] => {
        const info: FlaxLayerClass = { kind, positional: positional.split(' ').filter((p) => p !== ''), nnx };
        return [name, kind === 'norm' ? { ...info, normParams: name === 'RMSNorm' ? ['scale'] : ['scale', 'bias'] } : info];
      }),
    ),
  );
}

/** flax.linen classes. */
const LINEN = table(false, [
  ['Dense', 'dense', 'features use_bias'],
  ['DenseGeneral', 'dense', 'features axis batch_dims use_bias'],
  ['Conv ConvLocal', 'conv', 'features kernel_size strides padding input_dilation kernel_dilation feature_group_count use_bias'],
  ['ConvTranspose', 'convTranspose', 'features kernel_size strides padding kernel_dilation use_bias'],
  ['Embed', 'embed', 'num_embeddings features'],
  ['LayerNorm InstanceNorm RMSNorm', 'norm', 'epsilon'],
  ['BatchNorm', 'norm', 'use_running_average axis momentum epsilon'],
  ['GroupNorm', 'norm', 'num_groups group_size epsilon'],
  ['Dropout', 'dropout', 'rate broadcast_dims deterministic'],
  ['MultiHeadDotProductAttention MultiHeadAttention SelfAttention', 'attention', 'num_heads'],
  ['LSTMCell OptimizedLSTMCell GRUCell SimpleCell', 'cell', 'features'],
  ['RNN', 'rnn', 'cell'],
  ['Sequential', 'sequential', 'layers'],
]);

/** flax.nnx classes. */
const NNX = table(true, [
  ['Linear LinearGeneral', 'dense', 'in_features out_features'],
  ['Conv', 'conv', 'in_features out_features kernel_size strides'],
  ['ConvTranspose', 'convTranspose', 'in_features out_features kernel_size strides'],
  ['Embed', 'embed', 'num_embeddings features'],
  ['LayerNorm BatchNorm RMSNorm', 'norm', 'num_features'],
  ['GroupNorm', 'norm', 'num_features num_groups'],
  ['Dropout', 'dropout', 'rate'],
  ['MultiHeadAttention', 'attention', 'num_heads in_features qkv_features out_features'],
  ['LSTMCell OptimizedLSTMCell GRUCell SimpleCell', 'cell', 'in_features hidden_features'],
  ['RNN', 'rnn', 'cell'],
  ['Sequential', 'sequential', ''],
]);

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

/**
 * The recurrent cells' own nonlinearities, the same in linen and nnx (flax.readthedocs.io, API
 * reference of flax.linen.LSTMCell, OptimizedLSTMCell, GRUCell, SimpleCell and flax.nnx.nn.recurrent,
 * Flax 0.8–0.10): LSTM and GRU gates `gate_fn=sigmoid`, candidate and output `activation_fn=tanh`;
 * SimpleCell `activation_fn=tanh`, no gate. Their parameters' defaults: input kernels
 * `kernel_init=lecun_normal()` (one Dense per gate, kernel (in, features); OptimizedLSTMCell
 * initialises each gate's block alike before concatenating them), hidden kernels
 * `recurrent_kernel_init=orthogonal()` (nnx: `modified_orthogonal`, the same distribution computed
 * in float32), biases `zeros_init()`.
 */
export const CELL_FUNCTIONS: Readonly<Record<string, { gate?: string; activation: string }>> = {
  LSTMCell: { gate: 'sigmoid', activation: 'tanh' },
  OptimizedLSTMCell: { gate: 'sigmoid', activation: 'tanh' },
  GRUCell: { gate: 'sigmoid', activation: 'tanh' },
  SimpleCell: { activation: 'tanh' },
};
