# Init Lens model stub: timm.layers.create_act (timm 1.0).
# get_act_layer maps an activation's name (or a class, returned as it is) to its layer class;
# create_act_layer builds one (None for no activation). Names timm documents whose layers are timm's
# own (quick_gelu, hard_mish, ...) are not described: they look up to a symbol.
from functools import partial

from torch import nn

_LAYERS_BY_NAME = {
    "silu": nn.SiLU,
    "swish": nn.SiLU,
    "mish": nn.Mish,
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "prelu": nn.PReLU,
    "celu": nn.CELU,
    "selu": nn.SELU,
    "gelu": nn.GELU,
    "gelu_tanh": partial(nn.GELU, approximate="tanh"),
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "hard_sigmoid": nn.Hardsigmoid,
    "hard_swish": nn.Hardswish,
    "identity": nn.Identity,
}


def get_act_layer(name="relu"):
    """The activation layer class of `name`; a class or callable (or None) is returned unchanged; "" gives None."""
    if not isinstance(name, str):
        return name
    if name == "":
        return None
    # A name of timm's own layers (quick_gelu, ...) is not described: the lookup says so.
    return _LAYERS_BY_NAME[name]


def create_act_layer(name, inplace=None, **kwargs):
    """An instance of get_act_layer(name) (inplace only changes memory use, not the math), or None."""
    act_layer = get_act_layer(name)
    if act_layer is None:
        return None
    return act_layer(**kwargs)
