/**
 * An init in force written the way its framework spells the call, for hovers and tooltips:
 * `kaiming_normal_(mode="fan_out", nonlinearity="relu")` (torch.nn.init), `VarianceScaling(scale=2,
 * mode="fan_in")` (keras.initializers), `normal(stddev=0.02)` (jax.nn.initializers). Never raw JSON:
 * a reader compares it with the code they wrote. Pure: the text is rendered escaped by markdown.ts.
 */
import type { ArgValue, InitInForce, Model } from '../graph';
import { fmt } from './formatNumber';

/** One argument value in Python syntax: strings quoted, booleans and None as Python spells them. */
export function pythonValue(value: ArgValue): string {
  if (value === null) {
    return 'None';
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (typeof value === 'number') {
    return fmt(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  // An expression the analysis kept as written (`math.sqrt(5)`).
  return value.expr;
}

/** `snake_case` as Keras' class name: `he_normal` → `HeNormal`. */
function kerasClassName(name: string): string {
  return name
    .split('_')
    .map((part) => (part === '' ? '' : part[0]!.toUpperCase() + part.slice(1)))
    .join('');
}

/**
 * The init as a call in its framework's syntax, or its bare name when it is no call a user writes
 * (`default`, `unknown`).
 */
export function initCallText(init: InitInForce, framework: Model['framework'] = 'pytorch'): string {
  if (init.name === 'default' || init.name === 'unknown') {
    return init.name;
  }
  const args = Object.entries(init.args)
    .map(([key, value]) => `${key}=${pythonValue(value)}`)
    .join(', ');
  switch (framework) {
    case 'keras':
      return `${kerasClassName(init.name)}(${args})`;
    case 'flax':
      return `${init.name}(${args})`;
    default:
      return `${init.name}_(${args})`;
  }
}
