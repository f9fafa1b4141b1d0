# Init Lens model stub: torchvision.models.convnext (torchvision 0.20), ConvNeXt tiny/small/base/large.
# As the torchvision documentation describes them: a 4x4 stride-4 patchify conv with a channels LayerNorm;
# stages of CNBlocks (7x7 depthwise conv → LayerNorm → Linear to 4x width → GELU → Linear back, scaled by
# a learnt layer scale of 1e-6, through stochastic depth, plus the input); between stages a LayerNorm and
# a 2x2 stride-2 conv; then global pooling, LayerNorm, Flatten and Linear. Its own init: every Conv2d and
# Linear trunc_normal_(std=0.02) with zero bias (norms keep weight 1, bias 0).
from functools import partial

import torch
from torch import nn
import torch.nn.functional as F

from ..ops.misc import Conv2dNormActivation, Permute
from ..ops.stochastic_depth import StochasticDepth


class LayerNorm2d(nn.LayerNorm):
    """A LayerNorm over the channels of an NCHW tensor."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    def __init__(self, dim, layer_scale, stochastic_depth_prob, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(torch.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):
        result = self.layer_scale * self.block(input)
        result = self.stochastic_depth(result)
        result += input
        return result


class CNBlockConfig:
    def __init__(self, input_channels, out_channels, num_layers):
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers


class ConvNeXt(nn.Module):
    def __init__(self, block_setting, stochastic_depth_prob=0.0, layer_scale=1e-6, num_classes=1000, block=None, norm_layer=None):
        super().__init__()
        if block is None:
            block = CNBlock
        if norm_layer is None:
            norm_layer = partial(LayerNorm2d, eps=1e-6)
        first_out = block_setting[0].input_channels
        layers = [Conv2dNormActivation(3, first_out, kernel_size=4, stride=4, padding=0, norm_layer=norm_layer, activation_layer=None, bias=True)]
        total_blocks = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * block_id / (total_blocks - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(nn.Sequential(norm_layer(cnf.input_channels), nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2)))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        last_out = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(norm_layer(last_out), nn.Flatten(1), nn.Linear(last_out, num_classes))
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        return self.classifier(x)


def convnext_tiny(*, weights=None, progress=True, stochastic_depth_prob=0.1, **kwargs):
    setting = [CNBlockConfig(96, 192, 3), CNBlockConfig(192, 384, 3), CNBlockConfig(384, 768, 9), CNBlockConfig(768, None, 3)]
    return ConvNeXt(setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)


def convnext_small(*, weights=None, progress=True, stochastic_depth_prob=0.4, **kwargs):
    setting = [CNBlockConfig(96, 192, 3), CNBlockConfig(192, 384, 3), CNBlockConfig(384, 768, 27), CNBlockConfig(768, None, 3)]
    return ConvNeXt(setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)


def convnext_base(*, weights=None, progress=True, stochastic_depth_prob=0.5, **kwargs):
    setting = [CNBlockConfig(128, 256, 3), CNBlockConfig(256, 512, 3), CNBlockConfig(512, 1024, 27), CNBlockConfig(1024, None, 3)]
    return ConvNeXt(setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)


def convnext_large(*, weights=None, progress=True, stochastic_depth_prob=0.5, **kwargs):
    setting = [CNBlockConfig(192, 384, 3), CNBlockConfig(384, 768, 3), CNBlockConfig(768, 1536, 27), CNBlockConfig(1536, None, 3)]
    return ConvNeXt(setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
