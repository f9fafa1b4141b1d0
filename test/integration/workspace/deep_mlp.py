"""A deep ReLU MLP that keeps PyTorch's default initialisation.

nn.Linear's default is kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)):
Var(W) = 1/(3 * fan_in), so sigma_w^2 = 1/3 where ReLU needs 2. Each layer keeps 1/6 of the
signal's second moment: going forward it falls until the default biases (also Var 1/(3 * fan_in))
hold it near 8e-4, and going backward the gradient shrinks x1/6 per layer, about 1e-15 over 19 layers.
"""
import torch
import torch.nn as nn

IN_FEATURES = 784
WIDTH = 512
DEPTH = 20
NUM_CLASSES = 10


class DeepReLUMLP(nn.Module):
    def __init__(self, in_features=IN_FEATURES, width=WIDTH, depth=DEPTH, num_classes=NUM_CLASSES):
        super().__init__()
        layers = [nn.Linear(in_features, width), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Linear(width, width), nn.ReLU()]
        layers.append(nn.Linear(width, num_classes))
        self.net = nn.Sequential(*layers)
        # no init code: every Linear keeps PyTorch's default

    def forward(self, x):
        return self.net(x.flatten(1))


class DeepTanhMLP(nn.Module):
    """The same problem with tanh: the default gives sigma_w^2 = 1/3, far below the 1 tanh needs."""

    def __init__(self, in_features=IN_FEATURES, width=WIDTH, num_classes=NUM_CLASSES):
        super().__init__()
        self.fc1 = nn.Linear(in_features, width)
        self.fc2 = nn.Linear(width, width)
        self.fc3 = nn.Linear(width, width)
        self.fc4 = nn.Linear(width, width)
        self.fc5 = nn.Linear(width, width)
        self.fc6 = nn.Linear(width, width)
        self.head = nn.Linear(width, num_classes)

    def forward(self, x):
        x = x.flatten(1)
        x = torch.tanh(self.fc1(x))
        x = torch.tanh(self.fc2(x))
        x = torch.tanh(self.fc3(x))
        x = torch.tanh(self.fc4(x))
        x = torch.tanh(self.fc5(x))
        x = torch.tanh(self.fc6(x))
        return self.head(x)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = DeepReLUMLP()
    x = torch.randn(256, IN_FEATURES)
    h = x
    for i, module in enumerate(model.net):
        h = module(h)
        if isinstance(module, nn.ReLU):
            print(f"after layer {i // 2 + 1:2d}: E[h^2] = {h.pow(2).mean().item():.3e}")
