/**
 * The Monte-Carlo matrix kernel against single-thread OpenBLAS `sgemm` (numpy's float32 matmul with
 * OPENBLAS_NUM_THREADS=1), measured in the same run: rounds of each WebAssembly flavour and of a
 * short python3 subprocess, interleaved so that both see the same load. Each timed run is measured
 * in CPU time of the process (what other processes' load changes least: a shared machine slices the
 * wall clock between them) and in wall time. Without python3 or numpy the reference is absent and
 * the bench says so.
 */
import { spawnSync } from 'node:child_process';
import { availableWasmFlavours, createWasmKernel, type WasmKernelFlavour } from '../../src/core/simulate/matmul';

const m = 256;
const n = 512;
const k = 512;
/** Products per timed run (≈ 5 to 20 ms: long enough for the clock, short enough for the scheduler). */
const productsPerRun = 4;
const runsPerRound = 9;
const rounds = 3;
const flopsPerRun = productsPerRun * 2 * m * n * k;

/** Per-run times of numpy's product, as the subprocess measures them: CPU (process_time) and wall (perf_counter). */
const NUMPY_SCRIPT = `
import json, sys, time
try:
    import numpy as np
except ImportError:
    print(json.dumps({"error": "numpy not available"}))
    sys.exit(0)
m, n, k, products, runs = ${m}, ${n}, ${k}, ${productsPerRun}, ${runsPerRound}
a = np.full((m, k), 0.5, dtype=np.float32)
b = np.full((k, n), 0.25, dtype=np.float32)
c = np.empty((m, n), dtype=np.float32)
for _ in range(3):
    np.matmul(a, b, out=c)
times = []
for _ in range(runs):
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(products):
        np.matmul(a, b, out=c)
    times.append({"cpuMs": (time.process_time() - cpu) * 1000, "wallMs": (time.perf_counter() - wall) * 1000})
print(json.dumps({"times": times, "numpy": np.__version__}))
`;

/** One timed run: CPU time of the process and wall time, in ms. */
interface RunTime {
  cpuMs: number;
  wallMs: number;
}

/** Throughputs of one contender in GFLOP/s: of the median run in CPU time, and of the fastest run in wall time. */
export interface Throughput {
  cpuMedianGflops: number;
  wallBestGflops: number;
}

/** The kernels' and the reference's throughputs on 256×512·512×512. */
export interface KernelReference {
  kernels: Partial<Record<WasmKernelFlavour, Throughput>>;
  /** numpy's, or why there is none (`numpy not available`). */
  numpy: (Throughput & { version: string }) | { missing: string };
}

function throughputOf(times: RunTime[]): Throughput {
  const cpu = times.map((time) => time.cpuMs).sort((a, b) => a - b);
  const wall = Math.min(...times.map((time) => time.wallMs));
  return { cpuMedianGflops: flopsPerRun / cpu[Math.floor(cpu.length / 2)] / 1e6, wallBestGflops: flopsPerRun / wall / 1e6 };
}

function kernelRound(flavour: WasmKernelFlavour, times: RunTime[]): void {
  const kernel = createWasmKernel(2 * m * n + k * n + 64, flavour);
  if (kernel === undefined) {
    return;
  }
  const a = kernel.allocate(m * k).fill(0.5);
  const b = kernel.allocate(k * n).fill(0.25);
  const c = kernel.allocate(m * n);
  kernel.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, false); // warm-up (tier-up to TurboFan)
  for (let run = 0; run < runsPerRound; run++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    for (let product = 0; product < productsPerRun; product++) {
      kernel.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    }
    const used = process.cpuUsage(cpu);
    times.push({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall });
  }
}

/** One numpy round's times, or why there are none. */
function numpyRound(): { times: RunTime[]; version: string } | { missing: string } {
  const run = spawnSync('python3', ['-c', NUMPY_SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    timeout: 120_000,
  });
  if (run.error !== undefined || run.status !== 0) {
    return { missing: 'numpy not available (no python3)' };
  }
  const parsed = JSON.parse(run.stdout) as { times?: RunTime[]; numpy?: string; error?: string };
  return parsed.times === undefined ? { missing: parsed.error ?? 'numpy not available' } : { times: parsed.times, version: parsed.numpy ?? '?' };
}

/** Interleaved rounds of every available WebAssembly flavour and of numpy. */
export function benchKernelReference(): KernelReference {
  const flavours = availableWasmFlavours();
  const kernelTimes = new Map<WasmKernelFlavour, RunTime[]>(flavours.map((flavour) => [flavour, []]));
  const numpyTimes: RunTime[] = [];
  let numpyMissing: string | undefined;
  let version = '';
  for (let round = 0; round < rounds; round++) {
    for (const flavour of flavours) {
      kernelRound(flavour, kernelTimes.get(flavour) as RunTime[]);
    }
    if (numpyMissing === undefined) {
      const result = numpyRound();
      if ('missing' in result) {
        numpyMissing = result.missing;
      } else {
        numpyTimes.push(...result.times);
        version = result.version;
      }
    }
  }
  const kernels: KernelReference['kernels'] = {};
  for (const [flavour, times] of kernelTimes) {
    if (times.length > 0) {
      kernels[flavour] = throughputOf(times);
    }
  }
  return { kernels, numpy: numpyMissing !== undefined ? { missing: numpyMissing } : { ...throughputOf(numpyTimes), version } };
}
