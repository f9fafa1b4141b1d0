/**
 * Relaxed SIMD for the bench on Node 20, whose V8 (11.3) has it behind a flag; Node 22, Chromium and
 * VS Code's Electron have it on by default. The bench measures the kernel the editor runs: the flag is
 * set before the first module is compiled (an unknown flag is ignored, so a later Node is unaffected).
 */
import * as v8 from 'node:v8';

/** Enables relaxed SIMD in this process's V8 where it is behind a flag. */
export function enableRelaxedSimd(): void {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
