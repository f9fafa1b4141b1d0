/**
 * Graph layers from Flax layer instances: kernel shapes in Flax's layout, fans as JAX computes
 * them, and the initializer in force per parameter with its exact variance.
 *
 * Layouts and defaults (flax/linen/linear.py, flax/nnx/nn/linear.py): Dense kernel (in, features),
 * Conv kernel (*kernel_size, in/feature_group_count, features), ConvTranspose (*kernel_size, in,
 * features), Embed embedding (num_embeddings, features); `default_kernel_init = lecun_normal()`,
 * bias `zeros_init()`, `default_embed_init = variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)`.
 * Recurrent cells (linen/recurrent.py, nnx/nn/recurrent.py): one Dense per gate, input kernel
 * (in, features) with `kernel_init` (lecun_normal), hidden kernel (features, features) with
 * `recurrent_kernel_init` (orthogonal()), bias zeros. Norms (normalization.py): scale ones, bias
 * zeros. Attention (attention.py): q/k/v DenseGeneral kernels flattened to (in, qkv_features)
 * with `kernel_init` (lecun_normal).
 */
import type { ArgValue, Dim, InitInForce, Layer, Range } from '../../graph';
import { VARIANCE_SCALING_PRESETS as PRESETS } from '../../init/varianceScalingPresets';
import { CELL_FUNCTIONS } from './catalog';
import { canonicalInitializer, computeFans, jaxInitVariance, numericShape } from './initializers';
import { argValue, layerName, valueText, type InitValue, type LayerInst, type Value } from './host';

/** A Value as a dimension: a number, a symbol's text, or null when it is no size at all. */
export function dimOf(value: Value | undefined): Dim | null {
  if (!value) {
    return null;
  }
  if (value.kind === 'num') {
    return value.value;
  }
  if (value.kind === 'sym') {
    return value.text;
  }
  if (value.kind === 'list' && !value.symbolicCount) {
    return product(value.items.map(dimOf));
  }
  return null;
}

/** The product of dims: a number when all are numbers, else a symbol (`3*3*x.shape[-1]`). */
export function product(dims: (Dim | null)[]): Dim | null {
  if (dims.some((d) => d === null)) {
    return null;
  }
  if (dims.every((d) => typeof d === 'number')) {
    return (dims as number[]).reduce((p, d) => p * d, 1);
  }
  const numeric = (dims.filter((d) => typeof d === 'number') as number[]).reduce((p, d) => p * d, 1);
  const symbols = dims.filter((d) => typeof d === 'string') as string[];
  if (numeric === 1 && symbols.length === 1) {
    return symbols[0]!;
  }
  return [...(numeric !== 1 ? [String(numeric)] : []), ...symbols.map((s) => (/^[\w.[\]\-()/]+$/.test(s) ? s : `(${s})`))].join('*');
}

function divide(a: Dim | null, b: Dim | null): Dim | null {
  if (a === null || b === null) {
    return null;
  }
  if (b === 1) {
    return a;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    return b > 0 && a % b === 0 ? a / b : null;
  }
  return `${typeof a === 'string' && !/^[\w.[\]\-]+$/.test(a) ? `(${a})` : a}/${b}`;
}

/** The kernel-size tuple of a conv (an int is a 1-D window: flax `kernel_size = (kernel_size,)`). */
function windowOf(value: Value | undefined): (Dim | null)[] | null {
  if (value?.kind === 'list') {
    return value.symbolicCount ? null : value.items.map(dimOf);
  }
  return value?.kind === 'num' || value?.kind === 'sym' ? [dimOf(value)] : null;
}

/** The init in force: an explicit initializer, the default, or unknown. */
function initInForce(
  explicit: Value | undefined,
  fallback: { name: string; args: Record<string, ArgValue> },
  shape: (Dim | null)[] | null,
  layerRange: Range,
): InitInForce {
  const init: Omit<InitValue, 'kind'> | undefined =
    explicit === undefined ? fallback : explicit.kind === 'host' && explicit.host.kind === 'init' ? explicit.host : undefined;
  if (!init) {
    return unknownInit(layerRange);
  }
  const { name, args } = init;
  const inForce: InitInForce = {
    name,
    args,
    source: explicit === undefined ? 'default' : 'call',
    variance: jaxInitVariance(name, args, numericShape(shape)),
    range: init.range ?? layerRange,
  };
  // variance_scaling in fan_in mode with the default axes gives Var = scale/fan_in, so σ_w² = scale
  // whatever the input size (jax/_src/nn/initializers.py): lecun 1, he 2.
  const scaling = name === 'variance_scaling' ? args : PRESETS[canonicalInitializer(name)];
  const defaultAxes = args.in_axis === undefined && args.out_axis === undefined && args.batch_axis === undefined;
  const distributions = ['normal', 'truncated_normal', 'uniform'];
  if (defaultAxes && scaling?.mode === 'fan_in' && typeof scaling.scale === 'number' && distributions.includes(String(scaling.distribution))) {
    inForce.sigmaW2 = scaling.scale;
  }
  return inForce;
}

const LECUN = { name: 'lecun_normal', args: {} };
const ZEROS = { name: 'zeros', args: {} };
const ONES = { name: 'ones', args: {} };
const ORTHOGONAL = { name: 'orthogonal', args: {} };
const EMBED_DEFAULT = { name: 'variance_scaling', args: { scale: 1, mode: 'fan_in', distribution: 'normal', out_axis: 0 } };

