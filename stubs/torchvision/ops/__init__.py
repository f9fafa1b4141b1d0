# Init Lens model stub: torchvision.ops (torchvision 0.20), the blocks of torchvision.ops.misc and
# torchvision.ops.stochastic_depth as the package re-exports them.
from .misc import Conv2dNormActivation, Conv3dNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation
from .stochastic_depth import StochasticDepth, stochastic_depth
