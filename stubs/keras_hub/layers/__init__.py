# Init Lens model stub: keras_hub.layers (keras_hub 0.19, Keras 3).
# The modeling layers people build their own models from, described from the keras.io/keras_hub API
# reference: each block's sublayers, their default initializers and activations, and its data flow.
from keras_hub.layers.position_embedding import PositionEmbedding
from keras_hub.layers.token_and_position_embedding import TokenAndPositionEmbedding
from keras_hub.layers.transformer_encoder import TransformerEncoder
from keras_hub.layers.transformer_decoder import TransformerDecoder
