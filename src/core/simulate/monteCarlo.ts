/**
 * The Monte-Carlo pass: a real forward and backward pass of a batch through weights sampled from the
 * network's init distributions, reporting per layer exactly the statistics real PyTorch was measured
 * with (test/fixtures/torch-reference/README.md): the population variance of the pre-activation,
 * E[x²] after the activation, and the variance of dLoss/d(layer input) for the loss sum(output·G),
 * G ~ N(0, 1).
 *
 * Seeded and reproducible (random.ts); runs synchronously or in slices (simulateMonteCarloAsync) so a
 * Web Worker can take a cancel message between layers and between batch chunks. All tensors live in
 * one arena from the matrix kernel (matmul.ts), sized once before the pass, channels-last
 * (tensorOps.ts). Weight gradients are not formed: no statistic needs them.
 */
import { activationFunction, type ActivationFunction, type ActivationSpec } from '../activations';
import { MatrixKernelPool } from './kernelPool';
import { checkMonteCarloBounds, DEFAULT_MONTE_CARLO_BOUNDS, monteCarloCost, type MonteCarloBounds } from './monteCarloBounds';
import type { MatrixKernel } from './matmul';
import { initialShape, isIdentity, isPointwise, planPass, product, resolved, type Plan, type TensorShape } from './monteCarloPlan';
import { attentionBackward, attentionForward, type AttentionGeometry } from './attention';
import type { AffineLayer, AttentionLayer, DropoutLayer, EmbeddingLayer, LayerStats, NormLayer, PoolLayer, ResidualEndLayer, SimNetwork } from './network';
import { concatColumns, shareForkGradients, sliceColumns } from './concat';
import { poolBackward, poolForward, poolGeometry, type PoolGeometry } from './pooling';
import { copyInputGradient, lowerShortcuts, type LoweredLayer, type LoweredNetwork } from './shortcut';
import { fillDistribution, Random } from './random';
import { resample } from './resampling';
import { groupNormBackward, groupNormForward, type GroupNormShape } from './groupNorm';
import { histogramOf, meanSquareOf, momentsOf, varianceOf, varianceOfValues, type Moments } from './sampleStatistics';
import {
  batchNormBackward,
  batchNormForward,
  col2imAdd,
  im2col,
  im2colWidth,
  layerNormBackward,
  layerNormForward,
  type ConvGeometry,
  type NormStatistics,
} from './tensorOps';

/** Options of a Monte-Carlo pass. */
export interface MonteCarloOptions {
  /** Examples per batch (the oracle's batch_size). */
  batch: number;
  seed: number;
  /** Variance of each input element; default the network's, else 1. */
  inputVariance?: number;
  /** Bins of each layer's post-activation histogram (default 40). */
  histogramBins?: number;
  /** Called after each layer of the forward and of the backward pass: done of total steps. */
  onProgress?: (done: number, total: number) => void;
  /** Polled between layers and between batch chunks; true stops the pass (result `cancelled`). */
  shouldCancel?: () => boolean;
  /** Force the plain TypeScript matrix kernel (tests; the default picks WebAssembly SIMD when available). */
  kernel?: 'auto' | 'js';
  /**
   * Where the pass takes its matrix kernel from and gives it back: a caller that reruns passes (the
   * panel, on every edit) keeps one pool so that a pass reuses the last one's memory. Default: a
   * fresh kernel for this pass.
   */
  kernels?: MatrixKernelPool;
  /** Memory and time bounds, checked before the pass (default DEFAULT_MONTE_CARLO_BOUNDS); over them, it throws MonteCarloRefused. */
  bounds?: Readonly<MonteCarloBounds>;
}

/** A histogram of one layer's post-activation values; values outside [edges[0], edges[last]] are counted in the end bins. */
export interface LayerHistogram {
  layer: string;
  edges: number[];
  counts: number[];
}

/** Per-layer statistics in forward order (empty when cancelled) and a histogram per layer. */
export interface MonteCarloResult {
  layers: LayerStats[];
  histograms: LayerHistogram[];
  cancelled: boolean;
  /** The matrix kernel that ran ('wasm-relaxed-simd', 'wasm-simd' or 'js'). */
  kernel?: string;
}

/** What the forward pass keeps of a layer for the backward pass and the statistics. */
interface LayerState {
  layer: LoweredLayer;
  input: TensorShape;
  output: TensorShape;
  activation: ActivationFunction | null;
  /** Forward storage; `pre` aliases the input for flatten/residual_begin, `post` aliases `pre` without activation. */
  inputBuffer: Float32Array | null;
  pre: Float32Array;
  post: Float32Array;
  affine?: AffineState;
  norm?: { gamma: Float32Array | null; beta: Float32Array | null; statistics: NormStatistics };
  mask?: Uint8Array;
  /** Concat: the column counts of its parts in order; the kept tensor's size (for its gradient sum). */
  partCols?: number[];
  forkSize?: number;
  /** Attention: the softmax weights (attention.ts). */
  attention?: Float32Array;
  /** Pooling: the input row of each output element's maximum (max pooling only). */
  argmax?: Int32Array | null;
}

