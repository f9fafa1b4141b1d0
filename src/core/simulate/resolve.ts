/**
 * Symbolic sizes → numbers, and the depth multiplier of the preview. A graph dim the analysis could
 * not resolve is the source text of its expression (`"config.n_embd"`); the panel lets the user set
 * it. Nothing here guesses: an unset symbol makes resolveNetwork throw, naming it.
 */
import type { Dim } from '../graph';
import { affineFans, affineWeightShape, distributionOfCall } from './distributions';
import type { InitCall, InputShape, SimLayer, SimNetwork } from './network';

const DEFAULT_CALL: InitCall = { name: 'default', args: {} };

export interface ResolveOptions {
  /** Values for symbolic dims, by their text. */
  symbols?: Record<string, number>;
  /** Repeat the layer list this many times (an integer ≥ 1); only when the output shape chains to the input. */
  depthMultiplier?: number;
  /** Variance of each input element (default: the network's, else 1). */
  inputVariance?: number;
}

/** The symbolic dims of a network's input and layers, each once, in order of first use. */
export function symbolsOf(network: SimNetwork): string[] {
  const found = new Set<string>();
  const visit = (dim: Dim): void => {
    if (typeof dim === 'string') {
      found.add(dim);
    }
  };
  inputDims(network.input).forEach(visit);
  for (const layer of network.layers) {
    layerDims(layer).forEach(visit);
  }
  return [...found];
}

function inputDims(input: InputShape): Dim[] {
  switch (input.kind) {
    case 'vector':
      return [input.width];
    case 'signal':
      return [input.channels, input.length];
    case 'image':
      return [input.channels, input.height, input.width];
    case 'tokens':
      return [input.length];
  }
}

function layerDims(layer: SimLayer): Dim[] {
  switch (layer.op) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv_transpose2d':
      return [layer.inFeatures, layer.outFeatures];
    case 'embedding':
      return [layer.numEmbeddings, layer.embeddingDim];
    case 'residual_begin':
      return (layer.shortcut ?? []).flatMap(layerDims);
    default:
      return [];
  }
}

/** Thrown when a symbolic dim has no value; `symbols` lists every missing one. */
export class UnresolvedSymbolsError extends Error {
  constructor(readonly symbols: string[]) {
    super(`unresolved size${symbols.length === 1 ? '' : 's'}: ${symbols.join(', ')} (give a value for each)`);
    this.name = 'UnresolvedSymbolsError';
  }
}

function resolver(symbols: Record<string, number>, missing: Set<string>): (dim: Dim) => Dim {
  return (dim) => {
    if (typeof dim === 'number') {
      return dim;
    }
    const value = Object.prototype.hasOwnProperty.call(symbols, dim) ? symbols[dim] : undefined;
    if (value === undefined || !Number.isInteger(value) || value < 1) {
      missing.add(dim);
      return dim;
    }
    return value;
  };
}

function resolveInput(input: InputShape, dim: (value: Dim) => Dim): InputShape {
  switch (input.kind) {
    case 'vector':
      return { kind: 'vector', width: dim(input.width) };
    case 'signal':
      return { kind: 'signal', channels: dim(input.channels), length: dim(input.length) };
    case 'image':
      return { kind: 'image', channels: dim(input.channels), height: dim(input.height), width: dim(input.width) };
    case 'tokens':
      return { kind: 'tokens', length: dim(input.length) };
  }
}

/**
 * The layer with its dims resolved and, where the distributions came from an init call
 * (fromGraph.ts), the distributions recomputed with the resolved fans.
 */
function resolveLayer(layer: SimLayer, dim: (value: Dim) => Dim): SimLayer {
  switch (layer.op) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv_transpose2d': {
      const resolved = { ...layer, inFeatures: dim(layer.inFeatures), outFeatures: dim(layer.outFeatures) };
      const fans = affineFans(resolved);
      const shape = fans === undefined ? undefined : affineWeightShape(resolved);
      // An init that turns out invalid with the resolved fans falls back to the module default, as fromGraph does.
      const recompute = (call: InitCall, parameter: 'weight' | 'bias', tensor: number[] | undefined) =>
        distributionOfCall(call, 'affine', parameter, fans, tensor) ?? distributionOfCall(DEFAULT_CALL, 'affine', parameter, fans, tensor);
      if (layer.weightInit) {
        resolved.weight = recompute(layer.weightInit, 'weight', shape) ?? resolved.weight;
      }
      if (layer.biasInit && resolved.bias !== null) {
        resolved.bias = recompute(layer.biasInit, 'bias', shape && [resolved.outFeatures as number]) ?? resolved.bias;
      }
      return resolved;
    }
    case 'embedding': {
      const resolved = { ...layer, numEmbeddings: dim(layer.numEmbeddings), embeddingDim: dim(layer.embeddingDim) };
      const fans =
        typeof resolved.numEmbeddings === 'number' && typeof resolved.embeddingDim === 'number'
          ? { fanIn: resolved.embeddingDim, fanOut: resolved.numEmbeddings }
          : undefined;
      if (layer.weightInit) {
        const table = fans && [fans.fanOut, fans.fanIn];
        resolved.weight =
          distributionOfCall(layer.weightInit, 'embedding', 'weight', fans, table) ??
          distributionOfCall(DEFAULT_CALL, 'embedding', 'weight', fans, table) ??
          resolved.weight;
      }
      return resolved;
    }
    case 'residual_begin':
      // A projection shortcut's layers resolve like the main path's (their op is never residual_begin).
      return layer.shortcut === undefined ? { ...layer } : { ...layer, shortcut: layer.shortcut.map((inner) => resolveLayer(inner, dim) as typeof inner) };
    default:
      return { ...layer };
  }
}

