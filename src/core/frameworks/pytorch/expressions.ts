/**
 * Expressions: literals, names, operators (arithmetic on numbers, symbols composed as text, tensor
 * data flow through `+`, `*`, `@`), comparisons, containers, comprehensions, subscripts and calls.
 */

import type { Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { consumeLinearly, copyTensor, layerOutput, merge, residualAdd, tensorOf, type UseClock } from './flow';
import { percentFormat } from './pythonBuiltins';
import { asNumber, list, NONE, num, str, sym, truthiness, valueText, type Scope, type TensorInfo, type Value } from './values';

import { AttributeInterpreter } from './attributes';

import { MAX_LOOP, type Context } from './interpreterCore';

export abstract class ExpressionInterpreter extends AttributeInterpreter {
  eval(node: PyNode, scope: Scope, ctx: Context): Value {
    this.tick();
    switch (node.type) {
      case 'integer': {
        const text = this.text(node).replace(/_/g, '');
        const value = /^0[xob]/i.test(text) ? Number(text) : Number.parseInt(text, 10);
        return Number.isFinite(value) ? num(value) : sym(text);
      }
      case 'float': {
        const text = this.text(node).replace(/_/g, '');
        const value = Number(text.endsWith('j') ? NaN : text);
        return Number.isFinite(value) ? num(value) : sym(text);
      }
      case 'true':
        return { kind: 'bool', value: true };
      case 'false':
        return { kind: 'bool', value: false };
      case 'none':
        return NONE;
      case 'string':
        return this.evalString(node, scope, ctx);
      case 'concatenated_string': {
        const parts = node.children.map((c) => this.eval(c, scope, ctx));
        return parts.every((p) => p.kind === 'str') ? str(parts.map((p) => (p as { value: string }).value).join('')) : sym(this.text(node));
      }
      case 'identifier':
        return this.lookup(this.text(node), scope) ?? sym(this.text(node));
      case 'parenthesized_expression':
        return node.children[0] ? this.eval(node.children[0], scope, ctx) : NONE;
      case 'attribute':
        return this.evalAttribute(node, scope, ctx);
      case 'call':
        return this.evalCall(node, scope, ctx);
      case 'binary_operator': {
        const left = this.eval(node.fields.left!, scope, ctx);
        const right = this.eval(node.fields.right!, scope, ctx);
        return this.binary(node.operator.trim(), left, right, ctx, { leftIsBranch: false, left: node.fields.left!, right: node.fields.right! });
      }
      case 'unary_operator': {
        const operand = this.eval(node.fields.argument ?? node.children[0]!, scope, ctx);
        const n = asNumber(operand);
        if (n !== undefined) {
          return node.operator.includes('-') ? num(-n) : node.operator.includes('~') ? num(~n) : num(n);
        }
        return operand.kind === 'tensor' ? operand : sym(this.text(node));
      }
      case 'not_operator': {
        const truth = truthiness(this.eval(node.fields.argument ?? node.children[0]!, scope, ctx));
        return truth === undefined ? sym(this.text(node)) : { kind: 'bool', value: !truth };
      }
      case 'boolean_operator':
        return this.evalBoolean(node, scope, ctx);
      case 'comparison_operator':
        return this.evalComparison(node, scope, ctx);
      case 'conditional_expression': {
        const [consequence, condition, alternative] = node.children;
        const truth = truthiness(this.eval(condition!, scope, ctx));
        if (truth === true) {
          return this.eval(consequence!, scope, ctx);
        }
        if (truth === false) {
          return this.eval(alternative!, scope, ctx);
        }
        const a = this.eval(consequence!, scope, { ...ctx, uncertain: true });
        const b = this.eval(alternative!, scope, { ...ctx, uncertain: true });
        if (a.kind === 'tensor' && b.kind === 'tensor') {
          return { kind: 'tensor', tensor: merge([a.tensor, b.tensor], a.tensor.skip || b.tensor.skip) };
        }
        return sameValue(a, b) ? a : sym(this.text(node));
      }
      case 'list':
      case 'tuple':
      case 'expression_list':
        return this.evalSequence(node, scope, ctx);
      case 'dictionary':
        return this.evalDict(node, scope, ctx);
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.evalComprehension(node, scope, ctx);
      case 'subscript':
        return this.evalSubscript(node, scope, ctx);
      case 'lambda':
        return { kind: 'func', fn: { name: '<lambda>', node, scope } };
      case 'keyword_argument':
        return this.eval(node.fields.value!, scope, ctx);
      default:
        return sym(this.text(node));
    }
  }

  protected evalString(node: PyNode, scope: Scope, ctx: Context): Value {
    if (node.children.some((c) => c.type === 'interpolation')) {
      let out = '';
      for (const child of node.children) {
        if (child.type === 'string_content') {
          out += this.text(child);
        } else if (child.type === 'interpolation') {
          const value = this.eval(child.fields.expression ?? child.children[0]!, scope, ctx);
          if (value.kind === 'num' || value.kind === 'str') {
            out += String(value.value);
          } else if (value.kind === 'sym') {
            // f"layer_{i}" over a loop of unknown length: the name is `layer_*`.
            out += '*';
          } else {
            return sym(this.text(node));
          }
        }
      }
      return str(out);
    }
    const content = node.children
      .filter((c) => c.type === 'string_content')
      .map((c) => this.text(c))
      .join('');
    return str(content);
  }

  protected evalBoolean(node: PyNode, scope: Scope, ctx: Context): Value {
    const left = this.eval(node.fields.left!, scope, ctx);
    const lt = truthiness(left);
    const isAnd = node.operator.includes('and');
    if (isAnd && lt === false) {
      return left;
    }
    if (!isAnd && lt === true) {
      return left;
    }
    const right = this.eval(node.fields.right!, scope, ctx);
    if (lt === undefined) {
      const rt = truthiness(right);
      if (isAnd && rt === false) {
        return right;
      }
      if (!isAnd && rt === true) {
        return right;
      }
      return sym(this.text(node));
    }
    return right;
  }

  protected evalComparison(node: PyNode, scope: Scope, ctx: Context): Value {
    const operands = node.children.map((c) => this.eval(c, scope, ctx));
    const operators = node.operator.split(' ').filter(Boolean);
    // Join `not in` / `is not` back together.
    const joined: string[] = [];
    for (let i = 0; i < operators.length; i++) {
      const op = operators[i]!;
      if (op === 'not' && operators[i + 1] === 'in') {
        joined.push('not in');
        i++;
      } else if (op === 'is' && operators[i + 1] === 'not') {
        joined.push('is not');
        i++;
      } else {
        joined.push(op);
      }
    }
    let result = true;
    for (let i = 0; i < joined.length; i++) {
      const outcome = compare(joined[i]!, operands[i]!, operands[i + 1]!);
      if (outcome === undefined) {
        return sym(this.text(node));
      }
      result = result && outcome;
    }
    return { kind: 'bool', value: result };
  }

  protected evalSequence(node: PyNode, scope: Scope, ctx: Context): Value {
    const items: Value[] = [];
    let symbolicCount = false;
    for (const child of node.children) {
      if (child.type === 'list_splat' || child.type === 'parenthesized_list_splat') {
        const inner = this.eval(child.children[0]!, scope, ctx);
        if (inner.kind === 'list') {
          items.push(...inner.items);
          symbolicCount ||= inner.symbolicCount;
        } else {
          symbolicCount = true;
          items.push(inner);
        }
      } else {
        items.push(this.eval(child, scope, ctx));
      }
    }
    return list(items, node.type !== 'list', symbolicCount);
  }

  protected evalDict(node: PyNode, scope: Scope, ctx: Context): Value {
    const entries = new Map<string, Value>();
    for (const pair of node.children) {
      if (pair.type === 'pair') {
        const key = this.eval(pair.fields.key!, scope, ctx);
        const value = this.eval(pair.fields.value!, scope, ctx);
        if (key.kind === 'str' || key.kind === 'num') {
          entries.set(String(key.value), value);
        } else {
          return sym(this.text(node));
        }
      } else if (pair.type === 'dictionary_splat') {
        const inner = this.eval(pair.children[0]!, scope, ctx);
        if (inner.kind === 'dict') {
          for (const [k, v] of inner.entries) {
            entries.set(k, v);
          }
        }
      }
    }
    return { kind: 'dict', entries };
  }

  protected evalComprehension(node: PyNode, scope: Scope, ctx: Context): Value {
    const body = node.fields.body ?? node.children[0]!;
    const clauses = node.children.filter((c) => c.type === 'for_in_clause' || c.type === 'if_clause');
    const out: Value[] = [];
    let symbolic = false;
    const inner: Scope = { vars: new Map(), parent: scope };
    const run = (index: number): void => {
      if (out.length > MAX_LOOP) {
        return;
      }
      const clause = clauses[index];
      if (!clause) {
        out.push(this.eval(body, inner, ctx));
        return;
      }
      if (clause.type === 'if_clause') {
        const truth = truthiness(this.eval(clause.children[0]!, inner, ctx));
        if (truth !== false) {
          run(index + 1);
        }
        return;
      }
      const iterable = this.eval(clause.fields.right!, inner, ctx);
      const { items, symbolic: s } = this.iterate(iterable, ctx);
      if (items === undefined || s) {
        symbolic = true;
      }
      for (const item of items ?? [sym(this.text(clause.fields.left!))]) {
        this.assign(clause.fields.left!, item, inner, ctx);
        run(index + 1);
      }
    };
    run(0);
    return list(out, false, symbolic);
  }

  protected evalSubscript(node: PyNode, scope: Scope, ctx: Context): Value {
    const object = this.eval(node.fields.value!, scope, ctx);
    const indexNode = node.fields.subscript ?? node.children[1];
    if (!indexNode) {
      return sym(this.text(node));
    }
    if (indexNode.type === 'slice') {
      return this.slice(object, indexNode, scope, ctx, node);
    }
    const key = this.eval(indexNode, scope, ctx);
    switch (object.kind) {
      case 'list': {
        const index = asNumber(key);
        if (object.symbolicCount) {
          return object.items[0] ?? sym(this.text(node));
        }
        if (index !== undefined) {
          return object.items[index < 0 ? object.items.length + index : index] ?? sym(this.text(node));
        }
        return sym(this.text(node));
      }
      case 'dict':
        return key.kind === 'str' || key.kind === 'num' ? (object.entries.get(String(key.value)) ?? sym(this.text(node))) : sym(this.text(node));
      case 'module': {
        const children = [...object.module.children.entries()].filter(([, c]) => c.className !== 'Parameter');
        if (key.kind === 'str') {
          const child = object.module.children.get(key.value);
          return child ? { kind: 'module', module: child } : sym(this.text(node));
        }
        const index = asNumber(key);
        if (children.some(([k]) => k === '*')) {
          return { kind: 'module', module: children[0]![1] };
        }
        if (index !== undefined) {
          const entry = children[index < 0 ? children.length + index : index];
          return entry ? { kind: 'module', module: entry[1] } : sym(this.text(node));
        }
        return sym(this.text(node));
      }
      case 'tensor':
        return { kind: 'tensor', tensor: copyTensor(object.tensor) };
      default:
        return sym(this.text(node));
    }
  }

  protected slice(object: Value, sliceNode: PyNode, scope: Scope, ctx: Context, whole: PyNode): Value {
    const parts: (number | undefined)[] = [];
    // tree-sitter gives the slice's start/stop/step as children; empty parts are absent.
    const text = this.text(sliceNode);
    const pieces = text.split(':');
    let childIndex = 0;
    for (const piece of pieces) {
      if (piece.trim() === '') {
        parts.push(undefined);
      } else {
        const child = sliceNode.children[childIndex++];
        parts.push(child ? asNumber(this.eval(child, scope, ctx)) : undefined);
      }
    }
    const [start, stop, step] = parts;
    const take = <T>(items: T[]): T[] => {
      const n = items.length;
      const norm = (i: number | undefined, d: number) => (i === undefined ? d : i < 0 ? Math.max(0, n + i) : Math.min(n, i));
      const s = step ?? 1;
      if (s <= 0) {
        return [...items].reverse();
      }
      const out: T[] = [];
      for (let i = norm(start, 0); i < norm(stop, n); i += s) {
        out.push(items[i]!);
      }
      return out;
    };
    if (object.kind === 'list') {
      return object.symbolicCount ? object : list(take(object.items), object.tuple);
    }
    if (object.kind === 'module') {
      const children = [...object.module.children.values()].filter((c) => c.className !== 'Parameter');
      if ([...object.module.children.keys()].includes('*')) {
        return list(
          children.map((c) => ({ kind: 'module', module: c }) as Value),
          false,
          true,
        );
      }
      return list(take(children).map((c) => ({ kind: 'module', module: c }) as Value));
    }
    if (object.kind === 'tensor') {
      return { kind: 'tensor', tensor: copyTensor(object.tensor) };
    }
    if (object.kind === 'str') {
      return str(take([...object.value]).join(''));
    }
    return sym(this.text(whole));
  }

  protected evalAttribute(node: PyNode, scope: Scope, ctx: Context): Value {
    const object = this.eval(node.fields.object!, scope, ctx);
    const name = this.text(node.fields.attribute!);
    return this.getAttribute(object, name, node, ctx);
  }

  binary(operator: string, left: Value, right: Value, _ctx: Context, where: { leftIsBranch: boolean; left: PyNode; right: PyNode }): Value {
    const a = asNumber(left);
    const b = asNumber(right);
    if (a !== undefined && b !== undefined) {
      const result = arithmetic(operator, a, b);
      return result === undefined ? sym(`${valueText(left)} ${operator} ${valueText(right)}`) : num(result);
    }
    if (left.kind === 'str' && right.kind === 'str' && operator === '+') {
      return str(left.value + right.value);
    }
    if (left.kind === 'str' && operator === '%') {
      return str(percentFormat(left.value, right));
    }
    if (left.kind === 'str' && b !== undefined && operator === '*') {
      return str(left.value.repeat(b));
    }
    if (operator === '+' && (left.kind === 'list') !== (right.kind === 'list') && (left.kind === 'sym' || right.kind === 'sym')) {
      // `(hidden,) + outputs[1:]`: the known items stay visible, the length becomes unknown.
      const known = left.kind === 'list' ? left : (right as Extract<Value, { kind: 'list' }>);
      return list(left.kind === 'list' ? [...known.items, right] : [left, ...known.items], known.tuple, true);
    }
    if (left.kind === 'list' && right.kind === 'list' && operator === '+') {
      return list([...left.items, ...right.items], left.tuple, left.symbolicCount || right.symbolicCount);
    }
    if (left.kind === 'list' && operator === '*' && b !== undefined) {
      return b > MAX_LOOP ? list(left.items, left.tuple, true) : list(Array.from({ length: b }, () => left.items).flat(), left.tuple, left.symbolicCount);
    }
    if (left.kind === 'list' && operator === '*' && right.kind === 'sym') {
      return list(left.items, left.tuple, true);
    }
    if (_ctx.inForward && (left.kind === 'param' || right.kind === 'param')) {
      return this.tensorBinary(operator, paramAsTensor(this.file.clock, left), paramAsTensor(this.file.clock, right), { ...where, certain: !_ctx.uncertain });
    }
    if (left.kind === 'tensor' || right.kind === 'tensor') {
      return this.tensorBinary(operator, left, right, { ...where, certain: !_ctx.uncertain });
    }
    if (left.kind === 'newTensor' || right.kind === 'newTensor') {
      return this.newTensorBinary(operator, left, right, where.left.range);
    }
    if (left.kind === 'sym' || right.kind === 'sym' || left.kind === 'num' || right.kind === 'num') {
      return sym(`${symText(left)} ${operator} ${symText(right)}`);
    }
    return sym(`${valueText(left)} ${operator} ${valueText(right)}`);
  }

  protected tensorBinary(operator: string, left: Value, right: Value, where: { leftIsBranch: boolean; left: PyNode; right: PyNode; certain: boolean }): Value {
    const lt = left.kind === 'tensor' ? left.tensor : undefined;
    const rt = right.kind === 'tensor' ? right.tensor : undefined;
    if (operator === '@') {
      for (const t of [lt, rt]) {
        if (t) {
          consumeLinearly(t);
        }
      }
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    if ((operator === '+' || operator === '-') && lt && rt) {
      return { kind: 'tensor', tensor: this.add(lt, rt, where) };
    }
    const pending = [lt, rt].filter((t): t is TensorInfo => t !== undefined);
    return { kind: 'tensor', tensor: merge(pending, pending.some((t) => t.skip) && pending.length === 1) };
  }

  /** `a + b` of two tensors: a residual join when one side is the skip. */
  protected add(lt: TensorInfo, rt: TensorInfo, where: { leftIsBranch: boolean; left: PyNode; right: PyNode; certain: boolean }): TensorInfo {
    const skipName = /^(x|identity|shortcut|residual|skip|res|inp|input|inputs|h|hidden|hidden_states)$/;
    if (where.leftIsBranch) {
      return rt.pending.size === 0 && lt.pending.size === 0 ? merge([lt, rt], true) : residualAdd(lt, rt, where.certain);
    }
    if (lt.skip && !rt.skip) {
      return residualAdd(rt, lt, where.certain);
    }
    if (rt.skip && !lt.skip) {
      return residualAdd(lt, rt, where.certain);
    }
    const leftName = where.left.type === 'identifier' ? this.text(where.left) : '';
    const rightName = where.right.type === 'identifier' ? this.text(where.right) : '';
    if (skipName.test(rightName) && !skipName.test(leftName)) {
      return residualAdd(lt, rt, where.certain);
    }
    if (skipName.test(leftName) && !skipName.test(rightName)) {
      return residualAdd(rt, lt, where.certain);
    }
    return merge([lt, rt], lt.skip || rt.skip);
  }

  protected newTensorBinary(operator: string, left: Value, right: Value, range: Range): Value {
    const tensor = left.kind === 'newTensor' ? left.tensor : right.kind === 'newTensor' ? right.tensor : undefined;
    const other = left.kind === 'newTensor' ? right : left;
    if (!tensor) {
      return sym('tensor');
    }
    const factor = asNumber(other);
    if (operator === '*' && factor === undefined && tensor.init.name === 'ones') {
      // `torch.ones(d) * layer_scale`: a constant whatever the value.
      return {
        kind: 'newTensor',
        tensor: { shape: tensor.shape, init: { ...tensor.init, name: 'constant', args: { val: { expr: valueText(other) } }, variance: 0, range } },
      };
    }
    if (operator === '*' || (operator === '/' && left.kind === 'newTensor')) {
      const f = factor === undefined ? undefined : operator === '/' ? 1 / factor : factor;
      return { kind: 'newTensor', tensor: { shape: tensor.shape, init: scaleInitValue(tensor.init, f, range) } };
    }
    if ((operator === '+' || operator === '-') && factor !== undefined && tensor.init.name === 'zeros') {
      return { kind: 'newTensor', tensor: { shape: tensor.shape, init: { ...tensor.init, name: 'constant', args: { val: factor }, variance: 0 } } };
    }
    return { kind: 'newTensor', tensor: { shape: tensor.shape, init: { ...tensor.init, name: 'unknown', args: {}, variance: null } } };
  }

  // ───────────────────────────── calls ─────────────────────────────

  protected evalCall(node: PyNode, scope: Scope, ctx: Context): Value {
    const calleeNode = node.fields.function!;
    const callee = this.eval(calleeNode, scope, ctx);
    const { args, kwargs, argNodes } = this.evalArguments(node.fields.arguments, scope, ctx);
    return this.call(callee, args, kwargs, node, ctx, argNodes);
  }

  evalArguments(argsNode: PyNode | undefined, scope: Scope, ctx: Context): { args: Value[]; kwargs: Map<string, Value>; argNodes: PyNode[] } {
    const args: Value[] = [];
    const argNodes: PyNode[] = [];
    const kwargs = new Map<string, Value>();
    if (!argsNode) {
      return { args, kwargs, argNodes };
    }
    if (argsNode.type === 'generator_expression') {
      args.push(this.eval(argsNode, scope, ctx));
      argNodes.push(argsNode);
      return { args, kwargs, argNodes };
    }
    for (const child of argsNode.children) {
      if (child.type === 'keyword_argument') {
        kwargs.set(this.text(child.fields.name!), this.eval(child.fields.value!, scope, ctx));
      } else if (child.type === 'list_splat') {
        const inner = this.eval(child.children[0]!, scope, ctx);
        if (inner.kind === 'list') {
          args.push(...inner.items);
          inner.items.forEach(() => argNodes.push(child));
          if (inner.symbolicCount) {
            kwargs.set('__symbolic_splat__', { kind: 'bool', value: true });
          }
        } else {
          args.push(inner);
          argNodes.push(child);
        }
      } else if (child.type === 'dictionary_splat') {
        const inner = this.eval(child.children[0]!, scope, ctx);
        if (inner.kind === 'dict') {
          for (const [k, v] of inner.entries) {
            kwargs.set(k, v);
          }
        }
      } else if (child.type !== 'comment') {
        args.push(this.eval(child, scope, ctx));
        argNodes.push(child);
      }
    }
    return { args, kwargs, argNodes };
  }
}

/** In forward, a raw parameter used in arithmetic is the output of its pseudo-layer. */
function paramAsTensor(clock: UseClock, value: Value): Value {
  if (value.kind === 'param' && value.param.raw) {
    return { kind: 'tensor', tensor: layerOutput(clock, value.param.raw) };
  }
  return value;
}

function arithmetic(operator: string, a: number, b: number): number | undefined {
  switch (operator) {
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
      return b === 0 ? undefined : ((a % b) + b) % b;
    case '**':
      return a ** b;
    case '<<':
      return a << b;
    case '>>':
      return a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    default:
      return undefined;
  }
}

function symText(value: Value): string {
  const text = valueText(value);
  return value.kind === 'sym' && /[\s+\-*/]/.test(text) && !/^\(.*\)$/.test(text) ? `(${text})` : text;
}

function sameValue(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) {
    return false;
  }
  if ((a.kind === 'num' || a.kind === 'str' || a.kind === 'bool') && 'value' in b) {
    return a.value === b.value;
  }
  return a.kind === 'none';
}

function compare(op: string, a: Value, b: Value): boolean | undefined {
  if (op === 'is' || op === 'is not' || op === '==' || op === '!=') {
    let equal: boolean | undefined;
    if (a.kind === 'none' || b.kind === 'none') {
      equal = a.kind === 'sym' || b.kind === 'sym' ? undefined : a.kind === b.kind;
    } else if ((a.kind === 'num' || a.kind === 'bool') && (b.kind === 'num' || b.kind === 'bool')) {
      equal = asNumber(a) === asNumber(b);
    } else if (a.kind === 'str' && b.kind === 'str') {
      equal = a.value === b.value;
    } else if (a.kind === 'torchClass' && b.kind === 'torchClass') {
      equal = a.name === b.name;
    } else if (a.kind === 'localClass' && b.kind === 'localClass') {
      equal = a.cls === b.cls;
    } else if (a.kind === 'sym' || b.kind === 'sym') {
      equal = undefined;
    } else if (a.kind === 'module' && b.kind === 'module') {
      equal = a.module === b.module;
    } else {
      equal = false;
    }
    if (equal === undefined) {
      return undefined;
    }
    return op === '==' || op === 'is' ? equal : !equal;
  }
  if (op === 'in' || op === 'not in') {
    let contained: boolean | undefined;
    if (a.kind === 'str' && b.kind === 'str') {
      contained = b.value.includes(a.value);
    } else if (b.kind === 'list' && !b.symbolicCount && b.items.every((i) => i.kind !== 'sym')) {
      contained = b.items.some((item) => compare('==', a, item) === true);
    } else if (b.kind === 'dict' && (a.kind === 'str' || a.kind === 'num')) {
      contained = b.entries.has(String(a.value));
    }
    if (contained === undefined) {
      return undefined;
    }
    return op === 'in' ? contained : !contained;
  }
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === undefined || y === undefined) {
    return undefined;
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    default:
      return undefined;
  }
}

function scaleInitValue(init: import('../../graph').InitInForce, factor: number | undefined, range: Range) {
  if (init.name === 'zeros') {
    return init;
  }
  if (init.name === 'ones') {
    return factor === undefined ? { ...init, name: 'unknown', variance: null } : { ...init, name: 'constant', args: { val: factor }, variance: 0, range };
  }
  if (factor === undefined) {
    return { ...init, variance: null, args: { ...init.args, scale: { expr: '?' } } };
  }
  if (init.name === 'normal') {
    const std = typeof init.args.std === 'number' ? init.args.std : 1;
    return { ...init, args: { ...init.args, std: std * Math.abs(factor) }, variance: init.variance === null ? null : init.variance * factor * factor };
  }
  return { ...init, args: { ...init.args, scale: factor }, variance: init.variance === null ? null : init.variance * factor * factor };
}
