/**
 * The layer kernels of the Monte-Carlo pass, forward and backward, on channels-last tensors stored as
 * rows × columns (rows = batch × positions, columns = channels or features; row-major Float32Array).
 * Channels-last turns every conv into one product per group (im2col) and makes BatchNorm a per-column
 * and LayerNorm a per-row reduction. Formulas: torch.nn.Conv1d/Conv2d, BatchNorm (train mode, biased
 * batch variance, Ioffe & Szegedy 2015), LayerNorm (Ba et al. 2016) and their standard backward
 * passes dx = σ⁻¹·(g − mean(g) − x̂·mean(g·x̂)), g = γ·dy.
 */

/** Spatial geometry of a conv over channels-last input: 1D convs use height 1. */
export interface ConvGeometry {
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  inChannels: number;
  groups: number;
}

/** Columns of the im2col matrix: (group, kernel row, kernel column, channel within the group). */
export function im2colWidth(g: ConvGeometry): number {
  return g.kernelHeight * g.kernelWidth * g.inChannels;
}

/**
 * Writes the im2col rows of examples [firstExample, firstExample + count) into `columns` (from row
 * 0): row (example, oh, ow) holds the input patch with zeros where it falls in the padding.
 */
export function im2col(input: Float32Array, g: ConvGeometry, firstExample: number, count: number, columns: Float32Array): void {
  const channelsPerGroup = g.inChannels / g.groups;
  const width = im2colWidth(g);
  const groupWidth = width / g.groups;
  let row = 0;
  for (let example = firstExample; example < firstExample + count; example++) {
    const exampleBase = example * g.inHeight * g.inWidth * g.inChannels;
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++, row++) {
        const rowBase = row * width;
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          const ih = oh * g.strideHeight - g.padHeight + kh;
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            const iw = ow * g.strideWidth - g.padWidth + kw;
            const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
            const source = exampleBase + (ih * g.inWidth + iw) * g.inChannels;
            const kernelIndex = kh * g.kernelWidth + kw;
            for (let group = 0; group < g.groups; group++) {
              const target = rowBase + group * groupWidth + kernelIndex * channelsPerGroup;
              const sourceGroup = source + group * channelsPerGroup;
              if (inside) {
                for (let c = 0; c < channelsPerGroup; c++) {
                  columns[target + c] = input[sourceGroup + c];
                }
              } else {
                columns.fill(0, target, target + channelsPerGroup);
              }
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds the rows of `columns` back into `gradient` at their input positions. */
export function col2imAdd(columns: Float32Array, g: ConvGeometry, firstExample: number, count: number, gradient: Float32Array): void {
  const channelsPerGroup = g.inChannels / g.groups;
  const width = im2colWidth(g);
  const groupWidth = width / g.groups;
  let row = 0;
  for (let example = firstExample; example < firstExample + count; example++) {
    const exampleBase = example * g.inHeight * g.inWidth * g.inChannels;
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++, row++) {
        const rowBase = row * width;
        for (let kh = 0; kh < g.kernelHeight; kh++) {
          const ih = oh * g.strideHeight - g.padHeight + kh;
          if (ih < 0 || ih >= g.inHeight) {
            continue;
          }
          for (let kw = 0; kw < g.kernelWidth; kw++) {
            const iw = ow * g.strideWidth - g.padWidth + kw;
            if (iw < 0 || iw >= g.inWidth) {
              continue;
            }
            const target = exampleBase + (ih * g.inWidth + iw) * g.inChannels;
            const kernelIndex = kh * g.kernelWidth + kw;
            for (let group = 0; group < g.groups; group++) {
              const source = rowBase + group * groupWidth + kernelIndex * channelsPerGroup;
              const targetGroup = target + group * channelsPerGroup;
              for (let c = 0; c < channelsPerGroup; c++) {
                gradient[targetGroup + c] += columns[source + c];
              }
            }
          }
        }
      }
    }
  }
}

/** Normalisation statistics kept for the backward pass: per group (column or row), mean and 1/√(var + eps). */
export interface NormStatistics {
  mean: Float64Array;
  inverseStd: Float64Array;
}

/**
 * BatchNorm forward, train mode: per column over all rows, y = γ·(x − μ)/√(σ² + eps) + β with the
 * biased batch variance σ² (torch.nn.BatchNorm1d/2d docs). `gamma`/`beta` null mean 1/0.
 */
export function batchNormForward(
  x: Float32Array,
  rows: number,
  cols: number,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  eps: number,
  y: Float32Array,
  statistics: NormStatistics,
): void {
  const { mean, inverseStd } = statistics;
  mean.fill(0);
  const sumSquares = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      mean[c] += x[base + c];
    }
  }
  for (let c = 0; c < cols; c++) {
    mean[c] /= rows;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const centred = x[base + c] - mean[c];
      sumSquares[c] += centred * centred;
    }
  }
  for (let c = 0; c < cols; c++) {
    inverseStd[c] = 1 / Math.sqrt(sumSquares[c] / rows + eps);
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const normalised = (x[base + c] - mean[c]) * inverseStd[c];
      y[base + c] = (gamma === null ? normalised : gamma[c] * normalised) + (beta === null ? 0 : beta[c]);
    }
  }
}

