/**
 * Two uses of a layer's output that are no hidden activation: a layer passed by its weights to
 * `F.multi_head_attention_forward` (CLIP's attention pool: `q_proj_weight=self.q_proj.weight`),
 * which projects linearly into attention as `nn.MultiheadAttention`'s projections do; and
 * `torch.exp(logvar)` / `logvar.exp()`, which turns an output head into a scale (a VAE's
 * `std = exp(0.5 * logvar)`): the head's output is used as a number, so it has no activation
 * (linear) and gets no ReLU-family advice.
 */
import type { Kwargs, Site } from '../../python/eval/contracts';
import { list, sym } from '../../python/eval/values';
import { consumeLinearly, layerOutput, merge, tensorOf } from './flow';
import { tensorOfValue, tensorValue, type TorchHost, type TorchRuntime, type TorchValue } from './torchHost';
import type { ModuleInst, TensorInfo } from './values';

/** The functions and tensor methods that make an output head a scale. */
export const SCALE_OF_HEAD = new Set(['exp']);

/** `torch.exp(x)` / `x.exp()` in forward: what `x` still is the output of is an output head, used linearly. */
export function scaleOfHead(tensors: TensorInfo[]): TorchValue {
  tensors.forEach(consumeLinearly);
  return tensorValue(tensorOf([]));
}

/** `out_proj_weight`/`out_proj_bias` by position in `F.multi_head_attention_forward`. */
const OUT_PROJ_POSITIONS = new Set([11, 12]);

/**
 * `F.multi_head_attention_forward(query, key, value, …)`: its tensors and the layers whose weights
 * it takes are consumed linearly; the result is `(the out-projection's output, attention weights)`.
 */
export function attentionForward(fw: TorchRuntime, args: TorchValue[], kwargs: Kwargs<TorchHost>, site: Site<TorchHost>): TorchValue {
  const projections = new Set<ModuleInst>();
  const outputs = new Set<ModuleInst>();
  const entries: [string | number, TorchValue][] = [...args.map((value, index): [number, TorchValue] => [index, value]), ...kwargs];
  for (const [key, value] of entries) {
    const tensor = tensorOfValue(value);
    if (tensor) {
      consumeLinearly(tensor);
    }
    if (value.kind !== 'host' || value.host.kind !== 'param') {
      continue;
    }
    const layer = value.host.param.raw ?? value.host.param.owner;
    const out = typeof key === 'number' ? OUT_PROJ_POSITIONS.has(key) : key.startsWith('out_proj');
    (out ? outputs : projections).add(layer);
  }
  for (const layer of projections) {
    if (!outputs.has(layer)) {
      consumeLinearly(layerOutput(fw.clock, layer));
    }
  }
  const output = outputs.size > 0 ? merge([...outputs].map((layer) => layerOutput(fw.clock, layer))) : tensorOf([]);
  return list([tensorValue(output), sym(`${site.ev.text(site.node)}[1]`)], true);
}
