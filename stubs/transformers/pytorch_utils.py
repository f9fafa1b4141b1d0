# Init Lens model stub: transformers.pytorch_utils (transformers 4.46).
from torch import nn


class Conv1D(nn.Linear):
    """GPT-2's Conv1D(nf, nx): a Linear from nx to nf features whose weight is stored transposed, (nx, nf).

    Its own init: weight N(0, 0.02), bias zeros. The transposed storage changes neither the fans of
    the map (nx in, nf out) nor the variance, so it is described as the Linear it computes.
    """

    def __init__(self, nf, nx):
        super().__init__(nx, nf)
        self.nf = nf
        nn.init.normal_(self.weight, std=0.02)
        nn.init.zeros_(self.bias)
