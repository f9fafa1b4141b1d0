/**
 * Single-precision matrix products for the Monte-Carlo pass: C (+)= A·B on row-major Float32Array
 * storage with leading dimensions and offsets (so sub-blocks such as conv groups need no copies).
 *
 * Two kernels behind one interface: the WebAssembly SIMD kernel of wasmGemm.ts, working on storage it
 * allocates in its own linear memory (so products need no copying), and a plain TypeScript kernel
 * (i-k-j order, k unrolled by 4, cache blocked) used where WebAssembly or its SIMD is unavailable
 * (e.g. a page whose CSP lacks 'wasm-unsafe-eval') and for the wasm kernel's fringe rows/columns.
 */
import { gemmModuleBytes, relaxedSimdProbeBytes, wasmPackFloats, wasmTileColumns, wasmTileHeights } from './wasmGemm';

/** A matrix-product kernel and the storage it works on best. */
export interface MatrixKernel {
  /** `wasm-relaxed-simd` (fused multiply-add), `wasm-simd` (plain SIMD) or `js`. */
  readonly name: 'wasm-relaxed-simd' | 'wasm-simd' | 'js';
  /**
   * C[m×n] = A[m×k]·B[k×n] (or += when `accumulate`). Element offsets and leading dimensions
   * (row strides, in elements) locate each matrix in its array. With `transposeB`, `b` holds Bᵀ
   * (n × k, row stride ldb): a layer's forward x·Wᵀ then reads W as stored, with no transposed copy.
   */
  gemm(
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOffset: number,
    lda: number,
    b: Float32Array,
    bOffset: number,
    ldb: number,
    c: Float32Array,
    cOffset: number,
    ldc: number,
    accumulate: boolean,
    transposeB?: boolean,
  ): void;
  /**
   * Storage of `length` floats, for the wasm kernel within its memory: zeroed on a fresh kernel, left
   * as it was after reset() (the Monte-Carlo pass writes every element before reading it).
   */
  allocate(length: number): Float32Array;
  /** Floats `allocate` can hand out in all (Infinity for the TypeScript kernel). */
  readonly capacity: number;
  /** Takes back everything allocated: earlier arrays must no longer be used. */
  reset(): void;
}

/** Rows of A per block (keeps a block of C rows hot) and depth of k per block (keeps B rows in cache). */
const jsRowBlock = 32;
const jsDepthBlock = 128;

/** The plain TypeScript product (see MatrixKernel.gemm). */
export function gemmJs(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  accumulate: boolean,
  transposeB = false,
): void {
  if (transposeB) {
    gemmJsTransposedB(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
    return;
  }
  if (!accumulate) {
    for (let i = 0; i < m; i++) {
      c.fill(0, cOffset + i * ldc, cOffset + i * ldc + n);
    }
  }
  for (let i0 = 0; i0 < m; i0 += jsRowBlock) {
    const i1 = Math.min(m, i0 + jsRowBlock);
    for (let p0 = 0; p0 < k; p0 += jsDepthBlock) {
      const p1 = Math.min(k, p0 + jsDepthBlock);
      for (let i = i0; i < i1; i++) {
        const aRow = aOffset + i * lda;
        const cRow = cOffset + i * ldc;
        let p = p0;
        for (; p + 3 < p1; p += 4) {
          const a0 = a[aRow + p];
          const a1 = a[aRow + p + 1];
          const a2 = a[aRow + p + 2];
          const a3 = a[aRow + p + 3];
          const b0 = bOffset + p * ldb;
          const b1 = b0 + ldb;
          const b2 = b1 + ldb;
          const b3 = b2 + ldb;
          for (let j = 0; j < n; j++) {
            c[cRow + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
          }
        }
        for (; p < p1; p++) {
          const a0 = a[aRow + p];
          const b0 = bOffset + p * ldb;
          for (let j = 0; j < n; j++) {
            c[cRow + j] += a0 * b[b0 + j];
          }
        }
      }
    }
  }
}

/** C (+)= A·Bᵀ with b holding Bᵀ (n × k): dot products of rows, four columns at a time. */
function gemmJsTransposedB(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * lda;
    const cRow = cOffset + i * ldc;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const b0 = bOffset + j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const value = a[aRow + p];
        s0 += value * b[b0 + p];
        s1 += value * b[b1 + p];
        s2 += value * b[b2 + p];
        s3 += value * b[b3 + p];
      }
      c[cRow + j] = (accumulate ? c[cRow + j] : 0) + s0;
      c[cRow + j + 1] = (accumulate ? c[cRow + j + 1] : 0) + s1;
      c[cRow + j + 2] = (accumulate ? c[cRow + j + 2] : 0) + s2;
      c[cRow + j + 3] = (accumulate ? c[cRow + j + 3] : 0) + s3;
    }
    for (; j < n; j++) {
      const b0 = bOffset + j * ldb;
      let sum = 0;
      for (let p = 0; p < k; p++) {
        sum += a[aRow + p] * b[b0 + p];
      }
      c[cRow + j] = (accumulate ? c[cRow + j] : 0) + sum;
    }
  }
}

