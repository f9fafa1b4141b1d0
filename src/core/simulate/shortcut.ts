/**
 * Projection shortcuts (a residual_begin with `shortcut` layers) lowered to a flat layer list, so
 * that the analytic and the Monte-Carlo pass run them layer by layer like any other:
 *
 *   residual_begin{shortcut: [s1, s2]}, b1, b2, residual_end
 *     → residual_begin, b1, b2, residual_swap, s1, s2, residual_end
 *
 * `residual_swap` exchanges the current tensor (the branch's output) with the pushed skip (the block
 * input), so s1, s2 run on the block input and residual_end adds the branch back: out = S(x) + B(x).
 * Backward, the swap exchanges the gradients the same way, so the block input's gradient is the sum of
 * the branch's and the shortcut's (autograd accumulates both on x). The lowered order is the order
 * torchvision's BasicBlock.forward runs them (branch, then `identity = self.downsample(x)`), the order
 * the statistics are reported in (network.ts, ResidualBeginLayer).
 */
import type { LayerStats, SimLayer, SimNetwork } from './network';

/** Exchanges the current tensor with the top of the skip stack (internal to the passes; never reported). */
export interface ResidualSwapLayer {
  name: string;
  op: 'residual_swap';
  activation: null;
}

export type LoweredLayer = SimLayer | ResidualSwapLayer;

export interface LoweredNetwork extends Omit<SimNetwork, 'layers'> {
  layers: LoweredLayer[];
}

/** A lowered network and how to turn the passes' per-layer results back into the network's. */
export interface Lowering {
  network: LoweredNetwork;
  /** Per lowered layer: the results without the swaps, the first shortcut layer's gradient set to the block input's total. */
  report<T>(perLayer: T[], withGradient?: (entry: T, from: T) => void): T[];
}

/** The gradient statistic of the first shortcut layer is the block input's (the tensor both read). */
export function copyInputGradient(entry: LayerStats, from: LayerStats): void {
  entry.backward.gradInputVar = from.backward.gradInputVar;
}

/** The network with shortcuts lowered (the same layers, in the reporting order, with swaps). */
export function lowerShortcuts(network: SimNetwork): Lowering {
  const layers: LoweredLayer[] = [];
  /** Per open residual_begin: its lowered index and its shortcut (undefined for an identity skip). */
  const open: { index: number; shortcut: SimLayer[] | undefined }[] = [];
  /** Lowered index of each swap → lowered index of its residual_begin. */
  const swaps = new Map<number, number>();
  for (const layer of network.layers) {
    if (layer.op === 'residual_begin') {
      const { shortcut, ...plain } = layer;
      open.push({ index: layers.length, shortcut: shortcut !== undefined && shortcut.length > 0 ? shortcut : undefined });
      layers.push(plain);
      continue;
    }
    if (layer.op === 'residual_end') {
      const begin = open.pop();
      if (begin?.shortcut !== undefined) {
        // out = B(x) + scale·S(x) would need the scale on the current tensor after the swap.
        if (layer.scale !== 1) {
          throw new Error(`${layer.name}: a scaled residual add with a projection shortcut is not simulated`);
        }
        swaps.set(layers.length, begin.index);
        layers.push({ name: `${layer.name}:swap`, op: 'residual_swap', activation: null });
        layers.push(...begin.shortcut);
      }
    }
    layers.push(layer);
  }
  const report = <T>(perLayer: T[], withGradient?: (entry: T, from: T) => void): T[] => {
    if (swaps.size === 0) {
      return perLayer;
    }
    if (withGradient !== undefined) {
      for (const [swap, begin] of swaps) {
        if (perLayer[swap + 1] !== undefined && perLayer[begin] !== undefined) {
          withGradient(perLayer[swap + 1], perLayer[begin]);
        }
      }
    }
    return perLayer.filter((_, index) => !swaps.has(index));
  };
  return { network: { ...network, layers }, report };
}

/** Every layer of the network, shortcut layers included, in the reporting order (for names and tables). */
export function reportedLayers(network: SimNetwork): SimLayer[] {
  return lowerShortcuts(network).network.layers.filter((layer): layer is SimLayer => layer.op !== 'residual_swap');
}
