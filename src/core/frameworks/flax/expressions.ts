/**
 * Expressions: literals, names, attributes, operators (numbers, symbols, tensor data flow through
 * `+`, `*`, `@`), containers, comprehensions, subscripts. Calls are dispatched to calls.ts.
 */
import type { PyNode } from '../../python/ast';
import { activated, addTensors, merge, settle } from './flow';
import type { Ctx, Machine } from './interpreter';
import { initializerValueAt } from './namespaces';
import { num, sym, truthy, valueText, type Scope, type TensorInfo, type Value } from './values';

/** What expression evaluation needs from the rest of the interpreter. */
export interface CallHooks {
  call(node: PyNode, scope: Scope, ctx: Ctx): Value;
  lambda(node: PyNode, scope: Scope): Value;
  attribute(object: Value, name: string, node: PyNode): Value;
  bindTarget(target: PyNode, value: Value, scope: Scope): void;
}

const BUILTINS = new Set([
  'range',
  'len',
  'int',
  'float',
  'str',
  'tuple',
  'list',
  'enumerate',
  'zip',
  'reversed',
  'min',
  'max',
  'sum',
  'isinstance',
  'super',
  'print',
  'getattr',
  'dict',
  'sorted',
  'abs',
  'round',
  'bool',
  'setattr',
  'hasattr',
  'any',
  'all',
  'map',
]);

/** Parses a Python integer or float literal. */
function parseNumber(text: string): number {
  const clean = text.replace(/_/g, '').replace(/[jJ]$/, '');
  if (/^0[xob]/i.test(clean)) {
    return Number(clean);
  }
  return Number(clean.replace(/[lL]$/, ''));
}

