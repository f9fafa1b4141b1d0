/**
 * Seeded, reproducible random numbers for the Monte-Carlo pass: xoshiro128** (Blackman & Vigna 2018,
 * https://prng.di.unimi.it/xoshiro128starstar.c) seeded through splitmix32, normals by Marsaglia's
 * polar method, and the parameter distributions of network.ts sampled with torch.nn.init's semantics
 * (truncated normal cut at absolute bounds, orthogonal from the QR of a Gaussian matrix).
 * Pure arithmetic on 32-bit integers: identical numbers in Node and in a browser worker.
 */
import { normalCdf, erfc } from '../math/quadrature';
import type { Distribution } from './network';

const twoToMinus32 = 2 ** -32;
const twoToMinus53 = 2 ** -53;

/** splitmix32 step (a 32-bit variant of Steele et al.'s SplitMix): spreads a seed over the state. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Elements per ziggurat chunk. */
const zigguratChunk = 4096;

/** Right edge of the ziggurat's base layer, for 128 layers (Marsaglia & Tsang 2000). */
const zigguratR = 3.442619855899;

/** The 128-layer ziggurat tables of Marsaglia & Tsang 2000 (their `zigset`), for signed 32-bit draws. */
function zigguratTables(): { k: Int32Array; w: Float64Array; f: Float64Array } {
  const m1 = 2147483648;
  const area = 9.91256303526217e-3;
  const k = new Int32Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  let d = zigguratR;
  let t = d;
  const q = area / Math.exp(-0.5 * d * d);
  k[0] = Math.floor((d / q) * m1);
  k[1] = 0;
  w[0] = q / m1;
  w[127] = d / m1;
  f[0] = 1;
  f[127] = Math.exp(-0.5 * d * d);
  for (let i = 126; i >= 1; i--) {
    d = Math.sqrt(-2 * Math.log(area / d + Math.exp(-0.5 * d * d)));
    k[i + 1] = Math.floor((d / t) * m1);
    t = d;
    f[i] = Math.exp(-0.5 * d * d);
    w[i] = d / m1;
  }
  return { k, w, f };
}

/** The tables, computed once at load (a few hundred operations) and only read after. */
const ziggurat = zigguratTables();

/** A xoshiro128** generator. `stream` gives independent sequences from one user seed. */
export class Random {
  /** s0..s3 in an Int32Array: plain int32 storage, which keeps the hot loops free of boxed numbers. */
  private readonly state = new Int32Array(4);
  /** The second normal of the last polar pair, NaN when none is cached. */
  private spareNormal = Number.NaN;
  /** fillNormal's record of (index, draw, layer) of a chunk's slow cases, allocated on its first call. */
  private flaggedScratch: Int32Array | undefined;

  constructor(seed: number, stream = 0) {
    // Seeds beyond 32 bits keep their high part: both halves go into the splitmix state.
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    const state = { value: low ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream + 1, 0x165667b1) };
    for (let index = 0; index < 4; index++) {
      this.state[index] = splitmix32(state);
    }
    if ((this.state[0] | this.state[1] | this.state[2] | this.state[3]) === 0) {
      this.state[0] = 1;
    } // the all-zero state is a fixed point
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const state = this.state;
    let s0 = state[0];
    let s1 = state[1];
    let s2 = state[2];
    let s3 = state[3];
    const rotated = Math.imul(s1, 5);
    const result = Math.imul((rotated << 7) | (rotated >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    return result >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) * twoToMinus53;
  }

  /** Uniform on the open interval (0, 1) with 32 random bits (never 0, so safe for log). */
  nextOpenUnit(): number {
    return (this.nextUint32() + 0.5) * twoToMinus32;
  }

  /** A uniform integer in [0, n), unbiased (Lemire's multiply-and-reject for n < 2²¹). */
  nextInt(n: number): number {
    if (!(n >= 1)) {
      throw new RangeError(`nextInt needs n ≥ 1, got ${n}`);
    }
    if (n < 2 ** 21) {
      const threshold = (2 ** 32 - n) % n;
      for (;;) {
        const product = this.nextUint32() * n; // < 2⁵³: exact in a double
        const low = product % 2 ** 32;
        if (low >= threshold) {
          return Math.floor(product * twoToMinus32);
        }
      }
    }
    return Math.floor(this.nextDouble() * n); // bias ≤ n/2⁵³
  }

