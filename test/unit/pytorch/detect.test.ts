/**
 * Framework detection by what defines models: a file that imports torch only for TensorBoard or
 * for tensors is no PyTorch model file, nor is a JAX script that imports flax only for its writer.
 */
import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../src/core/analyze';
import { detectPytorch } from '../../../src/core/frameworks/pytorch/detect';
import { loadGrammar } from '../support/python';

describe('framework detection by what defines models', () => {
  before(loadGrammar);

  it('does not read a file that imports torch only for TensorBoard or data loading as PyTorch', () => {
    assert.equal(detectPytorch('import jax\nfrom torch.utils.tensorboard import SummaryWriter\nw = SummaryWriter()\n'), false);
    assert.equal(detectPytorch('import numpy as np\nfrom torch.utils.data import DataLoader, Dataset\n'), false);
    assert.equal(analyzeText('import jax\nfrom torch.utils.tensorboard import SummaryWriter\n', 'log.py').framework, 'unknown');
  });

  it('does not read a script that uses torch only for tensors as PyTorch', () => {
    assert.equal(detectPytorch('import torch\nx = torch.zeros(3)\ntorch.save(x, "x.pt")\n'), false);
  });

  it('reads files that define or build models as PyTorch', () => {
    assert.equal(detectPytorch('import torch.nn as nn\nclass Net(nn.Module):\n    pass\n'), true);
    assert.equal(detectPytorch('import torch\nclass Net(torch.nn.Module):\n    pass\n'), true);
    assert.equal(detectPytorch('import torch\nfrom torchvision.models import resnet50\nm = resnet50()\n'), true);
    // A model class defined in another module of the workspace.
    assert.equal(detectPytorch('import torch\nfrom model import GPT, GPTConfig\nm = GPT(GPTConfig())\n'), true);
    assert.equal(detectPytorch('import torch\nfrom .networks import UNet\n'), true);
    assert.equal(detectPytorch('from torch.utils.tensorboard import SummaryWriter\nimport torch.nn as nn\n'), true);
  });

  it('does not read a JAX script that imports flax only for its TensorBoard writer as Flax', () => {
    const text = 'import jax\nimport jax.numpy as jnp\nfrom flax.metrics import tensorboard\nw = tensorboard.SummaryWriter("runs")\n';
    assert.equal(analyzeText(text, 'train.py').framework, 'unknown');
    assert.equal(analyzeText('import flax.linen as nn\nclass M(nn.Module):\n    pass\n', 'm.py').framework, 'flax');
  });
});
