/**
 * What a fix touches beyond the finding's layer, said in its title: the models that share the class
 * whose code the edit changes, and layers a loop would re-initialise that have no finding (an
 * output layer most of all). A title never hides a change the user did not ask for.
 */
import type { FileGraph, Layer, Range } from '../graph';

function samePlace(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column && a.path === b.path;
}

/**
 * ` in class Block, used by 2 models (Encoder, Decoder)` when the layer's constructor call is built by
 * more than one model of the file (the class itself, analysed alone, is not counted), else ''.
 */
export function sharedClassNote(graph: FileGraph, layer: Layer): string {
  const users = graph.models
    .filter((model) => model.name !== layer.ownerClass && model.layers.some((other) => samePlace(other.range, layer.range)))
    .map((model) => model.name);
  const names = [...new Set(users)];
  if (names.length < 2) {
    return '';
  }
  const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, …`;
  return ` in class ${layer.ownerClass}, used by ${names.length} models (${shown})`;
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
