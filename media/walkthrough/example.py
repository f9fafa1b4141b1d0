"""Init Lens walkthrough: a deep ReLU MLP that keeps PyTorch's default initialisation.

nn.Linear's default init gives Var(W) = 1/(3 * fan_in), but ReLU needs He's 2/fan_in: each layer
keeps about 1/6 of the signal, and over the stack the gradient all but vanishes.
"""
import torch.nn as nn


class DeepMLP(nn.Module):
    def __init__(self, width=512, depth=12, num_classes=10):
        super().__init__()
        layers = []
        for _ in range(depth):
            layers += [nn.Linear(width, width), nn.ReLU()]
        self.net = nn.Sequential(*layers, nn.Linear(width, num_classes))

    def forward(self, x):
        return self.net(x)
