/**
 * What a fix touches beyond the finding's layer, said in its title: the models that share the class
 * whose code the edit changes, and layers a loop would re-initialise that have no finding (an
 * output layer most of all). A title never hides a change the user did not ask for.
 */
import type { FileGraph, Layer, Range } from '../graph';

/** Where a range starts, as a key: two layers made by the same call share it. */
function placeKey(range: Range): string {
  return `${range.start.line}:${range.start.column}:${range.path === undefined ? '' : `/${range.path}`}`;
}

/**
 * ` in class Block, used by 2 models (Encoder, Decoder)` when the layer's constructor call is built by
 * more than one model of the file (the class itself, analysed alone, is not counted), else ''.
 * For one fix; a speller uses `sharedClassNotes`, which indexes the file once.
 */
export function sharedClassNote(graph: FileGraph, layer: Layer): string {
  return sharedClassNotes(graph)(layer);
}

/**
 * `sharedClassNote` for every layer of a file, with the models indexed by layer place once, so the
 * note of each fix costs O(models using that place), not a scan of every model's layers.
 */
export function sharedClassNotes(graph: FileGraph): (layer: Layer) => string {
  let usersByPlace: Map<string, Set<string>> | undefined;
  const index = () => {
    const map = new Map<string, Set<string>>();
    for (const model of graph.models) {
      for (const other of model.layers) {
        const key = placeKey(other.range);
        const users = map.get(key);
        if (users) {
          users.add(model.name);
        } else {
          map.set(key, new Set([model.name]));
        }
      }
    }
    return map;
  };
  return (layer) => {
    usersByPlace ??= index();
    const names = [...(usersByPlace.get(placeKey(layer.range)) ?? [])].filter((name) => name !== layer.ownerClass);
    if (names.length < 2) {
      return '';
    }
    const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …`;
    return ` in class ${layer.ownerClass}, used by ${names.length} models (${shown})`;
  };
}

/** `, also re-initialises the output layer \`net.4\`` for the layers an edit reaches that want another init (or none). */
export function alsoTouchesNote(others: readonly Layer[]): string {
  const names = [...new Set(others.map((layer) => layer.name))];
  if (names.length === 0) {
    return '';
  }
  const outputs = others.filter((layer) => layer.activation === null).map((layer) => layer.name);
  const quoted = names.map((name) => `\`${name}\``).join(', ');
  if (outputs.length === names.length) {
    return `, also re-initialises the output layer${names.length > 1 ? 's' : ''} ${quoted}`;
  }
  return `, also re-initialises ${quoted}, which ${names.length > 1 ? 'have' : 'has'} no finding`;
}
