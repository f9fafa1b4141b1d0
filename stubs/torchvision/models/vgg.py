# Init Lens model stub: torchvision.models.vgg (torchvision 0.20).
# VGG as the torchvision documentation describes it: stacks of 3x3 convs (padding 1; with batch norm in
# the _bn variants), each followed by ReLU, max-pooling between stages ("M" in a configuration),
# adaptive pooling to 7x7, and a classifier Linear(512*7*7, 4096) → ReLU → Dropout → Linear(4096, 4096)
# → ReLU → Dropout → Linear(4096, num_classes). Its own init (init_weights=True): every Conv2d
# kaiming_normal_(mode="fan_out", nonlinearity="relu") with zero bias, norms weight 1 and bias 0, every
# Linear normal(0, 0.01) with zero bias. `weights=` is taken and ignored (a fresh model's init).
from torch import nn

# Configurations A, B, D, E of the VGG paper: output channels of each conv, "M" a max-pool.
cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
            if batch_norm:
                layers.append(nn.BatchNorm2d(v))
            layers.append(nn.ReLU(inplace=True))
            in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = x.flatten(1)
        return self.classifier(x)


def _vgg(cfg, batch_norm, weights=None, progress=True, **kwargs):
    return VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, **kwargs):
    return _vgg("A", False, weights, progress, **kwargs)


def vgg11_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("A", True, weights, progress, **kwargs)


def vgg13(*, weights=None, progress=True, **kwargs):
    return _vgg("B", False, weights, progress, **kwargs)


def vgg13_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("B", True, weights, progress, **kwargs)


def vgg16(*, weights=None, progress=True, **kwargs):
    return _vgg("D", False, weights, progress, **kwargs)


def vgg16_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("D", True, weights, progress, **kwargs)


def vgg19(*, weights=None, progress=True, **kwargs):
    return _vgg("E", False, weights, progress, **kwargs)


def vgg19_bn(*, weights=None, progress=True, **kwargs):
    return _vgg("E", True, weights, progress, **kwargs)
