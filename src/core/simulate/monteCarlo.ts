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
import { createMatrixKernel, type MatrixKernel } from './matmul';
import { initialShape, isIdentity, isPointwise, planPass, product, resolved, type TensorShape } from './monteCarloPlan';
import type { AffineLayer, LayerStats, SimNetwork } from './network';
import { copyInputGradient, lowerShortcuts, type LoweredLayer, type LoweredNetwork } from './shortcut';
import { fillDistribution, Random } from './random';
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
  /** The matrix kernel that ran ('wasm-simd' or 'js'). */
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

/**
 * The last pass's wasm kernel, reused by the next pass when its memory fits (the panel reruns the
 * pass on every edit: this spares a new linear memory each time). A pass takes it out of here until
 * it ends, so two interleaved async passes never share one.
 */
let idleKernel: MatrixKernel | undefined;

function acquireKernel(floats: number, preferJs: boolean): MatrixKernel {
  const cached = idleKernel;
  idleKernel = undefined;
  // Reuse unless JS is asked for, or the memory is too small, or more than 4× too large to keep.
  if (!preferJs && cached !== undefined && cached.capacity >= floats && cached.capacity <= 4 * floats + (1 << 22)) {
    cached.reset();
    return cached;
  }
  return createMatrixKernel(floats, preferJs);
}

function releaseKernel(kernel: MatrixKernel): void {
  if (kernel.name === 'wasm-simd') {
    idleKernel = kernel;
  }
}

/** A step of the pass: the generator yields at every point where it may be cancelled. */
type Steps = Generator<void, MonteCarloResult, void>;

