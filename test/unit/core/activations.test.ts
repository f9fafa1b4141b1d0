import assert from 'node:assert/strict';
import {
  activationFunction,
  backwardGain,
  derivativeSecondMoment,
  fixedPointSecondMoment,
  forwardGain,
  isKnownActivation,
  meanOf,
  secondMoment,
  torchCalculateGain,
  type ActivationName,
  type ActivationSpec,
} from '../../../src/core/activations';
import { normalCdf, normalPdf } from '../../../src/core/math/quadrature';

/** Asserts |actual − expected| ≤ relative·|expected| + absolute. */
function assertClose(actual: number, expected: number, relative: number, absolute = 0, label = ''): void {
  const error = Math.abs(actual - expected);
  assert.ok(error <= relative * Math.abs(expected) + absolute, `${label} expected ${expected}, got ${actual} (error ${error})`);
}

/**
 * Brute-force E[g(√q·z)] by composite Simpson in z over [−12, 12] with 200 000 intervals in all,
 * split at the kinks so that each piece is smooth.
 */
function simpsonExpectation(g: (x: number) => number, q: number, breakpoints: number[]): number {
  const sigma = Math.sqrt(q);
  const edges = [-12, ...breakpoints.map((point) => point / sigma).filter((z) => z > -12 && z < 12), 12].sort((left, right) => left - right);
  const totalIntervals = 200_000;
  let total = 0;
  for (let piece = 0; piece + 1 < edges.length; piece++) {
    const start = edges[piece];
    const end = edges[piece + 1];
    if (end <= start) {
      continue;
    }
    const intervals = Math.max(2, 2 * Math.round((totalIntervals * (end - start)) / 48));
    const step = (end - start) / intervals;
    const integrand = (z: number): number => g(sigma * z) * normalPdf(z);
    // One-sided limits at the ends of each piece, so jumps at breakpoints are integrated exactly.
    const nudge = step * 1e-9;
    let sum = integrand(start + nudge) + integrand(end - nudge);
    for (let index = 1; index < intervals; index++) {
      sum += (index % 2 === 1 ? 4 : 2) * integrand(start + index * step);
    }
    total += (sum * step) / 3;
  }
  return total;
}

const allNames: ActivationName[] = [
  'relu',
  'leaky_relu',
  'tanh',
  'sigmoid',
  'gelu',
  'silu',
  'mish',
  'elu',
  'celu',
  'selu',
  'softplus',
  'hardswish',
  'hardsigmoid',
  'hardtanh',
  'relu6',
  'softsign',
  'linear',
];

/** Every activation with defaults plus non-default parameters. */
const specs: ActivationSpec[] = [
  ...allNames.map((name) => ({ name })),
  { name: 'leaky_relu', params: { negative_slope: 0.2 } },
  { name: 'gelu', params: { approximate: 'tanh' } },
  { name: 'elu', params: { alpha: 0.5 } },
  { name: 'celu', params: { alpha: 2 } },
  { name: 'softplus', params: { beta: 2, threshold: 10 } },
  { name: 'hardtanh', params: { min_val: -2, max_val: 0.5 } },
];

const label = (spec: ActivationSpec): string => `${spec.name}${spec.params ? JSON.stringify(spec.params) : ''}`;

