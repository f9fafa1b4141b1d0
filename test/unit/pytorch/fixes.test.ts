/**
 * Fixes spelled in PyTorch: the exact text each case produces, that it parses, and that the
 * re-analysed file has no finding left on the fixed layer (idempotence).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { mergeFixes } from '../../../src/core/advice/fixAll';
import { parsePython } from '../../../src/core/python/parser';
import { applyEdits } from '../support/edits';
import { loadGrammar } from '../support/python';

function mlp(header: string, body: string[], forward: string, indent = '    ', eol = '\n'): string {
  const i2 = indent + indent;
  return [
    header,
    '',
    'class Net(nn.Module):',
    `${indent}def __init__(self):`,
    `${i2}super().__init__()`,
    ...body.map((line) => `${i2}${line}`),
    '',
    `${indent}def forward(self, x):`,
    `${i2}x = ${forward.replace('X', 'self.fc1(x)')}`,
    `${i2}x = ${forward.replace('X', 'self.fc2(x)')}`,
    `${i2}x = ${forward.replace('X', 'self.fc3(x)')}`,
    `${i2}return self.out(x)`,
    '',
  ].join(eol);
}

const LAYERS = ['self.fc1 = nn.Linear(256, 256)', 'self.fc2 = nn.Linear(256, 256)', 'self.fc3 = nn.Linear(256, 256)', 'self.out = nn.Linear(256, 10)'];
const TORCH = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F';

function fixFor(text: string, layer: string) {
  const analysis = analyzeFile(text, 'net.py');
  const finding = analysis.advice.findings.find((f) => f.layer === layer);
  assert.ok(finding, `a finding on ${layer}`);
  assert.ok(finding.fix, `a fix for ${layer}`);
  return finding.fix;
}

function assertFixed(text: string, layer: string): string {
  const fixed = applyEdits(text, fixFor(text, layer).edits);
  const tree = parsePython(fixed)!;
  try {
    assert.equal(tree.rootNode.hasError, false, `the fixed text parses:\n${fixed}`);
  } finally {
    tree.delete();
  }
  const again = analyzeFile(fixed, 'net.py');
  assert.deepEqual(
    again.advice.findings.filter((f) => f.layer === layer),
    [],
    'no finding left on the fixed layer',
  );
  return fixed;
}

describe('PyTorch fixes', () => {
  before(loadGrammar);

  it('inserts kaiming_normal_ after `self.fc1 = …` for a default init before ReLU', () => {
    const text = mlp(TORCH, LAYERS, 'F.relu(X)');
    const fixed = assertFixed(text, 'fc1');
    assert.ok(fixed.includes("        self.fc1 = nn.Linear(256, 256)\n        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity='relu')\n"), fixed);
  });

  it('rewrites an explicit xavier call in place, keeping the tensor expression and the alias', () => {
    const text = mlp(
      'import torch\nfrom torch import nn\nfrom torch.nn import init\nimport torch.nn.functional as F',
      [...LAYERS, 'init.xavier_uniform_(self.fc2.weight)'],
      'F.relu(X)',
    );
    const fixed = assertFixed(text, 'fc2');
    assert.ok(fixed.includes("init.kaiming_normal_(self.fc2.weight, nonlinearity='relu')"), fixed);
    assert.ok(!fixed.includes('xavier_uniform_'), 'the old call is replaced, not duplicated');
  });

  it('spells a computed gain for GELU and adds `import math` once', () => {
    const text = mlp(TORCH, LAYERS, 'F.gelu(X)');
    const fixed = assertFixed(text, 'fc1');
    assert.ok(fixed.includes('nn.init.normal_(self.fc1.weight, std=1.5335 / math.sqrt(256))'), fixed);
    assert.equal(fixed.match(/^import math$/gm)?.length, 1);
  });

  it('rewrites `nn.init.normal_(…)` and `torch.nn.init.trunc_normal_(…)` calls on the right tensor', () => {
    const text = mlp(TORCH, [...LAYERS, 'nn.init.normal_(self.fc1.weight, std=0.001)', 'torch.nn.init.trunc_normal_(self.fc2.weight, std=0.02)'], 'F.relu(X)');
    const fixed = assertFixed(text, 'fc1');
    assert.ok(fixed.includes("nn.init.kaiming_normal_(self.fc1.weight, nonlinearity='relu')"), fixed);
    const both = assertFixed(fixed, 'fc2');
    assert.ok(both.includes("torch.nn.init.kaiming_normal_(self.fc2.weight, nonlinearity='relu')"), both);
  });

  it('rewrites an in-place tensor method (`.weight.data.normal_(0, 0.02)`)', () => {
    const text = mlp(TORCH, [...LAYERS, 'self.fc3.weight.data.normal_(0, 0.02)'], 'torch.tanh(X)');
    const fixed = assertFixed(text, 'fc3');
    assert.ok(fixed.includes("nn.init.xavier_uniform_(self.fc3.weight, gain=nn.init.calculate_gain('tanh'))"), fixed);
  });

  it('keeps CRLF line endings and tab indentation', () => {
    const text = mlp(TORCH.replace(/\n/g, '\r\n'), LAYERS, 'F.leaky_relu(X, 0.2)', '\t', '\r\n');
    const fixed = assertFixed(text, 'fc1');
    assert.ok(
      fixed.includes("\t\tself.fc1 = nn.Linear(256, 256)\r\n\t\tnn.init.kaiming_normal_(self.fc1.weight, a=0.2, nonlinearity='leaky_relu')\r\n"),
      JSON.stringify(fixed),
    );
    assert.ok(!/[^\r]\n/.test(fixed), 'no bare LF introduced');
  });

  it('uses `torch.nn.init.` when the file imports only `torch`', () => {
    const text = mlp('import torch\nimport torch.nn.functional as F\nnn = torch.nn', LAYERS, 'F.relu(X)');
    const fixed = assertFixed(text, 'fc1');
    assert.ok(fixed.includes("torch.nn.init.kaiming_normal_(self.fc1.weight, nonlinearity='relu')"), fixed);
  });

  it('adds an orthogonal loop for recurrent weights after the LSTM definition', () => {
    const text = [
      'import torch.nn as nn',
      '',
      'class Encoder(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.lstm = nn.LSTM(128, 256, num_layers=2)',
      '',
      '    def forward(self, x):',
      '        out, _ = self.lstm(x)',
      '        return out',
      '',
    ].join('\n');
    const fixed = assertFixed(text, 'lstm');
    assert.ok(
      fixed.includes(
        "        for name, param in self.lstm.named_parameters():\n            if 'weight_hh' in name:\n                nn.init.orthogonal_(param)\n",
      ),
      fixed,
    );
  });

  it('puts the recurrent-weights loop after a later init loop that writes them, not before it', () => {
    const file = path.join(__dirname, '..', '..', 'fixtures', 'pytorch', 'lstm_init_loop_after.py');
    const text = fs.readFileSync(file, 'utf8');
    const fixed = assertFixed(text, 'lstm');
    const ours = fixed.indexOf('if "weight_hh" in name:');
    const theirs = fixed.indexOf('nn.init.zeros_(param)');
    assert.ok(theirs > 0 && ours > theirs, `the new loop follows the file's own loop:\n${fixed}`);
    assert.ok(fixed.includes('                nn.init.zeros_(param)\n        for name, param in self.lstm.named_parameters():\n'), fixed);
  });

  it('puts the recurrent-weights loop after a later `self.apply(...)` that writes them', () => {
    const file = path.join(__dirname, '..', '..', 'fixtures', 'pytorch', 'gru_apply_after.py');
    const fixed = assertFixed(fs.readFileSync(file, 'utf8'), 'gru');
    assert.ok(fixed.includes('        self.apply(self._init_weights)\n        for name, param in self.gru.named_parameters():\n'), fixed);
  });

  it('offers no recurrent-weights fix when the last write is in another block than the layer', () => {
    const text = [
      'import torch.nn as nn',
      '',
      'class Encoder(nn.Module):',
      '    def __init__(self, train=True):',
      '        super().__init__()',
      '        if train:',
      '            self.lstm = nn.LSTM(16, 32)',
      '        else:',
      '            self.lstm = nn.LSTM(16, 32)',
      '        for name, param in self.lstm.named_parameters():',
      '            nn.init.xavier_uniform_(param)',
      '',
      '    def forward(self, x):',
      '        return self.lstm(x)[0]',
      '',
    ].join('\n');
    // After the definition (inside the branch) the loop would undo it; the finding stays, with no fix.
    const findings = analyzeFile(text, 'net.py').advice.findings.filter((f) => f.rule === 'init-recurrent');
    assert.deepEqual(
      findings.map((f) => [f.layer, f.fix]),
      [['lstm', null]],
    );
  });

  it('inits every Linear of a Sequential built from a list with one loop after `self.net = …`', () => {
    const text = [
      TORCH,
      '',
      'class Deep(nn.Module):',
      '    def __init__(self, width=128, depth=6):',
      '        super().__init__()',
      '        layers = []',
      '        for _ in range(depth - 1):',
      '            layers += [nn.Linear(width, width), nn.ReLU()]',
      '        layers.append(nn.Linear(width, 10))',
      '        self.net = nn.Sequential(*layers)',
      '',
      '    def forward(self, x):',
      '        return self.net(x)',
      '',
    ].join('\n');
    const fixed = assertFixed(text, 'net.0');
    assert.ok(
      fixed.includes(
        "        self.net = nn.Sequential(*layers)\n        for m in self.net.modules():\n            if isinstance(m, nn.Linear):\n                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')\n",
      ),
      fixed,
    );
    assert.deepEqual(analyzeFile(fixed, 'deep.py').advice.findings, [], 'every layer is fixed by the one loop');
  });

  it('scales the residual ends of a timm-style ViT by names that leave out the patch embedding proj, and clears the findings', () => {
    const file = path.join(__dirname, '..', '..', 'fixtures', 'pytorch', 'vit_timm_residual.py');
    const text = fs.readFileSync(file, 'utf8');
    const findings = analyzeFile(text, 'vit.py').advice.findings.filter((f) => f.rule === 'init-residual');
    assert.equal(findings.length, 24, findings.map((f) => f.layer).join(', '));
    assert.ok(
      findings.every((f) => f.fix),
      'every end gets the fix',
    );
    const fixed = applyEdits(text, mergeFixes(findings));
    assert.ok(
      fixed.includes(
        "        self.apply(init_weights_vit_timm)\n        for pn, p in self.named_parameters():\n            if pn.endswith(('.attn.proj.weight', '.mlp.fc2.weight')):\n",
      ),
      fixed,
    );
    assert.deepEqual(
      analyzeFile(fixed, 'vit.py')
        .advice.findings.filter((f) => f.rule === 'init-residual')
        .map((f) => f.layer),
      [],
    );
  });

  it('scales GPT-2 residual projections with one named_parameters() loop after self.apply(...)', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'gpt_block.py'), 'utf8');
    const findings = analyzeFile(text, 'gpt_block.py').advice.findings.filter((f) => f.rule === 'init-residual');
    assert.equal(findings.length, 24);
    const fix = findings[0]!.fix!;
    assert.ok(
      findings.every((f) => f.fix === fix),
      'one fix for all branch ends',
    );
    const fixed = applyEdits(text, fix.edits);
    assert.match(
      fixed,
      /self\.apply\(self\._init_weights\)\n {8}for pn, p in self\.named_parameters\(\):\n {12}if pn\.endswith\("\.c_proj\.weight"\):\n {16}nn\.init\.normal_\(p, mean=0\.0, std=0\.02 \/ math\.sqrt\(24\)\)\n/,
    );
    assert.deepEqual(
      analyzeFile(fixed, 'gpt_block.py').advice.findings.filter((f) => f.rule === 'init-residual'),
      [],
    );
  });

  it('offers no fix when one call writes layers that need different inits', () => {
    const text = [
      TORCH,
      '',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.a1 = nn.Linear(64, 64)',
      '        self.a2 = nn.Linear(64, 64)',
      '        self.b1 = nn.Linear(64, 64)',
      '        self.b2 = nn.Linear(64, 64)',
      '        self.out = nn.Linear(64, 1)',
      '        for m in self.modules():',
      '            if isinstance(m, nn.Linear):',
      '                nn.init.normal_(m.weight, std=0.01)',
      '',
      '    def forward(self, x):',
      '        x = F.relu(self.a2(F.relu(self.a1(x))))',
      '        x = torch.tanh(self.b2(torch.tanh(self.b1(x))))',
      '        return self.out(x)',
      '',
    ].join('\n');
    const analysis = analyzeFile(text, 'net.py');
    const a1 = analysis.advice.findings.find((f) => f.layer === 'a1');
    assert.ok(a1, 'a finding on a1');
    assert.equal(a1.fix, null);
  });
});

describe('fixing a whole file', () => {
  before(loadGrammar);

  for (const example of ['mlp_default_init.py', 'gpt_block.py']) {
    it(`merges every fix of examples/${example} into edits that parse and leave no fixable finding`, () => {
      const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', example), 'utf8');
      let current = text;
      // Overlapping fixes wait for the next round, as `source.fixAll` does on save.
      for (let round = 0; round < 3; round++) {
        const edits = mergeFixes(analyzeFile(current, example).advice.findings);
        if (edits.length === 0) {
          break;
        }
        current = applyEdits(current, edits);
        const tree = parsePython(current)!;
        try {
          assert.equal(tree.rootNode.hasError, false, current);
        } finally {
          tree.delete();
        }
      }
      assert.notEqual(current, text);
      assert.deepEqual(
        analyzeFile(current, example).advice.findings.filter((f) => f.fix),
        [],
      );
      assert.equal((current.match(/^import math$/gm) ?? []).length <= 1, true);
    });
  }
});