function* monteCarloSteps(original: SimNetwork, options: MonteCarloOptions): Steps {
  const lowering = lowerShortcuts(original);
  const net: LoweredNetwork = lowering.network;
  const batch = options.batch;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new Error(`Monte Carlo: batch must be a positive integer, got ${batch}`);
  }
  const bins = Math.max(1, Math.floor(options.histogramBins ?? 40));
  const inputStd = Math.sqrt(options.inputVariance ?? net.inputVariance ?? 1);
  const layers = net.layers;
  const planned = planPass(net, batch);
  const kernel = acquireKernel(planned.floats, options.kernel === 'js');
  const weightRandom = new Random(options.seed, 1);
  const inputRandom = new Random(options.seed, 2);
  const dropoutRandom = new Random(options.seed, 3);
  const gradientRandom = new Random(options.seed, 4);
  const total = 2 * layers.length;
  let done = 0;
  const cancelled = (): MonteCarloResult => {
    releaseKernel(kernel);
    return { layers: [], histograms: [], cancelled: true, kernel: kernel.name };
  };
  const shouldCancel = options.shouldCancel ?? (() => false);
  const scratch = planned.scratchFloats > 0 ? kernel.allocate(planned.scratchFloats) : new Float32Array(0);

  // The input: N(0, inputVariance) per element, or token ids uniform over the embedding's vocabulary.
  const first = initialShape(net, batch);
  let current: Float32Array | null = null;
  let tokens: Int32Array | null = null;
  if (net.input.kind === 'tokens') {
    const embedding = layers[0];
    if (embedding?.op !== 'embedding') {
      throw new Error('Monte Carlo: token input needs an embedding first layer');
    }
    const vocabulary = resolved(embedding.numEmbeddings, `${embedding.name} numEmbeddings`);
    tokens = new Int32Array(first.rows);
    for (let index = 0; index < tokens.length; index++) {
      tokens[index] = inputRandom.nextInt(vocabulary);
    }
  } else {
    current = kernel.allocate(first.rows * first.cols);
    inputRandom.fillNormal(current, 0, inputStd);
  }

  const states: LayerState[] = [];
  const stats: LayerStats[] = [];
  const histograms: LayerHistogram[] = [];
  const skipStack: Float32Array[] = [];

  // Forward.
  for (let index = 0; index < layers.length; index++) {
    if (shouldCancel()) {
      return cancelled();
    }
    const layer = layers[index];
    const { input, output, geometry, chunkExamples } = planned.shapes[index];
    const size = output.rows * output.cols;
    const x = current;
    let pre: Float32Array;
    const state: LayerState = { layer, input, output, activation: null, inputBuffer: x, pre: new Float32Array(0), post: new Float32Array(0) };
    switch (layer.op) {
      case 'linear':
      case 'conv1d':
      case 'conv2d': {
        const affine = sampleAffine(layer, weightRandom, kernel, geometry, chunkExamples, input.cols, output.cols);
        state.affine = affine;
        pre = kernel.allocate(size);
        const { groupDepth, groupOutputs } = affine;
        const outFeatures = output.cols;
        if (affine.geometry === null) {
          for (let group = 0; group < layer.groups; group++) {
            kernel.gemm(
              output.rows,
              groupOutputs,
              groupDepth,
              x as Float32Array,
              group * groupDepth,
              input.cols,
              affine.weight,
              group * groupOutputs * groupDepth,
              groupDepth,
              pre,
              group * groupOutputs,
              outFeatures,
              false,
              true,
            );
          }
        } else {
          const g = affine.geometry;
          const width = im2colWidth(g);
          const rowsPerExample = g.outHeight * g.outWidth;
          for (let firstExample = 0; firstExample < batch; firstExample += affine.chunkExamples) {
            if (firstExample > 0) {
              yield;
              if (shouldCancel()) {
                return cancelled();
              }
            }
            const count = Math.min(affine.chunkExamples, batch - firstExample);
            im2col(x as Float32Array, g, firstExample, count, scratch);
            for (let group = 0; group < layer.groups; group++) {
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
                pre,
                firstExample * rowsPerExample * outFeatures + group * groupOutputs,
                outFeatures,
                false,
                true,
              );
            }
          }
        }
        const bias = affine.bias;
        if (bias !== null) {
          for (let row = 0; row < output.rows; row++) {
            const base = row * outFeatures;
            for (let c = 0; c < outFeatures; c++) {
              pre[base + c] += bias[c];
            }
          }
        }
        break;
      }
      case 'embedding': {
        pre = kernel.allocate(size);
        const dim = output.cols;
        const vocabulary = resolved(layer.numEmbeddings, `${layer.name} numEmbeddings`);
        const ids = tokens as Int32Array;
        if (layer.weight.kind === 'orthogonal') {
          // Rows are not independent: sample the whole table as torch does.
          const table = new Float32Array(vocabulary * dim);
          fillDistribution(weightRandom, table, layer.weight, vocabulary, dim);
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
              fillDistribution(weightRandom, table, layer.weight, 1, dim, slot * dim);
            }
            pre.set(table.subarray(slot * dim, slot * dim + dim), row * dim);
          }
        }
        break;
      }
      case 'batchnorm':
      case 'layernorm': {
        pre = kernel.allocate(size);
        const cols = output.cols;
        const sample = (d: typeof layer.weight): Float32Array | null => {
          if (d === null) {
            return null;
          }
          const values = new Float32Array(cols);
          fillDistribution(weightRandom, values, d, cols, 1);
          return values;
        };
        const gamma = sample(layer.weight);
        const beta = sample(layer.bias);
        const groups = layer.op === 'batchnorm' ? cols : output.rows;
        const statistics: NormStatistics = { mean: new Float64Array(groups), inverseStd: new Float64Array(groups) };
        state.norm = { gamma, beta, statistics };
        if (layer.op === 'batchnorm') {
          batchNormForward(x as Float32Array, output.rows, cols, gamma, beta, layer.eps, pre, statistics);
        } else {
          layerNormForward(x as Float32Array, output.rows, cols, gamma, beta, layer.eps, pre, statistics);
        }
        break;
      }
      case 'dropout': {
        // Train mode (torch.nn.functional.dropout): keep with probability 1 − p, scaled by 1/(1 − p).
        pre = kernel.allocate(size);
        const mask = new Uint8Array(size);
        const keep = 1 - layer.p;
        const scale = keep > 0 ? 1 / keep : 0;
        const threshold = layer.p * 2 ** 32;
        const source = x as Float32Array;
        for (let element = 0; element < size; element++) {
          const kept = +(dropoutRandom.nextUint32() >= threshold);
          mask[element] = kept;
          pre[element] = source[element] * (kept * scale); // as torch: x·mask/(1 − p), no branch
        }
        state.mask = mask;
        break;
      }
      case 'residual_begin':
        skipStack.push(x as Float32Array);
        pre = x as Float32Array;
        break;
      case 'residual_swap':
        // The projection shortcut runs next on the block input; the branch's output waits on the stack.
        pre = skipStack.pop() as Float32Array;
        skipStack.push(x as Float32Array);
        break;
      case 'residual_end': {
        const skip = skipStack.pop() as Float32Array;
        pre = kernel.allocate(size);
        const source = x as Float32Array;
        for (let element = 0; element < size; element++) {
          pre[element] = source[element] + layer.scale * skip[element];
        }
        break;
      }
      case 'flatten':
        pre = x as Float32Array;
        break;
    }
    state.pre = pre;
    let post = pre;
    let moments: { pre: Moments; post: Moments };
    if (!isIdentity(layer.activation)) {
      const activation = activationFunction(layer.activation as ActivationSpec);
      if (activation === undefined) {
        throw new Error(`Monte Carlo: ${layer.name}: unknown activation ${JSON.stringify(layer.activation)}`);
      }
      state.activation = activation;
      post = kernel.allocate(size);
      moments = applyActivation(pre, post, activation, layer.activation as ActivationSpec);
    } else {
      const same = momentsOf(pre);
      moments = { pre: same, post: same };
    }
    state.post = post;
    states.push(state);
    stats.push({
      name: layer.name,
      type: layer.op,
      forward: { preVar: varianceOf(moments.pre), postMeanSquare: meanSquareOf(moments.post) },
      backward: { gradInputVar: null },
    });
    histograms.push({ layer: layer.name, ...histogramOf(post, moments.post, bins) });
    current = post;
    options.onProgress?.(++done, total);
    yield;
  }

  // Backward: G ~ N(0, 1) at the output (loss = sum(output·G)).
  const gradientA = kernel.allocate(planned.maxTensor);
  const gradientB = kernel.allocate(planned.maxTensor);
  const skipGradients = Array.from({ length: planned.residualDepth }, () => kernel.allocate(planned.maxTensor));
  let skipDepth = 0;
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
    if (shouldCancel()) {
      return cancelled();
    }
    const state = states[index];
    const { layer, input, output } = state;
    if (state.activation !== null) {
      activationBackward(state.pre, gradient, state.activation, layer.activation as ActivationSpec);
    }
    const inputSize = input.rows * input.cols;
    switch (layer.op) {
      case 'linear':
      case 'conv1d':
      case 'conv2d': {
        const affine = state.affine as AffineState;
        const { groupDepth, groupOutputs } = affine;
        const next = other(inputSize);
        if (affine.geometry === null) {
          for (let group = 0; group < layer.groups; group++) {
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
        } else {
          const g = affine.geometry;
          const width = im2colWidth(g);
          const rowsPerExample = g.outHeight * g.outWidth;
          next.fill(0);
          for (let firstExample = 0; firstExample < batch; firstExample += affine.chunkExamples) {
            if (firstExample > 0) {
              yield;
              if (shouldCancel()) {
                return cancelled();
              }
            }
            const count = Math.min(affine.chunkExamples, batch - firstExample);
            for (let group = 0; group < layer.groups; group++) {
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
        }
        inA = !inA;
        gradient = next;
        break;
      }
      case 'embedding':
        break; // token ids have no gradient
      case 'batchnorm':
      case 'layernorm': {
        const norm = state.norm as NonNullable<LayerState['norm']>;
        const next = other(inputSize);
        const x = state.inputBuffer as Float32Array;
        if (layer.op === 'batchnorm') {
          batchNormBackward(x, gradient, output.rows, output.cols, norm.gamma, norm.statistics, next);
        } else {
          layerNormBackward(x, gradient, output.rows, output.cols, norm.gamma, norm.statistics, next);
        }
        inA = !inA;
        gradient = next;
        break;
      }
      case 'dropout': {
        const mask = state.mask as Uint8Array;
        const scale = 1 / (1 - layer.p);
        for (let element = 0; element < gradient.length; element++) {
          gradient[element] *= mask[element] * scale;
        }
        break;
      }
      case 'residual_end': {
        const skip = skipGradients[skipDepth++].subarray(0, gradient.length);
        for (let element = 0; element < gradient.length; element++) {
          skip[element] = layer.scale * gradient[element];
        }
        break;
      }
      case 'residual_swap': {
        // The branch's gradient saved at residual_end comes back; the shortcut's gradient at the block input waits.
        const saved = skipGradients[skipDepth - 1];
        const next = other(inputSize);
        next.set(saved.subarray(0, inputSize));
        saved.set(gradient);
        inA = !inA;
        gradient = next;
        break;
      }
      case 'residual_begin': {
        const skip = skipGradients[--skipDepth].subarray(0, gradient.length);
        for (let element = 0; element < gradient.length; element++) {
          gradient[element] += skip[element];
        }
        break;
      }
      case 'flatten':
        break; // same values, reinterpreted
    }
    pending.push(index);
    const previous = index > 0 ? states[index - 1].layer : undefined;
    const aliased = previous?.op === 'residual_begin' && isIdentity(previous.activation);
    if (!aliased) {
      const variance = layer.op === 'embedding' ? null : varianceOfValues(gradient);
      for (const entry of pending) {
        stats[entry].backward.gradInputVar = variance;
      }
      pending = [];
    }
    options.onProgress?.(++done, total);
    if (layer.op === 'embedding') {
      break;
    }
    yield;
  }
  releaseKernel(kernel);
  return { layers: lowering.report(stats, copyInputGradient), histograms: lowering.report(histograms), cancelled: false, kernel: kernel.name };
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
