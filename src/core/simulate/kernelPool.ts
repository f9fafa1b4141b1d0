/**
 * A matrix kernel kept between Monte-Carlo passes: the panel reruns the pass on every edit, and
 * reusing the last pass's WebAssembly kernel spares a new linear memory each time. A pass takes the
 * kernel out of the pool until it ends, so two interleaved async passes never share one.
 */
import { createMatrixKernel, type MatrixKernel } from './matmul';

/** One idle kernel, handed to the next pass whose memory it fits. */
export class MatrixKernelPool {
  private idle: MatrixKernel | undefined;

  /** A kernel with room for `floats` floats: the idle one when it fits, else a new one (plain TypeScript when `preferJs`). */
  acquire(floats: number, preferJs: boolean): MatrixKernel {
    const cached = this.idle;
    this.idle = undefined;
    // Reuse unless JS is asked for, or the memory is too small, or more than 4× too large to keep.
    if (!preferJs && cached !== undefined && cached.capacity >= floats && cached.capacity <= 4 * floats + (1 << 22)) {
      cached.reset();
      return cached;
    }
    return createMatrixKernel(floats, preferJs);
  }

  /** Gives a kernel back at the end of a pass (only a WebAssembly one is worth keeping). */
  release(kernel: MatrixKernel): void {
    if (kernel.name !== 'js') {
      this.idle = kernel;
    }
  }
}
