/**
 * The signal model of the analytic pass and the ops that change it without an activation: affine
 * layers (linear, conv with zero-padding borders, stride, groups) and normalisation.
 *
 * Every element of a layer's output is Gaussian across the batch with a unit (feature or channel)
 * mean that is itself Gaussian across units, so a tensor is described by its overall mean, the
 * variance of the unit means (`between`) and the variance inside a unit (`within`); the population
 * over all elements, which the torch oracle measures, is N(mean, between + within) unless a
 * `mixture` says otherwise (mixture.ts). Keeping `between` apart matters for BatchNorm, which
 * normalises each channel by its own (within) variance: after a ReLU the unit means carry about a
 * third of the second moment.
 *
 * - Affine: q = σ_w²·E[x²] + σ_b² with σ_w² = fan_in·Var W (Poole et al. 2016, arXiv 1606.05340,
 *   eq. 3); conv fan_in = c_in/groups × the average number of in-bounds kernel taps, so zero padding
 *   at the border lowers it (Xiao et al. 2018, arXiv 1806.05393 use the interior value). Backward:
 *   E[δ_in²] = fan_out·E[W²]·E[δ_out²] (gradient independence, Schoenholz et al. 2017, arXiv 1611.01232).
 * - BatchNorm (train mode) and LayerNorm: y = γ·(x − μ)/√(v + ε) + β with the biased batch (or
 *   per-position) variance v (PyTorch docs, torch.nn.BatchNorm2d / torch.nn.LayerNorm), so
 *   E[y²] = E[γ²]·v/(v + ε) + E[β²]; backward dx = γ/√(v + ε)·(δ − mean δ − ŷ·mean(δ·ŷ)), so
 *   E[dx²] = E[γ²]·E[δ²]/(v + ε) times the share of the projection that is kept.
 */
import { affineWeightShape, distributionMean, distributionVariance } from './distributions';
import type { Mixture } from './mixture';
import type { ActivationSpec } from '../activations';
import type { Dim } from '../graph';
import type { AffineLayer, Distribution, NormLayer, SimNetwork } from './network';

/** The signal at one point of the network. */
export interface Signal {
  mean: number;
  /** Variance of the per-unit means across units. */
  between: number;
  /** Variance inside one unit (across batch and positions). */
  within: number;
  /** Feature (channel) count, and spatial sizes for conv tensors; null for token ids. */
  features: number | null;
  spatial: number[];
  /** The elementwise marginal when it is not N(mean, between + within). */
  mixture?: Mixture;
  /** Set on an activation's output: its marginal is φ(pre), built only when a residual join needs it. */
  origin?: { activation: ActivationSpec; pre: Signal; layer: number };
}

/** Per-element mean and variance of a parameter; zero for none. */
export function parameterMoments(distribution: Distribution | null, shape?: number[]): { mean: number; variance: number } {
  if (distribution === null) {
    return { mean: 0, variance: 0 };
  }
  return { mean: distributionMean(distribution), variance: distributionVariance(distribution, shape) };
}

/** A resolved dim, or an Error naming the symbol. */
export function numeric(dim: Dim, what: string, layer: string): number {
  if (typeof dim !== 'number' || !Number.isFinite(dim)) {
    throw new Error(`${layer}: ${what} is the unresolved symbol ${JSON.stringify(dim)}; resolve the network first (resolve.ts)`);
  }
  return dim;
}

/** The population variance. */
export function total(signal: Signal): number {
  return signal.between + signal.within;
}

/** E[x²] over the population. */
export function second(signal: Signal): number {
  return signal.mean * signal.mean + total(signal);
}

/**
 * Zero padding along one dim (torch.nn.Conv1d/2d docs: output o reads inputs o·stride − padding + t,
 * t < kernel): the output length, the average number of in-bounds taps per output (`taps` = Σ_t f_t
 * with f_t the share of outputs where tap t is in bounds), and Σ_t f_t², the part of a constant
 * input's mean that is the same at every position of a channel (the rest varies with position).
 */
