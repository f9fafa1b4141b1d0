# Init Lens model stub: timm.layers.weight_init (timm 1.0).
# trunc_normal_ as the torch.nn.init call of the same distribution and variance. lecun_normal_ (a normal
# truncated at two standard deviations, rescaled to variance 1/fan_in) is not described here: Init Lens
# knows it by name as its own init, so this stub leaves it unbound.
from torch import nn


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0):
    """A normal N(mean, std²) truncated to [a, b] (absolute bounds), as torch.nn.init.trunc_normal_."""
    return nn.init.trunc_normal_(tensor, mean, std, a, b)

