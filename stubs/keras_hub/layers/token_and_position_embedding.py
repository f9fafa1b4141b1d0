# Init Lens model stub: keras_hub.layers.TokenAndPositionEmbedding (keras_hub 0.19, Keras 3).
# A token Embedding(vocabulary_size, embedding_dim) and a PositionEmbedding(sequence_length), both
# with `embeddings_initializer` (default "uniform": RandomUniform(-0.05, 0.05)), summed.
import keras

from keras_hub.layers.position_embedding import PositionEmbedding


class TokenAndPositionEmbedding(keras.layers.Layer):
    def __init__(self, vocabulary_size, sequence_length, embedding_dim, tie_weights=True, embeddings_initializer="uniform", mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.token_embedding = keras.layers.Embedding(
            vocabulary_size,
            embedding_dim,
            embeddings_initializer=embeddings_initializer,
            mask_zero=mask_zero,
            name="token_embedding",
        )
        self.position_embedding = PositionEmbedding(
            sequence_length=sequence_length,
            initializer=embeddings_initializer,
            name="position_embedding",
        )

    def call(self, inputs, start_index=0, positions=None):
        embedded_tokens = self.token_embedding(inputs)
        embedded_positions = self.position_embedding(embedded_tokens)
        return embedded_tokens + embedded_positions