interface AffineState {
  /** W as (outFeatures × Kg) row-major, Kg = inFeatures/groups·∏kernel. */
  weight: Float32Array;
  bias: Float32Array | null;
  /** Conv geometry when an im2col is needed (not for linear or 1×1, stride-1, unpadded convs). */
  geometry: ConvGeometry | null;
  chunkExamples: number;
  groupDepth: number;
  groupOutputs: number;
}

/**
 * post = φ(pre), returning the moments of pre and of post gathered in the same loop (one read of
 * each tensor instead of three). ReLU has its own loop: the common case, without a call per element.
 */
function applyActivation(pre: Float32Array, post: Float32Array, activation: ActivationFunction, spec: ActivationSpec): { pre: Moments; post: Moments } {
  let preSum = 0;
  let preSquares = 0;
  let sum = 0;
  let squares = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  if (spec.name === 'relu') {
    // (x + |x|)/2 is relu exactly (NaN stays NaN), and branch-free: a data-dependent branch on the
    // sign mispredicts half the time and costs 5× the loop.
    maximum = 0;
    for (let index = 0; index < pre.length; index++) {
      const x = pre[index];
      preSum += x;
      preSquares += x * x;
      const y = (x + Math.abs(x)) * 0.5;
      post[index] = y;
      sum += y;
      squares += y * y;
      maximum = y > maximum ? y : maximum;
    }
    minimum = post.length > 0 ? 0 : Infinity;
  } else {
    const f = activation.f;
    for (let index = 0; index < pre.length; index++) {
      const x = pre[index];
      preSum += x;
      preSquares += x * x;
      const y = Math.fround(f(x)); // the float32 value, as torch sees it
      post[index] = y;
      sum += y;
      squares += y * y;
      minimum = y < minimum ? y : minimum;
      maximum = y > maximum ? y : maximum;
    }
  }
  const count = pre.length;
  return {
    pre: { count, sum: preSum, squares: preSquares, minimum: Number.NaN, maximum: Number.NaN }, // extremes of pre: not needed
    post: { count, sum, squares, minimum, maximum },
  };
}

function activationBackward(pre: Float32Array, gradient: Float32Array, activation: ActivationFunction, spec: ActivationSpec): void {
  if (spec.name === 'relu') {
    // Branch-free, as in applyActivation (differs from torch's where(x > 0, g, 0) only for a NaN or
    // infinite g where x ≤ 0).
    for (let index = 0; index < pre.length; index++) {
      gradient[index] *= +(pre[index] > 0);
    }
    return;
  }
  const derivative = activation.derivative;
  for (let index = 0; index < pre.length; index++) {
    gradient[index] *= derivative(pre[index]);
  }
}

/** Samples an affine layer's parameters: W in (out × Kg) and the bias. The forward reads W transposed in the product. */
function sampleAffine(
  layer: AffineLayer,
  random: Random,
  kernel: MatrixKernel,
  geometry: ConvGeometry | null,
  chunkExamples: number,
  inFeatures: number,
  outFeatures: number,
): AffineState {
  const groupDepth = (inFeatures / layer.groups) * product(layer.kernel);
  const groupOutputs = outFeatures / layer.groups;
  const weight = kernel.allocate(outFeatures * groupDepth);
  fillDistribution(random, weight, layer.weight, outFeatures, groupDepth);
  let bias: Float32Array | null = null;
  if (layer.bias !== null && !(layer.bias.kind === 'constant' && layer.bias.value === 0)) {
    bias = new Float32Array(outFeatures);
    fillDistribution(random, bias, layer.bias, outFeatures, 1);
  }
  return { weight, bias, geometry: geometry !== null && isPointwise(geometry) ? null : geometry, chunkExamples, groupDepth, groupOutputs };
}

/** A step of the pass: the generator yields at every point where it may be cancelled. */
type Steps = Generator<void, MonteCarloResult, void>;

/** A step of one op: yields where it may be cancelled; returns its result, or null when cancelled. */
type OpSteps<T> = Generator<void, T | null, void>;

/** What every op of one pass shares: the kernel's arena, the random streams, the plan and the stacks. */
interface Pass {
  kernel: MatrixKernel;
  batch: number;
  /** The im2col / col2im block of the conv layers. */
  scratch: Float32Array;
  weightRandom: Random;
  dropoutRandom: Random;
  shouldCancel: () => boolean;
  /** Reports one more layer done (forward or backward) to the caller's onProgress. */
  progress: () => void;
  /** Token ids of the input, when the first layer is an embedding. */
  tokens: Int32Array | null;
  /** Forward: the skip tensors of the open residual blocks. */
  skipStack: Float32Array[];
  /** Backward: the skip gradients of the open residual blocks, preallocated to the plan's depth. */
  skipGradients: Float32Array[];
  skipDepth: number;
  /** Forward: the open forks (concat.ts), their kept tensor and the branch outputs set aside, with column counts. */
  forks: { input: Float32Array; cols: number; parts: { data: Float32Array; cols: number }[] }[];
  /** Backward: per open fork, the kept tensor's gradient so far and the set-aside parts' gradient slices. */
  forkGradients: { sum: Float32Array; parts: Float32Array[] }[];
}

