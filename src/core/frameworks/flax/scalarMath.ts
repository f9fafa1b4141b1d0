/**
 * Scalar arithmetic that model code writes into initializer arguments, e.g. Dopamine's
 * `variance_scaling(scale=1.0 / jnp.sqrt(3.0), mode='fan_in', distribution='uniform')`.
 * Only numbers fold; anything else (arrays, symbols) is left to the caller.
 */
import type { Args } from './builtins';
import { num, type Value } from './values';

/** Modules whose `sqrt` of a Python number is that number's square root. */
const SCALAR_MODULE = /^(?:math|numpy|jax\.numpy)$/;

const UNARY: Record<string, (x: number) => number> = {
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
};

/** The folded number, or undefined when the call is not a unary function of one plain number. */
export function foldScalarCall(module: string, name: string, args: Args): Value | undefined {
  const fn = UNARY[name];
  const [x] = args.positional;
  if (!SCALAR_MODULE.test(module) || !fn || args.positional.length !== 1 || args.keywords.size > 0 || x?.kind !== 'num') {
    return undefined;
  }
  const value = fn(x.value);
  return Number.isFinite(value) ? num(value) : undefined;
}