/** The plain TypeScript kernel. */
export function createJsKernel(): MatrixKernel {
  return { name: 'js', gemm: gemmJs, allocate: (length) => new Float32Array(length), capacity: Infinity, reset: () => undefined };
}

/** The subset of the WebAssembly JS API used here (lib.dom's types are not in the core's tsconfig). */
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

type WasmGemm = (
  m: number,
  n: number,
  k: number,
  a: number,
  lda: number,
  b: number,
  ldb: number,
  c: number,
  ldc: number,
  accumulate: number,
  pack: number,
  bTransposed: number,
) => void;

/** The two builds of the kernel: relaxed SIMD's fused multiply-add, or a mul and an add (plain SIMD). */
export type WasmKernelFlavour = 'relaxed' | 'plain';

// A pure memo of constants: each module compiled from fixed bytes (null where its SIMD is unavailable
// or forbidden), once per process; it cannot change any answer, only save recompiling.
// eslint-disable-next-line no-restricted-syntax -- a bounded pure memo (see above)
const cachedModules = new Map<WasmKernelFlavour, object | null>();

/** Whether relaxed SIMD's f32x4.relaxed_madd validates here and computes a·b + c (fused or not). */
function relaxedSimdWorks(api: WasmApi): boolean {
  const bytes = relaxedSimdProbeBytes();
  if (!api.validate(bytes)) {
    return false;
  }
  const memory = new api.Memory({ initial: 1, maximum: 1 });
  const instance = new api.Instance(new api.Module(bytes), { env: { memory } });
  const view = new Float32Array(memory.buffer, 0, 16);
  view.set([1.5, -2, 3, 0.25, 2, 4, -1, 8, 0.5, 1, 1, -2]);
  (instance.exports.madd as () => void)();
  const expected = [3.5, -7, -2, 0];
  return expected.every((value, lane) => view[12 + lane] === value);
}

/** The compiled module of a flavour, or null where its SIMD is unavailable or forbidden. */
function simdModule(flavour: WasmKernelFlavour): object | null {
  const cached = cachedModules.get(flavour);
  if (cached !== undefined) {
    return cached;
  }
  let module: object | null = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  try {
    const bytes = gemmModuleBytes(flavour === 'relaxed');
    if (api !== undefined && (flavour === 'plain' || relaxedSimdWorks(api)) && api.validate(bytes)) {
      module = new api.Module(bytes);
    }
  } catch {
    module = null; // e.g. a CSP without 'wasm-unsafe-eval': fall back to the JS kernel
  }
  cachedModules.set(flavour, module);
  return module;
}

/** The flavours this host can run, fastest first. */
export function availableWasmFlavours(): WasmKernelFlavour[] {
  return (['relaxed', 'plain'] as const).filter((flavour) => simdModule(flavour) !== null);
}