/** The content of a plain string literal, or undefined for f-strings and byte strings. */
function stringContent(machine: Machine, node: PyNode): string | undefined {
  const text = machine.text(node);
  const match = /^([rRuU]?)('''|"""|'|")([\s\S]*)\2$/.exec(text);
  if (!match || node.children.some((c) => c.type === 'interpolation')) {
    return undefined;
  }
  return match[3]!.replace(/\\(['"\\])/g, '$1');
}

/** Evaluates expressions for one machine. */
export class Expressions {
  constructor(
    readonly machine: Machine,
    readonly hooks: CallHooks,
  ) {}

  eval(node: PyNode | undefined, scope: Scope, ctx: Ctx): Value {
    if (!node) {
      return { kind: 'none' };
    }
    this.machine.tick();
    const m = this.machine;
    switch (node.type) {
      case 'integer':
      case 'float': {
        const value = parseNumber(m.text(node));
        return Number.isFinite(value) ? num(value) : sym(m.text(node));
      }
      case 'string': {
        if (node.children.some((c) => c.type === 'interpolation')) {
          return this.formatString(node, scope, ctx);
        }
        const content = stringContent(m, node);
        return content === undefined ? sym(m.text(node)) : { kind: 'str', value: content };
      }
      case 'concatenated_string': {
        const parts = node.children.map((c) => stringContent(m, c));
        return parts.every((p) => p !== undefined) ? { kind: 'str', value: parts.join('') } : sym(m.text(node));
      }
      case 'true':
        return { kind: 'bool', value: true };
      case 'false':
        return { kind: 'bool', value: false };
      case 'none':
        return { kind: 'none' };
      case 'identifier':
        return this.name(node, scope);
      case 'attribute': {
        const object = this.eval(node.fields.object, scope, ctx);
        return this.resolveInitializer(this.hooks.attribute(object, m.text(node.fields.attribute!), node), node);
      }
      case 'call':
        return this.hooks.call(node, scope, ctx);
      case 'parenthesized_expression':
        return this.eval(node.children[0], scope, ctx);
      case 'tuple':
      case 'list':
      case 'expression_list':
      case 'set':
        return this.sequence(node.children, scope, ctx);
      case 'dictionary':
        return this.dictionary(node, scope, ctx);
      case 'binary_operator':
        return this.binary(node, scope, ctx);
      case 'unary_operator': {
        const operand = this.eval(node.fields.argument ?? node.children[0], scope, ctx);
        if (operand.kind === 'num') {
          return num(node.operator.includes('-') ? -operand.value : operand.value);
        }
        return operand.kind === 'tensor' ? operand : sym(m.text(node));
      }
      case 'not_operator': {
        const value = truthy(this.eval(node.fields.argument ?? node.children[0], scope, ctx));
        return value === undefined ? sym(m.text(node)) : { kind: 'bool', value: !value };
      }
      case 'boolean_operator':
        return this.booleanOperator(node, scope, ctx);
      case 'comparison_operator':
        return this.comparison(node, scope, ctx);
      case 'conditional_expression': {
        const [consequence, condition, alternative] = node.children;
        const test = truthy(this.eval(condition, scope, ctx));
        if (test === true) {
          return this.eval(consequence, scope, ctx);
        }
        if (test === false) {
          return this.eval(alternative, scope, ctx);
        }
        const a = this.eval(consequence, scope, { ...ctx, uncertain: true });
        const b = this.eval(alternative, scope, { ...ctx, uncertain: true });
        if (a.kind === 'tensor' && b.kind === 'tensor') {
          return { kind: 'tensor', t: merge([a.t, b.t], a.t.dim) };
        }
        if (a.kind === 'num' && b.kind === 'num' && a.value === b.value) {
          return a;
        }
        return sym(m.text(node));
      }
      case 'subscript':
        return this.subscript(node, scope, ctx);
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.comprehension(node, scope, ctx);
      case 'lambda':
        return this.hooks.lambda(node, scope);
      case 'list_splat':
      case 'dictionary_splat':
        return this.eval(node.children[0], scope, ctx);
      case 'named_expression': {
        const value = this.eval(node.fields.value, scope, ctx);
        this.hooks.bindTarget(node.fields.name!, value, scope);
        return value;
      }
      default:
        return sym(m.text(node));
    }
  }

  /** A name: local, global, builtin, else a symbol of its own text. */
  private name(node: PyNode, scope: Scope): Value {
    const text = this.machine.text(node);
    const value = this.machine.lookupName(scope, text);
    if (value) {
      return this.resolveInitializer(value, node);
    }
    if (BUILTINS.has(text)) {
      return { kind: 'ns', path: `builtins.${text}` };
    }
    return sym(text);
  }

  /** `nn.initializers.zeros` and Flax's `default_kernel_init` are initializers without a call. */
  private resolveInitializer(value: Value, node: PyNode): Value {
    if (value.kind !== 'ns') {
      return value;
    }
    const init = initializerValueAt(value.path);
    return init ? { kind: 'init', name: init.name, args: init.args, range: node.range } : value;
  }

  /** An f-string whose interpolations all resolve to constants (`f'encoderblock_{lyr}'`). */
  private formatString(node: PyNode, scope: Scope, ctx: Ctx): Value {
    let out = '';
    for (const child of node.children) {
      if (child.type === 'string_content' || child.type === 'escape_sequence') {
        out += this.machine.text(child);
      } else if (child.type === 'interpolation') {
        if (child.children.length !== 1) {
          return sym(this.machine.text(node));
        }
        const value = this.eval(child.children[0], scope, ctx);
        if (value.kind === 'num' || value.kind === 'str') {
          out += String(value.value);
        } else {
          return sym(this.machine.text(node));
        }
      }
    }
    return { kind: 'str', value: out };
  }

  sequence(children: PyNode[], scope: Scope, ctx: Ctx): Value {
    const items: Value[] = [];
    let star = false;
    for (const child of children) {
      if (child.type === 'list_splat') {
        const spread = this.eval(child.children[0], scope, ctx);
        if (spread.kind === 'tuple') {
          items.push(...spread.items);
          star ||= spread.star === true;
        } else {
          items.push(spread);
          star = true;
        }
        continue;
      }
      items.push(this.eval(child, scope, ctx));
    }
    return { kind: 'tuple', items, star };
  }

  private dictionary(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const entries = new Map<string, Value>();
    for (const pair of node.children) {
      if (pair.type !== 'pair') {
        continue;
      }
      const key = this.eval(pair.fields.key, scope, ctx);
      const value = this.eval(pair.fields.value, scope, ctx);
      entries.set(key.kind === 'str' ? key.value : valueText(key), value);
    }
    return { kind: 'dict', entries };
  }

  private binary(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const left = this.eval(node.fields.left, scope, ctx);
    const right = this.eval(node.fields.right, scope, ctx);
    const op = node.operator;
    if (left.kind === 'num' && right.kind === 'num') {
      const value = arithmetic(op, left.value, right.value);
      return value === undefined ? sym(this.machine.text(node)) : num(value);
    }
    if (op === '+' && left.kind === 'tuple' && right.kind === 'tuple') {
      return { kind: 'tuple', items: [...left.items, ...right.items], star: left.star || right.star };
    }
    if (op === '*' && left.kind === 'tuple' && right.kind === 'num' && right.value >= 0 && right.value <= MAX_REPEAT) {
      return { kind: 'tuple', items: Array.from({ length: right.value }, () => left.items).flat(), star: left.star };
    }
    if (left.kind === 'str' && right.kind === 'str' && op === '+') {
      return { kind: 'str', value: left.value + right.value };
    }
    if (left.kind === 'tensor' || right.kind === 'tensor') {
      return this.tensorBinary(op, left, right, node, ctx);
    }
    return sym(this.machine.text(node));
  }

  private tensorBinary(op: string, left: Value, right: Value, node: PyNode, ctx: Ctx): Value {
    const lt = left.kind === 'tensor' ? left.t : undefined;
    const rt = right.kind === 'tensor' ? right.t : undefined;
    if (op === '@') {
      for (const t of [lt, rt]) {
        if (t) {
          settle(t, null);
        }
      }
      return { kind: 'tensor', t: merge([], sym(this.machine.text(node))) };
    }
    if ((op === '+' || op === '-') && lt && rt) {
      const name = (side: PyNode | undefined) => (side?.type === 'identifier' ? this.machine.text(side) : '');
      return { kind: 'tensor', t: addTensors(lt, rt, name(node.fields.left), name(node.fields.right), !ctx.uncertain) };
    }
    // A hand-written swish `x * sigmoid(x)` is SiLU on x's layers, not a sigmoid.
    if (op === '*' && lt && rt) {
      const gate = rt.sigmoidOf?.source === lt ? rt.sigmoidOf : lt.sigmoidOf?.source === rt ? lt.sigmoidOf : undefined;
      if (gate) {
        for (const layer of gate.source.pending) {
          if (layer.flow.activation === gate.activation) {
            layer.flow.activation = { name: 'silu', params: {}, range: node.range };
          }
        }
        return { kind: 'tensor', t: activated(gate.source) };
      }
    }
    const tensors = [lt, rt].filter((t): t is TensorInfo => t !== undefined);
    return { kind: 'tensor', t: merge(tensors, tensors[0]!.dim, tensors.length === 1 && tensors[0]!.skip) };
  }

  private booleanOperator(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const left = this.eval(node.fields.left, scope, ctx);
    const l = truthy(left);
    if (l === undefined) {
      return sym(this.machine.text(node));
    }
    const isAnd = node.operator.includes('and');
    if (isAnd ? !l : l) {
      return left;
    }
    return this.eval(node.fields.right, scope, ctx);
  }

  private comparison(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const operands = node.children.map((c) => this.eval(c, scope, ctx));
    const ops = node.operator.split(' ').filter(Boolean);
    if (operands.length !== 2 || ops.length === 0) {
      return sym(this.machine.text(node));
    }
    const [a, b] = operands as [Value, Value];
    const op = ops.join(' ');
    if (a.kind === 'shape' && b.kind === 'shape' && (op === '==' || op === '!=')) {
      const same = sameShape(a.t, b.t);
      return same === undefined ? sym(this.machine.text(node)) : { kind: 'bool', value: op === '==' ? same : !same };
    }
    if ((op === 'is' || op === 'is not') && (a.kind === 'none' || b.kind === 'none')) {
      const known = (v: Value) => v.kind !== 'sym' && v.kind !== 'tensor';
      if (!known(a) || !known(b)) {
        return sym(this.machine.text(node));
      }
      const same = a.kind === b.kind;
      return { kind: 'bool', value: op === 'is' ? same : !same };
    }
    const scalar = (v: Value) => (v.kind === 'num' || v.kind === 'str' || v.kind === 'bool' ? v.value : undefined);
    const x = scalar(a);
    const y = scalar(b);
    if (x === undefined || y === undefined) {
      return sym(this.machine.text(node));
    }
    switch (op) {
      case '==':
        return { kind: 'bool', value: x === y };
      case '!=':
        return { kind: 'bool', value: x !== y };
      case '<':
        return { kind: 'bool', value: x < y };
      case '>':
        return { kind: 'bool', value: x > y };
      case '<=':
        return { kind: 'bool', value: x <= y };
      case '>=':
        return { kind: 'bool', value: x >= y };
      default:
        return sym(this.machine.text(node));
    }
  }

  private subscript(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const value = this.eval(node.fields.value, scope, ctx);
    const indexNode = node.fields.subscript ?? node.children[1];
    if (value.kind === 'tensor') {
      return { kind: 'tensor', t: { ...value.t, pending: new Set(value.t.pending), last: new Set(value.t.last), skip: false, spatial: null } };
    }
    if (value.kind === 'tuple' && !value.star && indexNode?.type === 'slice') {
      const bounds = indexNode.children.map((c) => this.eval(c, scope, ctx));
      if (bounds.every((b) => b.kind === 'num') && bounds.length <= 2 && !this.machine.text(indexNode).includes('::')) {
        const text = this.machine.text(indexNode);
        const [first, second] = bounds as { kind: 'num'; value: number }[];
        const start = text.trimStart().startsWith(':') ? 0 : (first?.value ?? 0);
        const end = text.trimStart().startsWith(':') ? first?.value : second?.value;
        return { kind: 'tuple', items: value.items.slice(start, end) };
      }
      return sym(this.machine.text(node));
    }
    const index = this.eval(indexNode, scope, ctx);
    if (value.kind === 'tuple' && !value.star && index.kind === 'num' && Number.isInteger(index.value)) {
      const at = index.value < 0 ? value.items.length + index.value : index.value;
      return value.items[at] ?? sym(this.machine.text(node));
    }
    // `x.shape[-1]`: the feature size the flow tracks.
    if (value.kind === 'shape' && index.kind === 'num' && index.value === -1) {
      return value.t.dim;
    }
    if (value.kind === 'dict' && index.kind === 'str') {
      return value.entries.get(index.value) ?? sym(this.machine.text(node));
    }
    return sym(this.machine.text(node));
  }

  private comprehension(node: PyNode, scope: Scope, ctx: Ctx): Value {
    const body = node.fields.body ?? node.children[0];
    const clauses = node.children.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const items: Value[] = [];
    let star = false;
    const run = (index: number, inner: Scope, innerCtx: Ctx) => {
      if (items.length > MAX_LOOP) {
        return;
      }
      const clause = clauses[index];
      if (!clause) {
        items.push(this.eval(body, inner, innerCtx));
        return;
      }
      if (clause.type === 'if_clause') {
        const test = truthy(this.eval(clause.children[0], inner, innerCtx));
        if (test !== false) {
          run(index + 1, inner, test === undefined ? { ...innerCtx, uncertain: true } : innerCtx);
        }
        return;
      }
      const iterable = this.eval(clause.fields.right, inner, innerCtx);
      const values = iterate(iterable);
      if (!values) {
        star = true;
        const loopScope: Scope = { vars: new Map(), parent: inner };
        this.hooks.bindTarget(clause.fields.left!, sym(this.machine.text(clause.fields.left!)), loopScope);
        run(index + 1, loopScope, { ...innerCtx, star: true });
        return;
      }
      for (const item of values) {
        const loopScope: Scope = { vars: new Map(), parent: inner };
        this.hooks.bindTarget(clause.fields.left!, item, loopScope);
        run(index + 1, loopScope, innerCtx);
      }
    };
    run(0, scope, ctx);
    return { kind: 'tuple', items, star };
  }
}

/**
 * Whether two arrays have the same shape: different numeric feature sizes differ; equal sizes
 * with the same spatial history are equal; anything else is unknown.
 */
function sameShape(a: TensorInfo, b: TensorInfo): boolean | undefined {
  if (a.dim.kind === 'num' && b.dim.kind === 'num' && a.dim.value !== b.dim.value) {
    return false;
  }
  if (a.dim.kind === 'num' && b.dim.kind === 'num' && a.spatial && a.spatial === b.spatial) {
    return true;
  }
  if (a.dim.kind === 'sym' && b.dim.kind === 'sym' && a.dim.text === b.dim.text && a.spatial && a.spatial === b.spatial) {
    return true;
  }
  return undefined;
}

const MAX_REPEAT = 1024;
const MAX_LOOP = 256;

function arithmetic(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : a / b;
    case '//':
      return b === 0 ? undefined : Math.floor(a / b);
    case '%':
      return b === 0 ? undefined : a - b * Math.floor(a / b);
    case '**':
      return a ** b;
    default:
      return undefined;
  }
}

/** The items a `for` visits, or undefined when the iterable does not resolve. */
export function iterate(value: Value): Value[] | undefined {
  if (value.kind === 'tuple') {
    return value.star ? undefined : value.items.slice(0, MAX_LOOP);
  }
  if (value.kind === 'dict') {
    return [...value.entries.keys()].map((key) => ({ kind: 'str', value: key }) as Value);
  }
  if (value.kind === 'str') {
    return [...value.value].map((ch) => ({ kind: 'str', value: ch }) as Value);
  }
  return undefined;
}
