# Init Lens model stub: timm.layers.weight_init (timm 1.0).
# timm's init functions, each as the torch.nn.init call of the same distribution and variance.
from torch import nn


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """A normal N(mean, std²) truncated to [a, b] (absolute bounds), as torch.nn.init.trunc_normal_."""
    return nn.init.trunc_normal_(tensor, mean, std, a, b)


def lecun_normal_(tensor):
    """LeCun normal: variance 1/fan_in (timm draws it truncated at two standard deviations, rescaled to keep that variance)."""
    return nn.init.kaiming_normal_(tensor, mode="fan_in", nonlinearity="linear")
