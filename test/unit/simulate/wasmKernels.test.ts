import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { availableWasmFlavours, createMatrixKernel } from '../../../src/core/simulate/matmul';
import { gemmModuleBytes, relaxedSimdProbeBytes } from '../../../src/core/simulate/wasmGemm';
import { kernelDeviations, type KernelDeviations } from '../support/kernelAgreement';

/** The part of the WebAssembly API used here (the unit tests' tsconfig has no DOM lib). */
const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

/** float32 rounding of sums of up to 300 terms, relative to Σ|a·b|: well above it, far below any indexing error. */
const tolerance = 1e-5;

function assertAgree(deviations: KernelDeviations, names: string[]): void {
  for (const name of names) {
    assert.ok(name in deviations, `${name} ran (ran: ${Object.keys(deviations).join(', ')})`);
    assert.ok(deviations[name] < tolerance, `${name} deviates by ${deviations[name]}`);
  }
}

describe('matrix kernels (relaxed SIMD, plain SIMD, TypeScript)', () => {
  it('the plain SIMD and TypeScript kernels agree with a float64 product on odd sizes, strides and a transposed B', () => {
    assertAgree(kernelDeviations(), ['js', 'wasm-simd']);
  });

  it('the relaxed-SIMD kernel agrees too, where relaxed SIMD is enabled (Node 20: with its flag, in a child process)', function () {
    this.timeout(60000);
    const script = path.join(__dirname, '..', 'support', 'kernelAgreement.ts');
    const output = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--import', 'tsx', script, '--print'], { encoding: 'utf8' });
    assertAgree(JSON.parse(output) as KernelDeviations, ['js', 'wasm-simd', 'wasm-relaxed-simd']);
  });

  it('both modules are well-formed WebAssembly; the relaxed one and its probe validate exactly where relaxed SIMD is enabled', () => {
    assert.ok(wasm.validate(gemmModuleBytes(false)));
    const relaxed = wasm.validate(relaxedSimdProbeBytes());
    assert.equal(wasm.validate(gemmModuleBytes(true)), relaxed);
    assert.equal(availableWasmFlavours().includes('relaxed'), relaxed);
    assert.equal(createMatrixKernel(1 << 10).name, relaxed ? 'wasm-relaxed-simd' : 'wasm-simd', 'the fastest kernel is the default');
  });
});
