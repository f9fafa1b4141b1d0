/**
 * The analytic (mean-field) pass: per layer, the second moment and mean of the signal forward and
 * the variance of the gradient backward, with no sampling. The signal model and the affine and norm
 * ops are in signal.ts; activations use Gaussian moments (gaussianMoments.ts: Poole et al. 2016,
 * arXiv 1606.05340, forward q = σ_w²·E[φ(√q z)²] + σ_b²; Schoenholz et al. 2017, arXiv 1611.01232,
 * backward through E[φ′²]).
 *
 * Elementwise chains get exact treatment where mean field's independence assumptions fail:
 * - a residual join adds a skip elementwise, so its sum is not Gaussian (a rectified skip skews
 *   it): the marginal becomes a Gaussian mixture (mixture.ts);
 * - the gradient that comes back along a skip through the join's activation depends on the skip's
 *   own value (a positive ReLU output makes the sum, and its gate, more likely positive), so the
 *   backward pass carries E[δ² | mixture component] along such chains instead of one number.
 * Dropout (train mode): kept elements are scaled by 1/(1 − p) (PyTorch docs, torch.nn.Dropout), so
 * E[y²] = E[x²]/(1 − p), and the gradient likewise. Residual joins: branch and skip are uncorrelated
 * (the branch ends in zero-mean random weights), so variances add, the skip's times scale².
 * A projection shortcut runs on the skip (lowered by shortcut.ts); its input gradient and the
 * branch's are uncorrelated (independent zero-mean weights), so their variances add at the block input.
 */
import { activationFunction, type ActivationSpec } from '../activations';
import { activationMoments, unitMeanSquare } from './gaussianMoments';
import { addIndependent, backThrough, dropout as dropoutTransfer, gaussian, pushForward, type Mixture, type Transfer } from './mixture';
import { attentionFactors } from './attention';
import type { AttentionLayer, ConcatLayer, EmbeddingLayer, FlattenLayer, ForkLayer, LayerStats, PoolLayer, ResampleLayer, SimNetwork } from './network';
import { resampledShape, resampleFactors } from './resampling';
import { commutesWithMax, maxMoments, poolGeometry } from './pooling';
import { concatParts, concatSignals, shareForkGradients, type OpenFork } from './concat';
import { copyInputGradient, lowerShortcuts, type LoweredLayer, type LoweredNetwork } from './shortcut';
import { affine, inputSignal, norm, numeric, parameterMoments, second, total, type Signal } from './signal';

/** What the backward pass needs from the forward pass for one layer. */
interface ForwardRecord {
  stats: LayerStats;
  /** Component weights of the layer's input and of its pre-activation signal. */
  inputWeights: number[];
  preWeights: number[];
  /** E[φ′(pre)² | pre component]; [1] without activation. */
  derivatives: number[];
  /** Set when the output's marginal was built (for a join or dropout): the activation as a Transfer. */
  activationFlow?: Transfer;
  /** E[δ_in²]/E[δ_pre²] of a value-independent op; null where the input has no gradient (token ids). */
  opBackward: number | null;
  /** Dropout on a mixture: how components move. */
  dropoutFlow?: Transfer;
  /** Residual join with a mixture: branch components × skip components → sum components. */
  join?: { branchWeights: number[]; skipWeights: number[]; target: Int32Array };
}

function weightsOf(signal: Signal): number[] {
  return signal.mixture?.weights ?? [1];
}

/** The signal with its marginal made explicit; an activation's output records how it maps. */
function materialize(signal: Signal, records: ForwardRecord[]): Signal {
  if (signal.origin === undefined) {
    return signal;
  }
  const { origin, ...rest } = signal;
  const activation = activationFunction(origin.activation);
  if (activation === undefined) {
    return rest;
  }
  const pre = origin.pre;
  const spec = origin.activation;
  const flow = pushForward(pre.mixture ?? gaussian(pre.mean, total(pre)), activation, (mean, variance) => activationMoments(spec, mean, variance));
  records[origin.layer].activationFlow = flow;
  return { ...rest, mixture: flow.mixture };
}

function marginal(signal: Signal): Mixture {
  return signal.mixture ?? gaussian(signal.mean, total(signal));
}