/** Yields between two chunks of examples; true when the pass is to stop there. */
function* chunkBoundary(pass: Pass, firstExample: number): Generator<void, boolean, void> {
  if (firstExample === 0) {
    return false;
  }
  yield;
  return pass.shouldCancel();
}

/** Rows and columns of a channels-last tensor, for the products below. */
interface Matrix {
  rows: number;
  cols: number;
}

/**
 * The conv product out = im2col(x)·Wᵀ per group (a plain product for linear and pointwise convs),
 * in chunks of examples: a conv's forward, and a transposed conv's backward.
 */
function* convProduct(
  pass: Pass,
  groups: number,
  affine: AffineState,
  x: Float32Array,
  input: Matrix,
  out: Float32Array,
  output: Matrix,
): OpSteps<Float32Array> {
  const { kernel, batch, scratch } = pass;
  const { groupDepth, groupOutputs } = affine;
  const outFeatures = output.cols;
  if (affine.geometry === null) {
    for (let group = 0; group < groups; group++) {
      kernel.gemm(
        output.rows,
        groupOutputs,
        groupDepth,
        x,
        group * groupDepth,
        input.cols,
        affine.weight,
        group * groupOutputs * groupDepth,
        groupDepth,
        out,
        group * groupOutputs,
        outFeatures,
        false,
        true,
      );
    }
    return out;
  }
  const g = affine.geometry;
  const width = im2colWidth(g);
  const rowsPerExample = g.outHeight * g.outWidth;
  for (let firstExample = 0; firstExample < batch; firstExample += affine.chunkExamples) {
    if (yield* chunkBoundary(pass, firstExample)) {
      return null;
    }
    const count = Math.min(affine.chunkExamples, batch - firstExample);
    im2col(x, g, firstExample, count, scratch);
    for (let group = 0; group < groups; group++) {
      kernel.gemm(
        count * rowsPerExample,
        groupOutputs,
        groupDepth,
        scratch,
        group * groupDepth,
        width,
        affine.weight,
        group * groupOutputs * groupDepth,
        groupDepth,
        out,
        firstExample * rowsPerExample * outFeatures + group * groupOutputs,
        outFeatures,
        false,
        true,
      );
    }
  }
  return out;
}

/** Adds a bias per column to every row. */
function addBias(pre: Float32Array, bias: Float32Array | null, rows: number, cols: number): void {
  if (bias === null) {
    return;
  }
  for (let row = 0; row < rows; row++) {
    const base = row * cols;
    for (let c = 0; c < cols; c++) {
      pre[base + c] += bias[c];
    }
  }
}

/**
 * Linear / conv forward: pre = x·Wᵀ (+ bias). A transposed conv is the adjoint of the conv from its
 * output to its input (monteCarloPlan.ts plans that conv's geometry): pre = col2im(x·W) (+ bias).
 */
function* affineForward(pass: Pass, layer: AffineLayer, state: LayerState, x: Float32Array, planned: Plan['shapes'][number]): OpSteps<Float32Array> {
  const { input, output, geometry, chunkExamples } = planned;
  const transposed = layer.op === 'conv_transpose2d';
  // The conv that runs: from the output to the input for a transposed conv.
  const [convIn, convOut] = transposed ? [output.cols, input.cols] : [input.cols, output.cols];
  const affine = sampleAffine(layer, pass.weightRandom, pass.kernel, geometry, chunkExamples, convIn, convOut);
  if (transposed && layer.bias !== null) {
    // The bias is per output channel of the transposed conv (sampleAffine drew one per input).
    affine.bias = new Float32Array(output.cols);
    fillDistribution(pass.weightRandom, affine.bias, layer.bias, output.cols, 1);
  }
  state.affine = affine;
  const pre = pass.kernel.allocate(output.rows * output.cols);
  const done = transposed
    ? yield* convAdjoint(pass, layer.groups, affine, x, input, pre, output)
    : yield* convProduct(pass, layer.groups, affine, x, input, pre, output);
  if (done === null) {
    return null;
  }
  addBias(pre, affine.bias, output.rows, output.cols);
  return pre;
}

/** Embedding forward: the table rows of the input's token ids. */
function embeddingForward(pass: Pass, layer: EmbeddingLayer, output: TensorShape): Float32Array {
  const pre = pass.kernel.allocate(output.rows * output.cols);
  const dim = output.cols;
  const vocabulary = resolved(layer.numEmbeddings, `${layer.name} numEmbeddings`);
  const ids = pass.tokens as Int32Array;
  if (layer.weight.kind === 'orthogonal') {
    // Rows are not independent: sample the whole table as torch does.
    const table = new Float32Array(vocabulary * dim);
    fillDistribution(pass.weightRandom, table, layer.weight, vocabulary, dim);
    for (let row = 0; row < ids.length; row++) {
      pre.set(table.subarray(ids[row] * dim, ids[row] * dim + dim), row * dim);
    }
  } else {
    // Independent rows: sample only the rows the batch uses, in order of first use.
    const rowOf = new Map<number, number>();
    const table = new Float32Array(Math.min(vocabulary, ids.length) * dim);
    for (let row = 0; row < ids.length; row++) {
      let slot = rowOf.get(ids[row]);
      if (slot === undefined) {
        slot = rowOf.size;
        rowOf.set(ids[row], slot);
        fillDistribution(pass.weightRandom, table, layer.weight, 1, dim, slot * dim);
      }
      pre.set(table.subarray(slot * dim, slot * dim + dim), row * dim);
    }
  }
  return pre;
}

