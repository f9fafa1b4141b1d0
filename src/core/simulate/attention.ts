/**
 * Self-attention on fused q, k, v (network.ts AttentionLayer), both passes.
 *
 * Mean field (analytic.ts): at init the logits of one query over its n keys have variance
 * σ² = E[q²]·E[k²] (q·k/√d sums d products), so the softmax weights are near uniform, and with
 * log-normal weights E[Σ p²] ≈ (1 + (n − 1)(e^{σ²} − 1)/n)/n (exactly 1 for n = 1). The output
 * averages independent values: Var y = Var v · E[Σ p²], averaged over the queries (a causal query t
 * sees t + 1 keys). Backward, v gets the same share of the output gradient; q and k get it through
 * the softmax's Jacobian, E[δ²]·E[v²]·E[k²]·E[Σ p²](1 − E[Σ p²]), small unless the logits are large.
 * Large logits (peaked weights) are where mean field is approximate; Monte Carlo is the reference there.
 *
 * Monte Carlo (monteCarlo.ts): the exact op per example, rows laid out example-major (row = b·T + t),
 * keeping the weights for the backward pass.
 */

/** Keys query `t` sees: t + 1 when causal, else all `length`. */
function keysOf(t: number, length: number, causal: boolean): number {
  return causal ? t + 1 : length;
}

/**
 * Mean-field factors over the queries: `values`, E[Σ p²] (the share of a value's variance the
 * output keeps, and of the output gradient's a value gets); `logits`, E[Σ p²·(1 − Σ p²)] (the factor
 * q's and k's gradients get besides E[δ²]·E[v²]·E[k²]).
 */
export function attentionFactors(length: number, causal: boolean, logitVariance: number): { values: number; logits: number } {
  const spread = Math.expm1(Math.min(logitVariance, 50));
  let values = 0;
  let logits = 0;
  for (let t = 0; t < length; t++) {
    const n = keysOf(t, length, causal);
    // At most 1 (one key takes all); the softmax's Jacobian vanishes there, so the q/k share is Σp²(1 − Σp²).
    const squares = Math.min(1, (1 + ((n - 1) * spread) / n) / n);
    values += squares;
    logits += squares * (1 - squares);
  }
  return { values: values / length, logits: logits / length };
}

/** Shapes of one attention pass: examples, positions, value width n (the input has 3n columns). */
export interface AttentionGeometry {
  batch: number;
  length: number;
  width: number;
  causal: boolean;
}

/** y (rows × n) from x (rows × 3n: q, k, v); returns the weights (batch·T·T, 0 where masked) for the backward pass. */
export function attentionForward(x: Float32Array, geometry: AttentionGeometry, y: Float32Array): Float32Array {
  const { batch, length, width, causal } = geometry;
  const cols = 3 * width;
  const scale = 1 / Math.sqrt(width);
  const weights = new Float32Array(batch * length * length);
  const logits = new Float64Array(length);
  for (let b = 0; b < batch; b++) {
    const base = b * length;
    for (let t = 0; t < length; t++) {
      const n = keysOf(t, length, causal);
      const q = (base + t) * cols;
      let max = -Infinity;
      for (let s = 0; s < n; s++) {
        const k = (base + s) * cols + width;
        let dot = 0;
        for (let i = 0; i < width; i++) {
          dot += x[q + i] * x[k + i];
        }
        logits[s] = dot * scale;
        max = Math.max(max, logits[s]);
      }
      let sum = 0;
      for (let s = 0; s < n; s++) {
        logits[s] = Math.exp(logits[s] - max);
        sum += logits[s];
      }
      const row = (base + t) * length;
      const out = (base + t) * width;
      y.fill(0, out, out + width);
      for (let s = 0; s < n; s++) {
        const p = logits[s] / sum;
        weights[row + s] = p;
        const v = (base + s) * cols + 2 * width;
        for (let i = 0; i < width; i++) {
          y[out + i] += p * x[v + i];
        }
      }
    }
  }
  return weights;
}

/** The gradient at x (rows × 3n) from the gradient at y, through the kept weights. */
export function attentionBackward(x: Float32Array, weights: Float32Array, gradient: Float32Array, geometry: AttentionGeometry, next: Float32Array): void {
  const { batch, length, width, causal } = geometry;
  const cols = 3 * width;
  const scale = 1 / Math.sqrt(width);
  next.fill(0, 0, batch * length * cols);
  const slopes = new Float64Array(length);
  for (let b = 0; b < batch; b++) {
    const base = b * length;
    for (let t = 0; t < length; t++) {
      const n = keysOf(t, length, causal);
      const row = (base + t) * length;
      const g = (base + t) * width;
      // dp_s = g_t·v_s; dlogit_s = p_s (dp_s − Σ_r p_r dp_r).
      let mean = 0;
      for (let s = 0; s < n; s++) {
        const v = (base + s) * cols + 2 * width;
        let dot = 0;
        for (let i = 0; i < width; i++) {
          dot += gradient[g + i] * x[v + i];
        }
        slopes[s] = dot;
        mean += weights[row + s] * dot;
      }
      const q = (base + t) * cols;
      for (let s = 0; s < n; s++) {
        const p = weights[row + s];
        const slope = p * (slopes[s] - mean) * scale;
        const k = (base + s) * cols + width;
        const v = k + width;
        for (let i = 0; i < width; i++) {
          next[q + i] += slope * x[k + i];
          next[k + i] += slope * x[q + i];
          next[v + i] += p * gradient[g + i];
        }
      }
    }
  }
}
