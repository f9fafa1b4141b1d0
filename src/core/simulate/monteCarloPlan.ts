/**
 * The Monte-Carlo pass's plan: each layer's channels-last tensor shape (rows = batch × positions,
 * columns = channels or features), conv geometries, batch chunks for im2col, and the floats of
 * storage the whole pass needs, so that the arena is sized once. Validates the network on the way.
 */
import type { ActivationSpec } from '../activations';
import type { Dim } from '../graph';
import type { AffineLayer, AttentionLayer, ConcatLayer, EmbeddingLayer, FlattenLayer, ForkLayer, PoolLayer, ResampleLayer, SimNetwork } from './network';
import type { LoweredNetwork } from './shortcut';
import { poolGeometry } from './pooling';
import { resampledShape } from './resampling';
import { im2colWidth, type ConvGeometry } from './tensorOps';

/** A channels-last tensor: rows = batch × positions, `spatial` the per-example positions' shape. */
export interface TensorShape {
  rows: number;
  cols: number;
  spatial: number[];
}

/** Largest im2col block (floats) built at once; the batch is cut into chunks of examples below it. */
const im2colBlockFloats = 1 << 22;

/** A dim as a positive integer; throws when it is still symbolic (resolve.ts must run first). */
export function resolved(dim: Dim, what: string): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim <= 0) {
    throw new Error(`Monte Carlo: ${what} is not a resolved positive integer (${String(dim)})`);
  }
  return dim;
}

/** No activation, or the identity under one of its names. */
export function isIdentity(spec: ActivationSpec | null): boolean {
  return spec === null || ['linear', 'identity', 'none'].includes(spec.name);
}

/** The product of the values (1 for none). */
export function product(values: number[]): number {
  return values.reduce((total, value) => total * value, 1);
}

function convGeometry(layer: AffineLayer, input: TensorShape): { geometry: ConvGeometry; spatial: number[] } {
  const dims = layer.op === 'conv2d' ? 2 : 1;
  if (input.spatial.length !== dims || layer.kernel.length !== dims) {
    throw new Error(`Monte Carlo: ${layer.name} (${layer.op}) needs a ${dims}-D spatial input`);
  }
  const [inHeight, inWidth] = dims === 2 ? input.spatial : [1, input.spatial[0]];
  const [kernelHeight, kernelWidth] = dims === 2 ? layer.kernel : [1, layer.kernel[0]];
  const [strideHeight, strideWidth] = dims === 2 ? layer.stride : [1, layer.stride[0] ?? 1];
  const [padHeight, padWidth] = dims === 2 ? layer.padding : [0, layer.padding[0] ?? 0];
  // torch.nn.Conv2d: out = ⌊(in + 2·pad − kernel)/stride⌋ + 1.
  const outHeight = Math.floor((inHeight + 2 * padHeight - kernelHeight) / strideHeight) + 1;
  const outWidth = Math.floor((inWidth + 2 * padWidth - kernelWidth) / strideWidth) + 1;
  if (!(outHeight >= 1 && outWidth >= 1)) {
    throw new Error(`Monte Carlo: ${layer.name} output would be empty`);
  }
  const geometry: ConvGeometry = {
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    kernelHeight,
    kernelWidth,
    strideHeight,
    strideWidth,
    padHeight,
    padWidth,
    inChannels: input.cols,
    groups: layer.groups,
  };
  return { geometry, spatial: dims === 2 ? [outHeight, outWidth] : [outWidth] };
}

/**
 * A transposed conv's plan: the geometry of the conv it is the adjoint of (from its output, of
 * `outChannels`, to its input, with the same kernel, stride and padding), its output shape, weight
 * floats and im2col chunking over its input positions.
 */
