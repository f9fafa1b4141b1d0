/**
 * The layers one PyTorch fix would write together: the layers of one container with the default
 * init (one loop over the container serves them all), and the layers one init call writes (rewriting
 * the call changes them all). A fix is spelled only when they all want the same init. Grouped once
 * per file and parameter (../../advice/layerGroups.ts), so spelling the fixes of a container of n
 * layers costs O(n), not O(n²).
 */
import { LayerGroups } from '../../advice/layerGroups';
import type { Recommendation } from '../../advice/types';
import type { FileGraph, InitInForce, Layer } from '../../graph';

/** The key of the group of `layer`'s container (for a layer that has one). */
function containerKey(layer: Layer): string {
  return `container|${layer.type}|${layer.container!.range.start.line}`;
}

/** The key of the group of layers the init call `init` writes. */
function callKey(init: InitInForce): string {
  return `call|${init.range.start.line}:${init.range.start.column}`;
}

/** The groups of a file's layers for one speller (see the file comment). */
export class SharedWrites {
  private readonly byParam = new Map<string, LayerGroups>();

  constructor(
    private readonly graph: FileGraph,
    private readonly recommendationOf: (layer: Layer) => Recommendation | null,
  ) {}

  /** True when every other layer of `layer`'s container with the default `param` wants `recommendation` or nothing. */
  containerAgrees(layer: Layer, param: string, recommendation: Recommendation): boolean {
    return layer.container ? this.groups(param).noneWantsOther(containerKey(layer), recommendation) : false;
  }

  /**
   * The layers of `layer`'s container group that want no init (those a container loop re-initialises
   * with no finding of their own, such as the output layer); empty when `layer` has no container.
   */
  containerUntouched(layer: Layer, param: string): readonly Layer[] {
    return layer.container ? this.groups(param).wantingNone(containerKey(layer)) : [];
  }

  /** True when every layer whose `param` the call `init` writes wants `recommendation`. */
  callAgrees(init: InitInForce, param: string, recommendation: Recommendation): boolean {
    return this.groups(param).allWant(callKey(init), recommendation);
  }

  /** The groups of the layers with `param`, made on first use. */
  private groups(param: string): LayerGroups {
    let groups = this.byParam.get(param);
    if (!groups) {
      const keysOf = (layer: Layer): string[] => {
        const init = layer.init[param];
        if (!init) {
          return [];
        }
        return layer.container && init.source === 'default' ? [callKey(init), containerKey(layer)] : [callKey(init)];
      };
      groups = new LayerGroups(
        this.graph.models.flatMap((model) => model.layers),
        keysOf,
        this.recommendationOf,
      );
      this.byParam.set(param, groups);
    }
    return groups;
  }
}
