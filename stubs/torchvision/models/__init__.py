# Init Lens model stub: torchvision.models (torchvision 0.20): the ResNet family's constructors; the
# other models are left to the framework.
from .resnet import ResNet, resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d, wide_resnet50_2, wide_resnet101_2