/** A positional embedding's forward: x plus table row p at position p (the table's first T rows, sampled as torch does). */
function positionalForward(pass: Pass, layer: EmbeddingLayer, output: TensorShape, x: Float32Array): Float32Array {
  const dim = output.cols;
  const length = output.spatial[0];
  const rows = layer.weight.kind === 'orthogonal' ? resolved(layer.numEmbeddings, `${layer.name} numEmbeddings`) : length;
  const table = new Float32Array(rows * dim);
  fillDistribution(pass.weightRandom, table, layer.weight, rows, dim);
  const pre = pass.kernel.allocate(output.rows * output.cols);
  for (let row = 0; row < output.rows; row++) {
    const position = (row % length) * dim;
    for (let col = 0; col < dim; col++) {
      pre[row * dim + col] = x[row * dim + col] + table[position + col];
    }
  }
  return pre;
}

/** An attention layer's shapes from its planned input. */
function attentionGeometry(pass: Pass, state: LayerState): AttentionGeometry {
  const layer = state.layer as AttentionLayer;
  return { batch: pass.batch, length: state.input.spatial[0], width: state.output.cols, causal: layer.causal };
}

/** A group norm's examples, positions and channel groups from its planned shape. */
function groupShapeOf(pass: Pass, layer: NormLayer, state: LayerState): GroupNormShape {
  const channels = state.output.cols;
  return { examples: pass.batch, positions: state.output.rows / pass.batch, channels, groups: layer.groups ?? channels };
}

/** BatchNorm / LayerNorm forward with sampled γ and β, keeping the statistics for the backward pass. */
function normForward(pass: Pass, layer: NormLayer, state: LayerState, x: Float32Array): Float32Array {
  const { output } = state;
  const pre = pass.kernel.allocate(output.rows * output.cols);
  const cols = output.cols;
  const sample = (d: typeof layer.weight): Float32Array | null => {
    if (d === null) {
      return null;
    }
    const values = new Float32Array(cols);
    fillDistribution(pass.weightRandom, values, d, cols, 1);
    return values;
  };
  const gamma = sample(layer.weight);
  const beta = sample(layer.bias);
  const groups = layer.op === 'batchnorm' ? cols : layer.op === 'groupnorm' ? pass.batch * (layer.groups ?? cols) : output.rows;
  const statistics: NormStatistics = { mean: new Float64Array(groups), inverseStd: new Float64Array(groups) };
  state.norm = { gamma, beta, statistics };
  if (layer.op === 'groupnorm') {
    groupNormForward(x, groupShapeOf(pass, layer, state), gamma, beta, layer.eps, pre, statistics);
  } else if (layer.op === 'batchnorm') {
    batchNormForward(x, output.rows, cols, gamma, beta, layer.eps, pre, statistics);
  } else {
    layerNormForward(x, output.rows, cols, gamma, beta, layer.eps, pre, statistics);
  }
  return pre;
}

/** Dropout forward in train mode (torch.nn.functional.dropout): keep with probability 1 − p, scaled by 1/(1 − p). */
function dropoutForward(pass: Pass, layer: DropoutLayer, state: LayerState, x: Float32Array): Float32Array {
  const size = state.output.rows * state.output.cols;
  const pre = pass.kernel.allocate(size);
  const mask = new Uint8Array(size);
  const keep = 1 - layer.p;
  const scale = keep > 0 ? 1 / keep : 0;
  const threshold = layer.p * 2 ** 32;
  for (let element = 0; element < size; element++) {
    const kept = +(pass.dropoutRandom.nextUint32() >= threshold);
    mask[element] = kept;
    pre[element] = x[element] * (kept * scale); // as torch: x·mask/(1 − p), no branch
  }
  state.mask = mask;
  return pre;
}

/** Residual end forward: pre = x + scale·skip, the skip popped from the open blocks. */
function residualEndForward(pass: Pass, layer: ResidualEndLayer, state: LayerState, x: Float32Array): Float32Array {
  const skip = pass.skipStack.pop() as Float32Array;
  const size = state.output.rows * state.output.cols;
  const pre = pass.kernel.allocate(size);
  for (let element = 0; element < size; element++) {
    pre[element] = x[element] + layer.scale * skip[element];
  }
  return pre;
}

