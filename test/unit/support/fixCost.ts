/**
 * The fix-cost tests of the three frameworks: spell the fix of every layer of one type in a file,
 * counting how many times the speller asked for a recommendation (operations, not time).
 */
import type { FixSpeller } from '../../../src/core/advice/advise';
import type { Recommendation } from '../../../src/core/advice/types';
import { analyzeText } from '../../../src/core/analyze';
import type { FileGraph, Layer } from '../../../src/core/graph';

/** Recommended He init, the fix every cost test asks for. */
export const HE: Recommendation = { name: 'kaiming_normal', args: { nonlinearity: 'relu' }, label: 'He', citation: 'He et al. 2015' };

/** A framework's speller factory, as `pytorchFixSpeller`, `kerasFixSpeller` and `flaxFixSpeller` are. */
type SpellerFactory = (text: string, graph: FileGraph, recommendationOf: (layer: Layer) => Recommendation | null) => FixSpeller;

/** Spells He for every layer of `layerType`: the recommendations asked for, the layers, and each fix's edits (null: none). */
export function spellEveryLayer(
  text: string,
  makeSpeller: SpellerFactory,
  layerType: string,
  wants: (layer: Layer) => Recommendation | null,
): { asked: number; layers: number; fixes: (string | null)[] } {
  const graph = analyzeText(text, 'deep.py');
  let asked = 0;
  const speller = makeSpeller(text, graph, (layer) => {
    asked += 1;
    return wants(layer);
  });
  const layers = graph.models.flatMap((model) => model.layers).filter((layer) => layer.type === layerType);
  const fixes = layers.map((layer) => speller(layer, 'weight', HE, 'Use He'));
  return { asked, layers: layers.length, fixes: fixes.map((fix) => (fix ? JSON.stringify(fix.edits) : null)) };
}
