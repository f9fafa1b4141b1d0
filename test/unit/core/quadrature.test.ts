import assert from 'node:assert/strict';
import { erf, erfc, gaussHermiteRule, gaussianExpectation, hermiteNodeCount, integrate, normalCdf, normalPdf } from '../../../src/core/math/quadrature';

/** Asserts |actual − expected| ≤ relative·|expected| + absolute. */
function assertClose(actual: number, expected: number, relative: number, absolute = 0, label = ''): void {
  const error = Math.abs(actual - expected);
  assert.ok(error <= relative * Math.abs(expected) + absolute, `${label} expected ${expected}, got ${actual} (error ${error})`);
}

/** (2k − 1)!! = E[z^{2k}] for z ~ N(0, 1). */
function doubleFactorial(k: number): number {
  let product = 1;
  for (let factor = 2 * k - 1; factor > 1; factor -= 2) {
    product *= factor;
  }
  return product;
}

describe('quadrature', () => {
  describe('Gauss–Hermite rule', () => {
    it(`has ${hermiteNodeCount} symmetric nodes with positive weights summing to 1`, () => {
      const { nodes, weights } = gaussHermiteRule();
      assert.equal(nodes.length, hermiteNodeCount);
      assert.equal(weights.length, hermiteNodeCount);
      assertClose(
        weights.reduce((sum, weight) => sum + weight, 0),
        1,
        1e-14,
      );
      for (let index = 0; index < hermiteNodeCount; index++) {
        assert.ok(weights[index] > 0);
        assert.equal(nodes[index], -nodes[hermiteNodeCount - 1 - index]);
        if (index > 0) {
          assert.ok(nodes[index] > nodes[index - 1]);
        }
      }
    });

    it('integrates even Gaussian moments E[z^2k] = (2k−1)!! exactly up to k = 30', () => {
      for (let k = 1; k <= 30; k++) {
        assertClose(
          gaussianExpectation((x) => x ** (2 * k), 1),
          doubleFactorial(k),
          1e-12,
          0,
          `k=${k}`,
        );
      }
    });

    it('gives zero for odd moments', () => {
      for (const power of [1, 3, 5, 11]) {
        assertClose(
          gaussianExpectation((x) => x ** power, 2),
          0,
          0,
          1e-9,
        );
      }
    });

    it('E[x²] is the variance', () => {
      for (const variance of [1e-6, 0.3, 1, 7.5, 1e4]) {
        assertClose(
          gaussianExpectation((x) => x * x, variance),
          variance,
          1e-13,
        );
      }
    });

    it('E[cos(x)] is exp(−v/2) and E[exp(x)] is exp(v/2)', () => {
      for (const variance of [0.1, 1, 4]) {
        assertClose(gaussianExpectation(Math.cos, variance), Math.exp(-variance / 2), 1e-13, 1e-15);
        assertClose(gaussianExpectation(Math.exp, variance), Math.exp(variance / 2), 1e-12);
      }
    });
  });

  describe('gaussianExpectation edge cases', () => {
    it('variance 0 gives f(0)', () => {
      assert.equal(
        gaussianExpectation((x) => x + 3, 0),
        3,
      );
      assert.equal(
        gaussianExpectation((x) => x + 3, 0, [0]),
        3,
      );
    });

    it('negative, NaN or infinite variance gives NaN', () => {
      assert.ok(Number.isNaN(gaussianExpectation((x) => x, -1)));
      assert.ok(Number.isNaN(gaussianExpectation((x) => x, Number.NaN)));
      assert.ok(Number.isNaN(gaussianExpectation((x) => x, Infinity, [0])));
    });
  });

  describe('piecewise Gauss–Legendre with breakpoints', () => {
    it('E[relu(x)²] is v/2 and E[relu(x)] is √(v/2π) to 1e-12 for kinked integrands', () => {
      for (const variance of [1e-8, 0.01, 1, 3, 250, 1e6]) {
        assertClose(
          gaussianExpectation((x) => (x > 0 ? x * x : 0), variance, [0]),
          variance / 2,
          1e-12,
        );
        assertClose(
          gaussianExpectation((x) => (x > 0 ? x : 0), variance, [0]),
          Math.sqrt(variance / (2 * Math.PI)),
          1e-12,
        );
      }
    });

    it('E[|x|] is √(2v/π)', () => {
      assertClose(gaussianExpectation(Math.abs, 2, [0]), Math.sqrt(4 / Math.PI), 1e-12);
    });

    it('P(x > c) of a step at a breakpoint matches 1 − Φ(c/σ)', () => {
      for (const [variance, cut] of [
        [1, 0.5],
        [4, -3],
        [0.25, 1.2],
      ]) {
        assertClose(
          gaussianExpectation((x) => (x > cut ? 1 : 0), variance, [cut]),
          1 - normalCdf(cut / Math.sqrt(variance)),
          1e-12,
          1e-15,
        );
      }
    });

    it('agrees with Gauss–Hermite on smooth integrands (an empty breakpoint list is allowed)', () => {
      for (const variance of [0.2, 1, 3]) {
        assertClose(gaussianExpectation(Math.cos, variance, []), gaussianExpectation(Math.cos, variance), 1e-12, 1e-15);
        assertClose(
          gaussianExpectation((x) => x ** 4, variance, []),
          3 * variance * variance,
          1e-12,
        );
      }
    });

    it('stays accurate at large variance: E[tanh(x)²] + E[sech(x)²] = 1 at variance 1e4', () => {
      // tanh(x)² ≈ 1 − 2·sech-mass near 0: E = 1 − E[sech²(x)], E[sech²(x)] ≈ 2·φ(0)/σ for large σ.
      const sigma = 100;
      const viaPieces = gaussianExpectation((x) => Math.tanh(x) ** 2, sigma * sigma, []);
      const sechMass = gaussianExpectation((x) => 1 / Math.cosh(x) ** 2, sigma * sigma, []);
      assertClose(viaPieces + sechMass, 1, 1e-13);
      assertClose(sechMass, (2 * normalPdf(0)) / sigma, 1e-3);
    });

    it('ignores breakpoints outside ±12σ', () => {
      assertClose(
        gaussianExpectation((x) => (x < 100 ? x * x : 0), 1, [100]),
        1,
        1e-13,
      );
    });
  });

  describe('integrate', () => {
    it('integrates polynomials, kinks at cut points and narrow steep bumps', () => {
      assertClose(
        integrate((x) => x * x, 0, 1),
        1 / 3,
        1e-15,
      );
      assertClose(integrate(Math.abs, -1, 2, [0]), 2.5, 1e-15);
      assertClose(
        integrate((x) => Math.abs(x - 0.3), -1, 2),
        0.5 * 1.3 ** 2 + 0.5 * 1.7 ** 2,
        1e-12,
      );
      assertClose(
        integrate((x) => 1 / (1 + 1e6 * x * x), -1, 1),
        (2 * Math.atan(1e3)) / 1e3,
        1e-12,
      );
    });

    it('is 0 on an empty interval and NaN on a reversed or infinite one', () => {
      assert.equal(integrate(Math.exp, 1, 1), 0);
      assert.ok(Number.isNaN(integrate(Math.exp, 2, 1)));
      assert.ok(Number.isNaN(integrate(Math.exp, 0, Infinity)));
    });
  });

  describe('erf and erfc', () => {
    // Reference values from CPython's math.erf / math.erfc.
    const erfValues: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3.5, 0.9999992569016276],
      [-0.7, -0.6778011938374184],
    ];
    const erfcValues: [number, number][] = [
      [-1, 1.842700792949715],
      [1.5, 0.033894853524689274],
      [2, 0.004677734981047265],
      [3, 2.2090496998585438e-5],
      [5, 1.5374597944280351e-12],
      [10, 2.088487583762545e-45],
      [20, 5.3958656116079005e-176],
      [26, 5.663192408856143e-296],
    ];

    it('erf matches reference values to 1e-15 relative', () => {
      for (const [x, expected] of erfValues) {
        assertClose(erf(x), expected, 1e-15, 0, `erf(${x})`);
      }
    });

    it('erfc matches reference values to 2e-15 relative, deep into the tail', () => {
      for (const [x, expected] of erfcValues) {
        assertClose(erfc(x), expected, 2e-15, 0, `erfc(${x})`);
      }
    });

    it('erf is odd, bounded, and erf + erfc = 1', () => {
      assert.equal(erf(0), 0);
      for (const x of [0.01, 0.3, 1.49, 1.5, 1.51, 2.7, 6, 40]) {
        assert.equal(erf(-x), -erf(x));
        assertClose(erf(x) + erfc(x), 1, 1e-15);
        assert.ok(Math.abs(erf(x)) <= 1);
      }
      assert.equal(erf(Infinity), 1);
      assert.equal(erfc(Infinity), 0);
      assert.equal(erfc(-Infinity), 2);
      assert.ok(Number.isNaN(erf(Number.NaN)));
    });

    it('erf is continuous across the series / continued-fraction switch', () => {
      assertClose(erf(1.5 - 1e-12), erf(1.5), 1e-11);
      assertClose(erfc(1.5 - 1e-12), erfc(1.5), 1e-10);
    });

    it('normalCdf and normalPdf are Φ and φ', () => {
      assert.equal(normalCdf(0), 0.5);
      assertClose(normalCdf(1.959963984540054), 0.975, 1e-14);
      assertClose(normalCdf(-10), 7.61985302416047e-24, 1e-13);
      assertClose(normalPdf(0), 1 / Math.sqrt(2 * Math.PI), 1e-16);
      assertClose(normalPdf(2), Math.exp(-2) / Math.sqrt(2 * Math.PI), 1e-15);
    });
  });
});