/** The op's pre-activation tensor from its input `x` (null for token ids), per op as analytic.ts's applyOp. */
function* forwardOp(pass: Pass, state: LayerState, x: Float32Array | null, planned: Plan['shapes'][number]): OpSteps<Float32Array> {
  const layer = state.layer;
  switch (layer.op) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv_transpose2d':
      return yield* affineForward(pass, layer, state, x as Float32Array, planned);
    case 'embedding':
      return layer.positional === true ? positionalForward(pass, layer, state.output, x as Float32Array) : embeddingForward(pass, layer, state.output);
    case 'attention': {
      const pre = pass.kernel.allocate(state.output.rows * state.output.cols);
      state.attention = attentionForward(x as Float32Array, attentionGeometry(pass, state), pre);
      return pre;
    }
    case 'batchnorm':
    case 'layernorm':
    case 'groupnorm':
      return normForward(pass, layer, state, x as Float32Array);
    case 'dropout':
      return dropoutForward(pass, layer, state, x as Float32Array);
    case 'residual_begin':
      pass.skipStack.push(x as Float32Array);
      return x as Float32Array;
    case 'residual_swap': {
      // The projection shortcut runs next on the block input; the branch's output waits on the stack.
      const blockInput = pass.skipStack.pop() as Float32Array;
      pass.skipStack.push(x as Float32Array);
      return blockInput;
    }
    case 'residual_end':
      return residualEndForward(pass, layer, state, x as Float32Array);
    case 'flatten':
      return x as Float32Array;
    case 'fork':
      pass.forks.push({ input: x as Float32Array, cols: state.input.cols, parts: [] });
      return x as Float32Array;
    case 'branch': {
      const fork = pass.forks[pass.forks.length - 1];
      fork.parts.push({ data: x as Float32Array, cols: state.input.cols });
      return fork.input;
    }
    case 'concat': {
      const fork = pass.forks.pop() as Pass['forks'][number];
      const pre = pass.kernel.allocate(state.output.rows * state.output.cols);
      const parts = [...(layer.withInput ? [{ data: fork.input, cols: fork.cols }] : []), ...fork.parts, { data: x as Float32Array, cols: state.input.cols }];
      concatColumns(parts, state.output.rows, pre);
      state.partCols = parts.map((part) => part.cols);
      state.forkSize = fork.input.length;
      return pre;
    }
    case 'upsample':
    case 'pixel_shuffle': {
      const pre = pass.kernel.allocate(state.output.rows * state.output.cols);
      resample(layer, state.input.spatial, state.input.cols, pass.batch, x as Float32Array, pre, false);
      return pre;
    }
    case 'pool': {
      const pre = pass.kernel.allocate(state.output.rows * state.output.cols);
      state.argmax = layer.mode === 'max' ? new Int32Array(state.output.rows * state.output.cols) : null;
      poolForward(x as Float32Array, poolGeometryOf(layer, state), pass.batch, layer.mode, pre, state.argmax);
      return pre;
    }
  }
}

/** A pooling layer's geometry from its planned input shape. */
function poolGeometryOf(layer: PoolLayer, state: LayerState): PoolGeometry {
  return poolGeometry(state.input.spatial, state.input.cols, layer.kernel, layer.stride);
}

/**
 * The adjoint of convProduct: next = col2im(gradient·W) per group (a plain product for linear and
 * pointwise convs), in chunks of examples: a conv's backward, and a transposed conv's forward.
 */
function* convAdjoint(
  pass: Pass,
  groups: number,
  affine: AffineState,
  gradient: Float32Array,
  output: Matrix,
  next: Float32Array,
  input: Matrix,
): OpSteps<Float32Array> {
  const { kernel, batch, scratch } = pass;
  const { groupDepth, groupOutputs } = affine;
  if (affine.geometry === null) {
    for (let group = 0; group < groups; group++) {
      kernel.gemm(
        output.rows,
        groupDepth,
        groupOutputs,
        gradient,
        group * groupOutputs,
        output.cols,
        affine.weight,
        group * groupOutputs * groupDepth,
        groupDepth,
        next,
        group * groupDepth,
        input.cols,
        false,
      );
    }
    return next;
  }
  const g = affine.geometry;
  const width = im2colWidth(g);
  const rowsPerExample = g.outHeight * g.outWidth;
  next.fill(0);
  for (let firstExample = 0; firstExample < batch; firstExample += affine.chunkExamples) {
    if (yield* chunkBoundary(pass, firstExample)) {
      return null;
    }
    const count = Math.min(affine.chunkExamples, batch - firstExample);
    for (let group = 0; group < groups; group++) {
      kernel.gemm(
        count * rowsPerExample,
        groupDepth,
        groupOutputs,
        gradient,
        firstExample * rowsPerExample * output.cols + group * groupOutputs,
        output.cols,
        affine.weight,
        group * groupOutputs * groupDepth,
        groupDepth,
        scratch,
        group * groupDepth,
        width,
        false,
      );
    }
    col2imAdd(scratch, g, firstExample, count, next);
  }
  return next;
}

