/** Analyses a model file on its own (no workspace: library imports read the bundled stubs) and states its layers. */
import { analyzeText } from '../../../src/core/analyze';
import type { FileGraph, Layer } from '../../../src/core/graph';

/** Lines every test model starts with. */
export const TORCH_HEAD = 'import torch\nfrom torch import nn\nimport torch.nn.functional as F\n';

/** The graph of `body` (after the torch imports) analysed as `m.py`. */
export function analyzed(body: string): FileGraph {
  return analyzeText(TORCH_HEAD + body, 'm.py');
}

/** A layer as these tests state it: name, type, fans, weight init (and variance), bias init, activation, and the stub file it comes from. */
export function stated(layer: Layer): string {
  const activation = layer.activation === null ? 'none' : layer.activation === 'unknown' ? 'unknown' : layer.activation.name;
  const weight = layer.init.weight
    ? `${layer.init.weight.name}${layer.init.weight.variance === null ? '' : `:${+layer.init.weight.variance.toPrecision(6)}`}`
    : '-';
  const bias = layer.init.bias ? layer.init.bias.name : '-';
  const file = layer.range.path ? ` @${layer.range.path.replace(/^<stubs>\//, '')}` : '';
  return `${layer.name} ${layer.type}(${layer.fanIn}→${layer.fanOut}) w=${weight} b=${bias} → ${activation}${file}`;
}

/** The stated layers of the model named `name`. */
export function layersOf(graph: FileGraph, name: string): string[] {
  const model = graph.models.find((each) => each.name === name);
  if (!model) {
    throw new Error(`no model ${name} in ${graph.models.map((each) => each.name).join(', ')}`);
  }
  return model.layers.map(stated);
}
