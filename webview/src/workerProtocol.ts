/** Messages between the panel and its Monte-Carlo worker (webview/src/worker.ts). */
import type { LayerStats, SimNetwork } from '../../src/core/simulate/network';
import type { Histogram } from './histogramChart';
import type { MonteCarloPart } from './monteCarloParts';

/** One run: both networks (already resolved: no symbolic dims) with the same batch and seed. */
export interface MonteCarloJob {
  id: number;
  /** The networks this worker runs (default both). */
  part?: MonteCarloPart;
  current: SimNetwork;
  recommended: SimNetwork;
  batch: number;
  seed: number;
  inputVariance: number;
  histogramBins: number;
}

export interface MonteCarloOutcome {
  layers: LayerStats[];
  histograms: Histogram[];
  /** The matrix kernel that ran: `wasm-relaxed-simd` (fused multiply-add), `wasm-simd`, or `js` where WebAssembly SIMD is unavailable. */
  kernel: string;
}

export type WorkerRequest = { type: 'run'; job: MonteCarloJob };

export type WorkerResponse =
  /** `fraction` of this worker's part of the job done, in [0, 1]. */
  | { type: 'progress'; id: number; fraction: number }
  /** The outcomes of the networks of this worker's part. */
  | { type: 'done'; id: number; current?: MonteCarloOutcome; recommended?: MonteCarloOutcome; elapsedMs: number }
  | { type: 'error'; id: number; message: string };