/** Linear / conv backward: dL/dx = dL/dpre·W (through col2im); a transposed conv's is its conv's forward product. */
function* affineBackward(pass: Pass, layer: AffineLayer, state: LayerState, gradient: Float32Array, next: Float32Array): OpSteps<Float32Array> {
  const affine = state.affine as AffineState;
  if (layer.op === 'conv_transpose2d') {
    return yield* convProduct(pass, layer.groups, affine, gradient, state.output, next, state.input);
  }
  return yield* convAdjoint(pass, layer.groups, affine, gradient, state.output, next, state.input);
}

/** BatchNorm / LayerNorm backward through the statistics kept by the forward pass. */
function normBackward(pass: Pass, layer: NormLayer, state: LayerState, gradient: Float32Array, next: Float32Array): Float32Array {
  const norm = state.norm as NonNullable<LayerState['norm']>;
  const x = state.inputBuffer as Float32Array;
  const { output } = state;
  if (layer.op === 'groupnorm') {
    groupNormBackward(x, gradient, groupShapeOf(pass, layer, state), norm.gamma, norm.statistics, next);
  } else if (layer.op === 'batchnorm') {
    batchNormBackward(x, gradient, output.rows, output.cols, norm.gamma, norm.statistics, next);
  } else {
    layerNormBackward(x, gradient, output.rows, output.cols, norm.gamma, norm.statistics, next);
  }
  return next;
}

/**
 * The gradient at the op's input from the gradient at its pre-activation: the same array when the
 * op works in place, else `other(length)` (the free one of the two gradient buffers) filled.
 */
function* backwardOp(pass: Pass, state: LayerState, gradient: Float32Array, other: (length: number) => Float32Array): OpSteps<Float32Array> {
  const layer = state.layer;
  const inputSize = state.input.rows * state.input.cols;
  switch (layer.op) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv_transpose2d':
      return yield* affineBackward(pass, layer, state, gradient, other(inputSize));
    case 'embedding':
      return gradient; // token ids have no gradient; a positional embedding's sum passes it on
    case 'attention': {
      const next = other(inputSize);
      attentionBackward(state.inputBuffer as Float32Array, state.attention as Float32Array, gradient, attentionGeometry(pass, state), next);
      return next;
    }
    case 'batchnorm':
    case 'layernorm':
    case 'groupnorm':
      return normBackward(pass, layer, state, gradient, other(inputSize));
    case 'dropout': {
      const mask = state.mask as Uint8Array;
      const scale = 1 / (1 - layer.p);
      for (let element = 0; element < gradient.length; element++) {
        gradient[element] *= mask[element] * scale;
      }
      return gradient;
    }
    case 'residual_end': {
      const skip = pass.skipGradients[pass.skipDepth++].subarray(0, gradient.length);
      for (let element = 0; element < gradient.length; element++) {
        skip[element] = layer.scale * gradient[element];
      }
      return gradient;
    }
    case 'residual_swap': {
      // The branch's gradient saved at residual_end comes back; the shortcut's gradient at the block input waits.
      const saved = pass.skipGradients[pass.skipDepth - 1];
      const next = other(inputSize);
      next.set(saved.subarray(0, inputSize));
      saved.set(gradient);
      return next;
    }
    case 'residual_begin': {
      const skip = pass.skipGradients[--pass.skipDepth].subarray(0, gradient.length);
      for (let element = 0; element < gradient.length; element++) {
        gradient[element] += skip[element];
      }
      return gradient;
    }
    case 'flatten':
      return gradient; // same values, reinterpreted
    case 'fork':
    case 'branch':
    case 'concat':
      return forkBackward(pass, state, gradient, other);
    case 'upsample':
    case 'pixel_shuffle': {
      const next = other(inputSize);
      resample(layer, state.input.spatial, state.input.cols, pass.batch, gradient, next, true);
      return next;
    }
    case 'pool': {
      const next = other(inputSize);
      poolBackward(gradient, poolGeometryOf(layer, state), pass.batch, layer.mode, state.argmax ?? null, next);
      return next;
    }
  }
}

/** Backward through fork, branch and concat (concat.ts): slices out, sums in. */
function forkBackward(pass: Pass, state: LayerState, gradient: Float32Array, other: (length: number) => Float32Array): Float32Array {
  const layer = state.layer;
  const rows = state.output.rows;
  if (layer.op === 'concat') {
    // Columns of the joined tensor: [kept tensor], set-aside parts in order, the current tensor.
    const partCols = state.partCols as number[];
    const total = state.output.cols;
    let offset = 0;
    const slices = partCols.map((cols) => {
      const slice = sliceColumns(gradient, rows, total, offset, cols);
      offset += cols;
      return slice;
    });
    const current = slices.pop() as Float32Array;
    const sum = layer.withInput ? (slices.shift() as Float32Array) : new Float32Array(state.forkSize as number);
    pass.forkGradients.push({ sum, parts: slices });
    const next = other(current.length);
    next.set(current);
    return next;
  }
  const top = layer.op === 'branch' ? pass.forkGradients[pass.forkGradients.length - 1] : (pass.forkGradients.pop() as Pass['forkGradients'][number]);
  for (let element = 0; element < gradient.length; element++) {
    top.sum[element] += gradient[element];
  }
  if (layer.op === 'fork') {
    gradient.set(top.sum);
    return gradient;
  }
  const previous = top.parts.pop() as Float32Array;
  const next = other(previous.length);
  next.set(previous);
  return next;
}

