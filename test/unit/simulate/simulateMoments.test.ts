/**
 * The pieces under the analytic pass: Gaussian moments of activations with a mean (closed forms
 * against quadrature), and Gaussian mixtures (compression keeps the first two moments, transfers
 * carry the gradient gates).
 */
import assert from 'node:assert/strict';
import { activationFunction } from '../../../src/core/activations';
import { gaussianExpectation } from '../../../src/core/math/quadrature';
import { activationMoments, unitMeanSquare } from '../../../src/core/simulate/gaussianMoments';
import { addIndependent, backThrough, compress, dropout, gaussian, pushForward, type Mixture } from '../../../src/core/simulate/mixture';

function moments(mixture: Mixture): { mean: number; second: number } {
  let mean = 0;
  let second = 0;
  mixture.weights.forEach((weight, index) => {
    mean += weight * mixture.means[index];
    second += weight * (mixture.variances[index] + mixture.means[index] ** 2);
  });
  return { mean, second };
}

function close(actual: number, expected: number, tolerance: number, label: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${label}: ${actual} vs ${expected}`);
}

describe('simulate: Gaussian moments with a mean', () => {
  for (const [name, params] of [
    ['relu', undefined],
    ['leaky_relu', { negative_slope: 0.2 }],
    ['linear', undefined],
  ] as const) {
    it(`${name}: the closed form equals quadrature for X ~ N(0.7, 2.3)`, () => {
      const spec = params === undefined ? { name } : { name, params };
      const activation = activationFunction(spec)!;
      const shifted = (g: (x: number) => number) =>
        gaussianExpectation(
          (x) => g(x + 0.7),
          2.3,
          activation.breakpoints.map((point) => point - 0.7),
        );
      const result = activationMoments(spec, 0.7, 2.3);
      close(result.mean, shifted(activation.f), 1e-10, 'mean');
      close(
        result.secondMoment,
        shifted((x) => activation.f(x) ** 2),
        1e-10,
        'second moment',
      );
      close(
        result.derivativeSecondMoment,
        shifted((x) => activation.derivative(x) ** 2),
        1e-10,
        'derivative',
      );
    });
  }

  it('tanh with a mean: E[tanh(X)] is odd in the mean, E[tanh²] even', () => {
    const up = activationMoments({ name: 'tanh' }, 0.5, 1);
    const down = activationMoments({ name: 'tanh' }, -0.5, 1);
    close(up.mean, -down.mean, 1e-12, 'mean');
    close(up.secondMoment, down.secondMoment, 1e-12, 'second');
    const tanh = activationFunction({ name: 'tanh' })!;
    close(
      up.mean,
      gaussianExpectation((x) => tanh.f(x + 0.5), 1),
      1e-10,
      'against quadrature',
    );
  });

  it('unit means: with no spread between units, E[g(m)²] is the square of the unit mean', () => {
    const relu = activationMoments({ name: 'relu' }, 0.3, 1);
    close(unitMeanSquare({ name: 'relu' }, 0.3, 0, 1), relu.mean ** 2, 1e-12, 'relu');
    // all spread between units: every unit constant, E[g(m)²] = E[relu(m)²]
    close(unitMeanSquare({ name: 'relu' }, 0, 1, 0), 0.5, 1e-9, 'relu, between only');
  });
});

describe('simulate: Gaussian mixtures', () => {
  it('compression keeps weight, mean and second moment', () => {
    const many: Mixture = { weights: [], means: [], variances: [] };
    for (let index = 0; index < 500; index++) {
      many.weights.push(1 / 500);
      many.means.push(Math.sin(index));
      many.variances.push(0.01 * (index % 7));
    }
    const { mixture, assignment } = compress(many);
    assert.ok(mixture.weights.length <= 32);
    assert.equal(assignment.length, 500);
    close(
      mixture.weights.reduce((a, b) => a + b, 0),
      1,
      1e-12,
      'weight',
    );
    close(moments(mixture).mean, moments(many).mean, 1e-12, 'mean');
    close(moments(mixture).second, moments(many).second, 1e-12, 'second');
  });

  it('push-forward through ReLU: E[relu(z)] = 1/√(2π), E[relu²] = 1/2, and gates average to 1/2 (corrected to the exact moments)', () => {
    const flow = pushForward(gaussian(0, 1), activationFunction({ name: 'relu' })!, (mean, variance) => activationMoments({ name: 'relu' }, mean, variance));
    close(moments(flow.mixture).mean, 1 / Math.sqrt(2 * Math.PI), 1e-10, 'mean');
    close(moments(flow.mixture).second, 0.5, 1e-10, 'second');
    close(backThrough(flow, [1], 1)[0], 0.5, 1e-10, 'E[φ′²]');
  });

  it('sums of independent mixtures add means and variances; dropout scales E[x²] by 1/(1 − p)', () => {
    const sum = addIndependent(gaussian(1, 2), { weights: [0.5, 0.5], means: [-1, 3], variances: [0, 1] }, 0.5);
    close(moments(sum.mixture).mean, 1 + 0.5, 1e-12, 'mean');
    close(moments(sum.mixture).second - moments(sum.mixture).mean ** 2, 2 + 0.25 * (0.5 + 4), 1e-12, 'variance');
    const dropped = dropout(gaussian(0, 1), 0.25);
    close(moments(dropped.mixture).second, 1 / 0.75, 1e-12, 'dropout');
    close(backThrough(dropped, [1], 1)[0], 1 / 0.75, 1e-12, 'dropout backward');
  });
});