/** The activation applied to the pre-activation signal, with E[φ′²] per pre component. */
function activate(layer: LoweredLayer, index: number, pre: Signal): { post: Signal; derivatives: number[] } {
  const spec: ActivationSpec | null = layer.activation;
  if (spec === null) {
    return { post: pre, derivatives: [1] };
  }
  const components = marginal(pre);
  let mean = 0;
  let secondMoment = 0;
  const derivatives = components.weights.map((weight, component) => {
    const part = activationMoments(spec, components.means[component], components.variances[component]);
    mean += weight * part.mean;
    secondMoment += weight * part.secondMoment;
    return part.derivativeSecondMoment;
  });
  if (!Number.isFinite(secondMoment)) {
    throw new Error(`${layer.name}: unknown activation ${JSON.stringify(spec.name)}`);
  }
  const variance = Math.max(0, secondMoment - mean * mean);
  let between = 0;
  if (pre.between > 0) {
    // Unit means of the output, with the pre-activation taken as Gaussian (the joins that make it a
    // mixture add skips whose unit means do not differ).
    const unitSquare = unitMeanSquare(spec, pre.mean, pre.between, pre.within);
    between = Math.min(variance, Math.max(0, unitSquare - mean * mean));
  }
  return {
    post: { mean, between, within: variance - between, features: pre.features, spatial: pre.spatial, origin: { activation: spec, pre, layer: index } },
    derivatives,
  };
}

/**
 * Pooling (pooling.ts). Average: unit means pass, within-unit variance over the window size.
 * Max after a monotone activation: φ(max of the pre-activations); the layer before gets E[φ′(max)²]
 * as its activation's derivative, since only the arg-max receives a gradient. The gradient's
 * variance at the pool input: each output's gradient lands on one element (max) or spreads over n
 * (average, 1/n² each), over the inputs.
 */
function poolOp(layer: PoolLayer, input: Signal, records: ForwardRecord[]): { input: Signal; pre: Signal; opBackward: number } {
  const geometry = poolGeometry(input.spatial, input.features as number, layer.kernel, layer.stride);
  const spatial = input.spatial.length === 1 ? [geometry.outWidth] : [geometry.outHeight, geometry.outWidth];
  const count = layer.kernel.reduce((product, size) => product * size, 1);
  const share = spatial.reduce((product, size) => product * size, 1) / input.spatial.reduce((product, size) => product * size, 1);
  if (layer.mode === 'avg') {
    const pre: Signal = { mean: input.mean, between: input.between, within: input.within / count, features: input.features, spatial };
    return { input, pre, opBackward: share / count };
  }
  const origin = input.origin;
  const monotone = origin !== undefined && commutesWithMax(origin.activation) && origin.pre.mixture === undefined;
  const source = monotone ? origin.pre : input;
  const moments = maxMoments(count, source.mean, total(source), monotone ? origin.activation : null);
  const variance = Math.max(0, moments.secondMoment - moments.mean * moments.mean);
  const scale = total(input) > 0 ? Math.min(1, variance / total(input)) : 0;
  const between = Math.min(variance, input.between * scale);
  if (monotone) {
    const before = records[origin.layer];
    if (before.derivatives.length === 1 && before.activationFlow === undefined) {
      before.derivatives = [moments.derivativeSecondMoment];
    }
  }
  const pre: Signal = { mean: moments.mean, between, within: variance - between, features: input.features, spatial };
  return { input, pre, opBackward: share };
}

/** Fork, branch and concat (concat.ts): keep, set aside, join along channels. */
function forkOp(
  layer: ForkLayer | ConcatLayer,
  input: Signal,
  records: ForwardRecord[],
  forks: OpenFork[],
): { input: Signal; pre: Signal; opBackward: number } {
  const explicit = materialize(input, records);
  if (layer.op === 'fork') {
    forks.push({ input: explicit, parts: [] });
    return { input: explicit, pre: explicit, opBackward: 1 };
  }
  const fork = layer.op === 'branch' ? forks[forks.length - 1] : forks.pop();
  if (fork === undefined) {
    throw new Error(`${layer.name}: ${layer.op} without fork`);
  }
  if (layer.op === 'branch') {
    fork.parts.push(explicit);
    return { input: explicit, pre: fork.input, opBackward: 1 };
  }
  return { input: explicit, pre: concatSignals(concatParts(fork, explicit, layer.op === 'concat' && layer.withInput), layer.name), opBackward: 1 };
}