/** The input batch: N(0, inputVariance) per element in the arena, or token ids uniform over the embedding's vocabulary. */
function sampleInput(net: LoweredNetwork, pass: Pass, inputRandom: Random, inputStd: number): Float32Array | null {
  const first = initialShape(net, pass.batch);
  if (net.input.kind === 'tokens') {
    const embedding = net.layers[0];
    if (embedding?.op !== 'embedding') {
      throw new Error('Monte Carlo: token input needs an embedding first layer');
    }
    const vocabulary = resolved(embedding.numEmbeddings, `${embedding.name} numEmbeddings`);
    const tokens = new Int32Array(first.rows);
    for (let index = 0; index < tokens.length; index++) {
      tokens[index] = inputRandom.nextInt(vocabulary);
    }
    pass.tokens = tokens;
    return null;
  }
  const current = pass.kernel.allocate(first.rows * first.cols);
  inputRandom.fillNormal(current, 0, inputStd);
  return current;
}

/** post = φ(pre) (a new tensor) or pre itself without activation, with the moments of both. */
function activate(kernel: MatrixKernel, state: LayerState): { post: Float32Array; moments: { pre: Moments; post: Moments } } {
  const { layer, pre } = state;
  if (isIdentity(layer.activation)) {
    const same = momentsOf(pre);
    return { post: pre, moments: { pre: same, post: same } };
  }
  const activation = activationFunction(layer.activation as ActivationSpec);
  if (activation === undefined) {
    throw new Error(`Monte Carlo: ${layer.name}: unknown activation ${JSON.stringify(layer.activation)}`);
  }
  state.activation = activation;
  const post = kernel.allocate(state.output.rows * state.output.cols);
  return { post, moments: applyActivation(pre, post, activation, layer.activation as ActivationSpec) };
}

/** What the forward pass leaves: each layer's state for the backward pass, its statistics and histogram. */
interface ForwardResult {
  states: LayerState[];
  stats: LayerStats[];
  histograms: LayerHistogram[];
}

/** The forward pass from the input batch (null for token ids), layer by layer; null when cancelled. */
function* forwardPass(pass: Pass, net: LoweredNetwork, planned: Plan, input: Float32Array | null, bins: number): OpSteps<ForwardResult> {
  const result: ForwardResult = { states: [], stats: [], histograms: [] };
  let current = input;
  for (let index = 0; index < net.layers.length; index++) {
    if (pass.shouldCancel()) {
      return null;
    }
    const layer = net.layers[index];
    const { input: inputShape, output } = planned.shapes[index];
    const state: LayerState = { layer, input: inputShape, output, activation: null, inputBuffer: current, pre: new Float32Array(0), post: new Float32Array(0) };
    const pre = yield* forwardOp(pass, state, current, planned.shapes[index]);
    if (pre === null) {
      return null;
    }
    state.pre = pre;
    const { post, moments } = activate(pass.kernel, state);
    state.post = post;
    result.states.push(state);
    result.stats.push({
      name: layer.name,
      type: layer.op,
      forward: { preVar: varianceOf(moments.pre), postMeanSquare: meanSquareOf(moments.post) },
      backward: { gradInputVar: null },
    });
    result.histograms.push({ layer: layer.name, ...histogramOf(post, moments.post, bins) });
    current = post;
    pass.progress();
    yield;
  }
  return result;
}

/**
 * The backward pass from G ~ N(0, 1) at the output (loss = sum(output·G)), filling each layer's
 * gradInputVar in `stats`; false when cancelled.
 */
function* backwardPass(pass: Pass, planned: Plan, forward: ForwardResult, gradientRandom: Random): Generator<void, boolean, void> {
  const { kernel } = pass;
  const { states, stats } = forward;
  const gradientA = kernel.allocate(planned.maxTensor);
  const gradientB = kernel.allocate(planned.maxTensor);
  pass.skipGradients = Array.from({ length: planned.residualDepth }, () => kernel.allocate(planned.maxTensor));
  const last = states[states.length - 1];
  // The gradient lives in gradientA or gradientB; a layer that makes a new tensor writes the other.
  let inA = true;
  let gradient = gradientA.subarray(0, last.output.rows * last.output.cols);
  const other = (length: number): Float32Array => (inA ? gradientB : gradientA).subarray(0, length);
  gradientRandom.fillNormal(gradient, 0, 1);
  // Layers whose input tensor is the same tensor as an earlier layer's (after an identity
  // residual_begin): torch reports its total gradient, known once the earlier layer is done.
  let pending: number[] = [];
  for (let index = states.length - 1; index >= 0; index--) {
    if (pass.shouldCancel()) {
      return false;
    }
    const state = states[index];
    const layer = state.layer;
    if (state.activation !== null) {
      activationBackward(state.pre, gradient, state.activation, layer.activation as ActivationSpec);
    }
    const next = yield* backwardOp(pass, state, gradient, other);
    if (next === null) {
      return false;
    }
    if (next !== gradient) {
      // The op wrote the other buffer (other() always makes a new view, so this is exact).
      inA = !inA;
      gradient = next;
    }
    pending.push(index);
    const previous = index > 0 ? states[index - 1].layer : undefined;
    const aliased = previous?.op === 'residual_begin' && isIdentity(previous.activation);
    if (!aliased) {
      const tokens = layer.op === 'embedding';
      const variance = tokens ? null : varianceOfValues(gradient);
      for (const entry of pending) {
        stats[entry].backward.gradInputVar = variance;
      }
      pending = [];
    }
    pass.progress();
    if (layer.op === 'embedding' && layer.positional !== true) {
      break;
    }
    yield;
  }
  return true;
}

