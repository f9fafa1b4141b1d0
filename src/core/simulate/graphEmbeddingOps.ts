/** Token embeddings as the network's first layer, and a positional embedding added to one. */
import type { Layer } from '../graph';
import type { SimLayer } from './network';
import { dimOf, sameDim } from './graphShapes';
import type { ConversionState } from './graphConversion';

/** A token embedding: the first layer of a token model (or a positional one right after it). */
export function embedding(c: ConversionState, layer: Layer): void {
  if (c.layers.length === 1 && c.layers[0].op === 'embedding' && c.sink === null) {
    return positional(c, layer);
  }
  if (c.layers.length > 0 || c.shape.features !== null) {
    return c.skip(layer, 'an embedding is simulated only as the first layer');
  }
  const count = dimOf(layer.config.num_embeddings) ?? layer.fanOut;
  const width = dimOf(layer.config.embedding_dim) ?? layer.fanIn;
  if (count === null || width === null) {
    return c.skip(layer, 'its sizes are unknown');
  }
  const fans = typeof count === 'number' && typeof width === 'number' ? { fanIn: width, fanOut: count } : undefined;
  const weight = c.distribution(layer, 'weight', 'embedding', c.initCall(layer, 'weight', 'embedding'), fans, fans ? [fans.fanOut, fans.fanIn] : undefined);
  if (layer.config.padding_idx !== undefined && layer.config.padding_idx !== null) {
    c.notes.push(`${layer.name}: the zeroed padding row is not simulated`);
  }
  c.add(
    layer,
    {
      name: layer.name,
      op: 'embedding',
      activation: c.activation(layer),
      numEmbeddings: count,
      embeddingDim: width,
      weight: weight.distribution,
      weightInit: weight.call,
    },
    { features: width, spatial: [] },
  );
}

/**
 * A second embedding right after the token embedding, of the same width: a positional embedding
 * added to it (`wte(idx) + wpe(pos)`); its table size is the sequence length (`block_size`).
 */
function positional(c: ConversionState, layer: Layer): void {
  const count = dimOf(layer.config.num_embeddings) ?? layer.fanOut;
  const width = dimOf(layer.config.embedding_dim) ?? layer.fanIn;
  if (count === null || width === null || !sameDim(width, c.shape.features)) {
    return c.skip(layer, "a second embedding is simulated only as a positional embedding of the token embedding's width");
  }
  const fans = typeof count === 'number' && typeof width === 'number' ? { fanIn: width, fanOut: count } : undefined;
  const weight = c.distribution(layer, 'weight', 'embedding', c.initCall(layer, 'weight', 'embedding'), fans, fans ? [fans.fanOut, fans.fanIn] : undefined);
  c.sequenceLength = count;
  c.notes.push(`${layer.name}: a positional embedding added to ${c.layers[0].name} (assumed); the sequence length is its ${count} rows`);
  const simLayer: SimLayer = {
    name: layer.name,
    op: 'embedding',
    positional: true,
    activation: null,
    numEmbeddings: count,
    embeddingDim: width,
    weight: weight.distribution,
    weightInit: weight.call,
  };
  c.add(layer, simLayer, c.shape);
}
