/**
 * Values that configure models from outside the classes (issue 10 item 2): `argparse` options
 * (`parser.add_argument("--nz", type=int, default=100)`; `opt = parser.parse_args()` gives
 * `opt.nz == 100`, as when the script runs without arguments), `argparse.Namespace`,
 * `types.SimpleNamespace` and `ml_collections.ConfigDict` objects whose attributes are set later
 * (`config.num_layers = 12`). Each is a plain object of a class made per call, so attribute reads,
 * writes and `vars(...)` work as on the file's own classes.
 */
import type { PyNode } from '../ast';
import type { Context, Evaluator, Kwargs } from './contracts';
import { FALSE, list, NONE, sym, TRUE, type PyClass, type Value, type ValueOf } from './values';

/** Where a parser keeps its options' defaults (a dict shared with its argument groups). */
const DEFAULTS = '__init_lens_defaults__';

/** Qualified names of the constructors, and the builtin each one is. */
const CONSTRUCTORS = new Map([
  ['argparse.ArgumentParser', 'argparse.ArgumentParser'],
  ['argparse.Namespace', 'argparse.Namespace'],
  ['types.SimpleNamespace', 'argparse.Namespace'],
  ['ml_collections.ConfigDict', 'argparse.ConfigDict'],
  ['ml_collections.config_dict.ConfigDict', 'argparse.ConfigDict'],
]);

const MODULES = new Set(['argparse', 'types', 'ml_collections', 'ml_collections.config_dict']);

/** Parser methods, bound to the parser (or group) as `argparse.<method>`. */
const PARSER_METHODS = ['add_argument', 'add_argument_group', 'add_mutually_exclusive_group', 'set_defaults', 'parse_args', 'parse_known_args'];

/** The value of a configuration name (`argparse.ArgumentParser`, `ml_collections.ConfigDict`), or undefined. */
export function configValue<H>(qualified: string): Value<H> | undefined {
  const builtin = CONSTRUCTORS.get(qualified);
  if (builtin) {
    return { kind: 'builtin', name: builtin };
  }
  return MODULES.has(qualified) ? { kind: 'ns', path: qualified } : undefined;
}

/** True for the builtins this file calls. */
export function isConfigCall(name: string): boolean {
  return name.startsWith('argparse.');
}

/** Calls a configuration builtin; methods get their parser first. */
export function callConfig<H>(ev: Evaluator<H>, name: string, args: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): Value<H> {
  const [self, ...rest] = args;
  switch (name) {
    case 'argparse.ArgumentParser':
      return parserObject({ kind: 'dict', entries: new Map() });
    case 'argparse.Namespace':
    case 'argparse.ConfigDict': {
      const initial = name === 'argparse.ConfigDict' && args[0]?.kind === 'dict' ? stringEntries(args[0]) : [];
      return plainObject(name === 'argparse.Namespace' ? 'Namespace' : 'ConfigDict', [...initial, ...kwargs]);
    }
    default:
      break;
  }
  const defaults = self?.kind === 'object' ? self.attrs.get(DEFAULTS) : undefined;
  if (defaults?.kind !== 'dict') {
    return sym(ev.text(node));
  }
  switch (name) {
    case 'argparse.add_argument':
      addArgument(ev, defaults, rest, kwargs, node, ctx);
      return NONE;
    case 'argparse.add_argument_group':
    case 'argparse.add_mutually_exclusive_group':
      return parserObject(defaults);
    case 'argparse.set_defaults':
      for (const [key, value] of kwargs) {
        defaults.entries.set(`s${key}`, { key: { kind: 'str', value: key }, value });
      }
      return NONE;
    case 'argparse.parse_args':
    case 'argparse.parse_known_args':
      return parsed(ev, name, defaults, rest[0] ?? kwargs.get('args'), node);
    default:
      return sym(ev.text(node));
  }
}