describe('activations', () => {
  describe('FACTS gain table (z ~ N(0, 1))', () => {
    const table: [ActivationName, number, number][] = [
      ['relu', 1.4142, 1.4142],
      ['tanh', 1.5925, 1.4674],
      ['sigmoid', 1.8462, 4.7226],
      ['gelu', 1.5335, 1.4811],
      ['silu', 1.6765, 1.6233],
      ['mish', 1.4868, 1.4448],
      ['elu', 1.2452, 1.2234],
      ['selu', 1.0, 0.966],
    ];
    for (const [name, forward, backward] of table) {
      it(`forwardGain(${name}) is ${forward.toFixed(4)} and backwardGain(${name}) is ${backward.toFixed(4)}`, () => {
        assertClose(forwardGain({ name }), forward, 0, 5e-5, 'forward');
        assertClose(backwardGain({ name }), backward, 0, 5e-5, 'backward');
      });
    }

    it('silu answers to the alias swish', () => {
      assert.equal(forwardGain({ name: 'swish' }), forwardGain({ name: 'silu' }));
    });
  });

  describe('closed forms', () => {
    const variances = [0.01, 0.5, 1, 2.3, 40];

    it('secondMoment(relu, q) is q/2, derivativeSecondMoment is 1/2, meanOf is √(q/2π)', () => {
      for (const q of variances) {
        assertClose(secondMoment({ name: 'relu' }, q), q / 2, 1e-12);
        assertClose(derivativeSecondMoment({ name: 'relu' }, q), 0.5, 1e-12);
        assertClose(meanOf({ name: 'relu' }, q), Math.sqrt(q / (2 * Math.PI)), 1e-12);
      }
    });

    it('secondMoment(leaky_relu(s), q) is (1 + s²)q/2, derivative moment (1 + s²)/2, mean (1 − s)√(q/2π)', () => {
      for (const slope of [0.01, 0.2, -0.5, 3]) {
        const spec = { name: 'leaky_relu', params: { negative_slope: slope } };
        for (const q of variances) {
          assertClose(secondMoment(spec, q), ((1 + slope * slope) * q) / 2, 1e-12);
          assertClose(derivativeSecondMoment(spec, q), (1 + slope * slope) / 2, 1e-12);
          assertClose(meanOf(spec, q), (1 - slope) * Math.sqrt(q / (2 * Math.PI)), 1e-12, 1e-15);
        }
      }
    });

    it('leaky_relu defaults to negative_slope 0.01', () => {
      assertClose(secondMoment({ name: 'leaky_relu' }, 1), (1 + 1e-4) / 2, 1e-12);
    });

    it('secondMoment(linear, q) is q, derivativeSecondMoment is 1, meanOf is 0', () => {
      for (const q of variances) {
        assertClose(secondMoment({ name: 'linear' }, q), q, 1e-12);
        assertClose(derivativeSecondMoment({ name: 'linear' }, q), 1, 1e-12);
        assertClose(meanOf({ name: 'linear' }, q), 0, 0, 1e-14 * Math.sqrt(q));
      }
    });

    it('hardtanh: E[clamp(x)²] = q·(P(|z|<c) − 2cφ(c)) + P(|z|≥c), E[φ′²] = P(|z|<c), c = 1/√q', () => {
      for (const q of variances) {
        const c = 1 / Math.sqrt(q);
        const inside = 2 * normalCdf(c) - 1;
        assertClose(secondMoment({ name: 'hardtanh' }, q), q * (inside - 2 * c * normalPdf(c)) + (1 - inside), 1e-12);
        assertClose(derivativeSecondMoment({ name: 'hardtanh' }, q), inside, 1e-12);
      }
    });

    it('relu6: E[φ²] = q·(Φ(c) − 1/2 − cφ(c)) + 36(1 − Φ(c)), E[φ′²] = Φ(c) − 1/2, c = 6/√q', () => {
      for (const q of variances) {
        const sigma = Math.sqrt(q);
        const c = 6 / sigma;
        const upper = 1 - normalCdf(c);
        assertClose(secondMoment({ name: 'relu6' }, q), q * (normalCdf(c) - 0.5 - c * normalPdf(c)) + 36 * upper, 1e-12);
        assertClose(derivativeSecondMoment({ name: 'relu6' }, q), normalCdf(c) - 0.5, 1e-12);
        assertClose(meanOf({ name: 'relu6' }, q), sigma * (normalPdf(0) - normalPdf(c)) + 6 * upper, 1e-12);
      }
    });

    it('elu(α): E[φ²] = q/2 + α²(e^{2q}Φ(−2σ) − 2e^{q/2}Φ(−σ) + 1/2), E[φ′²] = 1/2 + α²e^{2q}Φ(−2σ)', () => {
      for (const alpha of [1, 0.5, 2]) {
        const spec = { name: 'elu', params: { alpha } };
        for (const q of [0.01, 0.5, 1, 2.3]) {
          const sigma = Math.sqrt(q);
          const twice = Math.exp(2 * q) * normalCdf(-2 * sigma);
          const once = Math.exp(q / 2) * normalCdf(-sigma);
          assertClose(secondMoment(spec, q), q / 2 + alpha * alpha * (twice - 2 * once + 0.5), 1e-12);
          assertClose(derivativeSecondMoment(spec, q), 0.5 + alpha * alpha * twice, 1e-12);
          assertClose(meanOf(spec, q), sigma * normalPdf(0) + alpha * (once - 0.5), 1e-12, 1e-15);
        }
      }
    });

    it('celu with alpha 1 equals elu', () => {
      assertClose(secondMoment({ name: 'celu' }, 1.7), secondMoment({ name: 'elu' }, 1.7), 1e-14);
    });

    it('selu keeps (mean, second moment) = (0, 1) at q = 1', () => {
      assertClose(secondMoment({ name: 'selu' }, 1), 1, 1e-6);
      assertClose(meanOf({ name: 'selu' }, 1), 0, 0, 1e-6);
    });

    it('forwardGain(relu, q) is √2 and backwardGain(relu, q) is √2 at every q', () => {
      for (const q of variances) {
        assertClose(forwardGain({ name: 'relu' }, q), Math.SQRT2, 1e-12);
        assertClose(backwardGain({ name: 'relu' }, q), Math.SQRT2, 1e-12);
      }
    });

    it('forwardGain(spec, q) is √(q / E[φ(√q z)²])', () => {
      for (const q of [0.3, 5]) {
        assertClose(forwardGain({ name: 'tanh' }, q), Math.sqrt(q / secondMoment({ name: 'tanh' }, q)), 1e-15);
      }
      assert.ok(Number.isNaN(forwardGain({ name: 'tanh' }, 0)));
    });
  });

  describe('brute-force Simpson cross-check (200k points)', () => {
    for (const spec of specs) {
      it(`secondMoment, derivativeSecondMoment and meanOf of ${label(spec)} match Simpson at q = 0.3, 1, 9`, () => {
        const activation = activationFunction(spec);
        assert.ok(activation);
        for (const q of [0.3, 1, 9]) {
          const square = simpsonExpectation((x) => activation.f(x) ** 2, q, activation.breakpoints);
          const slopeSquare = simpsonExpectation((x) => activation.derivative(x) ** 2, q, activation.breakpoints);
          const mean = simpsonExpectation(activation.f, q, activation.breakpoints);
          assertClose(secondMoment(spec, q), square, 1e-10, 1e-13, `E[φ²] q=${q}`);
          assertClose(derivativeSecondMoment(spec, q), slopeSquare, 1e-10, 1e-13, `E[φ′²] q=${q}`);
          assertClose(meanOf(spec, q), mean, 1e-10, 1e-12, `E[φ] q=${q}`);
        }
      });
    }

    it('E[tanh′(z)²] matches Simpson without breakpoints', () => {
      const slopeSquare = simpsonExpectation((x) => (1 - Math.tanh(x) ** 2) ** 2, 1, []);
      assertClose(derivativeSecondMoment({ name: 'tanh' }, 1), slopeSquare, 1e-11);
      assertClose(derivativeSecondMoment({ name: 'tanh' }, 1), 1 / 1.4674 ** 2, 1e-4);
    });
  });

  describe('PyTorch definitions', () => {
    // Reference values from the formulas in double precision (CPython math).
    const values: [ActivationSpec, number, number][] = [
      [{ name: 'gelu' }, 1, 0.8413447460685429],
      [{ name: 'gelu' }, -0.5, -0.15426876936299344],
      [{ name: 'gelu' }, 2.5, 2.4844758366855597],
      [{ name: 'gelu', params: { approximate: 'tanh' } }, 1, 0.8411919906082768],
      [{ name: 'gelu', params: { approximate: 'tanh' } }, -0.5, -0.15428599017485606],
      [{ name: 'silu' }, 1, 0.7310585786300049],
      [{ name: 'silu' }, -0.5, -0.1887703343990727],
      [{ name: 'mish' }, 1, 0.8650983882673103],
      [{ name: 'mish' }, -0.5, -0.22074377465173],
      [{ name: 'mish' }, 2.5, 2.471392304557881],
      [{ name: 'softplus' }, 1, 1.3132616875182228],
      [{ name: 'softplus' }, 30, 30],
      [{ name: 'softplus', params: { beta: 2 } }, 0.3, 0.5187439752429428],
      [{ name: 'selu' }, -1, -1.1113307378125625],
      [{ name: 'selu' }, 2, 2.101401974710961],
      [{ name: 'elu' }, -1, Math.expm1(-1)],
      [{ name: 'celu', params: { alpha: 2 } }, -1, 2 * Math.expm1(-0.5)],
      [{ name: 'hardswish' }, 1, 2 / 3],
      [{ name: 'hardswish' }, -3.5, 0],
      [{ name: 'hardswish' }, 4, 4],
      [{ name: 'hardsigmoid' }, 1, 2 / 3],
      [{ name: 'hardsigmoid' }, 3.5, 1],
      [{ name: 'hardtanh' }, -1.5, -1],
      [{ name: 'hardtanh', params: { min_val: -2, max_val: 3 } }, 2.5, 2.5],
      [{ name: 'relu6' }, 7, 6],
      [{ name: 'softsign' }, 3, 0.75],
      [{ name: 'sigmoid' }, -800, 0],
      [{ name: 'leaky_relu', params: { negative_slope: 0.2 } }, -2, -0.4],
    ];
    for (const [spec, x, expected] of values) {
      it(`${label(spec)}(${x}) is ${expected}`, () => {
        const activation = activationFunction(spec);
        assert.ok(activation);
        assertClose(activation.f(x), expected, 1e-14, 1e-300);
      });
    }

    it('derivatives match central differences away from the kinks', () => {
      const points = [-7.3, -4.3, -2.2, -0.7, -0.1, 0.2, 0.9, 2.7, 5.1, 7.3, 25];
      for (const spec of specs) {
        const activation = activationFunction(spec);
        assert.ok(activation);
        for (const x of points) {
          if (activation.breakpoints.some((point) => Math.abs(point - x) < 1e-3)) {
            continue;
          }
          const step = 1e-5;
          const difference = (activation.f(x + step) - activation.f(x - step)) / (2 * step);
          assertClose(activation.derivative(x), difference, 1e-7, 1e-8, `${label(spec)}′(${x})`);
        }
      }
    });

    it("derivatives at the kinks follow PyTorch's backward kernels", () => {
      const derivativeAt = (spec: ActivationSpec, x: number): number => activationFunction(spec)?.derivative(x) ?? Number.NaN;
      assert.equal(derivativeAt({ name: 'relu' }, 0), 0);
      assert.equal(derivativeAt({ name: 'leaky_relu', params: { negative_slope: 0.2 } }, 0), 0.2);
      assert.equal(derivativeAt({ name: 'hardtanh' }, 1), 0);
      assert.equal(derivativeAt({ name: 'hardtanh' }, -1), 0);
      assert.equal(derivativeAt({ name: 'relu6' }, 0), 0);
      assert.equal(derivativeAt({ name: 'relu6' }, 6), 0);
      assert.equal(derivativeAt({ name: 'hardswish' }, -3), -0.5);
      assert.equal(derivativeAt({ name: 'hardswish' }, 3), 1.5);
      assert.equal(derivativeAt({ name: 'hardsigmoid' }, 3), 0);
    });

    it('reports the kinks as breakpoints', () => {
      assert.deepEqual(activationFunction({ name: 'relu' })?.breakpoints, [0]);
      assert.deepEqual(activationFunction({ name: 'relu6' })?.breakpoints, [0, 6]);
      assert.deepEqual(activationFunction({ name: 'hardswish' })?.breakpoints, [-3, 3]);
      assert.deepEqual(activationFunction({ name: 'hardtanh', params: { min_val: -2, max_val: 2 } })?.breakpoints, [-2, 2]);
      assert.deepEqual(activationFunction({ name: 'softplus', params: { beta: 2 } })?.breakpoints, [10]);
      assert.deepEqual(activationFunction({ name: 'tanh' })?.breakpoints, []);
    });
  });

  describe('names and parameters', () => {
    it('isKnownActivation knows every ActivationName and the aliases', () => {
      for (const name of allNames) {
        assert.ok(isKnownActivation(name), name);
      }
      for (const name of ['swish', 'identity', 'none']) {
        assert.ok(isKnownActivation(name), name);
      }
    });

    it('softmax, log_softmax and unknown names are not activations', () => {
      for (const name of ['softmax', 'log_softmax', 'prelu', 'ReLU', 'toString', 'constructor', '']) {
        assert.equal(isKnownActivation(name), false, name);
        assert.equal(activationFunction({ name }), undefined, name);
        assert.ok(Number.isNaN(secondMoment({ name }, 1)), name);
      }
    });

    it('invalid parameters give undefined', () => {
      assert.equal(activationFunction({ name: 'gelu', params: { approximate: 'erf' } }), undefined);
      assert.equal(activationFunction({ name: 'leaky_relu', params: { negative_slope: 'slope' } }), undefined);
      assert.equal(activationFunction({ name: 'hardtanh', params: { min_val: 1, max_val: -1 } }), undefined);
      assert.equal(activationFunction({ name: 'softplus', params: { beta: 0 } }), undefined);
      assert.equal(activationFunction({ name: 'celu', params: { alpha: 0 } }), undefined);
    });

    it('negative q gives NaN', () => {
      assert.ok(Number.isNaN(secondMoment({ name: 'relu' }, -1)));
      assert.ok(Number.isNaN(derivativeSecondMoment({ name: 'relu' }, -1)));
    });
  });

  describe('torchCalculateGain', () => {
    it('is 1 for linear, conv and conv_transpose names and sigmoid', () => {
      for (const name of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid']) {
        assert.equal(torchCalculateGain(name), 1, name);
      }
    });

    it('is 5/3 for tanh, √2 for relu and 3/4 for selu', () => {
      assert.equal(torchCalculateGain('tanh'), 5 / 3);
      assert.equal(torchCalculateGain('relu'), Math.SQRT2);
      assert.equal(torchCalculateGain('relu', 0.2), Math.SQRT2);
      assert.equal(torchCalculateGain('selu'), 0.75);
    });

    it('is √(2/(1 + slope²)) for leaky_relu, slope default 0.01', () => {
      assert.equal(torchCalculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
      assert.equal(torchCalculateGain('leaky_relu', 0.2), 1.3867504905630728);
      assert.equal(torchCalculateGain('leaky_relu', 0), Math.SQRT2);
      assert.equal(torchCalculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
    });

    it('is undefined where torch raises ValueError', () => {
      for (const name of ['gelu', 'silu', 'mish', 'elu', 'softplus', 'Tanh', 'conv4d', '']) {
        assert.equal(torchCalculateGain(name), undefined, name);
      }
    });
  });

  describe('fixedPointSecondMoment', () => {
    it('is σ_b²/(1 − σ_w²/2) for relu with σ_w² < 2', () => {
      for (const [sigmaW2, sigmaB2] of [
        [1 / 3, 1 / 30],
        [1, 0.5],
        [1.9, 0.01],
        [1.999, 0.01],
      ]) {
        // The residual is within 1e-12, so the distance to q* is within 1e-12/(1 − σ_w²/2).
        const expected = sigmaB2 / (1 - sigmaW2 / 2);
        assertClose(fixedPointSecondMoment({ name: 'relu' }, sigmaW2, sigmaB2) ?? Number.NaN, expected, 1e-12 / (1 - sigmaW2 / 2) + 1e-13);
      }
    });

    it('stays at q0 for the critical relu map (σ_w² = 2, σ_b² = 0)', () => {
      assertClose(fixedPointSecondMoment({ name: 'relu' }, 2, 0, 3) ?? Number.NaN, 3, 1e-12);
    });

    it('is undefined when the map diverges or never converges', () => {
      assert.equal(fixedPointSecondMoment({ name: 'relu' }, 2.5, 0), undefined);
      assert.equal(fixedPointSecondMoment({ name: 'relu' }, 2, 0.1), undefined);
      assert.equal(fixedPointSecondMoment({ name: 'gelu' }, 4, 0.1), undefined);
      assert.equal(fixedPointSecondMoment({ name: 'softmax' }, 1, 0), undefined);
      assert.equal(fixedPointSecondMoment({ name: 'tanh' }, -1, 0), undefined);
    });

    it('is a fixed point of the tanh, sigmoid and gelu maps', () => {
      for (const [name, sigmaW2, sigmaB2] of [
        ['tanh', 2, 0],
        ['tanh', 1.5, 0.05],
        ['tanh', 25, 0.3],
        ['sigmoid', 1, 0],
        ['gelu', 1, 0.1],
      ] as const) {
        const q = fixedPointSecondMoment({ name }, sigmaW2, sigmaB2);
        assert.ok(q !== undefined && q > 0, `${name} ${sigmaW2} ${sigmaB2}`);
        assertClose(sigmaW2 * secondMoment({ name }, q) + sigmaB2, q, 1e-11);
      }
    });

    it('converges to 0 for tanh with σ_w² < 1 and no bias', () => {
      assertClose(fixedPointSecondMoment({ name: 'tanh' }, 0.5, 0) ?? Number.NaN, 0, 0, 1e-12);
    });

    it('is 1 for selu with σ_w² = 1 (LeCun init) and no bias', () => {
      assertClose(fixedPointSecondMoment({ name: 'selu' }, 1, 0) ?? Number.NaN, 1, 1e-6);
    });
  });
});
