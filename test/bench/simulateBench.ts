/**
 * Simulation benchmark (`npx tsx test/bench/simulateBench.ts`): prints a Markdown section for
 * BENCHMARKS.md with
 *   (a) the analytic (mean-field) pass over a 1,000-layer network (median of many runs; goal ≤ 5 ms),
 *   (b) the Monte-Carlo pass (forward + backward) of a width-512, batch-256, 20-layer ReLU MLP in
 *       GFLOP/s, against the same count of plain 256×512×512 products with the same fastest kernel,
 *       measured in the same run (goal: the pass costs ≤ 1.5× its products),
 *   (c) the matrix kernel against single-thread OpenBLAS sgemm from numpy, in the same run (goal ≥ 0.4),
 *   (e) the panel's job (current- and recommended-init passes) over the cores against one core,
 *   (d) ResNet-50 (torchvision's, through the bundled stubs): the analytic pass (goal ≤ 20 ms) and
 *       Monte Carlo at 224×224, batch 8: its memory, or the refusal in words.
 */
import * as os from 'node:os';
import { enableRelaxedSimd } from './relaxedSimd';
import { benchKernelReference, type KernelReference } from './kernelReference';
import { benchParallel, type ParallelFigures } from './parallelBench';
import { benchResnetAnalytic, benchResnetMonteCarlo, resnetMonteCarloBatch, type ResnetAnalytic, type ResnetMonteCarlo } from './resnetBench';
import { bytesInWords } from '../../src/core/simulate/monteCarloBounds';
import { simulateAnalytic } from '../../src/core/simulate/analytic';
import { createMatrixKernel } from '../../src/core/simulate/matmul';
import { MatrixKernelPool } from '../../src/core/simulate/kernelPool';
import { simulateMonteCarlo } from '../../src/core/simulate/monteCarlo';
import type { Distribution, SimLayer, SimNetwork } from '../../src/core/simulate/network';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mlp(depth: number, width: number, weight: Distribution): SimNetwork {
  const layers: SimLayer[] = Array.from({ length: depth }, (_, index) => ({
    name: `layers.${index}`,
    op: 'linear',
    activation: index < depth - 1 ? { name: 'relu' } : null,
    inFeatures: width,
    outFeatures: width,
    kernel: [],
    stride: [],
    padding: [],
    groups: 1,
    weight,
    bias: { kind: 'constant', value: 0 },
  }));
  return { input: { kind: 'vector', width }, layers };
}

/** (a) Median wall time of simulateAnalytic over a 1,000-layer mixed network. */
function benchAnalytic(): { medianMs: number; runs: number } {
  const activations = ['relu', 'tanh', 'gelu', 'silu'];
  const net = mlp(1000, 512, { kind: 'normal', mean: 0, std: Math.sqrt(2 / 512) });
  net.layers.forEach((layer, index) => {
    layer.activation = { name: activations[index % activations.length] };
  });
  for (let warm = 0; warm < 5; warm++) {
    simulateAnalytic(net);
  }
  const times: number[] = [];
  for (let run = 0; run < 51; run++) {
    const start = performance.now();
    simulateAnalytic(net);
    times.push(performance.now() - start);
  }
  return { medianMs: median(times), runs: times.length };
}

interface MonteCarloFigures {
  kernel: string;
  products: number;
  productGflops: number;
  productsMs: number;
  passMs: number;
  passGflops: number;
  ratio: number;
  /** The same from the fastest run of each (least disturbed by other processes). */
  bestRatio: number;
  initName: string;
}

/** (b) The Monte-Carlo pass against its 2·depth products (forward W·x and backward Wᵀ·g per layer). */
function benchMonteCarlo(weight: Distribution, initName: string): MonteCarloFigures {
  const depth = 20;
  const width = 512;
  const batch = 256;
  const net = mlp(depth, width, weight);
  const products = 2 * depth; // weight gradients are not formed: no statistic needs them
  const flopsPerProduct = 2 * batch * width * width;
  const kernel = createMatrixKernel(3 * batch * width + 2 * width * width + 64);
  const a = kernel.allocate(batch * width);
  const b = kernel.allocate(width * width);
  const c = kernel.allocate(batch * width);
  a.fill(0.5);
  b.fill(0.25);
  const productRun = (): number => {
    const start = performance.now();
    for (let index = 0; index < products; index++) {
      kernel.gemm(batch, width, width, a, 0, width, b, 0, width, c, 0, width, false);
    }
    return performance.now() - start;
  };
  // One pool across the runs, as the panel's worker keeps one: each pass reuses the last one's memory.
  const kernels = new MatrixKernelPool();
  const passRun = (seed: number): number => {
    const start = performance.now();
    simulateMonteCarlo(net, { batch, seed, kernels });
    return performance.now() - start;
  };
  for (let warm = 0; warm < 3; warm++) {
    productRun();
    passRun(100 + warm);
  }
  const productTimes: number[] = [];
  const passTimes: number[] = [];
  for (let run = 0; run < 9; run++) {
    productTimes.push(productRun());
    passTimes.push(passRun(run));
  }
  const productsMs = median(productTimes);
  const passMs = median(passTimes);
  const flops = products * flopsPerProduct;
  return {
    kernel: kernel.name,
    products,
    productGflops: flops / productsMs / 1e6,
    productsMs,
    passMs,
    passGflops: flops / passMs / 1e6,
    ratio: passMs / productsMs,
    bestRatio: Math.min(...passTimes) / Math.min(...productTimes),
    initName,
  };
}

