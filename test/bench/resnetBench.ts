/**
 * ResNet-50 at scale, built as the panel builds it: a file calling torchvision's `resnet50()`, read
 * through the bundled stubs, its network from previewModelOf (the panel's 'current' init) with the
 * 224×224 input the stubs imply, sizes resolved.
 *   - the analytic pass alone: `simulateAnalytic` on that resolved network (not the analysis, nor
 *     building the network, timed apart);
 *   - Monte Carlo at batch 8 in a child process (as the panel's worker is one), reporting its planned
 *     arena (the kernel's fixed linear memory), its time and the child's peak resident memory.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { analyzeFile } from '../../src/core/engine';
import { loadPython } from '../../src/core/python/parser';
import { simulateAnalytic } from '../../src/core/simulate/analytic';
import { simulateMonteCarlo } from '../../src/core/simulate/monteCarlo';
import { monteCarloCost, MonteCarloRefused } from '../../src/core/simulate/monteCarloBounds';
import { planPass } from '../../src/core/simulate/monteCarloPlan';
import type { SimNetwork } from '../../src/core/simulate/network';
import { resolveNetwork } from '../../src/core/simulate/resolve';
import { lowerShortcuts } from '../../src/core/simulate/shortcut';
import { previewModelOf } from '../../src/editor/previewModel';
import { nodeWasmLocation } from '../../src/node/wasmLocation';
import { enableRelaxedSimd } from './relaxedSimd';

const SOURCE = 'import torchvision\nfrom torchvision.models import resnet50\n\nmodel = resnet50()\n';
const monteCarloBatch = 8;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The resolved network of torchvision's resnet50() and what building it took (analysis excluded). */
async function resnet50Network(): Promise<{ network: SimNetwork; layers: number; coverage: string; buildMs: number }> {
  await loadPython(nodeWasmLocation());
  const analysis = analyzeFile(SOURCE, 'resnet50_bench.py');
  const model = analysis.graph.models[0];
  if (model === undefined) {
    throw new Error('resnet50(): no model in the analysis');
  }
  const start = performance.now();
  const preview = previewModelOf(analysis, model.name, { uri: 'file:///resnet50_bench.py', fileName: 'resnet50_bench.py' });
  if (preview === undefined) {
    throw new Error('resnet50(): no preview');
  }
  const network = resolveNetwork(preview.current);
  const buildMs = performance.now() - start;
  const coverage = `${preview.coverage.simulated} of ${preview.coverage.total} layers`;
  return { network, layers: model.layers.length, coverage, buildMs };
}

/** The analytic pass's figures. */
export interface ResnetAnalytic {
  medianMs: number;
  runs: number;
  coverage: string;
  simLayers: number;
  buildMs: number;
}

/** The analytic pass of ResNet-50 alone: median of 51 after 5 warm-ups. */
export async function benchResnetAnalytic(): Promise<ResnetAnalytic> {
  const { network, coverage, buildMs } = await resnet50Network();
  for (let warm = 0; warm < 5; warm++) {
    simulateAnalytic(network);
  }
  const times: number[] = [];
  for (let run = 0; run < 51; run++) {
    const start = performance.now();
    simulateAnalytic(network);
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), runs: times.length, coverage, simLayers: network.layers.length, buildMs };
}

/** What the child reports of the Monte-Carlo pass. */
export type ResnetMonteCarlo =
  | { plannedBytes: number; multiplyAdds: number; passMs: number; rssBeforeBytes: number; peakRssBytes: number; kernel: string }
  | { refused: string }
  | { failed: string };

/** Runs in the child: one pass, then its figures as JSON on stdout. */
async function monteCarloChild(): Promise<void> {
  const { network } = await resnet50Network();
  const lowered = lowerShortcuts(network).network;
  const cost = monteCarloCost(lowered, planPass(lowered, monteCarloBatch));
  const rssBeforeBytes = process.memoryUsage().rss;
  const start = performance.now();
  try {
    const result = simulateMonteCarlo(network, { batch: monteCarloBatch, seed: 1 });
    const passMs = performance.now() - start;
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const report: ResnetMonteCarlo = {
      plannedBytes: cost.bytes,
      multiplyAdds: cost.multiplyAdds,
      passMs,
      rssBeforeBytes,
      peakRssBytes,
      kernel: result.kernel ?? '?',
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } catch (error) {
    if (!(error instanceof MonteCarloRefused)) {
      throw error;
    }
    process.stdout.write(`${JSON.stringify({ refused: error.message })}\n`);
  }
}

/** Monte Carlo of ResNet-50 at 224×224, batch 8, in a child process (relaxed SIMD enabled there too). */
export function benchResnetMonteCarlo(): ResnetMonteCarlo {
  const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--monte-carlo'], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  if (run.status !== 0) {
    return { failed: `exit ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  }
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ResnetMonteCarlo;
}

/** ResNet-50's batch for Monte Carlo here. */
export const resnetMonteCarloBatch = monteCarloBatch;

if (require.main === module && process.argv.includes('--monte-carlo')) {
  enableRelaxedSimd();
  monteCarloChild().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
