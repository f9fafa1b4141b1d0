/**
 * Holding simulated per-layer statistics to what real PyTorch measured for the same network (5 seeds;
 * test/fixtures/torch-reference/README.md). Tolerance: |simulated − seed mean| ≤ max(3·s, floor)·|seed mean|, with s the largest relative
 * seed-to-seed sd of the statistic from the input up to the layer (forward) or from the layer to the
 * output (backward): five seeds give a noisy sd for a single layer and the spread accumulates along
 * the pass. The 3% floor covers the mean-field approximation's own O(1/width) error.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LayerStats } from '../../../src/core/simulate/network';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The reference runs: deep MLPs of every common activation/init pairing, a conv net, a transformer MLP. */
export const TORCH_REFERENCE_DIR = path.join(ROOT, 'test', 'fixtures', 'torch-reference');

/** The reference runs and the fixtures that cover the remaining layers, activations and inits. */
export const REFERENCE_DIRS = [TORCH_REFERENCE_DIR, path.join(ROOT, 'test', 'fixtures', 'torch')];

/** One oracle run: its spec and what torch measured, parsed. */
export interface ReferencePair<Torch> {
  name: string;
  spec: unknown;
  torch: Torch;
}

/**
 * Every NAME.spec.json with its NAME.torch.json in the directories, by name within each. Throws on a
 * missing directory or a spec without its measurement: a lost fixture must fail the tests, not thin them.
 */
export function referencePairs<Torch = { layers: OracleLayer[] }>(directories: readonly string[] = REFERENCE_DIRS): ReferencePair<Torch>[] {
  const pairs: ReferencePair<Torch>[] = [];
  for (const directory of directories) {
    if (!existsSync(directory)) {
      throw new Error(`missing torch reference directory ${directory}`);
    }
    for (const file of readdirSync(directory)
      .filter((entry) => entry.endsWith('.spec.json'))
      .sort()) {
      const name = file.replace(/\.spec\.json$/, '');
      const torchFile = path.join(directory, `${name}.torch.json`);
      if (!existsSync(torchFile)) {
        throw new Error(`${file} has no measurement ${torchFile}`);
      }
      pairs.push({ name, spec: JSON.parse(readFileSync(path.join(directory, file), 'utf8')), torch: JSON.parse(readFileSync(torchFile, 'utf8')) as Torch });
    }
  }
  return pairs;
}

export interface Spread {
  mean: number;
  sd: number;
  rel_sd: number | null;
}

export interface OracleLayer {
  index: number;
  type: string;
  stats: { pre_var: Spread; post_m2: Spread; grad_input_var: Spread | null };
}

export type Statistic = 'pre_var' | 'post_m2' | 'grad_input_var';

export const STATISTICS: readonly Statistic[] = ['pre_var', 'post_m2', 'grad_input_var'];
export const FLOOR = 0.03;
export const SPREADS = 3;

export function pick(stats: LayerStats, statistic: Statistic): number | null {
  if (statistic === 'pre_var') {
    return stats.forward.preVar;
  }
  if (statistic === 'post_m2') {
    return stats.forward.postMeanSquare;
  }
  return stats.backward.gradInputVar;
}

/** The largest relative sd of a statistic up to layer i (forward) or from layer i on (backward). */
export function envelope(layers: OracleLayer[], statistic: Statistic, index: number): number {
  const range = statistic === 'grad_input_var' ? layers.slice(index) : layers.slice(0, index + 1);
  return Math.max(0, ...range.map((layer) => layer.stats[statistic]?.rel_sd ?? 0));
}

/** The comparison of every layer and statistic: failures (one line each) and the worst error relative to its tolerance. */
export interface OracleComparison {
  failures: string[];
  /** The largest error/tolerance ratio (≤ 1 passes), with its error and tolerance. */
  worst: { ratio: number; error: number; tolerance: number; where: string };
}

/** Compares simulated layers (in order) to the oracle's; `floors` widens the floor per statistic. */
export function compareToOracle(stats: LayerStats[], layers: OracleLayer[], floors: Partial<Record<Statistic, number>> = {}): OracleComparison {
  const failures: string[] = [];
  let worst = { ratio: 0, error: 0, tolerance: 0, where: '' };
  layers.forEach((layer, index) => {
    for (const statistic of STATISTICS) {
      const measured = layer.stats[statistic];
      const simulated = stats[index] === undefined ? null : pick(stats[index], statistic);
      if (measured === null) {
        if (simulated !== null) {
          failures.push(`layer ${index} ${statistic}: torch has none, simulated ${simulated}`);
        }
        continue;
      }
      const tolerance = Math.max(SPREADS * envelope(layers, statistic, index), floors[statistic] ?? FLOOR);
      const error = simulated === null ? Number.POSITIVE_INFINITY : Math.abs(simulated - measured.mean) / Math.abs(measured.mean);
      if (error / tolerance > worst.ratio || Number.isNaN(error)) {
        worst = { ratio: error / tolerance, error, tolerance, where: `layer ${index} ${statistic}` };
      }
      if (!(error <= tolerance)) {
        failures.push(
          `layer ${index} (${layer.type}) ${statistic}: simulated ${simulated}, torch ${measured.mean} ± ${measured.sd} (error ${(error * 100).toFixed(2)}% > ${(tolerance * 100).toFixed(2)}%)`,
        );
      }
    }
  });
  return { failures, worst };
}
