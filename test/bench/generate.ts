/**
 * A deterministic generator of a large, realistic PyTorch model file for the benchmark: many
 * nn.Module classes with layers in __init__, Sequential blocks, ModuleLists built in loops, init
 * functions (module-level, `self.apply`, loops over `self.modules()` and `named_parameters()`,
 * custom `reset_parameters`), and forward methods with residuals and functional activations.
 * The same seed always gives the same text.
 */

/** mulberry32: a small seeded PRNG, so every run benchmarks the same text. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const ACT_MODULES = ['nn.ReLU(inplace=True)', 'nn.GELU()', 'nn.SiLU()', 'nn.Tanh()', 'nn.LeakyReLU(0.2, inplace=True)', 'nn.ELU()', 'nn.Mish()'];
const ACT_FUNCTIONAL = ['F.relu', 'F.gelu', 'F.silu', 'torch.tanh', 'torch.sigmoid'];
const WIDTHS = [32, 48, 64, 96, 128, 192, 256, 384, 512, 768];
const INITS = [
  (w: string) => `nn.init.kaiming_normal_(${w}, mode="fan_out", nonlinearity="relu")`,
  (w: string) => `nn.init.kaiming_uniform_(${w}, a=math.sqrt(5))`,
  (w: string) => `nn.init.xavier_uniform_(${w})`,
  (w: string) => `nn.init.xavier_normal_(${w}, gain=nn.init.calculate_gain("tanh"))`,
  (w: string) => `nn.init.normal_(${w}, mean=0.0, std=0.02)`,
  (w: string) => `nn.init.trunc_normal_(${w}, std=0.02)`,
  (w: string) => `nn.init.orthogonal_(${w})`,
];

const HEADER = `"""
A synthetic model zoo for benchmarking Init Lens: convolutional, residual, attention and recurrent
families, each with its blocks, a top-level network and its own initialisation scheme.
Generated deterministically by test/bench/generate.ts; not meant to be imported.
"""
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
`;

/** One family: several block classes plus a network built from them; returns Python lines. */
function family(rand: Rand, k: number): string[] {
  const kind = k % 6;
  switch (kind) {
    case 0:
      return convFamily(rand, k);
    case 1:
      return transformerFamily(rand, k);
    case 2:
      return mlpFamily(rand, k);
    case 3:
      return recurrentFamily(rand, k);
    case 4:
      return resnetFamily(rand, k);
    default:
      return unetFamily(rand, k);
  }
}

function initFunction(rand: Rand, name: string): string[] {
  const conv = pick(rand, INITS)('m.weight');
  const lin = pick(rand, INITS)('m.weight');
  return [
    `def ${name}(m: nn.Module) -> None:`,
    `    """Initialise one module in place (used with Module.apply)."""`,
    `    if isinstance(m, (nn.Conv1d, nn.Conv2d)):`,
    `        ${conv}`,
    `        if m.bias is not None:`,
    `            nn.init.zeros_(m.bias)`,
    `    elif isinstance(m, nn.Linear):`,
    `        ${lin}`,
    `        if m.bias is not None:`,
    `            nn.init.constant_(m.bias, 0.0)`,
    `    elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm, nn.LayerNorm)):`,
    `        nn.init.ones_(m.weight)`,
    `        nn.init.zeros_(m.bias)`,
    ``,
    ``,
  ];
}

