/**
 * The layers one PyTorch fix would write together, indexed once per file: the layers of one
 * container with the default init (one loop over the container serves them all), and the layers one
 * init call writes (rewriting the call changes them all). A fix is spelled only when they all want
 * the same init. Indexed so, spelling the fixes of a container of n layers costs O(n), not O(n²)
 * (each layer's fix used to scan every layer of the file, and compare every member's recommendation).
 */
import type { Recommendation } from '../../advice/types';
import type { FileGraph, InitInForce, Layer } from '../../graph';

/** What the layers of one group want: the distinct recommendations, and those that want none. */
interface Wants {
  keys: Set<string>;
  none: Layer[];
}

/** A recommendation as a key: two are equal exactly when `sameRecommendation` says so. */
function recommendationKey(recommendation: Recommendation): string {
  return JSON.stringify([recommendation.name, recommendation.gain === undefined ? 'none' : recommendation.gain, recommendation.args]);
}

/** The key of the group of `layer`'s container (for a layer that has one) and parameter `param`. */
function containerKey(layer: Layer, param: string): string {
  return `container|${param}|${layer.type}|${layer.container!.range.start.line}`;
}

/** The groups of a file's layers for one speller (see the file comment). */
export class SharedWrites {
  private readonly groups = new Map<string, Layer[]>();
  private readonly indexed = new Set<string>();
  private readonly wants = new Map<string, Wants>();

  constructor(
    private readonly graph: FileGraph,
    private readonly recommendationOf: (layer: Layer) => Recommendation | null,
  ) {}

  /** True when every other layer of `layer`'s container with the default `param` wants `recommendation` or nothing. */
  containerAgrees(layer: Layer, param: string, recommendation: Recommendation): boolean {
    if (!layer.container) {
      return false;
    }
    const wants = this.wantsOf(param, containerKey(layer, param));
    return wants.keys.size === 0 || (wants.keys.size === 1 && wants.keys.has(recommendationKey(recommendation)));
  }

  /**
   * The layers of `layer`'s container group that want no init (those a container loop re-initialises
   * with no finding of their own, such as the output layer); empty when `layer` has no container.
   */
  containerUntouched(layer: Layer, param: string): readonly Layer[] {
    return layer.container ? this.wantsOf(param, containerKey(layer, param)).none : [];
  }

  /** True when every layer whose `param` the call `init` writes wants `recommendation`. */
  callAgrees(init: InitInForce, param: string, recommendation: Recommendation): boolean {
    const wants = this.wantsOf(param, `call|${param}|${init.range.start.line}:${init.range.start.column}`);
    return wants.none.length === 0 && wants.keys.size === 1 && wants.keys.has(recommendationKey(recommendation));
  }

  /** What the group `key` (of parameter `param`) wants, computed on first use. */
  private wantsOf(param: string, key: string): Wants {
    let wants = this.wants.get(key);
    if (!wants) {
      this.index(param);
      wants = { keys: new Set(), none: [] };
      for (const member of this.groups.get(key) ?? []) {
        const recommendation = this.recommendationOf(member);
        if (recommendation === null) {
          wants.none.push(member);
        } else {
          wants.keys.add(recommendationKey(recommendation));
        }
      }
      this.wants.set(key, wants);
    }
    return wants;
  }

  /** Puts every layer with `param` in its groups, once per parameter. */
  private index(param: string): void {
    if (this.indexed.has(param)) {
      return;
    }
    this.indexed.add(param);
    const add = (key: string, layer: Layer) => {
      const group = this.groups.get(key);
      if (group) {
        group.push(layer);
      } else {
        this.groups.set(key, [layer]);
      }
    };
    for (const layer of this.graph.models.flatMap((model) => model.layers)) {
      const init = layer.init[param];
      if (!init) {
        continue;
      }
      add(`call|${param}|${init.range.start.line}:${init.range.start.column}`, layer);
      if (layer.container && init.source === 'default') {
        add(containerKey(layer, param), layer);
      }
    }
  }
}
