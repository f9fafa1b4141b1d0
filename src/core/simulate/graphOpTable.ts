/**
 * Which converter turns a graph layer of a given type (torch's vocabulary, after the framework's
 * dialect) into SimLayers. To simulate a new layer type, add a row: a type pattern and a function
 * of the conversion state (graphConversion.ts) that emits its SimLayers or skips it with why.
 */
import type { Layer } from '../graph';
import { conv, convTranspose, linear } from './graphAffineOps';
import { embedding } from './graphEmbeddingOps';
import { dropout, norm } from './graphNormOps';
import type { ConversionState } from './graphConversion';

/** One row of the table: the layer types it converts, and how. */
export interface OpConverter {
  types: RegExp;
  convert: (state: ConversionState, layer: Layer) => void;
}

/** The layer types the simulation converts, first match wins. */
export const OP_CONVERTERS: readonly OpConverter[] = [
  { types: /^Linear$/, convert: linear },
  { types: /^Conv1d$/, convert: (state, layer) => conv(state, layer, 1) },
  { types: /^Conv2d$/, convert: (state, layer) => conv(state, layer, 2) },
  { types: /^ConvTranspose2d$/, convert: convTranspose },
  { types: /^Embedding$/, convert: embedding },
  { types: /^(BatchNorm[12]d|LayerNorm|GroupNorm|InstanceNorm[12]d)$/, convert: norm },
  { types: /^Dropout$/, convert: dropout },
];