function convFamily(rand: Rand, k: number): string[] {
  const c0 = pick(rand, [32, 64, 96]);
  const act = pick(rand, ACT_MODULES);
  const depth = int(rand, 2, 4);
  const classes = int(rand, 10, 1000);
  const features: string[] = [];
  let c = 3;
  for (let i = 0; i < depth; i++) {
    const out = c0 * 2 ** i;
    features.push(
      `            nn.Conv2d(${c}, ${out}, kernel_size=3, stride=${i === 0 ? 1 : 2}, padding=1, bias=False),`,
      `            nn.BatchNorm2d(${out}),`,
      `            ${act},`,
    );
    if (i % 2 === 1) {
      features.push(`            nn.MaxPool2d(kernel_size=2, stride=2),`);
    }
    c = out;
  }
  return [
    `class ConvBNAct${k}(nn.Sequential):`,
    `    """Conv → BatchNorm → activation, the basic unit of family ${k}."""`,
    ``,
    `    def __init__(self, in_ch: int, out_ch: int, kernel_size: int = 3, stride: int = 1, groups: int = 1) -> None:`,
    `        padding = (kernel_size - 1) // 2`,
    `        super().__init__(`,
    `            nn.Conv2d(in_ch, out_ch, kernel_size, stride, padding, groups=groups, bias=False),`,
    `            nn.BatchNorm2d(out_ch),`,
    `            ${act},`,
    `        )`,
    `        self.out_channels = out_ch`,
    ``,
    ``,
    `class SqueezeExcite${k}(nn.Module):`,
    `    def __init__(self, channels: int, reduction: int = ${pick(rand, [4, 8, 16])}) -> None:`,
    `        super().__init__()`,
    `        hidden = max(8, channels // reduction)`,
    `        self.pool = nn.AdaptiveAvgPool2d(1)`,
    `        self.fc1 = nn.Conv2d(channels, hidden, 1)`,
    `        self.fc2 = nn.Conv2d(hidden, channels, 1)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        s = self.pool(x)`,
    `        s = F.relu(self.fc1(s), inplace=True)`,
    `        s = torch.sigmoid(self.fc2(s))`,
    `        return x * s`,
    ``,
    ``,
    `class ConvNet${k}(nn.Module):`,
    `    """A plain convolutional classifier with ${depth} stages."""`,
    ``,
    `    def __init__(self, num_classes: int = ${classes}, dropout: float = ${pick(rand, ['0.0', '0.1', '0.2', '0.5'])}) -> None:`,
    `        super().__init__()`,
    `        self.features = nn.Sequential(`,
    ...features,
    `        )`,
    `        self.se = SqueezeExcite${k}(${c})`,
    `        self.head = ConvBNAct${k}(${c}, ${c * 2}, kernel_size=1)`,
    `        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))`,
    `        self.classifier = nn.Sequential(`,
    `            nn.Dropout(p=dropout),`,
    `            nn.Linear(${c * 2}, ${c}),`,
    `            ${act},`,
    `            nn.Dropout(p=dropout),`,
    `            nn.Linear(${c}, num_classes),`,
    `        )`,
    `        self._initialize_weights()`,
    ``,
    `    def _initialize_weights(self) -> None:`,
    `        for m in self.modules():`,
    `            if isinstance(m, nn.Conv2d):`,
    `                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")`,
    `                if m.bias is not None:`,
    `                    nn.init.constant_(m.bias, 0)`,
    `            elif isinstance(m, nn.BatchNorm2d):`,
    `                nn.init.constant_(m.weight, 1)`,
    `                nn.init.constant_(m.bias, 0)`,
    `            elif isinstance(m, nn.Linear):`,
    `                nn.init.normal_(m.weight, 0, 0.01)`,
    `                nn.init.constant_(m.bias, 0)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        x = self.features(x)`,
    `        x = self.se(x)`,
    `        x = self.head(x)`,
    `        x = self.avgpool(x)`,
    `        x = torch.flatten(x, 1)`,
    `        x = self.classifier(x)`,
    `        return x`,
    ``,
    ``,
  ];
}