/** A copy of the layer renamed by `rename`, a projection shortcut's layers too. */
function renamed(layer: SimLayer, rename: (name: string) => string): SimLayer {
  if (layer.op === 'residual_begin' && layer.shortcut !== undefined) {
    return { ...layer, name: rename(layer.name), shortcut: layer.shortcut.map((inner) => ({ ...inner, name: rename(inner.name) })) };
  }
  return { ...layer, name: rename(layer.name) };
}

/** Feature count the network starts with, and the one it ends with (undefined when unknown). */
function chainEnds(network: SimNetwork): { first: number | undefined; last: number | undefined; spatialChanges: boolean } {
  const input = network.input;
  const first = input.kind === 'vector' ? input.width : input.kind === 'tokens' ? undefined : input.channels;
  let last: Dim | undefined = first;
  let spatialChanges = false;
  for (const layer of network.layers) {
    if (layer.op === 'linear' || layer.op === 'conv1d' || layer.op === 'conv2d' || layer.op === 'conv_transpose2d') {
      last = layer.outFeatures;
      if (layer.stride.some((stride) => stride !== 1) || layer.kernel.some((size, index) => size - 1 !== 2 * layer.padding[index])) {
        spatialChanges = true;
      }
    } else if (layer.op === 'embedding') {
      return { first: undefined, last: undefined, spatialChanges };
    } else if (layer.op === 'flatten') {
      spatialChanges = spatialChanges || input.kind !== 'vector';
    } else if (layer.op === 'upsample' || layer.op === 'pixel_shuffle') {
      last = layer.op === 'pixel_shuffle' && typeof last === 'number' ? last / (layer.scale[0] * layer.scale[1]) : last;
      spatialChanges = true;
    }
  }
  return {
    first: typeof first === 'number' ? first : undefined,
    last: typeof last === 'number' ? last : undefined,
    spatialChanges,
  };
}

/**
 * A copy of the network with every symbolic dim replaced by its value from `options.symbols`, the
 * layer list repeated `depthMultiplier` times (layer names get a `#k` suffix from the second copy
 * on) when the output shape chains to the input, and `inputVariance` set. When the shape does not
 * chain (different widths, an embedding, a spatial size that changes), the list is not repeated and
 * a note says so. Throws UnresolvedSymbolsError when a symbol has no value.
 */
export function resolveNetwork(network: SimNetwork, options: ResolveOptions = {}): SimNetwork {
  const missing = new Set<string>();
  const dim = resolver(options.symbols ?? {}, missing);
  const input = resolveInput(network.input, dim);
  const layers = network.layers.map((layer) => resolveLayer(layer, dim));
  if (missing.size > 0) {
    throw new UnresolvedSymbolsError([...missing]);
  }
  const notes = [...(network.notes ?? [])];
  const resolved: SimNetwork = { ...network, input, layers, notes, inputVariance: options.inputVariance ?? network.inputVariance ?? 1 };
  const multiplier = options.depthMultiplier ?? 1;
  if (!Number.isInteger(multiplier) || multiplier < 1) {
    throw new Error(`depth multiplier must be an integer ≥ 1, got ${multiplier}`);
  }
  if (multiplier === 1) {
    return resolved;
  }
  const { first, last, spatialChanges } = chainEnds(resolved);
  if (first === undefined || last === undefined || first !== last || spatialChanges) {
    notes.push(
      `depth ×${multiplier} not applied: the output shape does not chain to the input (${first ?? '?'} → ${last ?? '?'}${spatialChanges ? ', spatial size changes' : ''})`,
    );
    return resolved;
  }
  const repeated: SimLayer[] = [];
  for (let copy = 0; copy < multiplier; copy++) {
    for (const layer of layers) {
      repeated.push(copy === 0 ? layer : renamed(layer, (name) => `${name}#${copy + 1}`));
    }
  }
  notes.push(`layer list repeated ×${multiplier} (depth multiplier)`);
  return { ...resolved, layers: repeated };
}
