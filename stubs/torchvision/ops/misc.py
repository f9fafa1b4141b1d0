# Init Lens model stub: torchvision.ops.misc (torchvision 0.20).
# Described from the torchvision documentation: what each block builds, in which order, with which
# defaults. Every layer keeps PyTorch's default init (the blocks initialise nothing themselves).
import torch
from torch import nn


def _conv_norm_activation(conv_layer, in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer, activation_layer, dilation, inplace, bias):
    # padding None: "same" padding for odd kernels, (kernel_size - 1) // 2 * dilation.
    if padding is None:
        padding = (kernel_size - 1) // 2 * dilation
    # bias None: a bias only when there is no norm layer after the convolution.
    if bias is None:
        bias = norm_layer is None
    layers = [conv_layer(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation, groups=groups, bias=bias)]
    if norm_layer is not None:
        layers.append(norm_layer(out_channels))
    if activation_layer is not None:
        layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
    return layers


class Conv2dNormActivation(nn.Sequential):
    """Conv2d, then a norm layer (BatchNorm2d by default), then an activation (ReLU by default)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(*_conv_norm_activation(nn.Conv2d, in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer, activation_layer, dilation, inplace, bias))
        self.out_channels = out_channels


class Conv3dNormActivation(nn.Sequential):
    """Conv3d, then a norm layer (BatchNorm3d by default), then an activation (ReLU by default)."""

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1, norm_layer=nn.BatchNorm3d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        super().__init__(*_conv_norm_activation(nn.Conv3d, in_channels, out_channels, kernel_size, stride, padding, groups, norm_layer, activation_layer, dilation, inplace, bias))
        self.out_channels = out_channels


class MLP(nn.Sequential):
    """Linear layers of widths hidden_channels; after each but the last: the norm (if any), the activation, Dropout."""

    def __init__(self, in_channels, hidden_channels, norm_layer=None, activation_layer=nn.ReLU, inplace=None, bias=True, dropout=0.0):
        layers = []
        in_dim = in_channels
        for hidden_dim in hidden_channels[:-1]:
            layers.append(nn.Linear(in_dim, hidden_dim, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden_dim))
            layers.append(activation_layer() if inplace is None else activation_layer(inplace=inplace))
            layers.append(nn.Dropout(dropout))
            in_dim = hidden_dim
        layers.append(nn.Linear(in_dim, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout))
        super().__init__(*layers)


class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation: pool, 1x1 conv down, activation, 1x1 conv up, scale activation, times the input."""

    def __init__(self, input_channels, squeeze_channels, activation=nn.ReLU, scale_activation=nn.Sigmoid):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, input):
        scale = self.avgpool(input)
        scale = self.fc1(scale)
        scale = self.activation(scale)
        scale = self.fc2(scale)
        scale = self.scale_activation(scale)
        return scale * input


class Permute(nn.Module):
    """Permutes the dimensions of its input (no parameters)."""

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return torch.permute(x, self.dims)


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d whose statistics and affine parameters are fixed buffers: nothing here is trained."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", torch.ones(num_features))
        self.register_buffer("bias", torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        # A fixed affine map per channel: the activation after it is the one after the layer before it.
        return x
