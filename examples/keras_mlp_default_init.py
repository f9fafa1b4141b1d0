"""A deep ReLU MLP in Keras 3 with the default kernel initializer, and the same model done right."""
import keras
from keras import layers


def deep_relu_mlp(width=512, depth=8, num_classes=10):
    """Every Dense keeps Keras' default kernel_initializer="glorot_uniform": Var(W) = 2/(fan_in + fan_out)."""
    model = keras.Sequential(name="deep_relu_mlp")
    model.add(keras.Input(shape=(784,)))
    for _ in range(depth):
        model.add(layers.Dense(width, activation="relu"))
    model.add(layers.Dense(num_classes, activation="softmax"))
    return model


def deep_relu_mlp_he(width=512, depth=8, num_classes=10):
    """The same stack with He initialisation: Var(W) = 2/fan_in keeps the signal's scale through ReLU."""
    inputs = keras.Input(shape=(784,))
    x = inputs
    for _ in range(depth):
        x = layers.Dense(width, activation="relu", kernel_initializer="he_normal")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="deep_relu_mlp_he")
