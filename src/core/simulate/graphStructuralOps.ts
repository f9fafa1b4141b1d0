/**
 * The graph's shape-changing ops (graph.ts GraphOp) on the running tensor: pools become pool
 * SimLayers (pooling.ts); a concat closes the open fork of parallel branches (other concatenations
 * are read from channel counts, inferredConcat.ts); flatten needs nothing (a Linear flattens what it reads); upsampling
 * (nearest, bilinear/linear, integer factors) and pixel shuffle become resample SimLayers (resampling.ts);
 * other modes stop the stream, said in a note. Add a row to simulate another kind.
 */
import type { GraphOp, GraphOpKind } from '../graph';
import type { ConversionState } from './graphConversion';
import { describe, intsOf } from './graphShapes';
import { closeOpenFork } from './inferredConcat';

/** Converts one op onto the conversion; `stop` ends the stream where an op is not simulated. */
type OpConversion = (state: ConversionState, op: GraphOp, stop: (why: string) => void) => void;

/** The name of an op's SimLayer: after the layer it reads (a shared module may apply it several times). */
function opName(op: GraphOp): string {
  return `${op.after}:${op.module ?? op.kind}`;
}

/** A k×k window pooling with its stride (default: the kernel), unpadded. */
function pool(state: ConversionState, op: GraphOp, stop: (why: string) => void): void {
  if (state.forks.length > 0) {
    return stop('a pooling of one of parallel branches');
  }
  const spatial = state.shape.spatial;
  const channels = state.shape.features;
  const kernel = intsOf(op.config.kernel_size, spatial.length, undefined);
  const written = op.config.stride;
  const stride = written === null || written === undefined ? kernel : intsOf(written, spatial.length, undefined);
  const padding = intsOf(op.config.padding, spatial.length, 0);
  if (spatial.length === 0 || typeof channels !== 'number') {
    return stop(`a pooling on a ${describe(state.shape)} tensor`);
  }
  if (kernel === undefined || stride === undefined || padding === undefined) {
    return stop('a pooling whose kernel, stride or padding is not static');
  }
  const out = spatial.map((size, index) => Math.floor((size - kernel[index]) / stride[index]) + 1);
  if (out.some((size) => size < 1)) {
    return stop(`a ${kernel.join('×')} pooling of a ${describe(state.shape)} tensor`);
  }
  if (padding.some((pad) => pad !== 0)) {
    // The windows over the padded border are left out (ResNet's 3×3 stride-2 stem pool with padding 1).
    const padded = spatial.map((size, index) => Math.floor((size + 2 * padding[index] - kernel[index]) / stride[index]) + 1);
    state.notes.push(
      `${opName(op)}: padding ${padding.join('×')} not simulated: pooled without it to ${out.join('×')} instead of ${padded.join('×')} (border windows left out)`,
    );
  }
  state.emit({ name: opName(op), op: 'pool', activation: null, mode: op.mode ?? 'max', kernel, stride }, { features: channels, spatial: out });
}

/** An adaptive pooling to `output_size`: global when it is 1, else a window when the size divides evenly. */
function adaptivePool(state: ConversionState, op: GraphOp, stop: (why: string) => void): void {
  if (state.forks.length > 0) {
    return stop('a pooling of one of parallel branches');
  }
  const spatial = state.shape.spatial;
  const channels = state.shape.features;
  const target = intsOf(op.config.output_size, spatial.length, undefined);
  if (spatial.length === 0 || typeof channels !== 'number' || target === undefined) {
    return stop(`an adaptive pooling to ${target?.join('×') ?? 'a size that is not static'} on a ${describe(state.shape)} tensor`);
  }
  const kernel = spatial.map((size, index) => size / target[index]);
  if (kernel.some((size) => !Number.isInteger(size) || size < 1)) {
    return stop(`an adaptive pooling from ${spatial.join('×')} to ${target.join('×')} (uneven windows)`);
  }
  state.emit({ name: opName(op), op: 'pool', activation: null, mode: op.mode ?? 'avg', kernel, stride: kernel }, { features: channels, spatial: target });
}

/** The integer factor per spatial dim of an upsampling, from `scale_factor` or `size`; undefined when not static. */
function upsampleScale(op: GraphOp, spatial: number[]): number[] | undefined {
  const factor = op.config.scale_factor;
  if (factor !== undefined && factor !== null) {
    const value = typeof factor === 'object' && /^\s*[\d.]+\s*$/.test(factor.expr) ? Number(factor.expr) : factor;
    const integral =
      typeof value === 'number' && Number.isInteger(value) ? new Array<number>(spatial.length).fill(value) : intsOf(factor, spatial.length, undefined);
    return integral?.every((scale) => scale >= 1) ? integral : undefined;
  }
  const size = intsOf(op.config.size ?? undefined, spatial.length, undefined);
  const scale = size?.map((target, index) => target / spatial[index]);
  return scale?.every((value) => Number.isInteger(value) && value >= 1) ? scale : undefined;
}

/** An upsampling (nearest, or bilinear / linear with either align_corners) by integer factors. */
function upsample(state: ConversionState, op: GraphOp, stop: (why: string) => void): void {
  const spatial = state.shape.spatial;
  const channels = state.shape.features;
  const written = op.config.mode;
  const mode = written === undefined || written === null ? 'nearest' : written;
  const bilinear = (mode === 'bilinear' && spatial.length === 2) || (mode === 'linear' && spatial.length === 1);
  if (spatial.length === 0 || typeof channels !== 'number') {
    return stop(`an upsampling of a ${describe(state.shape)} tensor`);
  }
  if (!bilinear && mode !== 'nearest' && mode !== 'nearest-exact') {
    return stop(`an upsampling in mode ${typeof mode === 'string' ? mode : 'that is not static'} (nearest and bilinear are)`);
  }
  const scale = upsampleScale(op, spatial);
  if (scale === undefined) {
    return stop('an upsampling whose factor is not a static integer');
  }
  const alignCorners = op.config.align_corners === true;
  state.emit(
    { name: opName(op), op: 'upsample', activation: null, mode: bilinear ? 'bilinear' : 'nearest', alignCorners, scale },
    { features: channels, spatial: spatial.map((size, index) => size * scale[index]) },
  );
}

/** A pixel shuffle by its upscale factor r: c·r² channels into c over r× the positions. */
function pixelShuffle(state: ConversionState, op: GraphOp, stop: (why: string) => void): void {
  const spatial = state.shape.spatial;
  const channels = state.shape.features;
  const factor = op.config.upscale_factor;
  if (spatial.length !== 2 || typeof channels !== 'number' || typeof factor !== 'number' || !Number.isInteger(factor) || factor < 1) {
    return stop(`a pixel shuffle (factor ${String(factor)}) of a ${describe(state.shape)} tensor`);
  }
  if (channels % (factor * factor) !== 0) {
    return stop(`a pixel shuffle by ${factor} of ${channels} channels`);
  }
  state.emit(
    { name: opName(op), op: 'pixel_shuffle', activation: null, mode: 'shuffle', alignCorners: false, scale: [factor, factor] },
    { features: channels / (factor * factor), spatial: spatial.map((size) => size * factor) },
  );
}

/** The ops the simulation reads by kind; `null`: nothing to do (the shape follows from the next layer). */
export const GRAPH_OP_CONVERSIONS: Record<GraphOpKind, OpConversion | null> = {
  pool,
  adaptive_pool: adaptivePool,
  flatten: null,
  concat: (state, op) => {
    closeOpenFork(state, op.after);
  },
  upsample,
  pixel_shuffle: pixelShuffle,
};