/** The ops that move or join values without weights: pool, flatten, fork, branch, concat. */
function layoutOp(
  layer: PoolLayer | FlattenLayer | ForkLayer | ConcatLayer,
  input: Signal,
  records: ForwardRecord[],
  forks: OpenFork[],
): { input: Signal; pre: Signal; opBackward: number } {
  if (layer.op === 'pool') {
    return poolOp(layer, input, records);
  }
  if (layer.op === 'flatten') {
    const features = (input.features as number) * input.spatial.reduce((product, size) => product * size, 1);
    return { input, pre: { ...input, features, spatial: [] }, opBackward: 1 };
  }
  return forkOp(layer, input, records, forks);
}

/**
 * Self-attention (attention.ts): near-uniform weights average the values, so the output keeps
 * E[Σ p²] of their variance; the input gradient is the mean over q, k and v of theirs.
 */
function attentionOp(layer: AttentionLayer, input: Signal, records: ForwardRecord[]): { input: Signal; pre: Signal; opBackward: number } {
  const explicit = materialize(input, records);
  const square = second(explicit);
  const factors = attentionFactors(numeric(layer.length, 'length', layer.name), layer.causal, square * square);
  const pre: Signal = {
    mean: explicit.mean,
    between: explicit.between * factors.values,
    within: explicit.within * factors.values,
    features: numeric(explicit.features as number, 'features', layer.name) / 3,
    spatial: explicit.spatial,
  };
  return { input: explicit, pre, opBackward: (factors.values + 2 * square * square * factors.logits) / 3 };
}

/**
 * Upsampling and pixel shuffle (resampling.ts): unit means pass; nearest and pixel shuffle copy
 * values (the marginal is kept), bilinear mixes neighbours (within-unit variance × the mean Σw²).
 */
function resampleOp(layer: ResampleLayer, input: Signal, records: ForwardRecord[]): { input: Signal; pre: Signal; opBackward: number } {
  const explicit = materialize(input, records);
  const features = numeric(explicit.features as number, 'features', layer.name);
  const shape = resampledShape(layer, features, explicit.spatial);
  const factors = resampleFactors(layer, explicit.spatial);
  const moved = explicit.between * factors.mixed;
  const pre: Signal = {
    mean: explicit.mean,
    between: explicit.between - moved,
    within: explicit.within * factors.within + moved,
    features: shape.features,
    spatial: shape.spatial,
    ...(layer.mode === 'bilinear' || explicit.mixture === undefined ? {} : { mixture: explicit.mixture }),
  };
  return { input: explicit, pre, opBackward: factors.backward };
}

/** Token embedding (token ids in), or a positional one added to the current tensor. */
function embeddingOp(layer: EmbeddingLayer, input: Signal, records: ForwardRecord[]): { input: Signal; pre: Signal; opBackward: number | null } {
  if (layer.positional === true) {
    // Row p at position p, the same in every example: it moves unit means (between-unit variance).
    const table = parameterMoments(layer.weight);
    const pre: Signal = { ...materialize(input, records), mixture: undefined };
    return { input, pre: { ...pre, mean: pre.mean + table.mean, between: pre.between + table.variance }, opBackward: 1 };
  }
  if (input.features !== null) {
    throw new Error(`${layer.name}: an embedding needs token ids as input`);
  }
  // A lookup of uniformly drawn rows: each output element is a table entry; a feature's mean over
  // tokens is its column mean, of variance Var W / num_embeddings.
  const table = parameterMoments(layer.weight);
  const rows = numeric(layer.numEmbeddings, 'numEmbeddings', layer.name);
  const pre: Signal = {
    mean: table.mean,
    between: table.variance / rows,
    within: table.variance * (1 - 1 / rows),
    features: numeric(layer.embeddingDim, 'embeddingDim', layer.name),
    spatial: [],
  };
  return { input, pre, opBackward: null };
}

