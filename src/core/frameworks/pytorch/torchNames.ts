/**
 * PyTorch's qualified names: `torch.nn.<Layer>` classes (also through `torch.nn.modules.*`),
 * `torch.nn.init.*` initializers (timm's `trunc_normal_` has torch's semantics; its `lecun_normal_` is the
 * engine's `lecun_normal`), `torch.nn.functional`
 * activations and functions, `torch.<fn>`, einops' rearrange family; `from torch.nn import *`.
 */
import type { Range } from '../../graph';
import { FUNCTIONAL_ACTIVATIONS, TORCH_MODULES } from './catalog';
import { canonicalInitName } from './initCalls';
import { hosted, type TorchValue } from './torchHost';

const TORCH_ACTIVATIONS = new Set(['relu', 'tanh', 'sigmoid', 'selu', 'softmax', 'log_softmax', 'relu_', 'sigmoid_', 'tanh_', 'celu', 'rrelu']);
/** `torch.<name>` that are packages, not functions. */
const TORCH_PACKAGES = new Set(['nn', 'optim', 'utils', 'cuda', 'distributed', 'jit', 'autograd', 'backends', 'fx', 'onnx', 'distributions']);
const ZERO_RANGE: Range = { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };

/** The value of a qualified name PyTorch defines, or undefined. */
export function resolveTorchName(qualified: string): TorchValue | undefined {
  if (qualified === 'torch.nn.Module' || qualified === 'torch.nn.Parameter' || qualified === 'torch.nn.parameter.Parameter') {
    return hosted({ kind: 'class', name: qualified.split('.').pop()! });
  }
  const nn = /^torch\.nn\.(?:modules\.(?:\w+\.)*)?(\w+)$/.exec(qualified);
  if (nn && nn[1]! in TORCH_MODULES) {
    return hosted({ kind: 'class', name: nn[1]! });
  }
  if (/^timm\.(?:models\.)?layers(?:\.weight_init)?\.lecun_normal_$/.test(qualified)) {
    // timm's LeCun normal: variance 1/fan_in (its own init, not a kaiming_normal).
    return hosted({ kind: 'fn', space: 'init', name: 'lecun_normal' });
  }
  const init = /^torch\.nn\.init\.(\w+)$/.exec(qualified)?.[1] ?? /\.(trunc_normal_)$/.exec(qualified)?.[1];
  if (init) {
    const canonical = init === 'calculate_gain' ? init : canonicalInitName(init);
    return canonical ? hosted({ kind: 'fn', space: 'init', name: canonical }) : undefined;
  }
  const functional = /^torch\.nn\.functional\.(\w+)$/.exec(qualified)?.[1];
  if (functional) {
    return functional in FUNCTIONAL_ACTIVATIONS ? activationValue(functional) : hosted({ kind: 'fn', space: 'F', name: functional });
  }
  const torch = /^torch\.(\w+)$/.exec(qualified)?.[1];
  if (torch && !TORCH_PACKAGES.has(torch)) {
    if (TORCH_ACTIVATIONS.has(torch)) {
      return activationValue(torch);
    }
    return torch === 'pi' ? { kind: 'num', value: Math.PI, float: true } : hosted({ kind: 'fn', space: 'torch', name: torch });
  }
  if (/^torch\.utils\.checkpoint\.(checkpoint|checkpoint_sequential)$/.test(qualified)) {
    return hosted({ kind: 'fn', space: 'torch', name: qualified.split('.').pop()! });
  }
  if (/^torch\.distributions\.(?:\w+\.)*[A-Z]\w*$/.test(qualified)) {
    return hosted({ kind: 'fn', space: 'torch', name: 'distribution' });
  }
  if (/^einops\.layers\.torch\.(Rearrange|Reduce)$/.test(qualified)) {
    // einops' shape layers hold no weights: for the data flow they are an identity.
    return hosted({ kind: 'class', name: 'Identity' });
  }
  if (/^einops(\.\w+)*\.(rearrange|repeat|reduce)$/.test(qualified)) {
    return hosted({ kind: 'fn', space: 'F', name: 'rearrange' });
  }
  return undefined;
}

/** The names `from <module> import *` binds. */
export function torchExports(module: string): readonly string[] {
  return module === 'torch.nn' ? [...Object.keys(TORCH_MODULES), 'Module', 'Parameter'] : [];
}

function activationValue(written: string): TorchValue {
  const info = FUNCTIONAL_ACTIVATIONS[written] ?? { name: written.replace(/_$/, ''), params: [] };
  return hosted({ kind: 'activation', activation: { name: info.name, params: {}, range: ZERO_RANGE } });
}
