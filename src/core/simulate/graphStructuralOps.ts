/**
 * The graph's shape-changing ops (graph.ts GraphOp) on the running tensor: pools become pool
 * SimLayers (pooling.ts); a concat closes the open fork of parallel branches (other concatenations
 * are read from channel counts, inferredConcat.ts); flatten needs nothing (a Linear flattens what it reads); upsampling and pixel shuffle are
 * not simulated yet, so the stream stops there, said in a note. Add a row to simulate another kind.
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

/** The ops the simulation reads by kind; `null`: nothing to do (the shape follows from the next layer). */
export const GRAPH_OP_CONVERSIONS: Record<GraphOpKind, OpConversion | null> = {
  pool,
  adaptive_pool: adaptivePool,
  flatten: null,
  concat: (state, op) => {
    closeOpenFork(state, op.after);
  },
  upsample: (_state, _op, stop) => stop('an upsampling (not simulated yet)'),
  pixel_shuffle: (_state, _op, stop) => stop('a pixel shuffle (not simulated yet)'),
};
