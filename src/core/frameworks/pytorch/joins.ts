/**
 * Elementwise joins of two layers' streams in `forward` that are not residual adds: a product
 * (gates, GLU/SwiGLU, FiLM, squeeze-excitation) or a sum of parallel branches. Each side's last
 * layers are inputs of the join, not links of one chain, so the advice ends a stack at them
 * (graph.ts Layer.join).
 */
import type { TensorInfo } from './values';

/**
 * Marks the last layers of both sides of `left * right` or `left + right` when both are tensors. A
 * product gates or modulates whatever the other side is (`r * hprev` with `hprev` an input); a sum
 * joins only when both sides carry layers (adding an input, a bias or an embedding is no branch).
 * A layer keeps the first kind it was marked with.
 */
export function markJoin(left: TensorInfo | undefined, right: TensorInfo | undefined, kind: 'product' | 'sum'): void {
  if (!left || !right) {
    return;
  }
  const layered = (side: TensorInfo) => side.last.size > 0;
  if (kind === 'sum' ? !(layered(left) && layered(right)) : !(layered(left) || layered(right))) {
    return;
  }
  for (const layer of [...left.last, ...right.last]) {
    layer.flow.join ??= kind;
  }
}