function planTransposed(layer: AffineLayer, input: TensorShape, batch: number): ReturnType<typeof planConvolution> {
  const inChannels = resolved(layer.inFeatures, `${layer.name} inFeatures`);
  const outChannels = resolved(layer.outFeatures, `${layer.name} outFeatures`);
  if (inChannels !== input.cols || input.spatial.length !== 2 || layer.kernel.length !== 2) {
    throw new Error(`Monte Carlo: ${layer.name} expects ${inChannels} channels over 2 spatial dims, gets ${input.cols} over ${input.spatial.length}`);
  }
  if (layer.groups < 1 || inChannels % layer.groups !== 0 || outChannels % layer.groups !== 0) {
    throw new Error(`Monte Carlo: ${layer.name}: groups must divide the channels`);
  }
  const spatial = input.spatial.map(
    (size, index) => (size - 1) * layer.stride[index] - 2 * layer.padding[index] + layer.kernel[index] + (layer.outputPadding?.[index] ?? 0),
  );
  if (!spatial.every((size) => size >= 1)) {
    throw new Error(`Monte Carlo: ${layer.name} output would be empty`);
  }
  const geometry: ConvGeometry = {
    inHeight: spatial[0],
    inWidth: spatial[1],
    outHeight: input.spatial[0],
    outWidth: input.spatial[1],
    kernelHeight: layer.kernel[0],
    kernelWidth: layer.kernel[1],
    strideHeight: layer.stride[0],
    strideWidth: layer.stride[1],
    padHeight: layer.padding[0],
    padWidth: layer.padding[1],
    inChannels: outChannels,
    groups: layer.groups,
  };
  const output = { rows: batch * product(spatial), cols: outChannels, spatial };
  const width = im2colWidth(geometry);
  const weightFloats = width * (inChannels / layer.groups);
  if (isPointwise(geometry)) {
    return { output, weightFloats, geometry, chunkExamples: batch, scratchFloats: 0 };
  }
  const rowsPerExample = product(input.spatial);
  const chunkExamples = Math.max(1, Math.min(batch, Math.floor(im2colBlockFloats / (rowsPerExample * width))));
  return { output, weightFloats, geometry, chunkExamples, scratchFloats: chunkExamples * rowsPerExample * width };
}

/** A linear, conv or transposed conv layer's plan (a linear layer: a product per row, no geometry). */
function planAffine(
  layer: AffineLayer,
  input: TensorShape,
  batch: number,
): Omit<ReturnType<typeof planConvolution>, 'geometry'> & { geometry: ConvGeometry | null } {
  if (layer.op === 'conv_transpose2d') {
    return planTransposed(layer, input, batch);
  }
  if (layer.op !== 'linear') {
    return planConvolution(layer, input, batch);
  }
  const inFeatures = resolved(layer.inFeatures, `${layer.name} inFeatures`);
  if (inFeatures !== input.cols) {
    throw new Error(`Monte Carlo: ${layer.name} expects ${inFeatures} features, gets ${input.cols}`);
  }
  const output = { ...input, cols: resolved(layer.outFeatures, `${layer.name} outFeatures`) };
  return { output, weightFloats: input.cols * output.cols, geometry: null, chunkExamples: batch, scratchFloats: 0 };
}

/** Whether a conv is a plain per-position product (1×1 kernel, stride 1, no padding): no im2col. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.kernelHeight === 1 && g.kernelWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 && g.padHeight === 0 && g.padWidth === 0;
}

/** The planned shapes and the arena size of a pass. */
export interface Plan {
  shapes: { input: TensorShape; output: TensorShape; geometry: ConvGeometry | null; chunkExamples: number }[];
  floats: number;
  scratchFloats: number;
  maxTensor: number;
  residualDepth: number;
}

export function initialShape(net: Pick<SimNetwork, 'input'>, batch: number): TensorShape {
  const input = net.input;
  switch (input.kind) {
    case 'vector':
      return { rows: batch, cols: resolved(input.width, 'input width'), spatial: [] };
    case 'signal': {
      const length = resolved(input.length, 'input length');
      return { rows: batch * length, cols: resolved(input.channels, 'input channels'), spatial: [length] };
    }
    case 'image': {
      const height = resolved(input.height, 'input height');
      const width = resolved(input.width, 'input width');
      return { rows: batch * height * width, cols: resolved(input.channels, 'input channels'), spatial: [height, width] };
    }
    case 'tokens': {
      const length = resolved(input.length, 'input length');
      return { rows: batch * length, cols: 0, spatial: [length] };
    }
  }
}

/**
 * A convolution's output shape, its weight floats, and its im2col chunking: how many examples one
 * im2col block holds, and the scratch floats that block needs (0 for a pointwise convolution).
 */
