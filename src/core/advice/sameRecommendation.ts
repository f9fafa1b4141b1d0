/** Whether two layers want the same init: a call or loop that writes several layers is rewritten only then. */
import type { Recommendation } from './types';

/** True when `a` is the same recommendation as `b` (name, arguments and gain); false for no recommendation. */
export function sameRecommendation(a: Recommendation | null, b: Recommendation): boolean {
  return a !== null && a.name === b.name && a.gain === b.gain && JSON.stringify(a.args) === JSON.stringify(b.args);
}