function coverage(size: number, kernel: number, stride: number, padding: number): { taps: number; steadyTaps: number; outSize: number } {
  const outSize = Math.floor((size + 2 * padding - kernel) / stride) + 1;
  if (outSize < 1) {
    return { taps: 0, steadyTaps: 0, outSize };
  }
  let taps = 0;
  let steadyTaps = 0;
  for (let tap = 0; tap < kernel; tap++) {
    // outputs o with 0 ≤ o·stride − padding + tap < size
    const first = Math.max(0, Math.ceil((padding - tap) / stride));
    const last = Math.min(outSize - 1, Math.floor((size - 1 + padding - tap) / stride));
    const share = last >= first ? (last - first + 1) / outSize : 0;
    taps += share;
    steadyTaps += share * share;
  }
  return { taps, steadyTaps, outSize };
}

/**
 * The same for a transposed conv (torch.nn.ConvTranspose2d docs: input i reaches outputs
 * i·stride − padding + t, t < kernel, out = (size − 1)·stride − 2·padding + kernel + output_padding):
 * `taps` the average number of (input, tap) pairs that land on an output (with kernel 2, stride 2
 * exactly one; with kernel 4, stride 2, padding 1: two inside, one at the border), and `reads` the
 * average number of in-bounds taps per input, the backward fan.
 */
function transposedCoverage(
  size: number,
  kernel: number,
  stride: number,
  padding: number,
  outputPadding: number,
): ReturnType<typeof coverage> & { reads: number } {
  const outSize = (size - 1) * stride - 2 * padding + kernel + outputPadding;
  if (outSize < 1) {
    return { taps: 0, steadyTaps: 0, outSize, reads: 0 };
  }
  let taps = 0;
  let steadyTaps = 0;
  for (let tap = 0; tap < kernel; tap++) {
    // inputs i with 0 ≤ i·stride − padding + tap < outSize
    const first = Math.max(0, Math.ceil((padding - tap) / stride));
    const last = Math.min(size - 1, Math.floor((outSize - 1 + padding - tap) / stride));
    const count = last >= first ? last - first + 1 : 0;
    taps += count / outSize;
    steadyTaps += (count / outSize) ** 2;
  }
  return { taps, steadyTaps, outSize, reads: (taps * outSize) / size };
}

/** A linear or conv layer: the pre-activation signal and E[δ_in²]/E[δ_out²]. */
export function affine(layer: AffineLayer, input: Signal): { pre: Signal; backward: number } {
  const inFeatures = numeric(layer.inFeatures, 'inFeatures', layer.name);
  const outFeatures = numeric(layer.outFeatures, 'outFeatures', layer.name);
  if (input.features !== inFeatures) {
    throw new Error(`${layer.name}: expects ${inFeatures} input features, gets ${input.features}`);
  }
  const dims = layer.kernel.length;
  if (input.spatial.length !== dims) {
    throw new Error(`${layer.name}: expects ${dims} spatial dims, gets ${input.spatial.length}`);
  }
  const groups = layer.groups;
  // forward taps per output element, and per input element the (output, tap) pairs that read it
  let taps = 1;
  let steadyTaps = 1;
  let readsPerInput = 1;
  const spatial: number[] = [];
  for (let dim = 0; dim < dims; dim++) {
    const size = input.spatial[dim];
    const transposed = layer.op === 'conv_transpose2d';
    const {
      taps: average,
      steadyTaps: steady,
      outSize,
    } = transposed
      ? transposedCoverage(size, layer.kernel[dim], layer.stride[dim], layer.padding[dim], layer.outputPadding?.[dim] ?? 0)
      : coverage(size, layer.kernel[dim], layer.stride[dim], layer.padding[dim]);
    if (outSize < 1) {
      throw new Error(`${layer.name}: output would be empty`);
    }
    taps *= average;
    steadyTaps *= steady;
    readsPerInput *= (average * outSize) / size;
    spatial.push(outSize);
  }
  const weight = parameterMoments(layer.weight, affineWeightShape(layer));
  const bias = parameterMoments(layer.bias);
  const fanIn = (inFeatures / groups) * taps;
  const fanOut = (outFeatures / groups) * readsPerInput;
  const weightSquare = weight.variance + weight.mean * weight.mean;
  const unitMeanSquare = input.mean * input.mean + input.between;
  // Input unit means reach a channel through its random weights; near a zero-padded border fewer
  // taps see them, so part of that spread varies with position inside the channel (within).
  const meanSpread = (inFeatures / groups) * weight.variance * unitMeanSquare;
  const pre: Signal = {
    mean: fanIn * weight.mean * input.mean + bias.mean,
    between: meanSpread * steadyTaps + bias.variance,
    within: fanIn * weightSquare * input.within + meanSpread * (taps - steadyTaps),
    features: outFeatures,
    spatial,
  };
  return { pre, backward: fanOut * weightSquare };
}