function* monteCarloSteps(original: SimNetwork, options: MonteCarloOptions): Steps {
  if (original.layers.length === 0) {
    // Nothing simulated (the notes say why): an empty result, not an error.
    return { layers: [], histograms: [], cancelled: false };
  }
  const lowering = lowerShortcuts(original);
  const net: LoweredNetwork = lowering.network;
  const batch = options.batch;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new Error(`Monte Carlo: batch must be a positive integer, got ${batch}`);
  }
  const bins = Math.max(1, Math.floor(options.histogramBins ?? 40));
  const inputStd = Math.sqrt(options.inputVariance ?? net.inputVariance ?? 1);
  const planned = planPass(net, batch);
  // Before any allocation: a pass over its memory or time bound is refused in words.
  checkMonteCarloBounds(monteCarloCost(net, planned), options.bounds ?? DEFAULT_MONTE_CARLO_BOUNDS, batch, initialShape(net, batch), (smaller) =>
    monteCarloCost(net, planPass(net, smaller)),
  );
  const kernels = options.kernels ?? new MatrixKernelPool();
  const kernel = kernels.acquire(planned.floats, options.kernel === 'js');
  const total = 2 * net.layers.length;
  let done = 0;
  const pass: Pass = {
    kernel,
    batch,
    scratch: planned.scratchFloats > 0 ? kernel.allocate(planned.scratchFloats) : new Float32Array(0),
    weightRandom: new Random(options.seed, 1),
    dropoutRandom: new Random(options.seed, 3),
    shouldCancel: options.shouldCancel ?? (() => false),
    progress: () => options.onProgress?.(++done, total),
    tokens: null,
    skipStack: [],
    skipGradients: [],
    skipDepth: 0,
    forks: [],
    forkGradients: [],
  };
  const input = sampleInput(net, pass, new Random(options.seed, 2), inputStd);
  const forward = yield* forwardPass(pass, net, planned, input, bins);
  const finished = forward !== null && (yield* backwardPass(pass, planned, forward, new Random(options.seed, 4)));
  kernels.release(kernel);
  if (!finished) {
    return { layers: [], histograms: [], cancelled: true, kernel: kernel.name };
  }
  shareForkGradients(net.layers, forward.stats);
  return { layers: lowering.report(forward.stats, copyInputGradient), histograms: lowering.report(forward.histograms), cancelled: false, kernel: kernel.name };
}

/**
 * Runs the Monte-Carlo pass to the end (or until `shouldCancel`) in one synchronous call. Inside a
 * worker, prefer simulateMonteCarloAsync: a synchronous call cannot see a cancel message.
 */
export function simulateMonteCarlo(net: SimNetwork, options: MonteCarloOptions): MonteCarloResult {
  const steps = monteCarloSteps(net, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) {
      return step.value;
    }
  }
}

/**
 * Lets the event loop run queued tasks (a worker's messages): a MessageChannel round trip where there
 * is one (browsers clamp nested setTimeout(0) to 4 ms, HTML spec §8.6), else setTimeout.
 */
interface Port {
  onmessage: ((event: unknown) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

function nextTurn(): Promise<void> {
  // Structural type: the DOM's and Node's MessageChannel typings differ, the behaviour used here does not.
  const Channel = (globalThis as unknown as { MessageChannel?: new () => { port1: Port; port2: Port } }).MessageChannel;
  if (Channel === undefined) {
    return new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return new Promise<void>((resolve) => {
    const channel = new Channel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The same pass, giving the event loop a turn every `sliceMs` (default 30 ms) between layers and
 * batch chunks, so that a worker's `onmessage` can flip what `shouldCancel` reads.
 */
export async function simulateMonteCarloAsync(net: SimNetwork, options: MonteCarloOptions & { sliceMs?: number }): Promise<MonteCarloResult> {
  const steps = monteCarloSteps(net, options);
  const slice = options.sliceMs ?? 30;
  let sliceStart = Date.now();
  for (;;) {
    const step = steps.next();
    if (step.done === true) {
      return step.value;
    }
    if (Date.now() - sliceStart >= slice) {
      await nextTurn();
      sliceStart = Date.now();
    }
  }
}
