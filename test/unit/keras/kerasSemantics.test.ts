/**
 * Keras semantics, checked against numbers worked out by hand from the Keras sources
 * (keras/src/initializers/*.py, keras/src/layers/**): initializer names and variances, fans of each
 * kernel layout, layer defaults, activations, and what stays unknown.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import type { Layer } from '../../../src/core/graph';
import { initializerFromString, kerasInitVariance, kerasFans } from '../../../src/core/frameworks/keras/initializers';
import { snakeCase } from '../../../src/core/frameworks/keras/catalog';
import { kerasInitializerFor } from '../../../src/core/frameworks/keras/fixes';
import { detectKeras } from '../../../src/core/frameworks/keras/detect';
import { recommendFor } from '../../../src/core/advice/recommend';
import { loadGrammar } from '../support/python';

const close = (actual: number | null, expected: number, what: string) => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: expected ${expected}, got ${actual}`);
};

function layers(source: string): Layer[] {
  const analysis = analyzeFile(source, 'test.py');
  return analysis.graph.models.flatMap((model) => model.layers);
}

function layer(source: string, name: string): Layer {
  const found = layers(source).find((l) => l.name === name);
  assert.ok(
    found,
    `layer ${name} in ${layers(source)
      .map((l) => l.name)
      .join(', ')}`,
  );
  return found;
}

const HEADER = 'import keras\nfrom keras import layers\n';

describe('Keras semantics', () => {
  before(loadGrammar);

  it('detects Keras by its imports, not by a TensorFlow import used for data', () => {
    assert.ok(detectKeras('import keras\n'));
    assert.ok(detectKeras('from tensorflow.keras import layers\n'));
    assert.ok(detectKeras('from tensorflow import keras\n'));
    assert.ok(detectKeras('import tensorflow as tf\nmodel = tf.keras.Sequential()\n'));
    assert.ok(!detectKeras('import tensorflow as tf\nimport flax.linen as nn\nds = tf.data.Dataset.range(3)\n'));
    assert.ok(!detectKeras('import tensorflow_datasets as tfds\n'));
  });

  describe('initializers', () => {
    it('resolves string identifiers case-sensitively, with the aliases of keras.initializers.get', () => {
      assert.equal(initializerFromString('he_normal'), 'he_normal');
      assert.equal(initializerFromString('HeNormal'), 'he_normal');
      assert.equal(initializerFromString('normal'), 'random_normal');
      assert.equal(initializerFromString('uniform'), 'random_uniform');
      assert.equal(initializerFromString('one'), 'ones');
      assert.equal(initializerFromString('zero'), 'zeros');
      assert.equal(initializerFromString('OrthogonalInitializer'), 'orthogonal');
      assert.equal(initializerFromString('He_Normal'), undefined);
      assert.equal(initializerFromString('kaiming_normal'), undefined);
    });

    it('gives VarianceScaling variance scale/fan whatever the distribution (truncated normal is std-corrected)', () => {
      const shape = [3, 3, 16, 32];
      // compute_fans: receptive 9, fan_in 144, fan_out 288.
      assert.deepEqual(kerasFans(shape), { fanIn: 144, fanOut: 288 });
      close(kerasInitVariance({ name: 'he_normal', args: {} }, shape), 2 / 144, 'he_normal');
      close(kerasInitVariance({ name: 'he_uniform', args: {} }, shape), 2 / 144, 'he_uniform');
      close(kerasInitVariance({ name: 'glorot_uniform', args: {} }, shape), 1 / 216, 'glorot_uniform (fan_avg 216)');
      close(kerasInitVariance({ name: 'lecun_normal', args: {} }, shape), 1 / 144, 'lecun_normal');
      close(
        kerasInitVariance({ name: 'variance_scaling', args: { scale: 2, mode: 'fan_out', distribution: 'untruncated_normal' } }, shape),
        2 / 288,
        'fan_out',
      );
      close(
        kerasInitVariance({ name: 'variance_scaling', args: { scale: 3, distribution: 'Normal' } }, shape),
        3 / 144,
        "'Normal' is lower-cased and means truncated_normal",
      );
      assert.equal(kerasInitVariance({ name: 'variance_scaling', args: { mode: 'fan_sum' } }, shape), null, 'Keras rejects the mode');
      // scale /= max(1, fan): a fan below 1 does not amplify.
      close(kerasInitVariance({ name: 'he_normal', args: {} }, [0, 4]), 2, 'fan 0 counts as 1');
    });

    it('gives the fixed-scale initializers their Keras defaults', () => {
      close(kerasInitVariance({ name: 'random_normal', args: {} }, [10, 10]), 0.05 ** 2, 'RandomNormal stddev 0.05');
      close(kerasInitVariance({ name: 'random_uniform', args: {} }, [10, 10]), 0.1 ** 2 / 12, 'RandomUniform ±0.05');
      // TruncatedNormal: cut at ±2σ without correction: σ²·(1 − 4φ(2)/(2Φ(2) − 1)) = σ²·0.7737413...
      close(kerasInitVariance({ name: 'truncated_normal', args: { stddev: 0.1 } }, [10, 10]), 0.01 * 0.7737413, 'TruncatedNormal');
      close(kerasInitVariance({ name: 'orthogonal', args: {} }, [64, 256]), 1 / 256, 'Orthogonal (64, 256)');
      close(kerasInitVariance({ name: 'orthogonal', args: { gain: 2 } }, [3, 3, 8, 4]), 4 / 72, 'Orthogonal flattens to (72, 4)');
      assert.equal(kerasInitVariance({ name: 'zeros', args: {} }, [3]), 0);
      assert.equal(kerasInitVariance({ name: 'unknown', args: {} }, [3, 3]), null);
    });
  });

  describe('layers', () => {
    it('names layers as Keras does: to_snake_case of the class, numbered per name', () => {
      assert.equal(snakeCase('Conv2D'), 'conv2d');
      assert.equal(snakeCase('BatchNormalization'), 'batch_normalization');
      assert.equal(snakeCase('Conv2DTranspose'), 'conv2d_transpose');
      assert.equal(snakeCase('DepthwiseConv2D'), 'depthwise_conv2d');
      assert.equal(snakeCase('LeakyReLU'), 'leaky_re_lu');
      const names = layers(`${HEADER}m = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(8, name="head"), layers.Dense(2)])\n`).map(
        (l) => l.name,
      );
      assert.deepEqual(names, ['dense', 'head', 'dense_1']);
    });

    it('uses the kernel layouts of Conv (k, in/g, out), ConvTranspose (k, out, in), DepthwiseConv (k, in, m) and LSTM (in, 4u)', () => {
      const source = `${HEADER}x = keras.Input((16, 16, 8))
a = layers.Conv2D(12, 3, groups=2, name="grouped")(x)
b = layers.Conv2DTranspose(6, (2, 2), strides=2, name="up")(a)
c = layers.DepthwiseConv2D(3, depth_multiplier=2, name="dw")(b)
s = keras.Input((20, 5))
r = layers.LSTM(7, name="rnn")(s)
m = keras.Model([x, s], [c, r])
`;
      const grouped = layer(source, 'grouped');
      assert.deepEqual([grouped.fanIn, grouped.fanOut], [9 * 4, 9 * 12]);
      close(grouped.init.weight!.variance, 2 / (36 + 108), 'grouped glorot_uniform');
      const up = layer(source, 'up');
      assert.deepEqual([up.fanIn, up.fanOut], [4 * 6, 4 * 12]);
      const dw = layer(source, 'dw');
      // The true fans (each output reads ∏k inputs); the initializer still sees Keras' fan_in = in·∏k = 54.
      assert.deepEqual([dw.fanIn, dw.fanOut], [9, 9 * 2]);
      close(dw.init.weight!.variance, 2 / (54 + 18), 'depthwise glorot_uniform over Keras fans (54, 18)');
      const rnn = layer(source, 'rnn');
      assert.deepEqual([rnn.fanIn, rnn.fanOut], [5, 28]);
      close(rnn.init.weight!.variance, 2 / 33, 'LSTM kernel glorot_uniform');
      close(rnn.init.weight_hh!.variance, 1 / 28, 'LSTM recurrent orthogonal (7, 28)');
      assert.equal(rnn.init.weight_hh!.name, 'orthogonal');
      assert.deepEqual(rnn.init.bias!.args, { unit_forget_bias: true });
    });

    it('takes the input shape from model.build(), InputLayer(shape=...) and input_shape=', () => {
      const built = layer(
        `${HEADER}model = keras.Sequential()\nmodel.add(layers.Dense(64, activation="relu"))\nmodel.add(layers.Dense(10))\nmodel.build((None, 784))\n`,
        'dense',
      );
      assert.deepEqual([built.fanIn, built.fanOut], [784, 64]);
      const inputLayer = layer(
        `${HEADER}m = keras.Sequential([layers.InputLayer(shape=(28, 28, 3)), layers.Conv2D(8, 5), layers.Flatten(), layers.Dense(4)])\n`,
        'dense',
      );
      assert.equal(inputLayer.fanIn, 24 * 24 * 8, 'valid 5×5 conv on 28×28, flattened');
      const declared = layer(
        `${HEADER}m = keras.Sequential([layers.Conv2D(8, 3, strides=2, padding="same", input_shape=(9, 9, 3)), layers.MaxPooling2D(), layers.Flatten(), layers.Dense(4)])\n`,
        'dense',
      );
      assert.equal(declared.fanIn, 2 * 2 * 8, 'same padding ⌈9/2⌉ = 5, pooled to 2');
    });

    it('leaves a windowed size unknown when pool_size, strides or kernel_size is not a number', () => {
      const after = (layerText: string) => layer(`${HEADER}m = keras.Sequential([${layerText}, layers.Flatten(), layers.Dense(4)])\n`, 'dense').fanIn;
      assert.equal(after('layers.MaxPooling2D(pool_size=2, strides=1, input_shape=(8, 8, 3))'), 7 * 7 * 3, 'valid 2×2 pool, stride 1, on 8×8');
      assert.equal(after('layers.MaxPooling2D(pool_size=2, input_shape=(8, 8, 3))'), 4 * 4 * 3, 'strides default to pool_size');
      assert.equal(typeof after('layers.MaxPooling2D(pool_size=2, strides=cfg.stride, input_shape=(8, 8, 3))'), 'string', 'strides unknown');
      assert.equal(typeof after('layers.AveragePooling2D(pool_size=cfg.pool, input_shape=(8, 8, 3))'), 'string', 'pool_size unknown');
      const conv = layer(`${HEADER}m = keras.Sequential([layers.Conv2D(8, cfg.k, input_shape=(8, 8, 3))])\n`, 'conv2d');
      assert.equal(typeof conv.fanIn, 'string', 'an unknown kernel_size is no 1×1 kernel');
    });

    it('leaves fans symbolic when the input shape is not in the file, and marks absent biases null', () => {
      const dense = layer(`${HEADER}m = keras.Sequential([layers.Dense(8, use_bias=False), layers.Dense(2)])\n`, 'dense');
      assert.equal(typeof dense.fanIn, 'string');
      assert.equal(dense.fanOut, 8);
      assert.equal(dense.init.weight!.variance, null, 'glorot needs both fans');
      assert.equal(dense.init.bias, null);
    });
  });

  describe('paths the analysis cannot decide', () => {
    it('does not take a value or an activation from one branch of an undecidable if', () => {
      const source = `${HEADER}import tensorflow as tf

def build(num_classes, use_gelu):
    x = keras.Input((16,))
    h = layers.Dense(32, name="hidden")(x)
    if use_gelu:
        h = tf.nn.gelu(h)
    else:
        h = tf.nn.relu(h)
    if num_classes == 2:
        units = 1
    else:
        units = num_classes
    return keras.Model(x, layers.Dense(units, name="head")(h))
`;
      assert.equal(layer(source, 'hidden').activation, 'unknown');
      assert.equal(typeof layer(source, 'head').fanOut, 'string', 'units is not taken from the first branch');
    });
  });

  describe('activations', () => {
    const activationOf = (line: string) => {
      const found = layer(
        `${HEADER}import tensorflow as tf\nx = keras.Input((4,))\ny = layers.Dense(8, name="d")(x)\n${line}\nm = keras.Model(x, y)\n`,
        'd',
      ).activation;
      return found === null || found === 'unknown' ? found : { name: found.name, params: found.params };
    };

    it('reads activation layers and functions with Keras defaults', () => {
      assert.deepEqual(activationOf('y = layers.LeakyReLU()(y)'), { name: 'leaky_relu', params: { negative_slope: 0.3 } });
      assert.deepEqual(activationOf('y = layers.LeakyReLU(alpha=0.1)(y)'), { name: 'leaky_relu', params: { negative_slope: 0.1 } });
      assert.deepEqual(activationOf('y = keras.activations.leaky_relu(y)'), { name: 'leaky_relu', params: { negative_slope: 0.2 } });
      assert.deepEqual(activationOf('y = tf.nn.leaky_relu(y, alpha=0.05)'), { name: 'leaky_relu', params: { negative_slope: 0.05 } });
      assert.deepEqual(activationOf('y = layers.ReLU(max_value=6.0)(y)'), { name: 'relu6', params: {} });
      assert.deepEqual(activationOf('y = layers.PReLU()(y)'), { name: 'prelu', params: { negative_slope: 0 } });
      assert.deepEqual(activationOf('y = keras.ops.gelu(y)'), { name: 'gelu', params: { approximate: 'tanh' } });
      assert.deepEqual(activationOf('y = tf.nn.gelu(y)'), { name: 'gelu', params: {} });
      assert.deepEqual(activationOf('y = layers.Activation("swish")(y)'), { name: 'silu', params: {} });
      assert.deepEqual(activationOf('y = layers.Dropout(0.1)(layers.BatchNormalization()(y))\ny = tf.nn.relu(y)'), { name: 'relu', params: {} });
      assert.equal(activationOf('y = layers.Activation("linear")(y)'), null);
    });

    it('says unknown for what it cannot evaluate', () => {
      assert.equal(activationOf('y = layers.Activation("hard_sigmoid")(y)'), 'unknown');
      assert.equal(activationOf('y = layers.Lambda(lambda t: t * 2)(y)'), 'unknown');
      assert.equal(activationOf('y = layers.ReLU(threshold=0.5)(y)'), 'unknown');
      assert.equal(activationOf('y = my_activation(y)'), 'unknown');
    });
  });

  describe('advice', () => {
    it('warns on a deep ReLU MLP with the Glorot default and gives He variance 2/fan_in in Keras semantics', () => {
      const source = `${HEADER}x = keras.Input((256,))\nh = x\nfor _ in range(6):\n    h = layers.Dense(256, activation="relu")(h)\nout = layers.Dense(10)(h)\nm = keras.Model(x, out)\n`;
      const analysis = analyzeFile(source, 'mlp.py');
      const warnings = analysis.advice.findings.filter((f) => f.rule === 'init-relu' && f.severity === 'warning');
      assert.ok(warnings.length > 0);
      const signal = warnings[0]!.signal;
      close(signal.varianceNow, 1 / 256, 'glorot on 256 × 256');
      close(signal.varianceWanted, 2 / 256, 'He');
    });

    it('spells recommendations as Keras aliases or an exact VarianceScaling', () => {
      const spell = (name: string, params: Record<string, number | string> = {}) =>
        kerasInitializerFor(recommendFor({ name, params, range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } })!);
      assert.deepEqual(spell('relu'), { alias: 'he_normal' });
      assert.deepEqual(spell('selu'), { alias: 'lecun_normal' });
      assert.deepEqual(spell('sigmoid'), { alias: 'glorot_uniform' });
      const leaky = spell('leaky_relu', { negative_slope: 0.2 });
      assert.ok(leaky && 'scale' in leaky);
      close(leaky.scale, 2 / 1.04, 'He with slope 0.2');
      const tanh = spell('tanh');
      assert.ok(tanh && 'scale' in tanh && tanh.mode === 'fan_avg');
      close(tanh.scale, 25 / 9, 'Glorot with gain 5/3');
    });
  });
});