const pageBytes = 65536;
/** wasm32's addressable limit: 65,536 pages of 64 KiB. */
const maximumPages = 65536;

/**
 * The WebAssembly SIMD kernel with room for `capacityFloats` floats of storage (plus its own
 * scratch), or undefined where it cannot be had. Storage comes from `allocate`, a bump allocator
 * over one fixed linear memory: the memory never grows, so the arrays stay valid.
 */
export function createWasmKernel(capacityFloats: number, flavour?: WasmKernelFlavour): MatrixKernel | undefined {
  const chosen = flavour ?? availableWasmFlavours()[0];
  const module = chosen === undefined ? null : simdModule(chosen);
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (module === null || api === undefined) {
    return undefined;
  }
  // 16-byte alignment padding per allocation is covered by the slack below.
  const bytes = (capacityFloats + wasmPackFloats) * 4 + 64 * 1024;
  const pages = Math.ceil(bytes / pageBytes);
  if (pages > maximumPages) {
    return undefined;
  }
  let memory: { buffer: ArrayBuffer };
  let kernels: WasmGemm[];
  try {
    memory = new api.Memory({ initial: pages, maximum: pages });
    const instance = new api.Instance(module, { env: { memory } });
    kernels = wasmTileHeights.map((rows) => instance.exports[`gemm${rows}`] as WasmGemm);
  } catch {
    return undefined;
  }
  const buffer = memory.buffer;
  const packAddress = 0;
  const start = wasmPackFloats * 4;
  let next = start;
  const limit = pages * pageBytes;
  const inMemory = (array: Float32Array): boolean => array.buffer === buffer;
  return {
    name: chosen === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd',
    capacity: capacityFloats,
    allocate(length: number): Float32Array {
      const first = next;
      const end = first + length * 4;
      if (end > limit) {
        throw new RangeError(`wasm kernel storage exhausted (${length} floats asked, capacity ${capacityFloats})`);
      }
      next = (end + 15) & ~15;
      return new Float32Array(buffer, first, length);
    },
    reset(): void {
      next = start;
    },
    gemm(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate, transposeB = false) {
      const mainColumns = n - (n % wasmTileColumns);
      if (!inMemory(a) || !inMemory(b) || !inMemory(c) || mainColumns === 0 || k === 0) {
        gemmJs(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate, transposeB);
        return;
      }
      // Rows in tiles of 4, then 2, 1 for the rest: every row goes through SIMD.
      let row = 0;
      wasmTileHeights.forEach((height, index) => {
        const rows = Math.floor((m - row) / height) * height;
        if (rows === 0) {
          return;
        }
        kernels[index](
          rows,
          mainColumns,
          k,
          a.byteOffset + (aOffset + row * lda) * 4,
          lda * 4,
          b.byteOffset + bOffset * 4,
          ldb * 4,
          c.byteOffset + (cOffset + row * ldc) * 4,
          ldc * 4,
          accumulate ? 1 : 0,
          packAddress,
          transposeB ? 1 : 0,
        );
        row += rows;
      });
      // The last n mod 8 columns.
      if (mainColumns < n) {
        const fringeB = bOffset + (transposeB ? mainColumns * ldb : mainColumns);
        gemmJs(m, n - mainColumns, k, a, aOffset, lda, b, fringeB, ldb, c, cOffset + mainColumns, ldc, accumulate, transposeB);
      }
    },
  };
}

/**
 * The fastest kernel available here: WebAssembly SIMD with room for `capacityFloats` floats, else
 * the TypeScript one (relaxed SIMD's fused multiply-add where the host has it, else plain SIMD). `preferJs` forces the TypeScript kernel (tests, comparisons).
 */
export function createMatrixKernel(capacityFloats: number, preferJs = false): MatrixKernel {
  return (preferJs ? undefined : createWasmKernel(capacityFloats)) ?? createJsKernel();
}
