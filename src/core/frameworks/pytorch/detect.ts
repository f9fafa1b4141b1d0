/**
 * Whether a file may define or build PyTorch models. Importing torch is not enough: a JAX or
 * TensorFlow script logging through `torch.utils.tensorboard`, or a script using torch only for
 * tensors, has no model. A file is read as PyTorch when it imports torch for more than TensorBoard
 * or data loading and shows how models come in: `torch.nn`, `Module`, `Parameter`, a model library
 * (torchvision, timm, the hub, `from_pretrained`), or a class imported from a module that may hold one.
 */

import { lineStartMatches } from '../../python/lineStartMatches';

/** `import torch…` / `from torch… import`: the module named. */
const TORCH_IMPORT = /^[ \t]*(?:import\s+(torch(?:\.\w+)*)|from\s+(torch(?:\.\w+)*)\s+import\b)/gm;

/** Torch modules imported for something other than models. */
const NOT_FOR_MODELS = /^torch\.utils\.(tensorboard|data)\b/;

/** Text that shows a model defined or built with PyTorch. */
const MODEL_SIGNS = /\bnn\b|\bModule\b|\bParameter\b|torchvision|\btimm\b|\bhub\b|from_pretrained/;

/** `from <module> import <Class>`: a class that may be a model defined elsewhere (the workspace, a library). */
const CLASS_IMPORT = /^[ \t]*from\s+(\.*[\w.]*)\s+import\s+\(?([^\n)]*)/gm;

/** Modules whose classes are no models. */
const NO_MODELS =
  /^(typing|typing_extensions|dataclasses|collections|pathlib|enum|abc|functools|itertools|argparse|numpy|PIL|tqdm|matplotlib|jax|flax|optax|tensorflow|torch\.utils\.(tensorboard|data))(\.|$)/;

/** True when the file imports torch for models (see the file comment). */
export function detectPytorch(text: string): boolean {
  const modules = lineStartMatches(text, TORCH_IMPORT, ['import', 'from']).map((match) => match[1] ?? match[2] ?? '');
  if (!modules.some((module) => !NOT_FOR_MODELS.test(module))) {
    return false;
  }
  if (MODEL_SIGNS.test(text)) {
    return true;
  }
  return lineStartMatches(text, CLASS_IMPORT, ['from']).some(([, module, names]) => !NO_MODELS.test(module ?? '') && /\b[A-Z]\w*/.test(names ?? ''));
}
