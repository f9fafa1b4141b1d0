/**
 * An extracted model (graph.ts) → SimNetwork, with today's init or the recommended one. The graph is
 * a forward-ordered list of layers, not a dataflow graph, so some structure is assumed, and every
 * assumption or omission becomes a note line:
 * - a residual branch starts after the previous join (or at the network input) and ends at a layer
 *   marked `residual`; the activation after that layer is applied after the add;
 * - a projection shortcut runs on the skip and goes into the residual_begin's `shortcut`: the layers
 *   the PyTorch adapter marks `shortcut` (before or after the branch), or, for frameworks without the
 *   mark, layers of the residual layer's block after it in a container named like a shortcut
 *   (`downsample`, `shortcut`, `proj`, `skip`), with that container's other layers;
 * - the graph's shape-changing ops (`Model.ops`: pools, upsampling, concat) run after the layer they
 *   follow (graphStructuralOps.ts); pools and concats the graph does not show are read from sizes;
 * - any other layer whose input does not chain to the previous output is left out;
 * - a layer re-normalised before its activation (`normalized`) hands the activation to the norm.
 *
 * Layer types, constructor arguments and init calls are read in torch's vocabulary; a Keras or Flax
 * model goes through its framework's dialect (dialect.ts, implemented in frameworks/<name>/simulation.ts
 * and passed in by the caller), which maps each
 * layer and initializer to the torch vocabulary with the framework's own distribution (Keras'
 * std-corrected truncated normal, JAX's untruncated `normal`, …), so nothing here is framework-specific.
 */
import type { Layer, Model } from '../graph';
import { convertAt } from './graphConvertAt';
import { convertAtLikelySize, inferInput } from './graphInputSize';
import type { FromModelOptions } from './graphConversion';
import type { SimNetwork } from './network';

export type { FromModelOptions } from './graphConversion';
export { DEFAULT_SEQUENCE_LENGTH, DEFAULT_SPATIAL_SIZE } from './graphShapes';

/**
 * The model's layers as a SimNetwork. Input: `options.input`, else implied by the first layer
 * (a Linear's in_features, token ids for an Embedding, a conv's channels with an assumed spatial
 * size). Symbolic sizes stay symbols (resolve.ts sets them). Layers that cannot be simulated are
 * left out and named in `notes`.
 */
export function networkFromModel(model: Model, options: FromModelOptions): SimNetwork {
  const notes: string[] = [];
  const dialect = options.dialect;
  if (dialect.framework !== (model.framework ?? 'pytorch')) {
    // Another framework's dialect would read the layers and inits with the wrong meaning.
    throw new Error(`networkFromModel: model ${model.name} is ${model.framework ?? 'pytorch'}, the dialect is ${dialect.framework}'s`);
  }
  const input = options.input ?? inferInput(model.layers.map(dialect.layer), notes) ?? { kind: 'vector', width: 1 };
  if (options.input === undefined && model.layers.length > 0 && input.kind === 'vector' && input.width === 1) {
    notes.push('input: no layer fixes the input shape');
  }
  const converted = options.input === undefined ? convertAtLikelySize(model, options, input, notes) : convertAt(model, options, input);
  const { converter, coverage } = converted;
  let networkInput = converted.input;
  if (options.input === undefined && networkInput.kind === 'tokens' && converter.sequenceLength !== undefined) {
    networkInput = { kind: 'tokens', length: converter.sequenceLength };
    const index = notes.findIndex((note) => note.startsWith('input: '));
    notes.splice(
      index < 0 ? notes.length : index,
      index < 0 ? 0 : 1,
      `input: ${converter.sequenceLength} token ids per example (the positional embedding's rows)`,
    );
  }
  if (networkInput.kind === 'tokens' && converter.layers[0]?.op !== 'embedding' && converter.layers.length > 0) {
    // Token ids cannot feed anything but the token embedding: nothing after it can be simulated.
    converter.notes.push(`${converter.layers.map((layer) => layer.name).join(', ')} left out: the token embedding before them is not simulated`);
    converter.layers.splice(0);
    coverage.leftOut = [...new Set([...coverage.leftOut, ...model.layers.map((layer) => layer.name)])].filter(
      (name) => options.dialect.layer(model.layers.find((l) => l.name === name) as Layer).type !== 'Dropout',
    );
    coverage.simulated = 0;
  }
  if (model.layers.some((layer) => layer.residual)) {
    notes.push('residual branches assumed to start after the previous residual add (or at the input)');
  }
  const line = `simulated ${coverage.simulated} of ${coverage.total} parametrised layers${coverage.leftOut.length > 0 ? `; left out: ${coverage.leftOut.join(', ')}` : ''}`;
  return { input: networkInput, layers: converter.layers, inputVariance: 1, notes: [line, ...notes, ...converter.notes], coverage };
}