function transformerFamily(rand: Rand, k: number): string[] {
  const dim = pick(rand, [128, 256, 384, 512, 768]);
  const heads = pick(rand, [4, 8, 12]);
  const layers = int(rand, 2, 6);
  const ratio = pick(rand, [2, 4]);
  const act = pick(rand, ['nn.GELU', 'nn.SiLU', 'nn.ReLU']);
  return [
    `@dataclass`,
    `class TransformerConfig${k}:`,
    `    dim: int = ${dim}`,
    `    n_head: int = ${heads}`,
    `    n_layer: int = ${layers}`,
    `    mlp_ratio: int = ${ratio}`,
    `    vocab_size: int = ${int(rand, 1000, 50000)}`,
    `    block_size: int = ${pick(rand, [128, 256, 512, 1024])}`,
    `    dropout: float = 0.1`,
    `    bias: bool = ${pick(rand, ['True', 'False'])}`,
    ``,
    ``,
    `class Attention${k}(nn.Module):`,
    `    def __init__(self, config: TransformerConfig${k}) -> None:`,
    `        super().__init__()`,
    `        assert config.dim % config.n_head == 0`,
    `        self.n_head = config.n_head`,
    `        self.head_dim = config.dim // config.n_head`,
    `        self.scale = self.head_dim ** -0.5`,
    `        self.qkv = nn.Linear(config.dim, 3 * config.dim, bias=config.bias)`,
    `        self.proj = nn.Linear(config.dim, config.dim, bias=config.bias)`,
    `        self.attn_drop = nn.Dropout(config.dropout)`,
    `        self.proj_drop = nn.Dropout(config.dropout)`,
    ``,
    `    def forward(self, x: Tensor, mask: Optional[Tensor] = None) -> Tensor:`,
    `        B, T, C = x.shape`,
    `        qkv = self.qkv(x).reshape(B, T, 3, self.n_head, self.head_dim).permute(2, 0, 3, 1, 4)`,
    `        q, k, v = qkv.unbind(0)`,
    `        att = (q @ k.transpose(-2, -1)) * self.scale`,
    `        if mask is not None:`,
    `            att = att.masked_fill(mask == 0, float("-inf"))`,
    `        att = att.softmax(dim=-1)`,
    `        att = self.attn_drop(att)`,
    `        y = (att @ v).transpose(1, 2).reshape(B, T, C)`,
    `        return self.proj_drop(self.proj(y))`,
    ``,
    ``,
    `class FeedForward${k}(nn.Module):`,
    `    def __init__(self, dim: int, hidden: int, dropout: float = 0.0) -> None:`,
    `        super().__init__()`,
    `        self.fc1 = nn.Linear(dim, hidden)`,
    `        self.act = ${act}()`,
    `        self.fc2 = nn.Linear(hidden, dim)`,
    `        self.drop = nn.Dropout(dropout)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))`,
    ``,
    ``,
    `class Block${k}(nn.Module):`,
    `    def __init__(self, config: TransformerConfig${k}) -> None:`,
    `        super().__init__()`,
    `        self.ln_1 = nn.LayerNorm(config.dim)`,
    `        self.attn = Attention${k}(config)`,
    `        self.ln_2 = nn.LayerNorm(config.dim)`,
    `        self.mlp = FeedForward${k}(config.dim, config.mlp_ratio * config.dim, config.dropout)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        x = x + self.attn(self.ln_1(x))`,
    `        x = x + self.mlp(self.ln_2(x))`,
    `        return x`,
    ``,
    ``,
    `class Transformer${k}(nn.Module):`,
    `    def __init__(self, config: TransformerConfig${k}) -> None:`,
    `        super().__init__()`,
    `        self.config = config`,
    `        self.wte = nn.Embedding(config.vocab_size, config.dim)`,
    `        self.wpe = nn.Embedding(config.block_size, config.dim)`,
    `        self.drop = nn.Dropout(config.dropout)`,
    `        self.blocks = nn.ModuleList([Block${k}(config) for _ in range(config.n_layer)])`,
    `        self.ln_f = nn.LayerNorm(config.dim)`,
    `        self.lm_head = nn.Linear(config.dim, config.vocab_size, bias=False)`,
    `        self.apply(self._init_weights)`,
    `        for pn, p in self.named_parameters():`,
    `            if pn.endswith("proj.weight") or pn.endswith("fc2.weight"):`,
    `                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))`,
    ``,
    `    def _init_weights(self, module: nn.Module) -> None:`,
    `        if isinstance(module, nn.Linear):`,
    `            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)`,
    `            if module.bias is not None:`,
    `                torch.nn.init.zeros_(module.bias)`,
    `        elif isinstance(module, nn.Embedding):`,
    `            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)`,
    ``,
    `    def forward(self, idx: Tensor) -> Tensor:`,
    `        b, t = idx.size()`,
    `        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)`,
    `        x = self.drop(self.wte(idx) + self.wpe(pos))`,
    `        for block in self.blocks:`,
    `            x = block(x)`,
    `        x = self.ln_f(x)`,
    `        return self.lm_head(x)`,
    ``,
    ``,
  ];
}

