/**
 * Container fixes are linear in the container's size: spelling the fix of every layer of a
 * Sequential of n layers asks for each layer's recommendation a bounded number of times (it used to
 * ask every member for every layer, n² times), and every layer gets the same one loop.
 */
import * as assert from 'node:assert/strict';
import { pytorchFixSpeller } from '../../../src/core/frameworks/pytorch/fixes';
import { HE, spellEveryLayer } from '../support/fixCost';
import { loadGrammar } from '../support/python';

function deepSequential(n: number): string {
  const body = Array.from({ length: n }, () => '            nn.Linear(64, 64), nn.ReLU(),').join('\n');
  return [
    'import torch.nn as nn',
    '',
    'class Deep(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.net = nn.Sequential(',
    body,
    '        )',
    '',
    '    def forward(self, x):',
    '        return self.net(x)',
    '',
  ].join('\n');
}

/** Spells the fix of every Linear; how many times recommendations were asked for, and the distinct fixes. */
function spellAll(n: number): { asked: number; layers: number; distinct: number } {
  const { asked, layers, fixes } = spellEveryLayer(deepSequential(n), pytorchFixSpeller, 'Linear', () => HE);
  assert.ok(
    fixes.every((fix) => fix !== null),
    'every layer gets a fix',
  );
  return { asked, layers, distinct: new Set(fixes).size };
}

describe('PyTorch container fixes: cost', () => {
  before(loadGrammar);

  it('spelling every fix of a Sequential of n layers asks each layer once (4,000 layers: 4,000 asks, not 16 million)', function () {
    this.timeout(120_000); // the analysis of 4,000 layers, under load; the test counts, it does not time
    for (const n of [50, 400, 4000]) {
      const { asked, layers, distinct } = spellAll(n);
      assert.equal(layers, n);
      assert.ok(asked <= n, `${n} layers: ${asked} recommendations asked for`);
      assert.equal(distinct, 1, 'one loop serves every layer');
    }
  });
});
