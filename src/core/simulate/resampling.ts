/**
 * Upsampling and pixel shuffle (torch.nn.Upsample / F.interpolate, torch.nn.PixelShuffle) in both
 * passes, on channels-last tensors (rows = batch × positions, columns = channels).
 *
 * Upsampling is separable: each output position along a dim reads one input (nearest:
 * ⌊o/s⌋) or two with weights (bilinear; PyTorch's `area_pixel_compute_source_index`: with
 * align_corners False the source is (o + ½)/s − ½ clamped at 0, with True o·(n − 1)/(m − 1); the
 * second tap is min(i + 1, n − 1)). The weights of each output sum to 1, so unit means pass; the
 * within-unit variance is multiplied by the average Σw² over the outputs (independent inputs),
 * and the gradient at an input gathers Σw² of every output that reads it: on average Σ_o Σw² / n.
 * For align_corners False at scale 2 along a dim of n: the two border outputs copy one input
 * (Σw² = 1), the 2n − 2 others mix two with ¾ and ¼ (Σw² = 10/16), so the factor is (2 + (2n − 2)·0.625)/(2n).
 *
 * Pixel shuffle moves values only: out[c, h·r + i, w·r + j] = in[c·r² + i·r + j, h, w]. Its output
 * channel mixes the means of r² input channels: the variance of channel means falls to 1/r² of it
 * and the rest becomes within-channel variance; the total and the gradient's variance are kept.
 */
import type { ResampleLayer } from './network';

/** The inputs one output position reads along a dim, with their weights (merged when two coincide). */
export type Taps = { index: number; weight: number }[][];

/** The taps of every output position along one dim of `size` upsampled by `scale`. */
export function upsampleTaps(size: number, scale: number, mode: ResampleLayer['mode'], alignCorners: boolean): Taps {
  const outSize = size * scale;
  const taps: Taps = [];
  for (let output = 0; output < outSize; output++) {
    if (mode !== 'bilinear') {
      taps.push([{ index: Math.min(size - 1, Math.floor(output / scale)), weight: 1 }]);
      continue;
    }
    const source = alignCorners ? (outSize > 1 ? (output * (size - 1)) / (outSize - 1) : 0) : Math.max(0, (output + 0.5) / scale - 0.5);
    const low = Math.min(size - 1, Math.floor(source));
    const high = Math.min(low + 1, size - 1);
    const lambda = source - low;
    taps.push(
      high === low || lambda === 0
        ? [{ index: low, weight: 1 }]
        : [
            { index: low, weight: 1 - lambda },
            { index: high, weight: lambda },
          ],
    );
  }
  return taps;
}

/** Σ over outputs of Σw² along one dim: over the outputs, the forward factor; over the inputs, the backward one. */
function squaredWeights(taps: Taps): number {
  return taps.reduce((sum, reads) => sum + reads.reduce((part, tap) => part + tap.weight * tap.weight, 0), 0);
}

/** The shape after a resampling: spatial sizes and channels. */
export function resampledShape(layer: ResampleLayer, features: number, spatial: number[]): { features: number; spatial: number[] } {
  if (spatial.length !== layer.scale.length || spatial.length === 0) {
    throw new Error(`${layer.name}: a ${layer.op} of a tensor with ${spatial.length} spatial dims`);
  }
  if (layer.op === 'pixel_shuffle') {
    const square = layer.scale.reduce((product, factor) => product * factor, 1);
    if (features % square !== 0) {
      throw new Error(`${layer.name}: pixel shuffle needs channels divisible by ${square}, gets ${features}`);
    }
    return { features: features / square, spatial: spatial.map((size, index) => size * layer.scale[index]) };
  }
  return { features, spatial: spatial.map((size, index) => size * layer.scale[index]) };
}

/**
 * The analytic factors: `within` multiplies the within-unit variance (upsampling) and `mixed` is
 * the share of the unit-mean variance that becomes within-unit (pixel shuffle); `backward` is
 * E[δ_in²]/E[δ_out²].
 */
