/**
 * Degenerate layers of a resolved network: sizes of zero or less (`Linear(0, 5)`), or sizes no
 * float count can hold. Their variances are undefined (0/0), so such a network is not simulated:
 * each is a note in words, never a failed command or a non-finite number.
 */
import type { Dim } from '../graph';
import type { SimNetwork } from './network';

/** What is wrong with each degenerate layer of the network, in words (empty when none is). */
export function degenerateLayers(network: SimNetwork): string[] {
  const problems: string[] = [];
  for (const layer of network.layers) {
    const sizes: [string, Dim][] =
      layer.op === 'linear' || layer.op === 'conv1d' || layer.op === 'conv2d' || layer.op === 'conv_transpose2d'
        ? [
            ['input size', layer.inFeatures],
            ['output size', layer.outFeatures],
          ]
        : layer.op === 'embedding'
          ? [
              ['vocabulary size', layer.numEmbeddings],
              ['embedding size', layer.embeddingDim],
            ]
          : [];
    for (const [what, size] of sizes) {
      if (typeof size === 'number' && !(size >= 1 && size <= 2 ** 53)) {
        problems.push(`${layer.name} has ${what} ${Number.isFinite(size) ? size : 'that is not a finite number'}: its variance is undefined`);
      }
    }
  }
  return problems;
}

/** The first statistic of the layers that is not a finite number, in words (undefined when all are). */
export function nonFiniteStatistic(
  layers: readonly { name: string; forward: { preVar: number; postMeanSquare: number }; backward: { gradInputVar: number | null } }[],
): string | undefined {
  for (const layer of layers) {
    const values: [string, number | null][] = [
      ['forward variance', layer.forward.preVar],
      ['second moment', layer.forward.postMeanSquare],
      ['gradient variance', layer.backward.gradInputVar],
    ];
    for (const [what, value] of values) {
      if (value !== null && !Number.isFinite(value)) {
        return `the ${what} at ${layer.name} is not a finite number (it overflows)`;
      }
    }
  }
  return undefined;
}
