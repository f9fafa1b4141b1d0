/**
 * keras_hub modeling layers (issue 11 item 2): TransformerEncoder / TransformerDecoder build their
 * attention, norms and two-Dense feedforward with the documented defaults (glorot_uniform kernels,
 * zero biases, relu, epsilon 1e-5, post-norm); TokenAndPositionEmbedding's token table is
 * RandomUniform(±0.05). A model using them is analysed instead of calling them unknown layers.
 */
import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../src/core/analyze';
import { loadGrammar } from '../support/python';
import { layersOf } from './support';

const HEAD = 'import keras\nimport keras_hub\n\n';

describe('stubs: keras_hub.layers (keras_hub 0.19)', () => {
  before(loadGrammar);

  it('TokenAndPositionEmbedding then a TransformerEncoder: a uniform token table, glorot_uniform attention and feedforward, relu inside', () => {
    const graph = analyzeText(
      `${HEAD}inputs = keras.Input(shape=(64,), dtype="int32")
x = keras_hub.layers.TokenAndPositionEmbedding(vocabulary_size=5000, sequence_length=64, embedding_dim=128)(inputs)
x = keras_hub.layers.TransformerEncoder(intermediate_dim=256, num_heads=4, dropout=0.1)(x)
x = keras.layers.GlobalAveragePooling1D()(x)
outputs = keras.layers.Dense(2, activation="softmax")(x)
classifier = keras.Model(inputs, outputs)
`,
      'm.py',
    );
    assert.deepEqual(layersOf(graph, 'classifier'), [
      'token_embedding Embedding(5000→128) w=random_uniform:0.000833333 b=- → none @keras_hub/layers/token_and_position_embedding.py',
      'embeddings Embedding(64→128) w=random_uniform:0.000833333 b=- → none @keras_hub/layers/position_embedding.py',
      'self_attention_layer MultiHeadAttention(null→null) w=glorot_uniform b=zeros → none @keras_hub/layers/transformer_encoder.py',
      'self_attention_dropout Dropout(null→null) w=- b=- → none @keras_hub/layers/transformer_encoder.py',
      'self_attention_layer_norm LayerNormalization(null→null) w=ones:0 b=zeros → none @keras_hub/layers/transformer_encoder.py',
      'feedforward_intermediate_dense Dense(128→256) w=glorot_uniform:0.00520833 b=zeros → relu @keras_hub/layers/transformer_encoder.py',
      'feedforward_output_dense Dense(256→128) w=glorot_uniform:0.00520833 b=zeros → none @keras_hub/layers/transformer_encoder.py',
      'feedforward_dropout Dropout(null→null) w=- b=- → none @keras_hub/layers/transformer_encoder.py',
      'feedforward_layer_norm LayerNormalization(null→null) w=ones:0 b=zeros → none @keras_hub/layers/transformer_encoder.py',
      'dense Dense(128→2) w=glorot_uniform:0.0153846 b=zeros → softmax',
    ]);
    assert.deepEqual(graph.notes, []);
  });

  it('TransformerDecoder adds cross-attention over the encoder sequence, with the activation it is given', () => {
    const graph = analyzeText(
      `${HEAD}tokens = keras.Input(shape=(32,), dtype="int32")
memory = keras.Input(shape=(32, 64))
x = keras.layers.Embedding(1000, 64)(tokens)
x = keras_hub.layers.TransformerDecoder(intermediate_dim=128, num_heads=8, activation="gelu")(x, memory)
logits = keras.layers.Dense(1000)(x)
decoder = keras.Model([tokens, memory], logits)
`,
      'm.py',
    );
    assert.deepEqual(layersOf(graph, 'decoder'), [
      'embedding Embedding(1000→64) w=random_uniform:0.000833333 b=- → none',
      'self_attention MultiHeadAttention(null→null) w=glorot_uniform b=zeros → none @keras_hub/layers/transformer_decoder.py',
      'self_attention_dropout Dropout(null→null) w=- b=- → none @keras_hub/layers/transformer_decoder.py',
      'self_attention_layer_norm LayerNormalization(null→null) w=ones:0 b=zeros → none @keras_hub/layers/transformer_decoder.py',
      'cross_attention MultiHeadAttention(null→null) w=glorot_uniform b=zeros → none @keras_hub/layers/transformer_decoder.py',
      'cross_attention_dropout Dropout(null→null) w=- b=- → none @keras_hub/layers/transformer_decoder.py',
      'cross_attention_layer_norm LayerNormalization(null→null) w=ones:0 b=zeros → none @keras_hub/layers/transformer_decoder.py',
      'feedforward_intermediate_dense Dense(64→128) w=glorot_uniform:0.0104167 b=zeros → gelu @keras_hub/layers/transformer_decoder.py',
      'feedforward_output_dense Dense(128→64) w=glorot_uniform:0.0104167 b=zeros → none @keras_hub/layers/transformer_decoder.py',
      'feedforward_dropout Dropout(null→null) w=- b=- → none @keras_hub/layers/transformer_decoder.py',
      'feedforward_layer_norm LayerNormalization(null→null) w=ones:0 b=zeros → none @keras_hub/layers/transformer_decoder.py',
      'dense Dense(64→1000) w=glorot_uniform:0.0018797 b=zeros → none',
    ]);
  });

  it('PositionEmbedding alone is a (sequence_length, hidden) table with glorot_uniform', () => {
    const graph = analyzeText(
      `${HEAD}inputs = keras.Input(shape=(50,), dtype="int32")
x = keras.layers.Embedding(1000, 32)(inputs)
x = x + keras_hub.layers.PositionEmbedding(sequence_length=50)(x)
outputs = keras.layers.Dense(4)(x)
tagger = keras.Model(inputs, outputs)
`,
      'm.py',
    );
    assert.ok(
      layersOf(graph, 'tagger').includes('embeddings Embedding(50→32) w=glorot_uniform:0.0243902 b=- → none @keras_hub/layers/position_embedding.py'),
      layersOf(graph, 'tagger').join('\n'),
    );
  });
});
