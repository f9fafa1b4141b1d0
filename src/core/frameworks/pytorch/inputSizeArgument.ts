/**
 * The input image size a model's constructor is given by name (`image_size=64`,
 * `input_resolution=224`, `img_size`): the module's own size argument, bound as Python binds it
 * (positional, keyword, or the parameter's default). The simulation prefers it to an assumed size.
 */
import { findInClass } from '../../python/eval/attributes';
import type { Kwargs } from '../../python/eval/contracts';
import { asNumber } from '../../python/eval/values';
import type { PyClass } from '../../python/eval/values';
import type { TorchHost, TorchValue } from './torchHost';

/** Constructor parameters that name the input image's side. */
const SIZE_PARAMETER = /^(image_size|img_size|image_resolution|input_resolution|img_res|image_res)$/;

/** The side of the input image the constructor of `cls` is given, with the parameter's name; undefined when none is. */
export function inputSizeArgument(cls: PyClass<TorchHost>, args: TorchValue[], kwargs: Kwargs<TorchHost>): { size: number; from: string } | undefined {
  const init = findInClass(cls, '__init__')?.value;
  if (init?.kind !== 'func') {
    return undefined;
  }
  // The first parameter is `self`.
  const params = init.fn.params.slice(1);
  for (const [index, param] of params.entries()) {
    if (!SIZE_PARAMETER.test(param.name) || (param.kind !== 'positional' && param.kind !== 'keyword')) {
      continue;
    }
    const positional = param.kind === 'positional' && params.slice(0, index).every((before) => before.kind === 'positional') ? args[index] : undefined;
    const value = positional ?? kwargs.get(param.name) ?? init.fn.defaults.get(param.name);
    const size = value === undefined ? undefined : asNumber(value);
    if (size !== undefined && size !== null && Number.isInteger(size) && size >= 4 && size <= 4096) {
      return { size, from: `${param.name}=${size}` };
    }
  }
  return undefined;
}