/** BatchNorm backward (through the batch statistics): dx from dy, per column. */
export function batchNormBackward(
  x: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
  gamma: Float32Array | null,
  statistics: NormStatistics,
  dx: Float32Array,
): void {
  const { mean, inverseStd } = statistics;
  const meanGradient = new Float64Array(cols);
  const meanGradientTimesNormalised = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const g = dy[base + c];
      meanGradient[c] += g;
      meanGradientTimesNormalised[c] += g * (x[base + c] - mean[c]) * inverseStd[c];
    }
  }
  for (let c = 0; c < cols; c++) {
    meanGradient[c] /= rows;
    meanGradientTimesNormalised[c] /= rows;
  }
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const normalised = (x[base + c] - mean[c]) * inverseStd[c];
      const scale = (gamma === null ? 1 : gamma[c]) * inverseStd[c];
      dx[base + c] = scale * (dy[base + c] - meanGradient[c] - normalised * meanGradientTimesNormalised[c]);
    }
  }
}

/** LayerNorm forward over each row (the last dim; per position over channels for conv tensors). */
export function layerNormForward(
  x: Float32Array,
  rows: number,
  cols: number,
  gamma: Float32Array | null,
  beta: Float32Array | null,
  eps: number,
  y: Float32Array,
  statistics: NormStatistics,
): void {
  const { mean, inverseStd } = statistics;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      sum += x[base + c];
    }
    const rowMean = sum / cols;
    let squares = 0;
    for (let c = 0; c < cols; c++) {
      const centred = x[base + c] - rowMean;
      squares += centred * centred;
    }
    const scale = 1 / Math.sqrt(squares / cols + eps);
    mean[r] = rowMean;
    inverseStd[r] = scale;
    for (let c = 0; c < cols; c++) {
      const normalised = (x[base + c] - rowMean) * scale;
      y[base + c] = (gamma === null ? normalised : gamma[c] * normalised) + (beta === null ? 0 : beta[c]);
    }
  }
}

/** LayerNorm backward over each row. */
export function layerNormBackward(
  x: Float32Array,
  dy: Float32Array,
  rows: number,
  cols: number,
  gamma: Float32Array | null,
  statistics: NormStatistics,
  dx: Float32Array,
): void {
  const { mean, inverseStd } = statistics;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const rowMean = mean[r];
    const scale = inverseStd[r];
    let meanGradient = 0;
    let meanGradientTimesNormalised = 0;
    for (let c = 0; c < cols; c++) {
      const g = gamma === null ? dy[base + c] : gamma[c] * dy[base + c];
      meanGradient += g;
      meanGradientTimesNormalised += g * (x[base + c] - rowMean) * scale;
    }
    meanGradient /= cols;
    meanGradientTimesNormalised /= cols;
    for (let c = 0; c < cols; c++) {
      const g = gamma === null ? dy[base + c] : gamma[c] * dy[base + c];
      const normalised = (x[base + c] - rowMean) * scale;
      dx[base + c] = scale * (g - meanGradient - normalised * meanGradientTimesNormalised);
    }
  }
}