function planConvolution(
  layer: AffineLayer,
  input: TensorShape,
  batch: number,
): { output: TensorShape; weightFloats: number; geometry: ConvGeometry; chunkExamples: number; scratchFloats: number } {
  const inChannels = resolved(layer.inFeatures, `${layer.name} inFeatures`);
  const outChannels = resolved(layer.outFeatures, `${layer.name} outFeatures`);
  if (inChannels !== input.cols) {
    throw new Error(`Monte Carlo: ${layer.name} expects ${inChannels} channels, gets ${input.cols}`);
  }
  if (layer.groups < 1 || inChannels % layer.groups !== 0 || outChannels % layer.groups !== 0) {
    throw new Error(`Monte Carlo: ${layer.name}: groups must divide the channels`);
  }
  const conv = convGeometry(layer, input);
  const output = { rows: batch * product(conv.spatial), cols: outChannels, spatial: conv.spatial };
  const width = im2colWidth(conv.geometry);
  const weightFloats = width * (outChannels / layer.groups);
  if (isPointwise(conv.geometry)) {
    return { output, weightFloats, geometry: conv.geometry, chunkExamples: batch, scratchFloats: 0 };
  }
  const rowsPerExample = product(conv.spatial);
  const chunkExamples = Math.max(1, Math.min(batch, Math.floor(im2colBlockFloats / (rowsPerExample * width))));
  return { output, weightFloats, geometry: conv.geometry, chunkExamples, scratchFloats: chunkExamples * rowsPerExample * width };
}

/** An open fork's kept tensor and the branch outputs set aside. */
interface ForkShapes {
  input: TensorShape;
  parts: TensorShape[];
}

/** After a branch (the kept tensor) or a concat (the parts joined along columns); throws on a mismatch. */
function joinedShape(layer: ForkLayer | ConcatLayer, input: TensorShape, forks: ForkShapes[]): TensorShape {
  const fork = layer.op === 'branch' ? forks[forks.length - 1] : forks.pop();
  if (fork === undefined) {
    throw new Error(`Monte Carlo: ${layer.name}: ${layer.op} without fork`);
  }
  if (layer.op === 'branch') {
    fork.parts.push(input);
    return fork.input;
  }
  const parts = [...(layer.op === 'concat' && layer.withInput ? [fork.input] : []), ...fork.parts, input];
  if (parts.some((part) => part.rows !== input.rows)) {
    throw new Error(`Monte Carlo: ${layer.name}: concatenated tensors differ in spatial shape`);
  }
  return { ...input, cols: parts.reduce((sum, part) => sum + part.cols, 0) };
}

/** The output of an op that moves or joins values (pool, flatten, fork, branch, concat), and whether it is a new tensor. */
function layoutOf(
  layer: PoolLayer | ResampleLayer | FlattenLayer | ForkLayer | ConcatLayer,
  input: TensorShape,
  batch: number,
  forks: ForkShapes[],
): { output: TensorShape; newPre: boolean } {
  switch (layer.op) {
    case 'upsample':
    case 'pixel_shuffle': {
      const shape = resampledShape(layer, input.cols, input.spatial);
      return { output: { rows: batch * product(shape.spatial), cols: shape.features, spatial: shape.spatial }, newPre: true };
    }
    case 'pool':
      return { output: pooledShape(layer, input, batch), newPre: true };
    case 'flatten':
      return { output: { rows: batch, cols: (input.rows / batch) * input.cols, spatial: [] }, newPre: false };
    case 'fork':
      forks.push({ input, parts: [] });
      return { output: input, newPre: false };
    default:
      return { output: joinedShape(layer, input, forks), newPre: layer.op === 'concat' };
  }
}

/** A pooling's output shape; throws when its window does not fit. */
function pooledShape(layer: PoolLayer, input: TensorShape, batch: number): TensorShape {
  const g = poolGeometry(input.spatial, input.cols, layer.kernel, layer.stride);
  if (input.spatial.length === 0 || g.outHeight < 1 || g.outWidth < 1) {
    throw new Error(`Monte Carlo: ${layer.name}: its window does not fit its input`);
  }
  const spatial = input.spatial.length === 1 ? [g.outWidth] : [g.outHeight, g.outWidth];
  return { rows: batch * product(spatial), cols: input.cols, spatial };
}