/** The TypeScript fallback kernel on one 256×512·512×512 product (median of 5), in GFLOP/s. */
function benchJsKernel(): number {
  const kernel = createMatrixKernel(0, true);
  const a = kernel.allocate(256 * 512).fill(0.5);
  const b = kernel.allocate(512 * 512).fill(0.25);
  const c = kernel.allocate(256 * 512);
  const times: number[] = [];
  for (let run = 0; run < 6; run++) {
    const start = performance.now();
    kernel.gemm(256, 512, 512, a, 0, 512, b, 0, 512, c, 0, 512, false);
    times.push(performance.now() - start);
  }
  return (2 * 256 * 512 * 512) / median(times.slice(1)) / 1e6;
}

/** (c) Rows of each WebAssembly flavour against numpy's sgemm. */
function referenceRows(reference: KernelReference): string[] {
  const names = { relaxed: 'wasm-relaxed-simd (relaxed_madd)', plain: 'wasm-simd (mul + add)' } as const;
  const numpy = reference.numpy;
  if ('missing' in numpy) {
    return [`| matrix kernel against single-thread OpenBLAS sgemm | ${numpy.missing} | ≥ 0.4 |`];
  }
  const rows = [
    `| single-thread OpenBLAS sgemm (numpy ${numpy.version}, OPENBLAS_NUM_THREADS=1), 256×512·512×512 | ${numpy.cpuMedianGflops.toFixed(1)} GFLOP/s of CPU time (fastest run in wall time ${numpy.wallBestGflops.toFixed(1)}) | reference |`,
  ];
  for (const flavour of ['relaxed', 'plain'] as const) {
    const figures = reference.kernels[flavour];
    if (figures === undefined) {
      rows.push(`| matrix kernel ${names[flavour]} against it | not available on this host | ≥ 0.4 |`);
      continue;
    }
    rows.push(
      `| matrix kernel ${names[flavour]} against it | ${figures.cpuMedianGflops.toFixed(1)} GFLOP/s of CPU time: **×${(figures.cpuMedianGflops / numpy.cpuMedianGflops).toFixed(2)}** (fastest runs in wall time: ×${(figures.wallBestGflops / numpy.wallBestGflops).toFixed(2)}) | ≥ 0.4 |`,
    );
  }
  return rows;
}

/** (d) The ResNet-50 rows. */
function resnetRows(analytic: ResnetAnalytic, monteCarlo: ResnetMonteCarlo): string[] {
  const rows = [
    `| ResNet-50 analytic pass (torchvision's resnet50(), 224×224; median of ${analytic.runs}) | ${analytic.medianMs.toFixed(2)} ms (${analytic.coverage}, ${analytic.simLayers} network steps; building the network ${analytic.buildMs.toFixed(0)} ms apart) | ≤ 20 ms |`,
  ];
  const what = `ResNet-50 Monte Carlo, 224×224, batch ${resnetMonteCarloBatch}`;
  if ('refused' in monteCarlo) {
    rows.push(`| ${what} | refused before allocating: “${monteCarlo.refused}” | a figure or a clear refusal |`);
  } else if ('failed' in monteCarlo) {
    rows.push(`| ${what} | FAILED: ${monteCarlo.failed} | a figure or a clear refusal |`);
  } else {
    rows.push(
      `| ${what} | peak ${bytesInWords(monteCarlo.peakRssBytes)} resident (${bytesInWords(monteCarlo.rssBeforeBytes)} before the pass; arena ${bytesInWords(monteCarlo.plannedBytes)}), ${(monteCarlo.passMs / 1000).toFixed(1)} s (${monteCarlo.kernel}) | a figure or a clear refusal |`,
    );
  }
  return rows;
}

/** (e) The row of the panel's job over the cores. */
function parallelRow(figures: ParallelFigures): string {
  const job = "the panel's job (current- and recommended-init pass), ReLU MLP 20×512, batch 256";
  if (figures.workers < 2) {
    return `| ${job} over the cores | one worker (${figures.cores} core(s)): ${figures.oneCoreMs.toFixed(0)} ms | speed-up over one core |`;
  }
  return `| ${job} over the cores | ${figures.workers} workers on ${figures.cores} cores ${figures.parallelMs.toFixed(0)} ms, one worker ${figures.oneCoreMs.toFixed(0)} ms: **×${figures.speedUp.toFixed(2)}** | speed-up over one core |`;
}

