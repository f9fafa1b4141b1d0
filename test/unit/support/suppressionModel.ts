/** A small PyTorch model with two ReLU layers (one call over two lines) and a GRU, for the suppression and config tests. */

/** The model's lines; `extra` replaces lines by index (0-based) to add comments. */
export function suppressionModel(extra: Record<number, string> = {}): string {
  const lines = [
    'import torch',
    'import torch.nn as nn',
    '',
    '',
    'class MLP(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc1 = nn.Linear(512, 512)',
    '        self.fc2 = nn.Linear(',
    '            512, 512)',
    '        self.out = nn.Linear(512, 10)',
    '        self.rnn = nn.GRU(4, 4)',
    '',
    '    def forward(self, x):',
    '        x = torch.relu(self.fc1(x))',
    '        x = torch.relu(self.fc2(x))',
    '        return self.out(x)',
    '',
  ];
  for (const [index, line] of Object.entries(extra)) {
    lines[Number(index)] = line;
  }
  return lines.join('\n');
}

/** Lines of the model (0-based): fc1's call, fc2's two lines, the GRU. */
export const FC1 = 7;
export const FC2 = 8;
export const FC2_END = 9;
export const GRU = 11;
