# Init Lens model stub: torchvision.ops.stochastic_depth (torchvision 0.20).
# Stochastic depth drops whole residual branches at random in training; it has no parameters and,
# for the analysis, passes its input on.
from torch import nn


def stochastic_depth(input, p, mode, training=True):
    return input


class StochasticDepth(nn.Module):
    """Randomly drops the residual branch it wraps (mode "batch" or "row"); no parameters."""

    def __init__(self, p, mode):
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):
        return input
