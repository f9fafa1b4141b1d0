/** One conversion of a model at a given input shape, with the share of its parametrised layers it simulates. */
import type { GraphOp, Model } from '../graph';
import type { Coverage, InputShape } from './network';
import { Converter } from './graphConverter';
import type { FromModelOptions } from './graphConversion';

/** The model converted at one input shape, with the share of its parametrised layers simulated. */
export function convertAt(model: Model, options: FromModelOptions, input: InputShape): { converter: Converter; coverage: Coverage; input: InputShape } {
  const converter = new Converter(model, options, input, options.dialect);
  const opsAfter = new Map<string, GraphOp[]>();
  for (const op of model.ops ?? []) {
    opsAfter.set(op.after, [...(opsAfter.get(op.after) ?? []), op]);
  }
  for (const layer of model.layers) {
    converter.convert(layer);
    for (const op of opsAfter.get(layer.name) ?? []) {
      converter.convertOp(op, options.dialect.layer(layer));
    }
  }
  converter.finish();
  const simulated = new Set<string>();
  for (const layer of converter.layers) {
    simulated.add(layer.name);
    if (layer.op === 'residual_begin') {
      layer.shortcut?.forEach((inner) => simulated.add(inner.name));
    }
  }
  const parametrised = model.layers.filter((layer) => options.dialect.layer(layer).type !== 'Dropout').map((layer) => layer.name);
  const leftOut = parametrised.filter((name) => !simulated.has(name));
  return { converter, coverage: { simulated: parametrised.length - leftOut.length, total: parametrised.length, leftOut }, input };
}
