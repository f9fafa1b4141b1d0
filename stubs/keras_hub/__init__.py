# Init Lens model stub: keras_hub (keras_hub 0.19, Keras 3).
# Only the modeling layers under keras_hub.layers are described; backbones and tasks are not.
from keras_hub import layers
