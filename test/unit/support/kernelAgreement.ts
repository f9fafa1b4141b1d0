/**
 * The three matrix kernels (WebAssembly relaxed SIMD, plain SIMD, TypeScript) on odd sizes, offsets,
 * strides, accumulation and a transposed B: each one's largest deviation from a float64 product,
 * relative to the product's scale. Run in-process by the unit test, and as a child process with
 * `--experimental-wasm-relaxed-simd` (Node 20 needs the flag; Node 22, Chromium and Electron do not),
 * where it prints the result as JSON.
 */
import { availableWasmFlavours, createJsKernel, createWasmKernel, type MatrixKernel } from '../../../src/core/simulate/matmul';
import { Random } from '../../../src/core/simulate/random';

/** m × n × k cases: fringes in rows (mod 4) and columns (mod 8), k across a 256-deep panel. */
export const agreementSizes: [number, number, number][] = [
  [13, 19, 5],
  [7, 9, 300],
  [17, 24, 1],
  [3, 7, 9],
  [33, 41, 257],
];

/** Per kernel name: the worst |kernel − float64| / (1 + Σ|a·b|) over every case and element. */
export type KernelDeviations = Record<string, number>;

function deviationOf(kernel: MatrixKernel, random: Random, [m, n, k]: [number, number, number], transposeB: boolean): number {
  const lda = k + 2;
  const ldb = transposeB ? k + 1 : n + 3;
  const ldc = n + 1;
  const a = kernel.allocate(m * lda + 1);
  const b = kernel.allocate((transposeB ? n : k) * ldb + 2);
  const c = kernel.allocate(m * ldc + 3);
  for (const array of [a, b, c]) {
    for (let index = 0; index < array.length; index++) {
      array[index] = random.nextNormal();
    }
  }
  const before = Float64Array.from(c);
  kernel.gemm(m, n, k, a, 1, lda, b, 2, ldb, c, 3, ldc, true, transposeB);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let expected = before[3 + i * ldc + j];
      let scale = 1 + Math.abs(expected);
      for (let p = 0; p < k; p++) {
        const term = a[1 + i * lda + p] * b[2 + (transposeB ? j * ldb + p : p * ldb + j)];
        expected += term;
        scale += Math.abs(term);
      }
      worst = Math.max(worst, Math.abs(c[3 + i * ldc + j] - expected) / scale);
    }
  }
  return worst;
}

/** The deviations of every kernel this host can run (the relaxed one only where relaxed SIMD is enabled). */
export function kernelDeviations(): KernelDeviations {
  const kernels: MatrixKernel[] = [createJsKernel()];
  for (const flavour of availableWasmFlavours()) {
    const kernel = createWasmKernel(1 << 18, flavour);
    if (kernel !== undefined) {
      kernels.push(kernel);
    }
  }
  const deviations: KernelDeviations = {};
  for (const kernel of kernels) {
    const random = new Random(11);
    let worst = 0;
    for (const size of agreementSizes) {
      for (const transposeB of [false, true]) {
        kernel.reset();
        worst = Math.max(worst, deviationOf(kernel, random, size, transposeB));
      }
    }
    deviations[kernel.name] = worst;
  }
  return deviations;
}

if (process.argv.includes('--print')) {
  process.stdout.write(`${JSON.stringify(kernelDeviations())}\n`);
}
