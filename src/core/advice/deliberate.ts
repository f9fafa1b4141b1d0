/**
 * Inits written on purpose. A fixed std the user wrote (`normal_(w, std=0.02)`, Keras
 * `RandomNormal(stddev=0.02)`, JAX `normal(0.02)`) is a tuned choice: GPT-2, BERT, ViT, DiT's timestep
 * MLP and DINO's projection head use it, often in front of a zero-initialised or normalised layer
 * that makes the drift harmless. A stack made only of such layers is reported as information that
 * says it may be deliberate, and no fix replaces the std without saying so.
 */
import type { InitInForce, Layer, Model } from '../graph';
import { fmt } from './formatNumber';
import type { FindingReason } from './types';

/** Init names (PyTorch, Keras and JAX spellings) whose scale is a std written as a number. */
const FIXED_STD_INITS = new Set(['normal', 'trunc_normal', 'random_normal', 'truncated_normal']);

/** The std written explicitly in the init call, or null when the init is not a fixed, written std. */
export function writtenStd(init: InitInForce | null | undefined): number | null {
  if (!init || init.source === 'default' || init.source === 'unknown' || !FIXED_STD_INITS.has(init.name)) {
    return null;
  }
  const std = init.args.std ?? init.args.stddev;
  return typeof std === 'number' && std > 0 ? std : null;
}

/** The longest stack of hand-written stds taken as a choice: a conditioning MLP or a head, not a deep trunk. */
export const TUNED_STACK_MAX_DEPTH = 3;

/**
 * True when every layer of a short stack has a std written by hand: the stack's scale is a choice. A
 * deeper stack of fixed stds keeps its verdict (the drift compounds past what a head or an embedding shows).
 */
export function tunedStack(stack: readonly Layer[]): boolean {
  return stack.length > 0 && stack.length <= TUNED_STACK_MAX_DEPTH && stack.every((layer) => writtenStd(layer.init.weight) !== null);
}

/** The reason a finding on a stack of written stds states. */
export function deliberateReason(std: number): FindingReason {
  const text = `The std ${fmt(std)} is a fixed choice (every layer of this stack has a std written by hand, as GPT-2, BERT, VGG's classifier and DiT's conditioning MLPs do): it may be deliberate.`;
  return { text, shared: text };
}

/** What a fix title adds when its edit replaces a written std (line numbers 1-based). */
export function replacesStdNote(init: InitInForce): string {
  const std = writtenStd(init);
  return std === null ? '' : ` (replaces the std=${fmt(std)} written on line ${init.range.start.line + 1})`;
}

/** True when the weight starts at zero (`zeros_`, `constant_(w, 0)`, Keras/JAX `zeros`). */
export function zeroInit(init: InitInForce | null | undefined): boolean {
  if (!init) {
    return false;
  }
  return init.variance === 0 && (init.name === 'zeros' || (init.name === 'constant' && init.args.val === 0) || init.args.val === 0 || init.args.value === 0);
}

/** The module paths a layer sits in, innermost first, down to two segments (`blocks.0.attn.proj` → `blocks.0.attn`, `blocks.0`). */
function enclosingPaths(name: string): string[] {
  const parts = name.split('.');
  const floor = Math.min(2, parts.length - 1);
  const paths: string[] = [];
  for (let length = parts.length - 1; length >= floor && length > 0; length--) {
    paths.push(parts.slice(0, length).join('.'));
  }
  return paths;
}

/**
 * adaLN-Zero (DiT): a residual branch end multiplied by a gate that a zero-initialised layer of the
 * same block produces starts at zero, so the block starts as the identity, which is what scaling the
 * end for depth would aim at. Such ends get no residual advice.
 */
export function zeroGated(model: Model, end: Layer): boolean {
  if (end.join !== 'product') {
    return false;
  }
  const paths = enclosingPaths(end.name);
  return model.layers.some(
    (other) => other !== end && other.join === 'product' && zeroInit(other.init.weight) && paths.some((path) => other.name.startsWith(`${path}.`)),
  );
}
