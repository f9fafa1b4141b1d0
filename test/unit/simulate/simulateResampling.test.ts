/**
 * Transposed convolution, upsampling and pixel shuffle (resampling.ts, signal.ts) in both passes:
 * the exact tap counts and bilinear factors, the sampled kernels against a direct reading of their
 * definition, and the analytic pass held to the Monte-Carlo pass on small networks.
 */
import assert from 'node:assert/strict';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { AffineLayer, ResampleLayer, SimNetwork } from '../../../src/core/simulate/network';
import { resample, resampleFactors, upsampleTaps } from '../../../src/core/simulate/resampling';

const unit = { kind: 'normal' as const, mean: 0, std: 1 };

function transposed(kernel: number, stride: number, padding: number): AffineLayer {
  return {
    name: 'deconv',
    op: 'conv_transpose2d',
    activation: null,
    inFeatures: 16,
    outFeatures: 8,
    kernel: [kernel, kernel],
    stride: [stride, stride],
    padding: [padding, padding],
    groups: 1,
    weight: unit,
    bias: null,
  };
}

function resampler(op: ResampleLayer['op'], mode: ResampleLayer['mode'], scale: number, alignCorners = false): ResampleLayer {
  return { name: op, op, activation: null, mode, alignCorners, scale: [scale, scale] };
}

function network(...layers: SimNetwork['layers']): SimNetwork {
  return { input: { kind: 'image', channels: 16, height: 6, width: 6 }, layers };
}

function within(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(Math.abs(actual / expected - 1) <= relative, `${what}: ${actual} vs ${expected}`);
}

describe('simulate: transposed conv, upsampling and pixel shuffle', function () {
  this.timeout(20000);

  it('bilinear ×2 (align_corners False) has the border outputs copy one input and the others mix ¾ and ¼', () => {
    const taps = upsampleTaps(4, 2, 'bilinear', false);
    assert.deepEqual(taps[0], [{ index: 0, weight: 1 }]);
    assert.deepEqual(taps[1], [
      { index: 0, weight: 0.75 },
      { index: 1, weight: 0.25 },
    ]);
    assert.deepEqual(taps[7], [{ index: 3, weight: 1 }]);
    const factors = resampleFactors(resampler('upsample', 'bilinear', 2), [4, 4]);
    const perDim = (2 + 6 * 0.625) / 8;
    within(factors.within, perDim * perDim, 1e-12, 'forward factor');
    within(factors.backward, 4 * perDim * perDim, 1e-12, 'backward factor');
    const nearest = resampleFactors(resampler('upsample', 'nearest', 3), [5, 5]);
    assert.deepEqual(nearest, { within: 1, mixed: 0, backward: 9 });
  });

  it('pixel shuffle moves every value to out[c, h·r + i, w·r + j] from in[c·r² + i·r + j, h, w], and back', () => {
    const layer = resampler('pixel_shuffle', 'shuffle', 2);
    const x = Float32Array.from({ length: 2 * 2 * 8 }, (_, index) => index);
    const y = new Float32Array(x.length);
    resample(layer, [2, 2], 8, 1, x, y, false);
    // out channel 1 at (h=1, w=1 → 3, 3): input channel 1·4 + 1·2 + 1 = 7 at (1, 1), channels-last index (1·2 + 1)·8 + 7
    assert.equal(y[(3 * 4 + 3) * 2 + 1], x[(1 * 2 + 1) * 8 + 7]);
    const back = new Float32Array(x.length);
    resample(layer, [2, 2], 8, 1, y, back, true);
    assert.deepEqual(back, x);
  });

  it('ConvTranspose2d: with kernel 2, stride 2 each output reads one tap; with kernel 4, stride 2, padding 1, 2 inside and 1 at the border', () => {
    const exact = simulateAnalytic(network(transposed(2, 2, 0)));
    within(exact[0].forward.preVar, 16, 1e-12, 'k2 s2 forward: C_in·Var W');
    within(exact[0].backward.gradInputVar as number, 8 * 4, 1e-12, 'k2 s2 backward: C_out·k²');
    // 6 → 12 per dim: outputs 0 and 11 get one tap, the 10 others two: 22/12 per dim.
    const varying = simulateAnalytic(network(transposed(4, 2, 1)));
    within(varying[0].forward.preVar, 16 * (22 / 12) ** 2, 1e-12, 'k4 s2 p1 forward');
    within(varying[0].backward.gradInputVar as number, 8 * (22 / 6) ** 2, 1e-12, 'k4 s2 p1 backward');
  });

  for (const [label, layers] of [
    ['ConvTranspose2d k4 s2 p1', [transposed(4, 2, 1)]],
    ['ConvTranspose2d k3 s2 p1 output_padding 1', [{ ...transposed(3, 2, 1), outputPadding: [1, 1] }]],
    ['bilinear ×2 then ConvTranspose2d k2 s2', [resampler('upsample', 'bilinear', 2), transposed(2, 2, 0)]],
    ['bilinear ×2 align_corners True', [resampler('upsample', 'bilinear', 2, true)]],
    ['nearest ×2 then pixel shuffle ×2', [resampler('upsample', 'nearest', 2), resampler('pixel_shuffle', 'shuffle', 2)]],
  ] as [string, SimNetwork['layers']][]) {
    it(`${label}: the analytic pass within 5% of Monte Carlo (mean of 8 seeds), both directions`, () => {
      const net = network(...layers);
      const analytic = simulateAnalytic(net);
      // The weights are few (16×8×k²): one draw's variance spreads by several %, so 8 seeds are averaged.
      const runs = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => simulateMonteCarlo(net, { batch: 16, seed }).layers);
      const mean = (read: (run: (typeof runs)[number]) => number): number => runs.reduce((sum, run) => sum + read(run), 0) / runs.length;
      analytic.forEach((row, index) => {
        within(
          row.forward.preVar,
          mean((run) => run[index].forward.preVar),
          0.05,
          `${row.name} forward`,
        );
        within(
          row.backward.gradInputVar as number,
          mean((run) => run[index].backward.gradInputVar as number),
          0.05,
          `${row.name} backward`,
        );
      });
    });
  }
});
