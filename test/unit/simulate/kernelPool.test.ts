import assert from 'node:assert/strict';
import { MatrixKernelPool } from '../../../src/core/simulate/kernelPool';

describe('MatrixKernelPool', () => {
  it('hands a released WebAssembly kernel to the next pass it fits, and to one pass at a time', () => {
    const pool = new MatrixKernelPool();
    const first = pool.acquire(1 << 16, false);
    assert.equal(first.name, 'wasm-simd');
    pool.release(first);
    assert.equal(pool.acquire(1 << 15, false), first);
    assert.notEqual(pool.acquire(1 << 15, false), first, 'taken until released');
  });

  it('does not keep a kernel too small, far too large, or plain TypeScript', () => {
    const pool = new MatrixKernelPool();
    const small = pool.acquire(1 << 10, false);
    pool.release(small);
    assert.notEqual(pool.acquire(1 << 20, false), small);
    const large = pool.acquire(1 << 24, false);
    pool.release(large);
    assert.notEqual(pool.acquire(1 << 10, false), large);
    const js = pool.acquire(1 << 10, true);
    assert.equal(js.name, 'js');
    pool.release(js);
    assert.notEqual(pool.acquire(1 << 10, false), js);
  });
});