/** The output of a token embedding (first, on token ids), a positional one (added, one row per position) or self-attention (fused q, k, v in); throws when the input does not fit. */
function sequenceOpShape(layer: EmbeddingLayer | AttentionLayer, input: TensorShape, onTokens: boolean): TensorShape {
  if (layer.op === 'embedding' && layer.positional !== true) {
    if (!onTokens) {
      throw new Error(`Monte Carlo: ${layer.name}: an embedding must be the first layer, on token input`);
    }
    return { ...input, cols: resolved(layer.embeddingDim, `${layer.name} embeddingDim`) };
  }
  if (layer.op === 'embedding') {
    if (resolved(layer.embeddingDim, `${layer.name} embeddingDim`) !== input.cols || input.spatial.length !== 1) {
      throw new Error(`Monte Carlo: ${layer.name}: a positional embedding needs a sequence of ${input.cols} features`);
    }
    return input;
  }
  if (input.cols % 3 !== 0 || input.spatial.length !== 1 || input.spatial[0] !== resolved(layer.length, `${layer.name} length`)) {
    throw new Error(`Monte Carlo: ${layer.name}: attention needs fused q, k, v over a sequence of ${String(layer.length)}`);
  }
  return { ...input, cols: input.cols / 3 };
}

/**
 * Shapes layer by layer and the floats of storage they need (validating the network on the way).
 * The storage rules of every op share the running totals, kept in one place so that the arena's
 * size and the pass's allocations stay in step.
 */
export function planPass(net: LoweredNetwork, batch: number): Plan {
  let shape = initialShape(net, batch);
  let floats = shape.rows * shape.cols; // the input
  let scratchFloats = 0;
  let maxTensor = floats;
  let depth = 0;
  let residualDepth = 0;
  const shapes: Plan['shapes'] = [];
  const skipShapes: TensorShape[] = [];
  const forkShapes: ForkShapes[] = [];
  net.layers.forEach((layer, index) => {
    if (shape.cols === 0 && layer.op !== 'embedding') {
      throw new Error(`Monte Carlo: ${layer.name}: token ids must go through an embedding first`);
    }
    const input = shape;
    let output = input;
    let geometry: ConvGeometry | null = null;
    let chunkExamples = batch;
    let newPre = true;
    switch (layer.op) {
      case 'linear':
      case 'conv1d':
      case 'conv2d':
      case 'conv_transpose2d': {
        const planned = planAffine(layer, input, batch);
        output = planned.output;
        floats += planned.weightFloats;
        geometry = planned.geometry;
        chunkExamples = planned.chunkExamples;
        scratchFloats = Math.max(scratchFloats, planned.scratchFloats);
        break;
      }
      case 'embedding':
      case 'attention':
        output = sequenceOpShape(layer, input, index === 0 && net.input.kind === 'tokens');
        break;
      case 'pool':
      case 'upsample':
      case 'pixel_shuffle':
      case 'fork':
      case 'branch':
      case 'concat':
      case 'flatten':
        ({ output, newPre } = layoutOf(layer, input, batch, forkShapes));
        break;
      case 'residual_begin':
        skipShapes.push(input);
        depth++;
        residualDepth = Math.max(residualDepth, depth);
        newPre = false;
        break;
      case 'residual_swap': {
        // A projection shortcut (shortcut.ts) runs next on the pushed block input; the branch's output is pushed.
        const skip = skipShapes.pop();
        if (skip === undefined) {
          throw new Error(`Monte Carlo: ${layer.name}: residual_swap without residual_begin`);
        }
        skipShapes.push(input);
        output = skip;
        newPre = false;
        break;
      }
      case 'residual_end': {
        const skip = skipShapes.pop();
        depth--;
        if (skip === undefined) {
          throw new Error(`Monte Carlo: ${layer.name}: residual_end without residual_begin`);
        }
        if (skip.rows !== input.rows || skip.cols !== input.cols) {
          throw new Error(`Monte Carlo: ${layer.name}: residual shapes differ`);
        }
        break;
      }
      case 'batchnorm':
      case 'layernorm':
      case 'groupnorm':
      case 'dropout':
        break;
    }
    const size = output.rows * output.cols;
    if (newPre) {
      floats += size;
    }
    if (!isIdentity(layer.activation)) {
      floats += size;
    }
    maxTensor = Math.max(maxTensor, size);
    shapes.push({
      input,
      output,
      geometry: layer.op === 'conv1d' || layer.op === 'conv2d' || layer.op === 'conv_transpose2d' ? geometry : null,
      chunkExamples,
    });
    shape = output;
  });
  // Two gradient buffers, one skip-gradient buffer per open residual, the im2col scratch, and a
  // 16-byte alignment slack per allocation.
  floats += (2 + residualDepth) * maxTensor + scratchFloats + 8 * (net.layers.length * 6 + 8);
  return { shapes, floats, scratchFloats, maxTensor, residualDepth };
}
