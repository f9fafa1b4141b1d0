/** The cached moments advice reads give what quadrature gives, homogeneous activations through their exact scaling. */
import * as assert from 'node:assert/strict';
import { meanOf, secondMoment, type ActivationSpec } from '../../../src/core/activations';
import { cachedMean, cachedSecondMoment } from '../../../src/core/advice/moments';

const SPECS: ActivationSpec[] = [
  { name: 'relu' },
  { name: 'leaky_relu', params: { negative_slope: 0.2 } },
  { name: 'linear' },
  { name: 'tanh' },
  { name: 'gelu' },
  { name: 'silu' },
  { name: 'sigmoid' },
];

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);

describe('cached moments', () => {
  it('the mean E[φ(√q z)] equals quadrature at every q, asked twice (the second answer from the cache)', () => {
    for (const spec of SPECS) {
      for (const q of [0.01, 0.37, 1, 2.5, 40]) {
        close(cachedMean(spec, q), meanOf(spec, q), `${spec.name} q=${q}`);
        close(cachedMean(spec, q), meanOf(spec, q), `${spec.name} q=${q}, cached`);
      }
    }
    // ReLU's mean is √q/√(2π): the homogeneous scaling is exact, not a table lookup at q = 1.
    close(cachedMean({ name: 'relu' }, 4), 2 / Math.sqrt(2 * Math.PI), 'relu q=4');
  });

  it('the second moment likewise', () => {
    for (const spec of SPECS) {
      for (const q of [0.37, 2.5]) {
        close(cachedSecondMoment(spec, q), secondMoment(spec, q), `${spec.name} q=${q}`);
      }
    }
  });
});
