/**
 * The data-flow steps every framework's tensors take alike, on the record each layer keeps of what
 * follows it: the activation found after it, whether a norm re-normalised it, whether it ends a
 * residual branch, and when its output was first used. Framework-neutral: the Keras and Flax flows
 * (frameworks/keras/flow.ts, frameworks/flax/flow.ts) build their tensors on these.
 */
import { settleSlot, watchActivations, type OneWay } from './branchActivations';
import type { Activation } from './graph';
import type { PyNode } from './python/ast';
import type { BranchWatch, Site } from './python/eval/contracts';

/** What a layer records of the data flow after it. */
export interface LayerFlow {
  activation?: Activation | null | 'unknown';
  oneWay?: OneWay;
  residual: boolean;
  normalized: boolean;
  firstUse?: number;
}

/** A layer as the flow sees it. */
export interface FlowLayer {
  flow: LayerFlow;
}

/** The layers a tensor still is the output of (`pending`) and those that produced it last. */
export interface FlowSets<L> {
  pending: Set<L>;
  last: Set<L>;
}

/** Settles the activation of every pending layer that has none yet: the first one found wins. */
export function settle(tensor: FlowSets<FlowLayer>, activation: Activation | null | 'unknown'): void {
  for (const layer of tensor.pending) {
    settleSlot(layer.flow, activation);
  }
}

/** A norm re-normalises the producers still waiting for their activation. */
export function renormalize(producers: Iterable<FlowLayer>): void {
  for (const producer of producers) {
    if (producer.flow.activation === undefined) {
      producer.flow.normalized = true;
    }
  }
}

/** The union of the tensors' pending and last layers. */
export function unionOf<L>(tensors: readonly FlowSets<L>[]): FlowSets<L> {
  const pending = new Set<L>();
  const last = new Set<L>();
  for (const tensor of tensors) {
    tensor.pending.forEach((layer) => pending.add(layer));
    tensor.last.forEach((layer) => last.add(layer));
  }
  return { pending, last };
}

/**
 * Watches `layers` through the two ways of an undecided branch (branchActivations.ts): the pending
 * layers of the tensors the `live` values are (`tensorOf`) stay live.
 */
export function watchLayers<H, V>(
  layers: readonly FlowLayer[],
  condition: PyNode,
  site: Site<H>,
  live: Iterable<V>,
  tensorOf: (value: V) => FlowSets<FlowLayer> | undefined,
): BranchWatch | undefined {
  const slots = layers.map((layer) => layer.flow);
  const pending = new Set([...live].flatMap((value) => [...(tensorOf(value)?.pending ?? [])].map((layer) => layer.flow)));
  return watchActivations(slots, pending, 'unknown', condition, site);
}

/** Marks the most recently used of the candidates (a residual branch's last layers) as ending the branch. */
export function markResidual(candidates: readonly FlowLayer[]): void {
  if (candidates.length > 0) {
    const last = candidates.reduce((a, b) => ((b.flow.firstUse ?? -1) > (a.flow.firstUse ?? -1) ? b : a));
    last.flow.residual = true;
  }
}