  /** A standard normal deviate (Marsaglia's polar method; pairs are used in full). */
  nextNormal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    for (;;) {
      const u = this.nextUint32() * (2 * twoToMinus32) - 1;
      const v = this.nextUint32() * (2 * twoToMinus32) - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  /**
   * Fills out[offset, offset + length) with N(mean, std²) by the ziggurat method (Marsaglia & Tsang
   * 2000, "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)), with the layer
   * index drawn from bits independent of the value's (Doornik 2005's fix of the original's correlation).
   */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number, offset = 0, length = out.length - offset): void {
    const { k, w, f } = ziggurat;
    const state = this.state;
    const flagged = (this.flaggedScratch ??= new Int32Array(3 * zigguratChunk + 3));
    for (let chunk = offset, end = offset + length; chunk < end; chunk += zigguratChunk) {
      const chunkEnd = Math.min(end, chunk + zigguratChunk);
      // The xoshiro128** state lives in locals through the hot loop, which has no rarely-taken branch
      // (measured: a push on the rare path slows the whole loop 2–3×): every element gets the fast
      // value and its (index, draw, layer) is written at flagged[count]; count advances only for
      // draws outside their layer's rectangle, which are redone after the loop.
      let s0 = state[0];
      let s1 = state[1];
      let s2 = state[2];
      let s3 = state[3];
      let layerBits = 0;
      let bitsLeft = 0;
      let count = 0;
      for (let index = chunk; index < chunkEnd; index++) {
        let rotated: number;
        let t: number;
        if (bitsLeft === 0) {
          rotated = Math.imul(s1, 5);
          layerBits = Math.imul((rotated << 7) | (rotated >>> 25), 9);
          t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
          bitsLeft = 4;
        }
        const layer = layerBits & 127;
        layerBits >>>= 8;
        bitsLeft--;
        rotated = Math.imul(s1, 5);
        const signed = Math.imul((rotated << 7) | (rotated >>> 25), 9);
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 11) | (s3 >>> 21);
        const magnitude = signed ^ (signed >> 31); // |signed| − (signed < 0), branch-free
        out[index] = mean + std * (signed * w[layer]);
        const slot = 3 * count;
        flagged[slot] = index;
        flagged[slot + 1] = signed;
        flagged[slot + 2] = layer;
        count += +(magnitude >= k[layer]);
      }
      state[0] = s0;
      state[1] = s1;
      state[2] = s2;
      state[3] = s3;
      for (let entry = 0; entry < count; entry++) {
        out[flagged[3 * entry]] = mean + std * this.zigguratTail(flagged[3 * entry + 1], flagged[3 * entry + 2], k, w, f);
      }
    }
  }

  /** The ziggurat's slow path: the wedge of a layer, or the base strip's tail beyond r. */
  private zigguratTail(signed: number, layer: number, k: Int32Array, w: Float64Array, f: Float64Array): number {
    for (;;) {
      const x = signed * w[layer];
      if (layer === 0) {
        // Tail beyond r: Marsaglia's 1964 method.
        let tailX: number;
        let tailY: number;
        do {
          tailX = -Math.log(this.nextOpenUnit()) / zigguratR;
          tailY = -Math.log(this.nextOpenUnit());
        } while (tailY + tailY < tailX * tailX);
        return signed > 0 ? zigguratR + tailX : -zigguratR - tailX;
      }
      if (f[layer] + this.nextOpenUnit() * (f[layer - 1] - f[layer]) < Math.exp(-0.5 * x * x)) {
        return x;
      }
      layer = this.nextUint32() & 127;
      signed = this.nextUint32() | 0;
      const magnitude = signed ^ (signed >> 31); // |signed| − (signed < 0), branch-free (a sign branch mispredicts half the time)
      if (magnitude < k[layer]) {
        return signed * w[layer];
      }
    }
  }

  /** Fills out[offset, offset + length) with U[low, high). */
  fillUniform(out: Float32Array | Float64Array, low: number, high: number, offset = 0, length = out.length - offset): void {
    const scale = (high - low) * twoToMinus32;
    // nextUint32 inlined with the state in locals (the same sequence, twice as fast).
    const state = this.state;
    let s0 = state[0];
    let s1 = state[1];
    let s2 = state[2];
    let s3 = state[3];
    for (let index = offset, end = offset + length; index < end; index++) {
      const rotated = Math.imul(s1, 5);
      const bits = Math.imul((rotated << 7) | (rotated >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[index] = low + bits * scale;
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
  }
}

/**
 * Φ⁻¹(p) for 0 < p < 1: Acklam's rational approximation (relative error 1.15e-9) refined by one
 * Halley step on erfc, which brings it to about machine precision.
 */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) {
    return p === 0 ? -Infinity : p === 1 ? Infinity : Number.NaN;
  }
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  let x: number;
  if (p < lowTail || p > 1 - lowTail) {
    const q = Math.sqrt(-2 * Math.log(p < lowTail ? p : 1 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p >= lowTail) {
      x = -x;
    }
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // Halley step on Φ(x) − p, with Φ from erfc (accurate in both tails).
  const error = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Fills `out` with torch's `trunc_normal_(mean, std, a, b)`: N(mean, std²) conditioned on [a, b]
 * (absolute bounds, no std correction). When the interval holds ≥ 25% of the mass this is exact
 * rejection; otherwise the inverse CDF (torch/nn/init.py also uses the inverse CDF), computed on the
 * side of the mean nearer the interval so the tail keeps its precision.
 */
export function fillTruncatedNormal(
  random: Random,
  out: Float32Array | Float64Array,
  d: { mean: number; std: number; low: number; high: number },
  offset = 0,
  length = out.length - offset,
): void {
  const alpha = (d.low - d.mean) / d.std;
  const beta = (d.high - d.mean) / d.std;
  const end = offset + length;
  const mass = normalCdf(beta) - normalCdf(alpha);
  if (mass >= 0.25) {
    for (let index = offset; index < end;) {
      const z = random.nextNormal();
      if (z >= alpha && z <= beta) {
        out[index++] = d.mean + d.std * z;
      }
    }
    return;
  }
  // Reflect an interval right of the mean to the left tail, where Φ is small and precise.
  const reflect = alpha > 0;
  const lowCdf = reflect ? normalCdf(-beta) : normalCdf(alpha);
  const highCdf = reflect ? normalCdf(-alpha) : normalCdf(beta);
  for (let index = offset; index < end; index++) {
    let z = inverseNormalCdf(lowCdf + random.nextOpenUnit() * (highCdf - lowCdf));
    if (reflect) {
      z = -z;
    }
    out[index] = Math.min(d.high, Math.max(d.low, d.mean + d.std * z));
  }
}

/**
 * Fills out (rows × cols, row-major) like torch.nn.init.orthogonal_ (torch/nn/init.py): a Gaussian
 * matrix of rows × cols, transposed when rows < cols, its QR with the signs of diag(R) made positive,
 * transposed back, times gain. So rows ≤ cols gives orthonormal rows, otherwise orthonormal columns;
 * Haar-distributed either way. QR here is modified Gram–Schmidt run twice ("twice is enough",
 * Giraud et al. 2005) in double precision; its R has a positive diagonal by construction.
 */
export function fillOrthogonal(random: Random, out: Float32Array | Float64Array, rows: number, cols: number, gain: number, offset = 0): void {
  const transposed = rows < cols;
  const tall = transposed ? cols : rows; // m ≥ n
  const narrow = transposed ? rows : cols;
  // Column j of the tall matrix at [j·tall, (j + 1)·tall).
  const q = new Float64Array(tall * narrow);
  const gaussian = new Float64Array(rows * cols);
  random.fillNormal(gaussian, 0, 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      // torch fills (rows × cols) row-major, then transposes when rows < cols.
      const value = gaussian[r * cols + c];
      if (transposed) {
        q[r * tall + c] = value;
      } else {
        q[c * tall + r] = value;
      }
    }
  }
  for (let j = 0; j < narrow; j++) {
    const column = j * tall;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        const other = i * tall;
        let dot = 0;
        for (let t = 0; t < tall; t++) {
          dot += q[other + t] * q[column + t];
        }
        for (let t = 0; t < tall; t++) {
          q[column + t] -= dot * q[other + t];
        }
      }
    }
    let norm = 0;
    for (let t = 0; t < tall; t++) {
      norm += q[column + t] * q[column + t];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-300)) {
      throw new Error('orthogonal: a rank-deficient Gaussian draw (probability zero)');
    }
    for (let t = 0; t < tall; t++) {
      q[column + t] /= norm;
    }
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[offset + r * cols + c] = gain * (transposed ? q[r * tall + c] : q[c * tall + r]);
    }
  }
}

/**
 * Fills out[offset, offset + rows·cols) with a parameter of distribution d. `rows` is the tensor's
 * first dim and `cols` the product of the others (only orthogonal needs the split).
 */
export function fillDistribution(random: Random, out: Float32Array | Float64Array, d: Distribution, rows: number, cols: number, offset = 0): void {
  const length = rows * cols;
  switch (d.kind) {
    case 'normal':
      random.fillNormal(out, d.mean, d.std, offset, length);
      return;
    case 'uniform':
      random.fillUniform(out, d.low, d.high, offset, length);
      return;
    case 'truncated_normal':
      fillTruncatedNormal(random, out, d, offset, length);
      return;
    case 'orthogonal':
      fillOrthogonal(random, out, rows, cols, d.gain, offset);
      return;
    case 'constant':
      out.fill(d.value, offset, offset + length);
      return;
  }
}
