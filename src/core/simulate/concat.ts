/**
 * Channel concatenation on a stack of open forks (network.ts ForkLayer/ConcatLayer), for both passes.
 * Forward: the joined tensor's elements are the parts' elements, so its population mixes the parts
 * by channel share (mean, between-unit variance with the parts' mean offsets, within-unit variance).
 * Backward: each part gets its channel slice of the gradient (in mean field the same per-element
 * variance); the kept tensor's gradient is the sum over its uses (the path after the fork, each
 * branch's first layer, the joined copy with `withInput`), which are uncorrelated, so variances add.
 * As autograd accumulates it on that one tensor, every layer reading the kept tensor reports that
 * total as its input gradient (shareForkGradients).
 */
import type { LayerStats } from './network';
import type { Signal } from './signal';

/** An open fork of the analytic pass: the kept signal and the branch outputs set aside. */
export interface OpenFork {
  input: Signal;
  parts: Signal[];
}

/** The joined signal of `parts` along channels (all with the same spatial shape). */
export function concatSignals(parts: Signal[], name: string): Signal {
  const spatial = parts[0].spatial;
  if (parts.some((part) => part.features === null || part.spatial.join() !== spatial.join())) {
    throw new Error(`${name}: concatenated tensors differ in spatial shape`);
  }
  const features = parts.reduce((sum, part) => sum + (part.features as number), 0);
  const share = (part: Signal): number => (part.features as number) / features;
  const mean = parts.reduce((sum, part) => sum + share(part) * part.mean, 0);
  const between = parts.reduce((sum, part) => sum + share(part) * (part.between + (part.mean - mean) ** 2), 0);
  const within = parts.reduce((sum, part) => sum + share(part) * part.within, 0);
  return { mean, between, within, features, spatial };
}

/** The parts a concat joins, in torch's usual order: the kept tensor first (DenseNet), then the branches, then the current one. */
export function concatParts(fork: { input: Signal; parts: Signal[] }, current: Signal, withInput: boolean): Signal[] {
  return [...(withInput ? [fork.input] : []), ...fork.parts, current];
}

/**
 * Every layer that reads a fork's kept tensor (the layer after the fork and after each of its
 * branch ops) reports the tensor's total gradient, the fork's own input gradient.
 */
export function shareForkGradients(layers: readonly { op: string }[], stats: LayerStats[]): void {
  const open: number[] = [];
  const readers: number[][] = [];
  layers.forEach((layer, index) => {
    if (layer.op === 'fork') {
      open.push(index);
      readers.push([index + 1]);
    } else if (layer.op === 'branch') {
      readers[readers.length - 1]?.push(index + 1);
    } else if (layer.op === 'concat') {
      const fork = open.pop();
      const reading = readers.pop() ?? [];
      if (fork === undefined) {
        return;
      }
      for (const reader of reading) {
        if (reader < stats.length && reader !== index) {
          stats[reader].backward.gradInputVar = stats[fork].backward.gradInputVar;
        }
      }
    }
  });
}

/** Channels-last concatenation of tensors with the same rows: `parts` with their column counts, into `out`. */
export function concatColumns(parts: { data: Float32Array; cols: number }[], rows: number, out: Float32Array): void {
  const total = parts.reduce((sum, part) => sum + part.cols, 0);
  let offset = 0;
  for (const part of parts) {
    for (let row = 0; row < rows; row++) {
      out.set(part.data.subarray(row * part.cols, (row + 1) * part.cols), row * total + offset);
    }
    offset += part.cols;
  }
}

/** The adjoint of concatColumns: the slice of `gradient` for the part at column `offset` of width `cols`. */
export function sliceColumns(gradient: Float32Array, rows: number, total: number, offset: number, cols: number): Float32Array {
  const slice = new Float32Array(rows * cols);
  for (let row = 0; row < rows; row++) {
    slice.set(gradient.subarray(row * total + offset, row * total + offset + cols), row * cols);
  }
  return slice;
}
