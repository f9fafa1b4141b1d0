# Init Lens model stub: transformers.activations (transformers 4.46).
# ACT2FN maps a config's activation name to an activation module instance.
from torch import nn

ACT2FN = {
    "gelu": nn.GELU(),
    "gelu_new": nn.GELU(approximate="tanh"),
    "gelu_fast": nn.GELU(approximate="tanh"),
    "gelu_pytorch_tanh": nn.GELU(approximate="tanh"),
    "relu": nn.ReLU(),
    "relu6": nn.ReLU6(),
    "leaky_relu": nn.LeakyReLU(),
    "silu": nn.SiLU(),
    "swish": nn.SiLU(),
    "mish": nn.Mish(),
    "tanh": nn.Tanh(),
    "sigmoid": nn.Sigmoid(),
    "linear": nn.Identity(),
}


def get_activation(activation_string):
    return ACT2FN[activation_string]