/** True unless the flag is statically False (`use_bias=False`); an unresolved flag is unknown. */
function flag(args: Map<string, Value>, key: string, fallback: boolean): boolean | undefined {
  const value = args.get(key);
  return value === undefined ? fallback : value.kind === 'bool' ? value.value : undefined;
}

/** Builds the graph layer of an instance, given its input's feature size (linen infers it). */
export function buildLayer(inst: LayerInst, input: Value | null): Layer {
  const a = inst.args;
  const range = inst.node.range;
  const nnx = inst.info.nnx;
  const inDim = nnx ? dimOf(a.get('in_features') ?? a.get('num_features')) : input ? dimOf(input) : null;
  let kernel: (Dim | null)[] | null = null;
  const init: Record<string, InitInForce | null> = {};
  let gates: Record<string, string> = {};
  // A parameter a flag can switch off (`use_bias=False`): absent, unknown when the flag is, else its init.
  const optional = (flagKey: string, initKey: string, fallback: typeof ZEROS) => {
    const use = flag(a, flagKey, true);
    return use === false ? null : use === undefined ? unknownInit(range) : initInForce(a.get(initKey), fallback, null, range);
  };
  const kernelAndBias = () => {
    init.weight = initInForce(a.get('kernel_init'), LECUN, kernel, range);
    init.bias = optional('use_bias', 'bias_init', ZEROS);
  };
  switch (inst.info.kind) {
    case 'dense': {
      const out = dimOf(a.get(nnx ? 'out_features' : 'features'));
      // DenseGeneral over other axes (`axis=(-2, -1)`): the contracted size is not the last axis alone.
      const axis = a.get('axis');
      const lastAxisOnly = !axis || (axis.kind === 'num' && axis.value === -1);
      kernel = [lastAxisOnly ? inDim : `contracted axes ${valueText(axis)}`, out];
      kernelAndBias();
      break;
    }
    case 'conv':
    case 'convTranspose': {
      const out = dimOf(a.get(nnx ? 'out_features' : 'features'));
      const window = windowOf(a.get('kernel_size')) ?? [null];
      const groups = inst.info.kind === 'conv' ? dimOf(a.get('feature_group_count') ?? { kind: 'num', value: 1, float: false }) : 1;
      kernel = [...window, inst.info.kind === 'conv' ? divide(inDim, groups) : inDim, out];
      kernelAndBias();
      break;
    }
    case 'embed':
      kernel = [dimOf(a.get('num_embeddings')), dimOf(a.get('features'))];
      init.weight = initInForce(a.get('embedding_init'), EMBED_DEFAULT, kernel, range);
      break;
    case 'attention': {
      const inSize = nnx ? dimOf(a.get('in_features')) : inDim;
      const qkv = a.get('qkv_features');
      kernel = [inSize, qkv && qkv.kind !== 'none' ? dimOf(qkv) : inSize];
      kernelAndBias();
      break;
    }
    case 'cell': {
      const features = dimOf(a.get(nnx ? 'hidden_features' : 'features'));
      kernel = [inDim, features];
      init.weight_ih = initInForce(a.get('kernel_init'), LECUN, kernel, range);
      init.weight_hh = initInForce(a.get('recurrent_kernel_init'), ORTHOGONAL, [features, features], range);
      init.bias = initInForce(a.get('bias_init'), ZEROS, null, range);
      gates = cellFunctions(inst.className);
      break;
    }
    case 'norm': {
      init.weight = optional('use_scale', 'scale_init', ONES);
      if (inst.info.normParams?.includes('bias')) {
        init.bias = optional('use_bias', 'bias_init', ZEROS);
      }
      break;
    }
    default:
      break;
  }
  const fans = kernelFans(kernel);
  return {
    name: layerName(inst),
    type: inst.className,
    fanIn: fans.fanIn,
    fanOut: fans.fanOut,
    activation: 'unknown',
    init,
    residual: false,
    normalized: false,
    definition: inst.definition,
    container: inst.container,
    ownerClass: inst.ownerClass,
    range,
    config: Object.fromEntries([
      ...Object.entries(gates),
      ...[...a.entries()].filter(([key]) => !/_init$|^rngs$|^dtype$|^param_dtype$|^precision$/.test(key)).map(([key, value]) => [key, argValue(value)]),
    ]),
  };
}

/** A cell's own nonlinearities as Flax defaults them (written `gate_fn=` / `activation_fn=` replace them in the config). */
function cellFunctions(className: string): Record<string, string> {
  const cell = CELL_FUNCTIONS[className];
  return cell ? { ...(cell.gate ? { gate_fn: cell.gate } : {}), activation_fn: cell.activation } : {};
}

function unknownInit(range: Range): InitInForce {
  return { name: 'unknown', args: {}, source: 'unknown', variance: null, range };
}

/** Fans with JAX's default axes (in_axis=-2, out_axis=-1, the rest the receptive field). */
function kernelFans(kernel: (Dim | null)[] | null): { fanIn: Dim | null; fanOut: Dim | null } {
  if (!kernel || kernel.length < 2) {
    return { fanIn: null, fanOut: null };
  }
  const shape = numericShape(kernel);
  const numeric = shape && computeFans(shape);
  if (numeric) {
    return numeric;
  }
  const window = kernel.slice(0, -2);
  return { fanIn: product([...window, kernel[kernel.length - 2]!]), fanOut: product([...window, kernel[kernel.length - 1]!]) };
}
