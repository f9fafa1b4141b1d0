/**
 * Sample statistics of one tensor for the Monte-Carlo pass: running sums (accumulated in double, so
 * E[x²] − E[x]² keeps ~10 digits unless |mean|/sd exceeds 1e5) and a histogram over the bulk.
 */

/** Sums over the elements of one tensor. */
export interface Moments {
  count: number;
  sum: number;
  squares: number;
  minimum: number;
  maximum: number;
}

/** The moments of `values` in one pass. */
export function momentsOf(values: Float32Array): Moments {
  let sum = 0;
  let squares = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    sum += value;
    squares += value * value;
    minimum = value < minimum ? value : minimum;
    maximum = value > maximum ? value : maximum;
  }
  return { count: values.length, sum, squares, minimum, maximum };
}

/** Population variance of `values`, two interleaved sums per accumulator pair (shorter add chains). */
export function varianceOfValues(values: Float32Array): number {
  let sumEven = 0;
  let sumOdd = 0;
  let squaresEven = 0;
  let squaresOdd = 0;
  const pairs = values.length - (values.length % 2);
  for (let index = 0; index < pairs; index += 2) {
    const even = values[index];
    const odd = values[index + 1];
    sumEven += even;
    sumOdd += odd;
    squaresEven += even * even;
    squaresOdd += odd * odd;
  }
  if (pairs < values.length) {
    const last = values[pairs];
    sumEven += last;
    squaresEven += last * last;
  }
  return varianceOf({ count: values.length, sum: sumEven + sumOdd, squares: squaresEven + squaresOdd, minimum: Number.NaN, maximum: Number.NaN });
}

/** Population variance E[x²] − E[x]². */
export function varianceOf(moments: Moments): number {
  const mean = moments.sum / moments.count;
  return Math.max(0, moments.squares / moments.count - mean * mean);
}

/** E[x²]. */
export function meanSquareOf(moments: Moments): number {
  return moments.squares / moments.count;
}

/**
 * A histogram of `values` over the bulk (mean ± 6 sd, within [min, max]) in `bins` equal bins;
 * values beyond are counted in the end bins (and NaN in the last).
 */
export function histogramOf(values: Float32Array, moments: Moments, bins: number): { edges: number[]; counts: number[] } {
  const mean = moments.sum / moments.count;
  const sd = Math.sqrt(varianceOf(moments));
  let low = Math.max(moments.minimum, mean - 6 * sd);
  let high = Math.min(moments.maximum, mean + 6 * sd);
  if (!(high > low)) {
    low = Number.isFinite(moments.minimum) ? moments.minimum - 0.5 : -0.5;
    high = low + 1;
  }
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, index) => low + index * width);
  // Four interleaved sub-histograms: runs of equal values (ReLU's zeros) would otherwise chain every
  // increment on one counter. The clamp below low is branch-free ((u + |u|)/2 = max(u, 0)): a branch
  // on data that is half zeros mispredicts, and a number-or-0 choice can make V8 box the value (5×
  // slower, measured); the clamp above works on integers.
  const lanes = new Float64Array(4 * bins);
  const inverseWidth = 1 / width;
  const last = bins - 1;
  for (let index = 0; index < values.length; index++) {
    let position = (values[index] - low) * inverseWidth;
    position = (position + Math.abs(position)) * 0.5;
    let bin = position < 2147483647 ? position | 0 : last;
    bin = bin > last ? last : bin;
    lanes[(index & 3) * bins + bin]++;
  }
  const counts = Array.from({ length: bins }, (_, bin) => lanes[bin] + lanes[bins + bin] + lanes[2 * bins + bin] + lanes[3 * bins + bin]);
  return { edges, counts };
}