/** A parser or argument group: its methods bound to it, writing to `defaults`. */
function parserObject<H>(defaults: ValueOf<H, 'dict'>): Value<H> {
  const parser = plainObject<H>('ArgumentParser', []);
  parser.attrs.set(DEFAULTS, defaults);
  for (const method of PARSER_METHODS) {
    parser.attrs.set(method, { kind: 'method', fn: { kind: 'builtin', name: `argparse.${method}` }, self: parser });
  }
  return parser;
}

/** An object of a class of its own with these attributes. */
function plainObject<H>(className: string, attrs: Iterable<[string, Value<H>]>): ValueOf<H, 'object'> {
  const cls: PyClass<H> = { name: className, bases: [], foreignBases: [], mro: [], attrs: new Map(), decorators: [] };
  cls.mro.push(cls);
  return { kind: 'object', cls, attrs: new Map(attrs) };
}

function stringEntries<H>(dict: ValueOf<H, 'dict'>): [string, Value<H>][] {
  return [...dict.entries.values()].flatMap((entry) => (entry.key.kind === 'str' ? [[entry.key.value, entry.value] as [string, Value<H>]] : []));
}

/**
 * `add_argument(*flags, **options)`: the option's destination (`--num-layers` → `num_layers`) and
 * its default as argparse gives it: `type` applied to a string default, `store_true` → False,
 * `store_false` → True; a required option or positional without a default has no value that can be known.
 */
function addArgument<H>(ev: Evaluator<H>, defaults: ValueOf<H, 'dict'>, flags: Value<H>[], kwargs: Kwargs<H>, node: PyNode, ctx: Context<H>): void {
  const names = flags.flatMap((flag) => (flag.kind === 'str' ? [flag.value] : []));
  const dest = kwargs.get('dest');
  const long = names.find((n) => n.startsWith('--')) ?? names.find((n) => n.startsWith('-')) ?? names[0];
  const key = dest?.kind === 'str' ? dest.value : long?.replace(/^-+/, '').replaceAll('-', '_');
  if (!key) {
    ev.note(`line ${node.range.start.line + 1}: the option of ${ev.text(node)} is not known`);
    return;
  }
  const action = kwargs.get('action');
  const positional = names.length > 0 && !names[0]!.startsWith('-');
  const required = kwargs.get('required')?.kind === 'bool' && kwargs.get('required') === TRUE;
  let value = kwargs.get('default');
  if (value === undefined) {
    value = action?.kind === 'str' && action.value === 'store_true' ? FALSE : action?.kind === 'str' && action.value === 'store_false' ? TRUE : NONE;
  }
  const type = kwargs.get('type');
  if (value.kind === 'str' && type && (type.kind === 'builtin' || type.kind === 'func')) {
    value = ev.call(type, [value], new Map(), node, ctx);
  }
  if ((positional && kwargs.get('nargs') === undefined) || (required && kwargs.get('default') === undefined)) {
    // Given on the command line: unknown here.
    value = sym(`args.${key}`);
  }
  defaults.entries.set(`s${key}`, { key: { kind: 'str', value: key }, value });
}

/** `parse_args()`: a Namespace of the defaults (with a note saying so); given arguments are not parsed. */
function parsed<H>(ev: Evaluator<H>, name: string, defaults: ValueOf<H, 'dict'>, given: Value<H> | undefined, node: PyNode): Value<H> {
  const line = node.range.start.line + 1;
  if (given && given.kind !== 'none' && !(given.kind === 'list' && given.items.length === 0 && !given.symbolicCount)) {
    ev.note(`line ${line}: the arguments given to ${name.slice('argparse.'.length)}() are not parsed: its options are symbols`);
    return sym(ev.text(node));
  }
  const namespace = plainObject<H>('Namespace', stringEntries(defaults));
  const known = [...namespace.attrs].filter(([, value]) => value.kind !== 'sym').map(([key]) => key);
  if (known.length > 0) {
    ev.note(`line ${line}: the command-line options are taken at their defaults (${known.join(', ')}), as when the script runs without arguments`);
  }
  return name === 'argparse.parse_known_args' ? list([namespace, list([])], true) : namespace;
}