/** The op of one layer on its input signal. */
function applyOp(
  layer: LoweredLayer,
  input: Signal,
  skips: Signal[],
  records: ForwardRecord[],
  forks: OpenFork[],
): { input: Signal; pre: Signal; opBackward: number | null; dropoutFlow?: Transfer; join?: ForwardRecord['join'] } {
  switch (layer.op) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv_transpose2d': {
      const { pre, backward } = affine(layer, input);
      return { input, pre, opBackward: backward };
    }
    case 'batchnorm':
    case 'layernorm':
    case 'groupnorm': {
      const { pre, backward } = norm(layer, input);
      return { input, pre, opBackward: backward };
    }
    case 'embedding':
      return embeddingOp(layer, input, records);
    case 'dropout': {
      if (!(layer.p >= 0 && layer.p < 1)) {
        throw new Error(`${layer.name}: dropout p must be in [0, 1)`);
      }
      const explicit = materialize(input, records);
      const flow = dropoutTransfer(marginal(explicit), layer.p);
      const gain = 1 / (1 - layer.p);
      // unit means are unchanged; the mask's extra energy is within-unit
      const pre: Signal = {
        ...explicit,
        within: second(explicit) * gain - explicit.mean * explicit.mean - explicit.between,
        mixture: flow.mixture,
      };
      return { input: explicit, pre, opBackward: gain, dropoutFlow: flow };
    }
    case 'attention':
      return attentionOp(layer, input, records);
    case 'upsample':
    case 'pixel_shuffle':
      return resampleOp(layer, input, records);
    case 'pool':
    case 'flatten':
    case 'fork':
    case 'branch':
    case 'concat':
      return layoutOp(layer, input, records, forks);
    case 'residual_begin': {
      const explicit = materialize(input, records);
      skips.push(explicit);
      return { input: explicit, pre: explicit, opBackward: 1 };
    }
    case 'residual_swap': {
      // The shortcut runs on the pushed block input; the branch's output waits on the stack.
      const skip = skips.pop();
      if (skip === undefined) {
        throw new Error(`${layer.name}: residual_swap without residual_begin`);
      }
      skips.push(materialize(input, records));
      return { input: skip, pre: skip, opBackward: 1 };
    }
    case 'residual_end': {
      const skip = skips.pop();
      if (skip === undefined) {
        throw new Error(`${layer.name}: residual_end without residual_begin`);
      }
      if (skip.features !== input.features || skip.spatial.join() !== input.spatial.join()) {
        throw new Error(`${layer.name}: residual shapes differ`);
      }
      const branch = materialize(input, records);
      const square = layer.scale * layer.scale;
      const pre: Signal = {
        mean: branch.mean + layer.scale * skip.mean,
        between: branch.between + square * skip.between,
        within: branch.within + square * skip.within,
        features: branch.features,
        spatial: branch.spatial,
      };
      if (branch.mixture === undefined && skip.mixture === undefined) {
        return { input: branch, pre, opBackward: 1 };
      }
      const branchMixture = marginal(branch);
      const skipMixture = marginal(skip);
      const sum = addIndependent(branchMixture, skipMixture, layer.scale);
      return {
        input: branch,
        pre: { ...pre, mixture: sum.mixture },
        opBackward: 1,
        join: { branchWeights: branchMixture.weights, skipWeights: skipMixture.weights, target: sum.target },
      };
    }
  }
}

/** Forward pass: one record per layer. */
function forward(network: LoweredNetwork): ForwardRecord[] {
  let signal = inputSignal(network);
  const skips: Signal[] = [];
  const forks: OpenFork[] = [];
  const records: ForwardRecord[] = [];
  network.layers.forEach((layer, index) => {
    if (signal.features === null && layer.op !== 'embedding') {
      throw new Error(`${layer.name}: token ids must go through an embedding first`);
    }
    const op = applyOp(layer, signal, skips, records, forks);
    const { post, derivatives } = activate(layer, index, op.pre);
    records.push({
      stats: {
        name: layer.name,
        type: layer.op,
        forward: { preVar: total(op.pre), postMeanSquare: second(post) },
        backward: { gradInputVar: null },
      },
      inputWeights: weightsOf(op.input),
      preWeights: weightsOf(op.pre),
      derivatives,
      opBackward: op.opBackward,
      dropoutFlow: op.dropoutFlow,
      join: op.join,
    });
    signal = post;
  });
  return records;
}

/** E[δ²] over a signal from its per-component values (one value: the same everywhere). */
function average(gradient: number[], weights: number[]): number {
  if (gradient.length === 1) {
    return gradient[0];
  }
  return gradient.reduce((sum, value, index) => sum + value * weights[index], 0);
}

/** Backward through the activation: from E[δ² | post component] to E[δ² | pre component]. */
function throughActivation(record: ForwardRecord, hasActivation: boolean, gradient: number[]): number[] {
  if (!hasActivation) {
    return gradient;
  }
  if (record.activationFlow !== undefined) {
    return backThrough(record.activationFlow, gradient, record.preWeights.length);
  }
  const outgoing = gradient[0];
  return record.derivatives.map((derivative) => derivative * outgoing);
}

