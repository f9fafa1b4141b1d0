/**
 * GroupNorm and InstanceNorm on channels-last tensors (rows = batch × positions, columns =
 * channels), for the Monte-Carlo pass. torch.nn.GroupNorm(G, C): per example, each group of C/G
 * consecutive channels is normalised over its channels and all positions with the biased variance,
 * y = (x − μ)/√(σ² + eps)·γ_c + β_c (γ = 1, β = 0 at init). InstanceNorm1d/2d is GroupNorm with G = C
 * (its instance statistics are used in train and eval mode alike when track_running_stats is False,
 * the default; affine False by default). Backward: with g = γ·dy and the means over the group,
 * dx = σ⁻¹·(g − mean g − x̂·mean(g·x̂)).
 */
import type { NormStatistics } from './tensorOps';

/** The shape a group norm runs on: examples × positions per example, channels split into groups. */
export interface GroupNormShape {
  examples: number;
  positions: number;
  channels: number;
  groups: number;
}

/** Visits the elements of each (example, group): `visit(statisticIndex, elementIndex, channel)`. */
function forEachElement(shape: GroupNormShape, visit: (statistic: number, element: number, channel: number) => void): void {
  const width = shape.channels / shape.groups;
  for (let example = 0; example < shape.examples; example++) {
    for (let position = 0; position < shape.positions; position++) {
      const base = (example * shape.positions + position) * shape.channels;
      for (let channel = 0; channel < shape.channels; channel++) {
        visit(example * shape.groups + Math.floor(channel / width), base + channel, channel);
      }
    }
  }
}

/** GroupNorm forward: statistics per (example, group) into `statistics`, normalised and affine output into `y`. */
export function groupNormForward(
  x: Float32Array,
  shape: GroupNormShape,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  eps: number,
  y: Float32Array,
  statistics: NormStatistics,
): void {
  const count = (shape.channels / shape.groups) * shape.positions;
  const { mean, inverseStd } = statistics;
  const squares = new Float64Array(mean.length);
  mean.fill(0);
  forEachElement(shape, (statistic, element) => {
    mean[statistic] += x[element];
  });
  mean.forEach((sum, index) => {
    mean[index] = sum / count;
  });
  forEachElement(shape, (statistic, element) => {
    const centred = x[element] - mean[statistic];
    squares[statistic] += centred * centred;
  });
  squares.forEach((sum, index) => {
    inverseStd[index] = 1 / Math.sqrt(sum / count + eps);
  });
  forEachElement(shape, (statistic, element, channel) => {
    const normalised = (x[element] - mean[statistic]) * inverseStd[statistic];
    y[element] = normalised * (gamma === null ? 1 : gamma[channel]) + (beta === null ? 0 : beta[channel]);
  });
}

/** GroupNorm backward through the statistics the forward pass kept. */
export function groupNormBackward(
  x: Float32Array,
  dy: Float32Array,
  shape: GroupNormShape,
  gamma: Float32Array | null,
  statistics: NormStatistics,
  dx: Float32Array,
): void {
  const count = (shape.channels / shape.groups) * shape.positions;
  const { mean, inverseStd } = statistics;
  const meanGradient = new Float64Array(mean.length);
  const meanGradientTimesNormalised = new Float64Array(mean.length);
  forEachElement(shape, (statistic, element, channel) => {
    const g = dy[element] * (gamma === null ? 1 : gamma[channel]);
    meanGradient[statistic] += g / count;
    meanGradientTimesNormalised[statistic] += (g * (x[element] - mean[statistic]) * inverseStd[statistic]) / count;
  });
  forEachElement(shape, (statistic, element, channel) => {
    const g = dy[element] * (gamma === null ? 1 : gamma[channel]);
    const normalised = (x[element] - mean[statistic]) * inverseStd[statistic];
    dx[element] = inverseStd[statistic] * (g - meanGradient[statistic] - normalised * meanGradientTimesNormalised[statistic]);
  });
}