function mlpFamily(rand: Rand, k: number): string[] {
  const depth = int(rand, 3, 8);
  const width = pick(rand, WIDTHS);
  const inDim = pick(rand, [16, 32, 784, 1024]);
  const act = pick(rand, ACT_FUNCTIONAL);
  const actModule = pick(rand, ACT_MODULES);
  const init = pick(rand, INITS);
  return [
    ...initFunction(rand, `init_mlp_${k}`),
    `class ResidualMLP${k}(nn.Module):`,
    `    """A ${depth}-layer MLP with residual connections and a per-layer scale."""`,
    ``,
    `    def __init__(self, in_features: int = ${inDim}, width: int = ${width}, depth: int = ${depth}, out_features: int = ${int(rand, 1, 100)}) -> None:`,
    `        super().__init__()`,
    `        self.stem = nn.Linear(in_features, width)`,
    `        self.layers = nn.ModuleList()`,
    `        self.norms = nn.ModuleList()`,
    `        for i in range(depth):`,
    `            self.layers.append(nn.Linear(width, width))`,
    `            self.norms.append(nn.LayerNorm(width))`,
    `        self.out = nn.Linear(width, out_features)`,
    `        self.reset_parameters()`,
    ``,
    `    def reset_parameters(self) -> None:`,
    `        for layer in self.layers:`,
    `            ${init('layer.weight')}`,
    `            nn.init.zeros_(layer.bias)`,
    `        nn.init.xavier_uniform_(self.out.weight)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        x = ${act}(self.stem(x))`,
    `        for layer, norm in zip(self.layers, self.norms):`,
    `            x = x + ${act}(layer(norm(x)))`,
    `        return self.out(x)`,
    ``,
    ``,
    `class GatedUnit${k}(nn.Module):`,
    `    def __init__(self, dim: int, hidden: int) -> None:`,
    `        super().__init__()`,
    `        self.w_in = nn.Parameter(torch.empty(hidden, dim))`,
    `        self.w_gate = nn.Parameter(torch.empty(hidden, dim))`,
    `        self.w_out = nn.Parameter(torch.empty(dim, hidden))`,
    `        self.reset_parameters()`,
    ``,
    `    def reset_parameters(self) -> None:`,
    `        nn.init.kaiming_uniform_(self.w_in, a=math.sqrt(5))`,
    `        nn.init.kaiming_uniform_(self.w_gate, a=math.sqrt(5))`,
    `        nn.init.zeros_(self.w_out)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        h = F.linear(x, self.w_in) * torch.sigmoid(F.linear(x, self.w_gate))`,
    `        return F.linear(h, self.w_out)`,
    ``,
    ``,
    `class MLPClassifier${k}(nn.Module):`,
    `    def __init__(self, sizes: Tuple[int, ...] = (${inDim}, ${width}, ${width}, ${Math.max(8, width / 2)}, 10)) -> None:`,
    `        super().__init__()`,
    `        layers: List[nn.Module] = []`,
    `        for a, b in zip(sizes[:-2], sizes[1:-1]):`,
    `            layers.append(nn.Linear(a, b))`,
    `            layers.append(${actModule})`,
    `            layers.append(nn.Dropout(0.1))`,
    `        layers.append(nn.Linear(sizes[-2], sizes[-1]))`,
    `        self.net = nn.Sequential(*layers)`,
    `        self.gate = GatedUnit${k}(sizes[-1], ${width})`,
    `        self.net.apply(init_mlp_${k})`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        return self.gate(self.net(x.flatten(1)))`,
    ``,
    ``,
  ];
}

function recurrentFamily(rand: Rand, k: number): string[] {
  const cell = pick(rand, ['LSTM', 'GRU']);
  const emb = pick(rand, [128, 256, 300, 512]);
  const hidden = pick(rand, [256, 512, 1024]);
  const layers = int(rand, 1, 3);
  return [
    `class Encoder${k}(nn.Module):`,
    `    def __init__(self, vocab_size: int = ${int(rand, 5000, 40000)}, emb_dim: int = ${emb}, hidden: int = ${hidden}, num_layers: int = ${layers}) -> None:`,
    `        super().__init__()`,
    `        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)`,
    `        self.rnn = nn.${cell}(emb_dim, hidden, num_layers=num_layers, batch_first=True, dropout=0.2 if num_layers > 1 else 0.0)`,
    `        self.dropout = nn.Dropout(0.3)`,
    `        self.init_weights()`,
    ``,
    `    def init_weights(self) -> None:`,
    `        nn.init.uniform_(self.embedding.weight, -0.1, 0.1)`,
    `        for name, param in self.rnn.named_parameters():`,
    `            if "weight_hh" in name:`,
    `                nn.init.orthogonal_(param)`,
    `            elif "weight_ih" in name:`,
    `                nn.init.xavier_uniform_(param)`,
    `            elif "bias" in name:`,
    `                param.data.fill_(0)`,
    ``,
    `    def forward(self, tokens: Tensor) -> Tuple[Tensor, Tensor]:`,
    `        x = self.dropout(self.embedding(tokens))`,
    `        out, state = self.rnn(x)`,
    `        return out, state`,
    ``,
    ``,
    `class Decoder${k}(nn.Module):`,
    `    def __init__(self, vocab_size: int, emb_dim: int = ${emb}, hidden: int = ${hidden}) -> None:`,
    `        super().__init__()`,
    `        self.embedding = nn.Embedding(vocab_size, emb_dim)`,
    `        self.cell = nn.${cell}Cell(emb_dim + hidden, hidden)`,
    `        self.attn = nn.Linear(2 * hidden, hidden)`,
    `        self.out = nn.Linear(hidden, vocab_size)`,
    `        nn.init.orthogonal_(self.cell.weight_hh)`,
    `        self.out.weight.data.normal_(0, 0.02)`,
    ``,
    `    def forward(self, token: Tensor, h: Tensor, context: Tensor) -> Tensor:`,
    `        x = self.embedding(token)`,
    `        h = self.cell(torch.cat([x, context], dim=-1), h)`,
    `        a = torch.tanh(self.attn(torch.cat([h, context], dim=-1)))`,
    `        return self.out(a)`,
    ``,
    ``,
    `class Seq2Seq${k}(nn.Module):`,
    `    def __init__(self, vocab_size: int = ${int(rand, 5000, 40000)}) -> None:`,
    `        super().__init__()`,
    `        self.encoder = Encoder${k}(vocab_size)`,
    `        self.decoder = Decoder${k}(vocab_size)`,
    `        self.bridge = nn.Linear(${hidden}, ${hidden})`,
    ``,
    `    def forward(self, src: Tensor, tgt: Tensor) -> Tensor:`,
    `        out, _ = self.encoder(src)`,
    `        h = torch.tanh(self.bridge(out[:, -1]))`,
    `        context = out.mean(dim=1)`,
    `        logits = []`,
    `        for t in range(tgt.size(1)):`,
    `            logits.append(self.decoder(tgt[:, t], h, context))`,
    `        return torch.stack(logits, dim=1)`,
    ``,
    ``,
  ];
}

function resnetFamily(rand: Rand, k: number): string[] {
  const stages = Array.from({ length: 4 }, () => int(rand, 1, 4));
  const zeroInit = pick(rand, ['True', 'False']);
  const act = pick(rand, ['nn.ReLU(inplace=True)', 'nn.SiLU(inplace=True)']);
  return [
    `def conv3x3_${k}(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:`,
    `    """3x3 convolution with padding."""`,
    `    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)`,
    ``,
    ``,
    `class BasicBlock${k}(nn.Module):`,
    `    expansion: int = 1`,
    ``,
    `    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: Optional[nn.Module] = None) -> None:`,
    `        super().__init__()`,
    `        self.conv1 = conv3x3_${k}(inplanes, planes, stride)`,
    `        self.bn1 = nn.BatchNorm2d(planes)`,
    `        self.act = ${act}`,
    `        self.conv2 = conv3x3_${k}(planes, planes)`,
    `        self.bn2 = nn.BatchNorm2d(planes)`,
    `        self.downsample = downsample`,
    `        self.stride = stride`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        identity = x`,
    `        out = self.conv1(x)`,
    `        out = self.bn1(out)`,
    `        out = self.act(out)`,
    `        out = self.conv2(out)`,
    `        out = self.bn2(out)`,
    `        if self.downsample is not None:`,
    `            identity = self.downsample(x)`,
    `        out += identity`,
    `        out = self.act(out)`,
    `        return out`,
    ``,
    ``,
    `class ResNet${k}(nn.Module):`,
    `    def __init__(self, layers: List[int] = [${stages.join(', ')}], num_classes: int = ${int(rand, 10, 1000)}, zero_init_residual: bool = ${zeroInit}) -> None:`,
    `        super().__init__()`,
    `        self.inplanes = 64`,
    `        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)`,
    `        self.bn1 = nn.BatchNorm2d(self.inplanes)`,
    `        self.relu = nn.ReLU(inplace=True)`,
    `        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)`,
    `        self.layer1 = self._make_layer(64, layers[0])`,
    `        self.layer2 = self._make_layer(128, layers[1], stride=2)`,
    `        self.layer3 = self._make_layer(256, layers[2], stride=2)`,
    `        self.layer4 = self._make_layer(512, layers[3], stride=2)`,
    `        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))`,
    `        self.fc = nn.Linear(512 * BasicBlock${k}.expansion, num_classes)`,
    ``,
    `        for m in self.modules():`,
    `            if isinstance(m, nn.Conv2d):`,
    `                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")`,
    `            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):`,
    `                nn.init.constant_(m.weight, 1)`,
    `                nn.init.constant_(m.bias, 0)`,
    `        if zero_init_residual:`,
    `            for m in self.modules():`,
    `                if isinstance(m, BasicBlock${k}):`,
    `                    nn.init.constant_(m.bn2.weight, 0)`,
    ``,
    `    def _make_layer(self, planes: int, blocks: int, stride: int = 1) -> nn.Sequential:`,
    `        downsample = None`,
    `        if stride != 1 or self.inplanes != planes * BasicBlock${k}.expansion:`,
    `            downsample = nn.Sequential(`,
    `                nn.Conv2d(self.inplanes, planes * BasicBlock${k}.expansion, kernel_size=1, stride=stride, bias=False),`,
    `                nn.BatchNorm2d(planes * BasicBlock${k}.expansion),`,
    `            )`,
    `        layers = [BasicBlock${k}(self.inplanes, planes, stride, downsample)]`,
    `        self.inplanes = planes * BasicBlock${k}.expansion`,
    `        for _ in range(1, blocks):`,
    `            layers.append(BasicBlock${k}(self.inplanes, planes))`,
    `        return nn.Sequential(*layers)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))`,
    `        x = self.layer1(x)`,
    `        x = self.layer2(x)`,
    `        x = self.layer3(x)`,
    `        x = self.layer4(x)`,
    `        x = self.avgpool(x)`,
    `        x = torch.flatten(x, 1)`,
    `        return self.fc(x)`,
    ``,
    ``,
  ];
}

