# Init Lens model stub: keras_hub.layers.TransformerDecoder (keras_hub 0.19, Keras 3).
# Causal self-attention, cross-attention over `encoder_sequence` when one is given, then a two-Dense
# feedforward, each in a residual branch with LayerNormalization after the sum (before the branch
# with normalize_first=True). Defaults from the keras.io/keras_hub API reference: dropout 0,
# activation "relu", layer_norm_epsilon 1e-5, kernel_initializer "glorot_uniform", bias_initializer
# "zeros". The hidden size is the decoder input's last axis; key_dim = hidden_dim // num_heads.
# Its sublayers are made when it is called (keras_hub makes them in build(), from the same shapes):
# whether there is cross-attention is only known there.
import keras


class TransformerDecoder(keras.layers.Layer):
    def __init__(
        self,
        intermediate_dim,
        num_heads,
        dropout=0,
        activation="relu",
        layer_norm_epsilon=1e-05,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        normalize_first=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.normalize_first = normalize_first

    def _attention(self, hidden_dim, name):
        return keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=hidden_dim // self.num_heads,
            dropout=self.dropout,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            name=name,
        )

    def _block(self, x, attention, norm, dropout, source):
        residual = x
        if self.normalize_first:
            x = norm(x)
        x = attention(query=x, value=source if source is not None else x)
        x = dropout(x)
        x = x + residual
        if not self.normalize_first:
            x = norm(x)
        return x

    def call(self, decoder_sequence, encoder_sequence=None, training=None, **kwargs):
        hidden_dim = decoder_sequence.shape[-1]
        epsilon = self.layer_norm_epsilon
        x = self._block(
            decoder_sequence,
            self._attention(hidden_dim, "self_attention"),
            keras.layers.LayerNormalization(epsilon=epsilon, name="self_attention_layer_norm"),
            keras.layers.Dropout(rate=self.dropout, name="self_attention_dropout"),
            None,
        )
        if encoder_sequence is not None:
            x = self._block(
                x,
                self._attention(hidden_dim, "cross_attention"),
                keras.layers.LayerNormalization(epsilon=epsilon, name="cross_attention_layer_norm"),
                keras.layers.Dropout(rate=self.dropout, name="cross_attention_dropout"),
                encoder_sequence,
            )
        residual = x
        norm = keras.layers.LayerNormalization(epsilon=epsilon, name="feedforward_layer_norm")
        if self.normalize_first:
            x = norm(x)
        x = keras.layers.Dense(
            self.intermediate_dim,
            activation=self.activation,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            name="feedforward_intermediate_dense",
        )(x)
        x = keras.layers.Dense(hidden_dim, kernel_initializer=self.kernel_initializer, bias_initializer=self.bias_initializer, name="feedforward_output_dense")(x)
        x = keras.layers.Dropout(rate=self.dropout, name="feedforward_dropout")(x)
        x = x + residual
        if not self.normalize_first:
            x = norm(x)
        return x