export function resampleFactors(layer: ResampleLayer, spatial: number[]): { within: number; mixed: number; backward: number } {
  if (layer.op === 'pixel_shuffle') {
    const square = layer.scale.reduce((product, factor) => product * factor, 1);
    return { within: 1, mixed: 1 - 1 / square, backward: 1 };
  }
  let within = 1;
  let backward = 1;
  spatial.forEach((size, dim) => {
    const sum = squaredWeights(upsampleTaps(size, layer.scale[dim], layer.mode, layer.alignCorners));
    within *= sum / (size * layer.scale[dim]);
    backward *= sum / size;
  });
  return { within, mixed: 0, backward };
}

/** Per-example sizes of a resampling on a channels-last tensor (1-d tensors use height 1). */
interface Plane {
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  inChannels: number;
  outChannels: number;
}

function planeOf(layer: ResampleLayer, spatial: number[], channels: number): Plane {
  const out = resampledShape(layer, channels, spatial);
  const [inHeight, inWidth] = spatial.length === 1 ? [1, spatial[0]] : [spatial[0], spatial[1]];
  const [outHeight, outWidth] = out.spatial.length === 1 ? [1, out.spatial[0]] : [out.spatial[0], out.spatial[1]];
  return { inHeight, inWidth, outHeight, outWidth, inChannels: channels, outChannels: out.features };
}

/** The taps per output row and column (a 1-d tensor has one row read with weight 1). */
function planeTaps(layer: ResampleLayer, plane: Plane): { rows: Taps; cols: Taps } {
  const oneRow: Taps = [[{ index: 0, weight: 1 }]];
  const rows = layer.scale.length === 1 ? oneRow : upsampleTaps(plane.inHeight, layer.scale[0], layer.mode, layer.alignCorners);
  const colScale = layer.scale[layer.scale.length - 1];
  return { rows, cols: upsampleTaps(plane.inWidth, colScale, layer.mode, layer.alignCorners) };
}

/**
 * Forward (`backward` false: x → y) or its adjoint (`backward` true: dy → dx, accumulated into a
 * zeroed `target`) over `examples` examples.
 */
export function resample(
  layer: ResampleLayer,
  spatial: number[],
  channels: number,
  examples: number,
  source: Float32Array,
  target: Float32Array,
  backward: boolean,
): void {
  const plane = planeOf(layer, spatial, channels);
  if (backward) {
    target.fill(0);
  }
  if (layer.op === 'pixel_shuffle') {
    return shuffle(layer, plane, examples, source, target, backward);
  }
  const { rows, cols } = planeTaps(layer, plane);
  const c = channels;
  for (let example = 0; example < examples; example++) {
    const inBase = example * plane.inHeight * plane.inWidth;
    const outBase = example * plane.outHeight * plane.outWidth;
    for (let oh = 0; oh < plane.outHeight; oh++) {
      for (let ow = 0; ow < plane.outWidth; ow++) {
        const out = (outBase + oh * plane.outWidth + ow) * c;
        if (!backward) {
          target.fill(0, out, out + c);
        }
        for (const row of rows[oh]) {
          for (const col of cols[ow]) {
            const weight = row.weight * col.weight;
            const input = (inBase + row.index * plane.inWidth + col.index) * c;
            for (let channel = 0; channel < c; channel++) {
              if (backward) {
                target[input + channel] += weight * source[out + channel];
              } else {
                target[out + channel] += weight * source[input + channel];
              }
            }
          }
        }
      }
    }
  }
}

/** Pixel shuffle (a permutation) forward, or its inverse for the gradient. */
function shuffle(layer: ResampleLayer, plane: Plane, examples: number, source: Float32Array, target: Float32Array, backward: boolean): void {
  const [rowFactor, colFactor] = layer.scale.length === 1 ? [1, layer.scale[0]] : layer.scale;
  for (let example = 0; example < examples; example++) {
    for (let h = 0; h < plane.inHeight; h++) {
      for (let w = 0; w < plane.inWidth; w++) {
        const input = ((example * plane.inHeight + h) * plane.inWidth + w) * plane.inChannels;
        for (let channel = 0; channel < plane.outChannels; channel++) {
          for (let i = 0; i < rowFactor; i++) {
            for (let j = 0; j < colFactor; j++) {
              const output = ((example * plane.outHeight + h * rowFactor + i) * plane.outWidth + w * colFactor + j) * plane.outChannels + channel;
              const from = input + channel * rowFactor * colFactor + i * colFactor + j;
              if (backward) {
                target[from] = source[output];
              } else {
                target[output] = source[from];
              }
            }
          }
        }
      }
    }
  }
}