function unetFamily(rand: Rand, k: number): string[] {
  const base = pick(rand, [16, 32, 64]);
  const groups = pick(rand, [4, 8]);
  const act = pick(rand, ['nn.SiLU()', 'nn.ReLU(inplace=True)', 'nn.GELU()']);
  return [
    `class DoubleConv${k}(nn.Module):`,
    `    def __init__(self, in_ch: int, out_ch: int, mid_ch: Optional[int] = None) -> None:`,
    `        super().__init__()`,
    `        mid_ch = mid_ch or out_ch`,
    `        self.block = nn.Sequential(`,
    `            nn.Conv2d(in_ch, mid_ch, kernel_size=3, padding=1, bias=False),`,
    `            nn.GroupNorm(${groups}, mid_ch),`,
    `            ${act},`,
    `            nn.Conv2d(mid_ch, out_ch, kernel_size=3, padding=1, bias=False),`,
    `            nn.GroupNorm(${groups}, out_ch),`,
    `            ${act},`,
    `        )`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        return self.block(x)`,
    ``,
    ``,
    `class Down${k}(nn.Module):`,
    `    def __init__(self, in_ch: int, out_ch: int) -> None:`,
    `        super().__init__()`,
    `        self.pool = nn.MaxPool2d(2)`,
    `        self.conv = DoubleConv${k}(in_ch, out_ch)`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        return self.conv(self.pool(x))`,
    ``,
    ``,
    `class Up${k}(nn.Module):`,
    `    def __init__(self, in_ch: int, out_ch: int) -> None:`,
    `        super().__init__()`,
    `        self.up = nn.ConvTranspose2d(in_ch, in_ch // 2, kernel_size=2, stride=2)`,
    `        self.conv = DoubleConv${k}(in_ch, out_ch)`,
    ``,
    `    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:`,
    `        x1 = self.up(x1)`,
    `        dy = x2.size(2) - x1.size(2)`,
    `        dx = x2.size(3) - x1.size(3)`,
    `        x1 = F.pad(x1, [dx // 2, dx - dx // 2, dy // 2, dy - dy // 2])`,
    `        return self.conv(torch.cat([x2, x1], dim=1))`,
    ``,
    ``,
    `class UNet${k}(nn.Module):`,
    `    def __init__(self, in_channels: int = ${pick(rand, [1, 3])}, num_classes: int = ${int(rand, 2, 21)}, base: int = ${base}) -> None:`,
    `        super().__init__()`,
    `        self.inc = DoubleConv${k}(in_channels, base)`,
    `        self.down1 = Down${k}(base, base * 2)`,
    `        self.down2 = Down${k}(base * 2, base * 4)`,
    `        self.down3 = Down${k}(base * 4, base * 8)`,
    `        self.up1 = Up${k}(base * 8, base * 4)`,
    `        self.up2 = Up${k}(base * 4, base * 2)`,
    `        self.up3 = Up${k}(base * 2, base)`,
    `        self.outc = nn.Conv2d(base, num_classes, kernel_size=1)`,
    `        for m in self.modules():`,
    `            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):`,
    `                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")`,
    `                if m.bias is not None:`,
    `                    m.bias.data.zero_()`,
    ``,
    `    def forward(self, x: Tensor) -> Tensor:`,
    `        x1 = self.inc(x)`,
    `        x2 = self.down1(x1)`,
    `        x3 = self.down2(x2)`,
    `        x4 = self.down3(x3)`,
    `        x = self.up1(x4, x3)`,
    `        x = self.up2(x, x2)`,
    `        x = self.up3(x, x1)`,
    `        return self.outc(x)`,
    ``,
    ``,
  ];
}

/** A model file of at least `minLines` lines (whole families only), the same for the same seed. */
export function generateModelFile(minLines = 5000, seed = 20240611): string {
  const rand = prng(seed);
  const lines = HEADER.split('\n');
  lines.push('');
  for (let k = 0; lines.length < minLines; k++) {
    lines.push(`# ---- family ${k} ${'-'.repeat(80)}`.slice(0, 100), '', '');
    lines.push(...family(rand, k));
  }
  lines.push('if __name__ == "__main__":', '    model = ResNet4()', '    model.apply(init_mlp_2)', '    print(sum(p.numel() for p in model.parameters()))', '');
  return lines.join('\n');
}
