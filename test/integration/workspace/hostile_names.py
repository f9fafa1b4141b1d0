# Layer names and an init argument written as Markdown links, images and HTML: Init Lens must show
# them as text in its hovers and tooltips, never as links or images.
import torch.nn as nn
import torch.nn.functional as F


class Hostile(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleDict(
            {
                "[x](command:initLens.applyRecommendations?%5B%5D)": nn.Linear(256, 256),
                "![i](https://example.com/a.png)": nn.Linear(256, 256),
                "a)![j](https://example.com/b.png": nn.Linear(256, 256),
            }
        )
        self.add_module("<img src=x>", nn.Linear(256, 256))
        self.out = nn.Linear(256, 10)
        nn.init.kaiming_normal_(self.out.weight, mode="[m](https://example.com/m)")

    def forward(self, x):
        for block in self.blocks.values():
            x = F.relu(block(x))
        x = F.relu(getattr(self, "<img src=x>")(x))
        return self.out(x)
