# Init Lens model stub: timm.layers.drop (timm 1.0).
# DropPath (stochastic depth per sample) has no parameters and, for the analysis, passes its input on.
from torch import nn


def drop_path(x, drop_prob=0.0, training=False, scale_by_keep=True):
    return x


class DropPath(nn.Module):
    """Drops whole residual branches per sample in training; no parameters."""

    def __init__(self, drop_prob=0.0, scale_by_keep=True):
        super().__init__()
        self.drop_prob = drop_prob
        self.scale_by_keep = scale_by_keep

    def forward(self, x):
        return x
