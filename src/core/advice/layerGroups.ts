/**
 * Layers grouped by what one fix would write together (the call that builds them, the container a
 * loop walks, the init call in force), with what each group wants tallied once. A fix that writes a
 * group is spelled only when the group agrees; asking that is O(1) per fix, so spelling the fixes of
 * n layers costs O(n), not O(n²) (each fix used to scan every layer of the file and ask each sharer
 * for its recommendation). Every layer's recommendation is asked for at most once.
 */
import type { Layer } from '../graph';
import type { Recommendation } from './types';

/** What the members of one group want: how many want each recommendation, and those that want none. */
interface Tally {
  size: number;
  counts: Map<string, number>;
  none: Layer[];
}

/**
 * A recommendation as a key: two keys are equal exactly when `sameRecommendation` says the
 * recommendations are (a NaN gain, which equals nothing, gets a key of its own).
 */
function recommendationKey(recommendation: Recommendation, unique: () => number): string {
  const gain = recommendation.gain === undefined ? 'none' : Number.isNaN(recommendation.gain) ? `NaN#${unique()}` : String(recommendation.gain);
  return JSON.stringify([recommendation.name, gain, JSON.stringify(recommendation.args)]);
}

/** One file's layers in groups by `keysOf` (a layer may be in several groups, or none). */
export class LayerGroups {
  private readonly members = new Map<string, Layer[]>();
  private readonly memberOf = new Map<Layer, Set<string>>();
  private readonly tallies = new Map<string, Tally>();
  private readonly wanted = new Map<Layer, string | null>();
  private nanKeys = 0;

  /**
   * @param layers the layers that can share a write (a layer listed twice counts once)
   * @param keysOf the groups a layer belongs to
   * @param recommendationOf what a layer wants; null for nothing
   */
  constructor(
    layers: Iterable<Layer>,
    keysOf: (layer: Layer) => Iterable<string>,
    private readonly recommendationOf: (layer: Layer) => Recommendation | null,
  ) {
    for (const layer of layers) {
      if (this.memberOf.has(layer)) {
        continue;
      }
      const keys = new Set(keysOf(layer));
      this.memberOf.set(layer, keys);
      for (const key of keys) {
        const group = this.members.get(key);
        if (group) {
          group.push(layer);
        } else {
          this.members.set(key, [layer]);
        }
      }
    }
  }

  /** True when every member of group `key` wants `recommendation` (false for an empty group). */
  allWant(key: string, recommendation: Recommendation): boolean {
    const tally = this.tallyOf(key);
    return tally.size > 0 && (tally.counts.get(this.keyOf(recommendation)) ?? 0) === tally.size;
  }

  /** True when every member of group `key` other than `layer` wants `recommendation`. */
  othersWant(key: string, layer: Layer, recommendation: Recommendation): boolean {
    const tally = this.tallyOf(key);
    const wanted = this.keyOf(recommendation);
    const self = this.memberOf.get(layer)?.has(key) ? 1 : 0;
    const selfWants = self === 1 && this.wantedKey(layer) === wanted ? 1 : 0;
    return (tally.counts.get(wanted) ?? 0) - selfWants === tally.size - self;
  }

  /** True when no member of group `key` wants another recommendation than `recommendation` (wanting none is fine). */
  noneWantsOther(key: string, recommendation: Recommendation): boolean {
    const tally = this.tallyOf(key);
    return (tally.counts.get(this.keyOf(recommendation)) ?? 0) + tally.none.length === tally.size;
  }

  /** The members of group `key` that want no init. */
  wantingNone(key: string): readonly Layer[] {
    return this.tallyOf(key).none;
  }

  private keyOf(recommendation: Recommendation): string {
    return recommendationKey(recommendation, () => this.nanKeys++);
  }

  /** The key of what `layer` wants, asked for once. */
  private wantedKey(layer: Layer): string | null {
    if (!this.wanted.has(layer)) {
      const recommendation = this.recommendationOf(layer);
      this.wanted.set(layer, recommendation === null ? null : this.keyOf(recommendation));
    }
    return this.wanted.get(layer)!;
  }

  /** What group `key` wants, tallied on first use. */
  private tallyOf(key: string): Tally {
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = { size: 0, counts: new Map(), none: [] };
      for (const member of this.members.get(key) ?? []) {
        tally.size += 1;
        const wanted = this.wantedKey(member);
        if (wanted === null) {
          tally.none.push(member);
        } else {
          tally.counts.set(wanted, (tally.counts.get(wanted) ?? 0) + 1);
        }
      }
      this.tallies.set(key, tally);
    }
    return tally;
  }
}