export async function main(): Promise<void> {
  enableRelaxedSimd();
  const reference = benchKernelReference();
  const resnetAnalytic = await benchResnetAnalytic();
  const resnetMonteCarlo = benchResnetMonteCarlo();
  const parallel = await benchParallel({
    current: mlp(20, 512, { kind: 'uniform', low: -0.05, high: 0.05 }),
    recommended: mlp(20, 512, { kind: 'normal', mean: 0, std: Math.sqrt(2 / 512) }),
    batch: 256,
  });
  const analytic = benchAnalytic();
  const jsGflops = benchJsKernel();
  const uniform = benchMonteCarlo({ kind: 'uniform', low: -Math.sqrt(6 / 512), high: Math.sqrt(6 / 512) }, 'kaiming_uniform (relu)');
  const normal = benchMonteCarlo({ kind: 'normal', mean: 0, std: Math.sqrt(2 / 512) }, 'kaiming_normal (relu)');
  const lines = [
    '## Simulation',
    '',
    '| measure | figure | goal |',
    '|---|---|---|',
    `| analytic pass, 1,000 layers (median of ${analytic.runs}) | ${analytic.medianMs.toFixed(2)} ms | ≤ 5 ms |`,
    `| matrix kernel (${uniform.kernel}), 256×512·512×512 | ${uniform.productGflops.toFixed(1)} GFLOP/s | – |`,
    `| fallback TypeScript kernel (no WebAssembly), same product | ${jsGflops.toFixed(1)} GFLOP/s | – |`,
  ];
  for (const figures of [uniform, normal]) {
    lines.push(
      `| Monte-Carlo pass, ReLU MLP 20×512, batch 256, ${figures.initName} | ${figures.passMs.toFixed(1)} ms = ${figures.passGflops.toFixed(1)} GFLOP/s; its ${figures.products} products alone ${figures.productsMs.toFixed(1)} ms: **×${figures.ratio.toFixed(2)}** (fastest runs: ×${figures.bestRatio.toFixed(2)}) | ≤ ×1.5 |`,
    );
  }
  lines.push(...referenceRows(reference), parallelRow(parallel), ...resnetRows(resnetAnalytic, resnetMonteCarlo));
  lines.push(
    '',
    `Method: \`npx tsx test/bench/simulateBench.ts\` on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, one thread used except in (e)), Node ${process.version}. ` +
      '(a) `simulateAnalytic` over a 1,000-layer width-512 MLP cycling relu/tanh/gelu/silu, after 5 warm-up runs. ' +
      '(b) `simulateMonteCarlo` (sampling the weights, the input and G, the forward pass with statistics and histograms, ' +
      'the backward pass to every layer input; the arena of the previous pass reused, as when the panel reruns) against the same number of 256×512·512×512 products with the same kernel ' +
      "(WebAssembly relaxed SIMD when available, else plain SIMD, else TypeScript; the bench enables relaxed SIMD, behind a flag in Node 20, as VS Code's Electron has it), both medians of 9 interleaved runs after 3 warm-ups (in brackets the ratio of the fastest runs, less sensitive to other load on the machine). " +
      'The pass forms no weight gradients (no statistic needs them), so its products are 2 per layer: 40 × 134 MFLOP. ' +
      'With a normal init the gap over uniform is the cost of drawing 5.2 M normals (ziggurat). ' +
      "(c) The same 256×512·512×512 product by each WebAssembly flavour and by numpy's float32 matmul (OpenBLAS sgemm) in a python3 subprocess with OPENBLAS_NUM_THREADS=1, " +
      '3 interleaved rounds of 9 timed runs of 4 products each, after a warm-up; the ratio of the median runs in CPU time of each process (`process.cpuUsage`, `time.process_time`: on a shared machine the wall clock is sliced between processes, CPU time much less), and in brackets of the fastest runs in wall time. Without python3 or numpy the row says so. ' +
      "(d) ResNet-50: a file calling torchvision's `resnet50()`, read through the bundled stubs, its network built as the panel builds it (previewModelOf, the current init, the 224×224 input the stubs imply, sizes resolved); " +
      'the analytic row times `simulateAnalytic` alone on that network (forward and backward mean-field statistics of every step), after 5 warm-ups, not the analysis or the building of the network. ' +
      `Monte Carlo runs once in a child process (as the panel's worker is one): peak resident memory of that process (\`process.resourceUsage().maxRSS\`), or the refusal the bounds give before allocating.`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
