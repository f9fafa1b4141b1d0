import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { torchCalculateGain } from '../../../src/core/activations';
import { weightFans, type Fans } from '../../../src/core/init/fans';
import { torchInitVariance, type InitArgs } from '../../../src/core/init/torchInitVariance';
import { truncatedNormalVariance } from '../../../src/core/init/truncatedNormal';
import { TORCH_REFERENCE_DIR } from '../support/torchOracle';

/** Asserts |actual − expected| ≤ relative·|expected| + absolute. */
function assertClose(actual: number | null | undefined, expected: number, relative: number, absolute = 0, label = ''): void {
  assert.ok(typeof actual === 'number', `${label} expected ${expected}, got ${actual}`);
  const error = Math.abs(actual - expected);
  assert.ok(error <= relative * Math.abs(expected) + absolute, `${label} expected ${expected}, got ${actual} (error ${error})`);
}

const square: Fans = { fanIn: 512, fanOut: 512 };
const wide: Fans = { fanIn: 256, fanOut: 10 };

describe('PyTorch init variance', () => {
  describe('weightFans (_calculate_fan_in_and_fan_out)', () => {
    it('is (in, out) for a Linear weight (out, in)', () => {
      assert.deepEqual(weightFans([10, 256]), { fanIn: 256, fanOut: 10 });
    });

    it('multiplies by the receptive field for Conv (out, in/groups, *k)', () => {
      assert.deepEqual(weightFans([32, 3, 3, 3]), { fanIn: 27, fanOut: 288 });
      assert.deepEqual(weightFans([64, 64, 5]), { fanIn: 320, fanOut: 320 });
      assert.deepEqual(weightFans([64, 16, 3, 3, 3]), { fanIn: 432, fanOut: 1728 });
    });

    it('reads ConvTranspose (in, out/groups, *k) as torch does: fan_in = (out/groups)·∏k', () => {
      assert.deepEqual(weightFans([128, 64, 4, 4]), { fanIn: 1024, fanOut: 2048 });
    });

    it('is undefined below 2 dimensions (torch raises ValueError)', () => {
      assert.equal(weightFans([10]), undefined);
      assert.equal(weightFans([]), undefined);
      assert.equal(weightFans([3, 2.5]), undefined);
    });
  });

  describe('truncatedNormalVariance', () => {
    it('with std 1 and bounds ±2 is 0.87962566103423978² (the Keras/JAX correction constant)', () => {
      assertClose(truncatedNormalVariance(0, 1, -2, 2), 0.87962566103423978 ** 2, 1e-15);
    });

    it('matches the 60-digit mpmath closed form, wide and narrow intervals', () => {
      // mpmath (60 digits): std²·[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²] on the double inputs.
      const cases: [number, number, number, number, number][] = [
        [0.5, 2, -1, 3, 1.1533678400475529],
        [1, 1, 2, 5, 0.19767175721101245],
        [0, 3, -Infinity, 1, 3.98081364844092],
        [-1, 0.5, -3, -2.5, 0.012319448444348282],
        [0, 1, 2, 5, 0.11418040202988917],
        [0, 1, -3, -2.5, 0.018870830429212977],
        [0, 1, 1, 2.1, 0.085066475249855568],
        [0, 1, 1, 1.9, 0.060702609277053324],
        [0, 1, -0.5, 0.5, 0.080589154600811698],
        [0, 1, 0.3, 0.3001, 8.333333330178595e-10],
        [0, 1, -30.01, -30, 8.2959270066217426e-6],
      ];
      for (const [mean, std, a, b, expected] of cases) {
        assertClose(truncatedNormalVariance(mean, std, a, b), expected, 1e-12, 0, `${mean} ${std} ${a} ${b}`);
      }
    });

    it('is 1 − 2/π for the half normal and std² without truncation', () => {
      assertClose(truncatedNormalVariance(0, 1, 0, Infinity), 1 - 2 / Math.PI, 1e-14);
      assertClose(truncatedNormalVariance(0, 1, -Infinity, 0), 1 - 2 / Math.PI, 1e-14);
      assertClose(truncatedNormalVariance(3, 2, -Infinity, Infinity), 4, 1e-15);
    });

    it('is std² when the absolute bounds are far outside (std 0.02, ±2)', () => {
      assertClose(truncatedNormalVariance(0, 0.02, -2, 2), 0.0004, 1e-15);
    });

    it('is symmetric under reflection', () => {
      assertClose(truncatedNormalVariance(0, 1, 1, 3), truncatedNormalVariance(0, 1, -3, -1), 1e-13);
      assertClose(truncatedNormalVariance(0, 1, 0.3, 0.3001), truncatedNormalVariance(0, 1, -0.3001, -0.3), 1e-13);
    });

    it('is NaN for std ≤ 0 or a > b, and 0 for a = b', () => {
      assert.ok(Number.isNaN(truncatedNormalVariance(0, 0, -2, 2)));
      assert.ok(Number.isNaN(truncatedNormalVariance(0, 1, 2, -2)));
      assert.equal(truncatedNormalVariance(0, 1, 1, 1), 0);
    });
  });

  describe('torchInitVariance formulas (torch/nn/init.py)', () => {
    it('uniform(a=0, b=1) is (b − a)²/12', () => {
      assertClose(torchInitVariance('uniform', {}, undefined), 1 / 12, 1e-15);
      assertClose(torchInitVariance('uniform', { a: -0.05, b: 0.05 }, undefined), 0.01 / 12, 1e-15);
      assertClose(torchInitVariance('uniform', { a: -3 }, undefined), 16 / 12, 1e-15);
      assert.equal(torchInitVariance('uniform', { a: 1, b: 0 }, undefined), null);
    });

    it('normal(mean=0, std=1) is std²; the mean does not matter', () => {
      assert.equal(torchInitVariance('normal', {}, undefined), 1);
      assertClose(torchInitVariance('normal', { mean: 0, std: 0.02 }, undefined), 0.0004, 1e-15);
      assertClose(torchInitVariance('normal', { mean: 5, std: 0.1 }, undefined), 0.01, 1e-15);
      assertClose(torchInitVariance('normal', { mean: { expr: 'offset' }, std: 0.1 }, undefined), 0.01, 1e-15);
      assert.equal(torchInitVariance('normal', { std: -1 }, undefined), null);
    });

    it('trunc_normal(mean=0, std=1, a=−2, b=2) uses absolute bounds without std correction', () => {
      assertClose(torchInitVariance('trunc_normal', {}, undefined), 0.7737413035499232, 1e-14);
      assertClose(torchInitVariance('trunc_normal', { std: 0.02 }, undefined), 0.0004, 1e-14);
      assertClose(torchInitVariance('trunc_normal', { mean: 0, std: 1, a: -1, b: 1 }, undefined), truncatedNormalVariance(0, 1, -1, 1), 1e-15);
      // Bounds relative to the mean: a = −2, b = 2 around mean 1 cut asymmetrically.
      assertClose(torchInitVariance('trunc_normal', { mean: 1 }, undefined), truncatedNormalVariance(1, 1, -2, 2), 1e-15);
      assert.equal(torchInitVariance('trunc_normal', { std: 0 }, undefined), null);
    });

    it('constant, zeros, ones, eye and dirac are 0', () => {
      assert.equal(torchInitVariance('constant', { val: 0.5 }, undefined), 0);
      assert.equal(torchInitVariance('constant', { val: { expr: 'init_value' } }, undefined), 0);
      assert.equal(torchInitVariance('zeros', {}, undefined), 0);
      assert.equal(torchInitVariance('ones', {}, square), 0);
      assert.equal(torchInitVariance('eye', {}, square, [512, 512]), 0);
      assert.equal(torchInitVariance('eye', {}, undefined), 0);
      assert.equal(torchInitVariance('dirac', {}, undefined, [16, 16, 3, 3]), 0);
      assert.equal(torchInitVariance('dirac', { groups: 2 }, undefined, [16, 8, 3]), 0);
    });

    it('constant without val, eye on a non-2-D shape and dirac on a bad shape are null', () => {
      assert.equal(torchInitVariance('constant', {}, undefined), null);
      assert.equal(torchInitVariance('eye', {}, undefined, [4, 4, 3]), null);
      assert.equal(torchInitVariance('dirac', {}, undefined, [4, 4]), null);
      assert.equal(torchInitVariance('dirac', { groups: 3 }, undefined, [16, 16, 3]), null);
    });

    it('xavier_uniform and xavier_normal (gain=1) are 2·gain²/(fan_in + fan_out)', () => {
      for (const name of ['xavier_uniform', 'xavier_normal']) {
        assertClose(torchInitVariance(name, {}, wide), 2 / 266, 1e-15);
        assertClose(torchInitVariance(name, { gain: 5 / 3 }, square), (2 * 25) / 9 / 1024, 1e-15);
        assert.equal(torchInitVariance(name, {}, undefined), null);
        assert.equal(torchInitVariance(name, { gain: { expr: 'self.gain' } }, square), null);
        assert.equal(torchInitVariance(name, { gain: 'relu' }, square), null);
      }
    });

    it('kaiming defaults (a=0, fan_in, leaky_relu) give 2/fan_in', () => {
      for (const name of ['kaiming_uniform', 'kaiming_normal']) {
        assertClose(torchInitVariance(name, {}, wide), 2 / 256, 1e-15);
      }
    });

    it('kaiming is gain²/fan with gain = calculate_gain(nonlinearity, a)', () => {
      for (const name of ['kaiming_uniform', 'kaiming_normal']) {
        assertClose(torchInitVariance(name, { a: 0.2, nonlinearity: 'leaky_relu' }, square), 2 / 1.04 / 512, 1e-15);
        assertClose(torchInitVariance(name, { mode: 'fan_out', nonlinearity: 'relu' }, wide), 2 / 10, 1e-15);
        assertClose(torchInitVariance(name, { mode: 'FAN_OUT', nonlinearity: 'relu' }, wide), 2 / 10, 1e-15);
        assertClose(torchInitVariance(name, { nonlinearity: 'tanh' }, wide), 25 / 9 / 256, 1e-15);
        assertClose(torchInitVariance(name, { nonlinearity: 'selu' }, wide), 0.5625 / 256, 1e-15);
        assertClose(torchInitVariance(name, { nonlinearity: 'linear' }, wide), 1 / 256, 1e-15);
        // relu ignores `a`, even an unresolved one.
        assertClose(torchInitVariance(name, { a: { expr: 'slope' }, nonlinearity: 'relu' }, wide), 2 / 256, 1e-15);
      }
    });

    it('kaiming_uniform(a=√5) is the Linear/Conv default 1/(3·fan_in)', () => {
      assertClose(torchInitVariance('kaiming_uniform', { a: Math.sqrt(5) }, wide), 1 / (3 * 256), 1e-15);
    });

    it('kaiming with a=None uses calculate_gain’s default slope 0.01', () => {
      assertClose(torchInitVariance('kaiming_normal', { a: null }, wide), 2 / (1 + 1e-4) / 256, 1e-15);
    });

    it('kaiming is null for an unsupported nonlinearity, a bad mode, a bool or unresolved slope, or no fans', () => {
      assert.equal(torchInitVariance('kaiming_normal', { nonlinearity: 'gelu' }, wide), null);
      assert.equal(torchInitVariance('kaiming_normal', { mode: 'fan_avg' }, wide), null);
      assert.equal(torchInitVariance('kaiming_normal', { a: true }, wide), null);
      assert.equal(torchInitVariance('kaiming_normal', { a: { expr: 'slope' } }, wide), null);
      assert.equal(torchInitVariance('kaiming_normal', { nonlinearity: { expr: 'act' } }, wide), null);
      assert.equal(torchInitVariance('kaiming_normal', {}, undefined), null);
      assert.equal(torchInitVariance('kaiming_normal', {}, { fanIn: 0, fanOut: 0 }), null);
    });

    it('orthogonal(gain=1) is gain²/max(rows, cols) over the flattened shape', () => {
      assertClose(torchInitVariance('orthogonal', {}, undefined, [64, 64, 5]), 1 / 320, 1e-15);
      assertClose(torchInitVariance('orthogonal', { gain: 2 }, undefined, [1024, 256]), 4 / 1024, 1e-15);
      assertClose(torchInitVariance('orthogonal', {}, undefined, [256, 256]), 1 / 256, 1e-15);
      assert.equal(torchInitVariance('orthogonal', {}, square), null);
      assert.equal(torchInitVariance('orthogonal', {}, undefined, [16]), null);
    });

    it('sparse(sparsity, std=0.01) is (1 − sparsity)·std², exactly ⌈sparsity·rows⌉ zeros per column with a shape', () => {
      assertClose(torchInitVariance('sparse', { sparsity: 0.1 }, undefined), 0.9 * 1e-4, 1e-15);
      assertClose(torchInitVariance('sparse', { sparsity: 0.25, std: 0.02 }, undefined), 0.75 * 4e-4, 1e-15);
      assertClose(torchInitVariance('sparse', { sparsity: 0.1 }, undefined, [15, 4]), (13 / 15) * 1e-4, 1e-15);
      assert.equal(torchInitVariance('sparse', {}, undefined), null);
      assert.equal(torchInitVariance('sparse', { sparsity: 0.1 }, undefined, [4, 4, 4]), null);
    });

    it("lecun_normal (timm's lecun_normal_, not a torch.nn.init function) is 1/fan_in, null without fans", () => {
      assertClose(torchInitVariance('lecun_normal', {}, { fanIn: 256, fanOut: 64 }), 1 / 256, 1e-15);
      assert.equal(torchInitVariance('lecun_normal', {}, undefined), null);
      assert.equal(torchInitVariance('lecun_normal', { mode: 'fan_out' }, square), null);
    });

    it('is null for unknown names, trailing-underscore names and unknown keywords', () => {
      assert.equal(torchInitVariance('lecun_uniform', {}, square), null);
      assert.equal(torchInitVariance('xavier_uniform_', {}, square), null);
      assert.equal(torchInitVariance('toString', {}, square), null);
      assert.equal(torchInitVariance('normal', { stddev: 0.02 }, square), null);
    });

    it('accepts a generator keyword', () => {
      assertClose(torchInitVariance('normal', { std: 0.1, generator: { expr: 'g' } }, undefined), 0.01, 1e-15);
    });
  });

  describe('param_theory of the real-PyTorch reference runs', () => {
    const directory = TORCH_REFERENCE_DIR;
    // A missing fixture folder throws here (readdirSync) and an empty one fails below: never a skip.
    const files = readdirSync(directory)
      .filter((file) => file.endsWith('.torch.json'))
      .sort();
    it(`finds the reference runs in ${directory}`, () => {
      assert.ok(files.length > 0, `no *.torch.json in ${directory}`);
    });

    /** The weight shape torch builds for a reference layer. */
    const weightShape = (layer: Record<string, unknown>): number[] | undefined => {
      const number = (key: string): number => layer[key] as number;
      const groups = typeof layer.groups === 'number' ? layer.groups : 1;
      switch (layer.type) {
        case 'linear':
          return [number('out_features') ?? number('out'), number('in_features') ?? number('in')];
        case 'conv1d':
          return [number('out_channels'), number('in_channels') / groups, number('kernel_size')];
        case 'conv2d': {
          const kernel = layer.kernel_size;
          const [height, width] = Array.isArray(kernel) ? kernel : [kernel, kernel];
          return [number('out_channels'), number('in_channels') / groups, height as number, width as number];
        }
        case 'embedding':
          return [number('num_embeddings'), number('embedding_dim')];
        default:
          return undefined;
      }
    };

    /** Resolves a gain given as a nonlinearity (`"relu"`, `"leaky_relu(0.2)"`) the way the oracle does. */
    const resolveArgs = (init: Record<string, unknown>): InitArgs => {
      const args: InitArgs = {};
      for (const [key, value] of Object.entries(init)) {
        if (key === 'name') {
          continue;
        }
        if (key === 'gain' && typeof value === 'string') {
          const match = /^(\w+)(?:\(([-\d.e]+)\))?$/.exec(value);
          const gain = match ? torchCalculateGain(match[1], match[2] === undefined ? undefined : Number(match[2])) : undefined;
          args.gain = gain ?? value;
        } else {
          args[key] = value as InitArgs[string];
        }
      }
      return args;
    };

    const torchFunctions = new Set([
      'uniform',
      'normal',
      'trunc_normal',
      'constant',
      'zeros',
      'ones',
      'eye',
      'dirac',
      'xavier_uniform',
      'xavier_normal',
      'kaiming_uniform',
      'kaiming_normal',
      'orthogonal',
      'sparse',
    ]);

    for (const file of files) {
      it(`${file}: torchInitVariance reproduces every weight and bias variance`, () => {
        const run = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as { layers: Record<string, unknown>[] };
        let checked = 0;
        for (const layer of run.layers) {
          const shape = weightShape(layer);
          const fans = shape && weightFans(shape);
          if (fans && typeof layer.fan_in === 'number') {
            assert.deepEqual(fans, { fanIn: layer.fan_in, fanOut: layer.fan_out }, `layer ${layer.index} fans`);
          }
          const theory = layer.param_theory as Record<string, { mean: number; var: number } | undefined> | undefined;
          for (const [parameter, key] of [
            ['weight', 'weight_init'],
            ['bias', 'bias_init'],
          ] as const) {
            const init = layer[key] as Record<string, unknown> | undefined;
            const expected = theory?.[parameter]?.var;
            if (!init || expected === undefined) {
              continue;
            }
            const where = `layer ${layer.index} (${layer.type}) ${parameter} ${JSON.stringify(init)}`;
            if (init.name === 'pytorch-default') {
              if (layer.type !== 'linear') {
                continue;
              }
              // Linear.reset_parameters: kaiming_uniform_(weight, a=√5); bias U(±1/√fan_in).
              assert.ok(fans, where);
              assertClose(expected, 1 / (3 * fans.fanIn), 1e-12, 0, `${where} reference`);
              const bound = 1 / Math.sqrt(fans.fanIn);
              const variance =
                parameter === 'weight'
                  ? torchInitVariance('kaiming_uniform', { a: Math.sqrt(5) }, fans)
                  : torchInitVariance('uniform', { a: -bound, b: bound }, undefined);
              assertClose(variance, expected, 1e-12, 0, where);
              checked++;
              continue;
            }
            if (typeof init.name !== 'string' || !torchFunctions.has(init.name)) {
              continue;
            }
            const variance = torchInitVariance(
              init.name,
              resolveArgs(init),
              parameter === 'weight' ? fans : undefined,
              parameter === 'weight' ? shape : undefined,
            );
            assertClose(variance, expected, 1e-12, 1e-18, where);
            checked++;
          }
        }
        assert.ok(checked > 0, 'no layer was checked');
      });
    }
  });
});
