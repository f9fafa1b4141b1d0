"""A model file that no test opens: its findings must come from the workspace scan."""
import torch
import torch.nn as nn


class TanhStack(nn.Module):
    def __init__(self, width=128):
        super().__init__()
        self.a = nn.Linear(width, width)
        self.b = nn.Linear(width, width)
        self.c = nn.Linear(width, width)
        self.out = nn.Linear(width, 10)

    def forward(self, x):
        x = torch.tanh(self.a(x))
        x = torch.tanh(self.b(x))
        x = torch.tanh(self.c(x))
        return self.out(x)