/** Backward through a join: the branch's and the skip's E[δ² | component]. */
function throughJoin(join: NonNullable<ForwardRecord['join']>, gradient: number[], scale: number): { branch: number[]; skip: number[] } {
  const branch = new Array<number>(join.branchWeights.length).fill(0);
  const skip = new Array<number>(join.skipWeights.length).fill(0);
  const columns = join.skipWeights.length;
  for (let i = 0; i < branch.length; i++) {
    for (let j = 0; j < columns; j++) {
      const value = gradient.length === 1 ? gradient[0] : gradient[join.target[i * columns + j]];
      branch[i] += join.skipWeights[j] * value;
      skip[j] += join.branchWeights[i] * value * scale * scale;
    }
  }
  return { branch, skip };
}

/** A fork's gradient while the backward pass is inside it: the kept tensor's sum so far and a part's share. */
interface ForkGradient {
  sum: number;
  part: number;
}

/** Backward through fork, branch and concat (concat.ts): E[δ²] at the op's input from E[δ²] after it. */
function throughFork(layer: LoweredLayer, gradient: number, open: ForkGradient[]): number {
  if (layer.op === 'concat') {
    open.push({ sum: layer.withInput ? gradient : 0, part: gradient });
    return gradient;
  }
  const top = layer.op === 'branch' ? open[open.length - 1] : open.pop();
  if (top === undefined) {
    return gradient;
  }
  top.sum += gradient;
  // A branch hands the previous branch its slice; the fork hands on the kept tensor's total.
  return layer.op === 'branch' ? top.part : top.sum;
}

/**
 * Runs the mean-field pass over a resolved network (no symbolic dims): inputs N(0, inputVariance)
 * per element, upstream gradient N(0, 1) per output element (loss = sum(output·G)), one LayerStats
 * per layer. Throws on unresolved dims, unknown activations and shape mismatches.
 */
export function simulateAnalytic(original: SimNetwork): LayerStats[] {
  const lowering = lowerShortcuts(original);
  const network = lowering.network;
  const records = forward(network);
  let gradient: number[] | null = [1];
  const skipGradients: number[][] = [];
  const forkGradients: ForkGradient[] = [];
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index];
    const layer = network.layers[index];
    if (gradient === null) {
      break;
    }
    const atPre = throughActivation(record, layer.activation !== null, gradient);
    let atInput: number[] | null;
    if (layer.op === 'residual_end') {
      if (record.join !== undefined) {
        const { branch, skip } = throughJoin(record.join, atPre, layer.scale);
        skipGradients.push(skip);
        atInput = branch;
      } else {
        const value = average(atPre, record.preWeights);
        skipGradients.push([value * layer.scale * layer.scale]);
        atInput = [value];
      }
    } else if (layer.op === 'residual_swap') {
      // Backward of the swap: the branch's saved gradient comes back, the shortcut's gradient at the block input waits.
      atInput = skipGradients.pop() ?? [0];
      skipGradients.push(atPre);
    } else if (layer.op === 'residual_begin') {
      const skip = skipGradients.pop() ?? [0];
      const size = Math.max(atPre.length, skip.length);
      atInput = Array.from(
        { length: size },
        (_, component) => (atPre.length === 1 ? atPre[0] : atPre[component]) + (skip.length === 1 ? skip[0] : skip[component]),
      );
    } else if (layer.op === 'fork' || layer.op === 'branch' || layer.op === 'concat') {
      atInput = [throughFork(layer, average(atPre, record.preWeights), forkGradients)];
    } else if (record.dropoutFlow !== undefined) {
      atInput = backThrough(record.dropoutFlow, atPre, record.inputWeights.length);
    } else if (layer.op === 'flatten') {
      atInput = atPre;
    } else {
      atInput = record.opBackward === null ? null : [average(atPre, record.preWeights) * record.opBackward];
    }
    // A positional embedding's own input is position ids: no gradient, though the sum's passes on.
    const positional = layer.op === 'embedding' && layer.positional === true;
    record.stats.backward.gradInputVar = atInput === null || positional ? null : average(atInput, record.inputWeights);
    gradient = atInput;
  }
  // A residual_begin without activation hands on the very tensor it pushed as the skip, so the next
  // layer's input gradient (as autograd accumulates it on that tensor) includes the skip's share.
  for (let index = 1; index < records.length; index++) {
    const previous = network.layers[index - 1];
    if (previous.op === 'residual_begin' && previous.activation === null) {
      records[index].stats.backward.gradInputVar = records[index - 1].stats.backward.gradInputVar;
    }
  }
  shareForkGradients(
    network.layers,
    records.map((record) => record.stats),
  );
  return lowering.report(
    records.map((record) => record.stats),
    copyInputGradient,
  );
}
