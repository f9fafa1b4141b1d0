# Init Lens model stub: keras_hub.layers.PositionEmbedding (keras_hub 0.19, Keras 3).
# A learned (sequence_length, hidden_dim) table read at the input's positions; the input's last
# axis is the hidden size. Default initializer "glorot_uniform" (keras.io/keras_hub API reference).
# Described as an Embedding over the positions 0..n-1: the same table, shape and initializer.
import keras


class PositionEmbedding(keras.layers.Layer):
    def __init__(self, sequence_length, initializer="glorot_uniform", seq_axis=-2, **kwargs):
        super().__init__(**kwargs)
        self.sequence_length = sequence_length
        self.initializer = initializer

    def build(self, inputs_shape):
        self.position_embeddings = keras.layers.Embedding(
            self.sequence_length,
            inputs_shape[-1],
            embeddings_initializer=self.initializer,
            name="embeddings",
        )

    def call(self, inputs, start_index=0, positions=None):
        positions = keras.ops.arange(start_index, start_index + keras.ops.shape(inputs)[-2])
        return self.position_embeddings(positions)
