/** Self-attention the graph does not show, read from the sizes of fused q, k, v projections (nanoGPT's `c_attn`). */
import type { Dim, Layer } from '../graph';
import { parentOf } from './graphShapes';
import type { ConversionState } from './graphConversion';

/**
 * Self-attention the graph does not show, read from the sizes: a Linear over n inputs after a
 * Linear of the same container with 3n outputs (fused q, k, v: nanoGPT's `c_attn`, then `c_proj`).
 * Causal on token input (a language model), else not; both said in a note.
 */
export function attentionBefore(c: ConversionState, layer: Layer, inFeatures: Dim): boolean {
  // Dropout on the attention weights is listed between the projections; it moves after the op.
  let end = c.layers.length;
  while (end > c.lastJoin && c.layers[end - 1].op === 'dropout') {
    end--;
  }
  const last = c.layers[end - 1];
  if (
    c.sink !== null ||
    typeof inFeatures !== 'number' ||
    c.shape.features !== 3 * inFeatures ||
    c.shape.spatial.length > 0 ||
    last?.op !== 'linear' ||
    parentOf(last.name) !== parentOf(layer.name)
  ) {
    return false;
  }
  const causal = c.input.kind === 'tokens';
  const length = c.input.kind === 'tokens' ? (c.sequenceLength ?? c.input.length) : undefined;
  if (length === undefined) {
    return false;
  }
  c.notes.push(
    `${layer.name}: its ${inFeatures} inputs are self-attention over the fused q, k, v of ${last.name} (assumed; ${causal ? 'causal, a language model' : 'not causal'})`,
  );
  const dropouts = c.layers.splice(end);
  c.shapes.splice(end + 1);
  c.shape = c.shapes[end];
  c.emit({ name: `${layer.name}:attention`, op: 'attention', activation: null, causal, length }, { features: inFeatures, spatial: [] });
  for (const dropout of dropouts) {
    c.emit(dropout, c.shape);
  }
  return true;
}
