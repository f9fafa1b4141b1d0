/**
 * Patterns met in real Keras code (keras/src/applications, keras-io examples) that the hand-made
 * fixtures missed. Each case is written in the style of that code, reduced to what the defect needs.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/engine';
import type { Layer, Model } from '../../../src/core/graph';
import { loadGrammar } from '../support/python';

function models(source: string): Model[] {
  return analyzeFile(source, 'real.py').graph.models;
}

function layerOf(model: Model | undefined, name: string): Layer {
  const found = model?.layers.find((l) => l.name === name);
  assert.ok(found, `layer ${name} in ${model?.layers.map((l) => l.name).join(', ')}`);
  return found;
}

describe('Keras patterns from real code', () => {
  before(loadGrammar);

  // A convolutional tokenizer followed by a learned positional embedding (keras-io cct.py).
  const TOKENIZER = `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def build_classifier(num_classes=10):
    inputs = layers.Input((32, 32, 3))
    x = layers.Conv2D(64, 3, activation="relu", kernel_initializer="he_normal")(inputs)
    x = layers.MaxPool2D(3, 2, "same")(x)
    x = layers.Conv2D(128, 3, activation="relu", kernel_initializer="he_normal")(x)
    tokens = tf.reshape(x, (-1, 196, 128))
    positions = tf.range(start=0, limit=196, delta=1)
    tokens += layers.Embedding(input_dim=196, output_dim=128)(positions)
    h = layers.LayerNormalization(epsilon=1e-5)(tokens)
    h = layers.MultiHeadAttention(num_heads=2, key_dim=128)(h, h)
    tokens = layers.Add()([h, tokens])
    representation = layers.LayerNormalization(epsilon=1e-5)(tokens)
    weights = tf.nn.softmax(layers.Dense(1)(representation), axis=1)
    pooled = tf.squeeze(tf.matmul(weights, representation, transpose_a=True), -2)
    logits = layers.Dense(num_classes)(pooled)
    return keras.Model(inputs=inputs, outputs=logits)
`;

  it('does not take a positional embedding added to the tokens for a residual branch', () => {
    const analysis = analyzeFile(TOKENIZER, 'real.py');
    const model = analysis.graph.models.find((m) => m.name === 'build_classifier');
    assert.equal(layerOf(model, 'conv2d_1').residual, false);
    // The attention block's skip connection is still one.
    assert.equal(layerOf(model, 'multi_head_attention').residual, true);
    const onTokenizer = analysis.advice.findings.filter((f) => f.rule === 'init-residual' && f.message.includes('conv2d_1'));
    assert.deepEqual(onTokenizer, []);
  });

  it('keeps the layers before an attention-pooling matmul in the model', () => {
    const model = models(TOKENIZER).find((m) => m.name === 'build_classifier');
    assert.deepEqual(
      model?.layers.map((l) => l.name),
      ['conv2d', 'conv2d_1', 'embedding', 'layer_normalization', 'multi_head_attention', 'layer_normalization_1', 'dense', 'dense_1'],
    );
    assert.equal(layerOf(model, 'conv2d').fanIn, 27);
    // `tf.nn.softmax(…, axis=1)` over the sequence is still a softmax.
    const pooling = layerOf(model, 'dense').activation;
    assert.equal(typeof pooling === 'object' && pooling !== null ? pooling.name : pooling, 'softmax');
  });

  it('runs application entry points through their generic builder, one model each', () => {
    const source = `from keras.src import layers
from keras.src.models import Functional


def block(x, filters, name):
    shortcut = x
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_1_conv")(x)
    x = layers.BatchNormalization(name=name + "_1_bn")(x)
    x = layers.Activation("relu", name=name + "_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=name + "_2_conv")(x)
    x = layers.BatchNormalization(name=name + "_2_bn")(x)
    x = layers.Add(name=name + "_add")([shortcut, x])
    return layers.Activation("relu", name=name + "_out")(x)


def Net(stack_fn, preact, model_name="net", classes=1000):
    img_input = layers.Input(shape=(32, 32, 16))
    x = layers.Conv2D(16, 3, padding="same", name="stem_conv")(img_input)
    if not preact:
        x = layers.Activation("relu", name="stem_relu")(x)
    x = stack_fn(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = layers.Dense(classes, activation="softmax", name="predictions")(x)
    return Functional(img_input, x, name=model_name)


def NetSmall(classes=1000):
    def stack_fn(x):
        for i in range(2):
            x = block(x, 16, name="stage1_block" + str(i + 1))
        return x

    return Net(stack_fn, False, "net_small", classes)


def NetLarge(classes=1000):
    def stack_fn(x):
        for i in range(4):
            x = block(x, 16, name="stage1_block" + str(i + 1))
        return x

    return Net(stack_fn, False, "net_large", classes)
`;
    const found = models(source);
    assert.deepEqual(
      found.map((m) => [m.name, m.layers.length]),
      [
        ['NetSmall', 1 + 2 * 4 + 1],
        ['NetLarge', 1 + 4 * 4 + 1],
      ],
    );
    const small = found[0];
    const stem = layerOf(small, 'stem_conv').activation;
    assert.equal(typeof stem === 'object' && stem !== null ? stem.name : stem, 'relu');
    assert.equal(layerOf(small, 'stage1_block2_2_bn').residual, true);
    assert.equal(layerOf(small, 'predictions').fanIn, 16);
  });

  it('adds up the channels of a Concatenate when the spatial size is unknown (DenseNet)', () => {
    const source = `from keras.src import layers
from keras.src.models import Functional


def conv_block(x, growth_rate, name):
    x1 = layers.BatchNormalization(epsilon=1.001e-5, name=name + "_0_bn")(x)
    x1 = layers.Activation("relu", name=name + "_0_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=name + "_1_conv")(x1)
    return layers.Concatenate(axis=3, name=name + "_concat")([x, x1])


def TinyDenseNet(input_shape=None):
    img_input = layers.Input(shape=input_shape)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(img_input)
    for i in range(3):
        x = conv_block(x, 32, name="conv2_block" + str(i + 1))
    return Functional(img_input, x, name="tiny")
`;
    const model = models(source).find((m) => m.name === 'TinyDenseNet');
    // 3·3·(64 + 32·i) inputs per block.
    assert.equal(layerOf(model, 'conv2_block1_1_conv').fanIn, 9 * 64);
    assert.equal(layerOf(model, 'conv2_block2_1_conv').fanIn, 9 * 96);
    assert.equal(layerOf(model, 'conv2_block3_1_conv').fanIn, 9 * 128);
  });
  it('does not give an undecided add the channels of its first operand (MobileNetV2)', () => {
    const source = `from keras.src import backend
from keras.src import layers
from keras.src.models import Functional


def _inverted_res_block(inputs, expansion, stride, filters, block_id):
    channel_axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[channel_axis]
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, use_bias=False, name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(axis=channel_axis, name=f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, use_bias=False, padding="same", name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, use_bias=False, name=f"{prefix}project")(x)
    x = layers.BatchNormalization(axis=channel_axis, name=f"{prefix}project_BN")(x)
    if in_channels == filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def TinyMobileNet(input_shape=None):
    img_input = layers.Input(shape=input_shape)
    x = layers.Conv2D(32, kernel_size=3, strides=(2, 2), use_bias=False, name="Conv1")(img_input)
    x = layers.BatchNormalization(name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    x = _inverted_res_block(x, filters=16, stride=1, expansion=1, block_id=0)
    x = _inverted_res_block(x, filters=24, stride=2, expansion=6, block_id=1)
    return Functional(img_input, x)
`;
    const model = models(source).find((m) => m.name === 'TinyMobileNet');
    assert.equal(layerOf(model, 'expanded_conv_project').fanIn, 32);
    // Block 0 ends either in Add([32 channels, 16 channels]) (impossible) or in its 16-channel
    // projection: the next fan-in is not the skip's 32.
    assert.notEqual(layerOf(model, 'block_1_expand').fanIn, 32);
  });
  it('follows block configs that are deep-copied, popped and mutated (EfficientNet)', () => {
    const source = `import copy
import math

from keras.src import layers
from keras.src.models import Functional

BLOCKS_ARGS = [
    {"kernel_size": 3, "repeats": 2, "filters_in": 16, "filters_out": 24, "strides": 2},
]
CONV_KERNEL_INITIALIZER = {
    "class_name": "VarianceScaling",
    "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"},
}


def block(inputs, name="", filters_in=32, filters_out=16, kernel_size=3, strides=1):
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same", use_bias=False, name=name + "dwconv")(inputs)
    x = layers.BatchNormalization(name=name + "bn")(x)
    x = layers.Activation("swish", name=name + "activation")(x)
    se = layers.GlobalAveragePooling2D(name=name + "se_squeeze")(x)
    se = layers.Reshape((1, 1, filters_in), name=name + "se_reshape")(se)
    se = layers.Conv2D(filters_in, 1, activation="sigmoid", name=name + "se_expand")(se)
    x = layers.multiply([x, se], name=name + "se_excite")
    x = layers.Conv2D(filters_out, 1, use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER, name=name + "project_conv")(x)
    x = layers.BatchNormalization(name=name + "project_bn")(x)
    if strides == 1 and filters_in == filters_out:
        x = layers.add([x, inputs], name=name + "add")
    return x


def TinyEfficientNet(depth_coefficient=1.0):
    img_input = layers.Input(shape=(None, None, 16))
    x = img_input
    blocks_args = copy.deepcopy(BLOCKS_ARGS)
    for i, args in enumerate(blocks_args):
        for j in range(int(math.ceil(depth_coefficient * args.pop("repeats")))):
            if j > 0:
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, name=f"block{i + 1}{chr(j + 97)}_", **args)
    return Functional(img_input, x)
`;
    const model = models(source).find((m) => m.name === 'TinyEfficientNet');
    // The second repeat runs with the mutated config: stride 1, 24 → 24, so its skip is an identity add.
    assert.equal(layerOf(model, 'block1a_project_bn').residual, false);
    assert.equal(layerOf(model, 'block1b_project_bn').residual, true);
    // The squeeze-excite multiply keeps the channels: 24 inputs to block1b's projection.
    assert.equal(layerOf(model, 'block1b_project_conv').fanIn, 24);
    assert.equal(layerOf(model, 'block1a_project_conv').fanIn, 16);
    // VarianceScaling(2, fan_out) on a 1×1 kernel with 24 outputs: 2/24.
    const variance = layerOf(model, 'block1b_project_conv').init.weight?.variance;
    assert.ok(variance !== null && variance !== undefined && Math.abs(variance - 2 / 24) < 1e-12, String(variance));
  });
});
