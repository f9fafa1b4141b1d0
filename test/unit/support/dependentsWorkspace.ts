/**
 * The workspace of the dependents tests and bench: one imported file of blocks (with and without the
 * init ReLU calls for) and models that each build 8 of its blocks and a head.
 */

/** The imported file: a block whose Linear keeps the PyTorch default before a ReLU. */
export const BLOCKS = `import torch.nn as nn


class Block(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))
`;

/** The same block with the init ReLU calls for: no finding is left on it. */
export const FIXED_BLOCKS = BLOCKS.replace(
  '        self.act = nn.ReLU()\n',
  "        self.act = nn.ReLU()\n        nn.init.kaiming_normal_(self.fc.weight, nonlinearity='relu')\n",
);

/** A dependent: a network of 8 imported blocks and a head of its own. */
export function dependentModel(name: string): string {
  return `import torch.nn as nn

from .blocks import Block


class ${name}(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(*[Block(256) for _ in range(8)])
        self.head = nn.Linear(256, 10)

    def forward(self, x):
        return self.head(self.blocks(x))
`;
}
