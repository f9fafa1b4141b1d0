/**
 * Agreement of the simulation with real PyTorch on the architecture fixtures of
 * test/fixtures/torch-models/: each .py goes through analyze → networkFromModel → resolve → both
 * passes, and every per-layer value PyTorch measured (module output variance, variance of the
 * gradient at the module input) is compared. A value agrees when |log(predicted/measured)| ≤
 * log(1.25) + 2.5 × the seed spread (relative sd) PyTorch showed; a value for a layer the
 * simulation left out does not agree. A value PyTorch measured as exactly 0 (upstream of a
 * zero-initialised layer) agrees only with an exact 0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { dialectFor } from '../../../src/core/frameworks/registry';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { LayerStats, SimNetwork } from '../../../src/core/simulate/network';
import { resolveNetwork } from '../../../src/core/simulate/resolve';

/** Where the fixtures are. */
export const TORCH_MODELS = join(__dirname, '..', '..', 'fixtures', 'torch-models');

interface Measured {
  mean: number;
  rel_sd: number;
}

interface TorchModelFile {
  construct: string;
  input: string;
  batch: number;
  seeds: number[];
  layers: { name: string; type: string; stats: { pre_var?: Measured; grad_input_var?: Measured } }[];
}

/** One fixture's agreement: values that agree over values measured, per pass, and the network's coverage. */
export interface Agreement {
  analytic: { agree: number; total: number };
  monteCarlo: { agree: number; total: number };
  network: SimNetwork;
  misses: string[];
}

function agrees(predicted: number | null | undefined, measured: Measured): boolean {
  if (measured.mean === 0) {
    // An exact 0 in PyTorch comes from a zero factor (a zero-initialised layer downstream): no ratio
    // exists, so it agrees only with an exact 0, never with a small value, NaN or Infinity.
    return predicted === 0;
  }
  if (predicted === null || predicted === undefined || !(predicted > 0) || !Number.isFinite(predicted)) {
    return false;
  }
  return Math.abs(Math.log(predicted / measured.mean)) <= Math.log(1.25) + 2.5 * measured.rel_sd;
}

function score(reference: TorchModelFile, stats: LayerStats[], misses: string[], label: string): { agree: number; total: number } {
  const byName = new Map(stats.map((entry) => [entry.name, entry]));
  let agree = 0;
  let total = 0;
  for (const layer of reference.layers) {
    const entry = byName.get(layer.name);
    const pairs: [Measured | undefined, number | null | undefined, string][] = [
      [layer.stats.pre_var, entry?.forward.preVar, 'pre_var'],
      [layer.stats.grad_input_var, entry?.backward.gradInputVar, 'grad_input_var'],
    ];
    for (const [measured, predicted, what] of pairs) {
      if (measured === undefined) {
        continue;
      }
      total++;
      if (agrees(predicted, measured)) {
        agree++;
      } else {
        misses.push(`${label} ${layer.name} ${what}: ${predicted ?? 'not simulated'} vs ${measured.mean.toPrecision(4)}`);
      }
    }
  }
  return { agree, total };
}

/** The model the fixture's `--construct` builds (`Net()` → Net). */
function modelName(reference: TorchModelFile): string {
  return reference.construct.replace(/\(.*$/, '');
}

/** Runs one fixture (`mnist_cnn` for mnist_cnn.py and mnist_cnn.torch.json) through both passes. */
export function measureAgreement(stem: string, batch = 8, seed = 100): Agreement {
  const source = readFileSync(join(TORCH_MODELS, `${stem}.py`), 'utf8');
  const reference = JSON.parse(readFileSync(join(TORCH_MODELS, `${stem}.torch.json`), 'utf8')) as TorchModelFile;
  const analysis = analyzeFile(source, `${stem}.py`);
  const model = analysis.graph.models.find((candidate) => candidate.name === modelName(reference));
  if (model === undefined) {
    throw new Error(`${stem}: no model ${modelName(reference)} in ${analysis.graph.models.map((found) => found.name).join(', ')}`);
  }
  const network = resolveNetwork(networkFromModel(model, { init: 'current', dialect: dialectFor(model.framework) }));
  const misses: string[] = [];
  const analytic = score(reference, simulateAnalytic(network), misses, 'analytic');
  // As PyTorch's figures are means over its seeds, the Monte-Carlo figure is the mean over as many seeds.
  const runs = reference.seeds.map((offset) => simulateMonteCarlo(network, { batch, seed: seed + offset }).layers);
  const averaged = runs[0].map((row, index) => {
    const mean = (read: (entry: LayerStats) => number | null): number | null => {
      const values = runs.map((run) => read(run[index]));
      return values.some((value) => value === null) ? null : (values as number[]).reduce((sum, value) => sum + value, 0) / values.length;
    };
    return {
      ...row,
      forward: { ...row.forward, preVar: mean((entry) => entry.forward.preVar) as number },
      backward: { gradInputVar: mean((entry) => entry.backward.gradInputVar) },
    };
  });
  const monteCarlo = score(reference, averaged, misses, 'monte-carlo');
  return { analytic, monteCarlo, network, misses };
}
