# Init Lens model stub: keras_hub.layers.TransformerEncoder (keras_hub 0.19, Keras 3).
# Self-attention then a two-Dense feedforward, each in a residual branch with LayerNormalization
# after the sum (before the branch with normalize_first=True). Defaults from the keras.io/keras_hub
# API reference: dropout 0, activation "relu", layer_norm_epsilon 1e-5, kernel_initializer
# "glorot_uniform", bias_initializer "zeros" for the attention and dense layers. The hidden size is
# the input's last axis; attention key_dim = hidden_dim // num_heads.
import keras


class TransformerEncoder(keras.layers.Layer):
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

    def build(self, inputs_shape):
        hidden_dim = inputs_shape[-1]
        self._self_attention_layer = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=hidden_dim // self.num_heads,
            dropout=self.dropout,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            name="self_attention_layer",
        )
        self._self_attention_layer_norm = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="self_attention_layer_norm")
        self._self_attention_dropout = keras.layers.Dropout(rate=self.dropout, name="self_attention_dropout")
        self._feedforward_layer_norm = keras.layers.LayerNormalization(epsilon=self.layer_norm_epsilon, name="feedforward_layer_norm")
        self._feedforward_intermediate_dense = keras.layers.Dense(
            self.intermediate_dim,
            activation=self.activation,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            name="feedforward_intermediate_dense",
        )
        self._feedforward_output_dense = keras.layers.Dense(
            hidden_dim,
            kernel_initializer=self.kernel_initializer,
            bias_initializer=self.bias_initializer,
            name="feedforward_output_dense",
        )
        self._feedforward_dropout = keras.layers.Dropout(rate=self.dropout, name="feedforward_dropout")

    def call(self, inputs, padding_mask=None, attention_mask=None, training=None):
        x = inputs
        residual = x
        if self.normalize_first:
            x = self._self_attention_layer_norm(x)
        x = self._self_attention_layer(query=x, value=x)
        x = self._self_attention_dropout(x)
        x = x + residual
        if not self.normalize_first:
            x = self._self_attention_layer_norm(x)
        residual = x
        if self.normalize_first:
            x = self._feedforward_layer_norm(x)
        x = self._feedforward_intermediate_dense(x)
        x = self._feedforward_output_dense(x)
        x = self._feedforward_dropout(x)
        x = x + residual
        if not self.normalize_first:
            x = self._feedforward_layer_norm(x)
        return x
