/**
 * Keras fixes are linear in the model's size: spelling the fix of every layer of a Sequential of n
 * layers built by one call (a comprehension) asks each layer's recommendation at most once (it used
 * to ask every sharer for every layer, n² times), and every layer gets the same one edit. Counts
 * operations, not time.
 */
import * as assert from 'node:assert/strict';
import type { Recommendation } from '../../../src/core/advice/types';
import { kerasFixSpeller } from '../../../src/core/frameworks/keras/fixes';
import type { Layer } from '../../../src/core/graph';
import { HE, spellEveryLayer } from '../support/fixCost';
import { loadGrammar } from '../support/python';

function deepSequential(n: number): string {
  return ['import keras', 'from keras import layers', '', `model = keras.Sequential([layers.Dense(64, activation="relu") for _ in range(${n})])`, ''].join(
    '\n',
  );
}

/** Spells the fix of every Dense: see spellEveryLayer. */
function spellAll(n: number, wants: (layer: Layer) => Recommendation | null): { asked: number; layers: number; fixes: (string | null)[] } {
  return spellEveryLayer(deepSequential(n), kerasFixSpeller, 'Dense', wants);
}

describe('Keras Sequential fixes: cost', function () {
  this.timeout(120_000); // the analysis of hundreds of layers, under load; the test counts, it does not time
  before(loadGrammar);

  it('spelling every fix of a Sequential of n layers from one call asks each layer once (400 layers: ≤ 400 asks, not 160,000)', () => {
    for (const n of [50, 400]) {
      const { asked, layers, fixes } = spellAll(n, () => HE);
      assert.equal(layers, n);
      assert.ok(asked <= n, `${n} layers: ${asked} recommendations asked for`);
      assert.ok(
        fixes.every((fix) => fix !== null),
        'every layer gets a fix',
      );
      assert.equal(new Set(fixes).size, 1, 'one edit serves every layer');
    }
  });

  it('still refuses the shared call when one layer built by it wants another init', () => {
    const { fixes } = spellAll(50, (layer) => (layer.name === 'dense_3' ? null : HE));
    // Layer 3's own fix is asked for with He, which the others all want: only it could be spelled.
    assert.ok(
      fixes.every((fix, index) => index === 3 || fix === null),
      'no other layer of a call whose layers disagree gets a fix',
    );
  });
});