/**
 * Norm output and backward factor. `variance` is the one the layer divides by: within-channel for
 * BatchNorm; for LayerNorm the per-position variance over d features, E = total − within/d (the
 * position's mean takes within/d of it); for GroupNorm the per-example variance over a group of
 * n = C/G channels × positions, E = total − between·G/C − within/n (the group's mean takes that
 * much), and the channel means inside a group (between·(1 − G/C)) stay apart after it (none for an
 * InstanceNorm, G = C).
 */
export function norm(layer: NormLayer, input: Signal): { pre: Signal; backward: number } {
  if (input.features === null) {
    throw new Error(`${layer.name}: cannot normalise token ids`);
  }
  const positions = input.spatial.reduce((product, size) => product * size, 1);
  const groupShare = layer.op === 'groupnorm' ? (layer.groups ?? input.features) / input.features : 1;
  const count = layer.op === 'layernorm' ? input.features : layer.op === 'groupnorm' ? positions / groupShare : Number.POSITIVE_INFINITY;
  const variance =
    layer.op === 'batchnorm'
      ? input.within
      : layer.op === 'groupnorm'
        ? Math.max(0, total(input) - input.between * groupShare - input.within / count)
        : total(input) - input.within / count;
  const gamma = layer.weight === null ? { mean: 1, variance: 0 } : parameterMoments(layer.weight);
  const beta = layer.bias === null ? { mean: 0, variance: 0 } : parameterMoments(layer.bias);
  const gammaSquare = gamma.variance + gamma.mean * gamma.mean;
  const kept = variance / (variance + layer.eps);
  const apart = layer.op === 'groupnorm' ? (gammaSquare * input.between * (1 - groupShare)) / (variance + layer.eps) : 0;
  const pre: Signal = {
    mean: beta.mean,
    between: beta.variance + apart,
    within: Math.max(0, gammaSquare * kept - apart),
    features: input.features,
    spatial: input.spatial,
  };
  // The projection removes the mean (1/n of δ's energy) and the ŷ component (kept/n).
  const projection = Number.isFinite(count) ? 1 - (1 + kept) / count : 1;
  return { pre, backward: (gammaSquare * projection) / (variance + layer.eps) };
}

/** The network input: N(0, inputVariance) per element, or token ids. */
export function inputSignal(network: Pick<SimNetwork, 'input' | 'inputVariance'>): Signal {
  const variance = network.inputVariance ?? 1;
  const input = network.input;
  switch (input.kind) {
    case 'vector':
      return { mean: 0, between: 0, within: variance, features: numeric(input.width, 'input width', 'input'), spatial: [] };
    case 'signal':
      return {
        mean: 0,
        between: 0,
        within: variance,
        features: numeric(input.channels, 'input channels', 'input'),
        spatial: [numeric(input.length, 'input length', 'input')],
      };
    case 'image':
      return {
        mean: 0,
        between: 0,
        within: variance,
        features: numeric(input.channels, 'input channels', 'input'),
        spatial: [numeric(input.height, 'input height', 'input'), numeric(input.width, 'input width', 'input')],
      };
    case 'tokens':
      return { mean: 0, between: 0, within: 0, features: null, spatial: [numeric(input.length, 'sequence length', 'input')] };
  }
}
