/**
 * Evaluation of Python expressions: literals, names, operators, conditionals (an undecided test
 * follows both arms and merges them), comprehensions in their own scope, lambdas, f-strings,
 * subscripts and slices, calls with `*args`/`**kwargs` unpacking, walrus and `yield`.
 */
import type { PyNode } from '../ast';
import { builtinValue } from './builtinNames';
import type { Context, Evaluator, Kwargs } from './contracts';
import { makeFunction } from './functions';
import { binaryOp, compare, unaryOp } from './operators';
import { Scope } from './scope';
import { formatSpec, reprOf, strOf, unescape } from './strings';
import { subscriptOf } from './subscripts';
import { bool, FALSE, keyOf, list, NONE, sym, TRUE, type DictEntry, type DictKey, type Value } from './values';

/** Evaluates an expression node (never throws except on an exhausted step budget). */
export function evalExpression<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  ev.budget.tick();
  switch (node.type) {
    case 'identifier':
      return lookupName(ev, ev.text(node), scope);
    case 'integer':
      return integerLiteral(ev, node);
    case 'float': {
      const text = ev.text(node);
      return text.endsWith('j') || text.endsWith('J') ? unsupported(ev, node, 'complex numbers') : ev.number(Number(text.replaceAll('_', '')), true, text);
    }
    case 'string':
      return stringLiteral(ev, node, scope, ctx);
    case 'concatenated_string': {
      let text = '';
      for (const part of node.children) {
        const value = stringLiteral(ev, part, scope, ctx);
        if (value.kind !== 'str' && value.kind !== 'bytes') {
          return sym(ev.text(node));
        }
        text += value.value;
      }
      return { kind: 'str', value: text };
    }
    case 'true':
      return TRUE;
    case 'false':
      return FALSE;
    case 'none':
      return NONE;
    case 'ellipsis':
      return sym('...');
    case 'parenthesized_expression':
      return node.children[0] ? ev.evaluate(node.children[0], scope, ctx) : list([], true);
    case 'tuple':
    case 'expression_list':
    case 'pattern_list':
      return list(sequenceItems(ev, node.children, scope, ctx), true);
    case 'list':
      return list(sequenceItems(ev, node.children, scope, ctx));
    case 'set':
      return setOf(ev, sequenceItems(ev, node.children, scope, ctx), node);
    case 'dictionary':
      return dictionaryLiteral(ev, node, scope, ctx);
    case 'binary_operator':
      return binaryOp(ev, node.operator, ev.evaluate(node.fields.left!, scope, ctx), ev.evaluate(node.fields.right!, scope, ctx), node, ctx);
    case 'unary_operator':
    case 'not_operator':
      return unaryOp(ev, node.operator, ev.evaluate(node.fields.argument!, scope, ctx), node, ctx);
    case 'boolean_operator':
      return booleanOperator(ev, node, scope, ctx);
    case 'comparison_operator':
      return comparison(ev, node, scope, ctx);
    case 'conditional_expression':
      return conditional(ev, node, scope, ctx);
    case 'lambda':
      return { kind: 'func', fn: makeFunction(ev, node, '<lambda>', scope, ctx) };
    case 'call':
      return callExpression(ev, node, scope, ctx);
    case 'attribute':
      return ev.getAttribute(ev.evaluate(node.fields.object!, scope, ctx), ev.text(node.fields.attribute!), node, ctx);
    case 'subscript':
      return subscriptExpression(ev, node, scope, ctx);
    case 'list_comprehension':
    case 'set_comprehension':
    case 'dictionary_comprehension':
    case 'generator_expression':
      return comprehension(ev, node, scope, ctx);
    case 'named_expression': {
      const value = ev.evaluate(node.fields.value!, scope, ctx);
      // A walrus inside a comprehension binds in the enclosing function's scope.
      let target = scope;
      while (target.kind === 'comprehension' && target.parent) {
        target = target.parent;
      }
      target.set(ev.text(node.fields.name!), value);
      return value;
    }
    case 'await':
      return node.children[0] ? ev.evaluate(node.children[0], scope, ctx) : NONE;
    case 'yield': {
      const child = node.children[0];
      const value = child ? ev.evaluate(child, scope, ctx) : NONE;
      const yields = (ctx.frame.yields ??= []);
      if (ev.text(node).startsWith('yield from')) {
        yields.push(...ev.iterate(value, node, ctx).items);
      } else {
        yields.push(value);
      }
      return sym(ev.text(node));
    }
    case 'list_splat':
    case 'dictionary_splat':
      return unsupported(ev, node, 'a starred expression outside a call or display');
    default:
      return unsupported(ev, node, `the expression kind ${node.type}`);
  }
}

/** A symbol for what the evaluator does not support, with a note saying so. */
export function unsupported<H>(ev: Evaluator<H>, node: PyNode, what: string): Value<H> {
  ev.note(`line ${node.range.start.line + 1}: ${what} is not evaluated: ${shorten(ev.text(node))} is a symbol`);
  return sym(ev.text(node));
}

function shorten(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

function lookupName<H>(ev: Evaluator<H>, name: string, scope: Scope<Value<H>>): Value<H> {
  const value = scope.lookup(name) ?? builtinValue<H>(name);
  if (value) {
    return value;
  }
  ev.note(`the name ${name} is not defined where it is read: it is a symbol`);
  return sym(name);
}

function integerLiteral<H>(ev: Evaluator<H>, node: PyNode): Value<H> {
  const text = ev.text(node).replaceAll('_', '');
  const last = text[text.length - 1];
  if (last === 'j' || last === 'J' || last === 'l' || last === 'L') {
    return unsupported(ev, node, 'this number literal');
  }
  const prefix = text.length > 1 && text[0] === '0' ? text[1]!.toLowerCase() : '';
  const value = prefix === 'x' || prefix === 'o' || prefix === 'b' ? Number(text.slice(0, 1) + prefix + text.slice(2)) : Number(text);
  return ev.number(value, false, text);
}

/** A string or bytes literal, including f-strings (with format specs and `!r`/`!s` conversions). */
function stringLiteral<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  if (node.type !== 'string') {
    return ev.evaluate(node, scope, ctx);
  }
  const start = node.children[0];
  const prefix = start ? start.text.toLowerCase() : '';
  const raw = prefix.includes('r');
  const formatted = prefix.includes('f');
  let text = '';
  for (const part of node.children) {
    if (part.type === 'string_content') {
      const content = ev.text(part);
      text += raw ? content : unescape(formatted ? content.replaceAll('{{', '{').replaceAll('}}', '}') : content);
    } else if (part.type === 'interpolation') {
      const piece = interpolation(ev, part, scope, ctx);
      if (piece === undefined) {
        return sym(ev.text(node));
      }
      text += piece;
    }
  }
  return prefix.includes('b') ? { kind: 'bytes', value: text } : { kind: 'str', value: text };
}

function interpolation<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): string | undefined {
  const value = ev.evaluate(node.fields.expression!, scope, ctx);
  if (value.kind === 'sym' || value.kind === 'host') {
    return undefined;
  }
  const conversion = node.fields.type_conversion?.text;
  const specNode = node.fields.format_specifier;
  let spec = '';
  if (specNode) {
    // A spec may hold nested fields (`{x:>{width}}`): evaluate them into the spec text.
    const whole = ev.text(specNode);
    let at = specNode.startIndex;
    for (const nested of specNode.children) {
      const inner = nested.fields.expression ? ev.evaluate(nested.fields.expression, scope, ctx) : NONE;
      spec += ev.source.slice(at, nested.startIndex) + strOf(inner, ev.show);
      at = nested.endIndex;
    }
    spec += ev.source.slice(at, specNode.endIndex);
    spec = spec.startsWith(':') ? spec.slice(1) : whole.startsWith(':') ? whole.slice(1) : spec;
  }
  const shown = conversion === '!r' ? { kind: 'str' as const, value: reprOf(value, ev.show) } : value;
  return formatSpec(shown, spec, ev.show);
}

/** The items of a list/tuple/set display, with `*x` unpacked. */
function sequenceItems<H>(ev: Evaluator<H>, nodes: PyNode[], scope: Scope<Value<H>>, ctx: Context<H>): Value<H>[] {
  const items: Value<H>[] = [];
  for (const child of nodes) {
    if (child.type === 'list_splat' || child.type === 'parenthesized_list_splat') {
      const spread = ev.evaluate(child.children[0]!, scope, ctx);
      items.push(...ev.iterate(spread, child, ctx).items);
    } else {
      items.push(ev.evaluate(child, scope, ctx));
    }
  }
  return items;
}

/** A set of values; an unhashable or unknown item makes the whole set a symbol. */
function setOf<H>(ev: Evaluator<H>, items: Value<H>[], node: PyNode): Value<H> {
  const entries = new Map<DictKey, DictEntry<H>>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) {
      return sym(ev.text(node));
    }
    if (!entries.has(key)) {
      entries.set(key, { key: item, value: NONE });
    }
  }
  return { kind: 'set', entries };
}

function dictionaryLiteral<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const entries = new Map<DictKey, DictEntry<H>>();
  for (const child of node.children) {
    if (child.type === 'dictionary_splat') {
      const other = ev.evaluate(child.children[0]!, scope, ctx);
      if (other.kind !== 'dict') {
        return sym(ev.text(node));
      }
      for (const [k, e] of other.entries) {
        entries.set(k, e);
      }
      continue;
    }
    if (child.type !== 'pair') {
      continue;
    }
    const key = ev.evaluate(child.fields.key!, scope, ctx);
    const value = ev.evaluate(child.fields.value!, scope, ctx);
    const hashed = keyOf(key);
    if (hashed === undefined) {
      ev.note(`line ${child.range.start.line + 1}: the key ${ev.text(child.fields.key!)} is not known: the dict is a symbol`);
      return sym(ev.text(node));
    }
    entries.set(hashed, { key, value });
  }
  return { kind: 'dict', entries };
}

/** `and`/`or` short-circuit and return an operand; an undecided left operand merges both. */
function booleanOperator<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const left = ev.evaluate(node.fields.left!, scope, ctx);
  const truth = ev.truthy(left);
  const isAnd = node.operator === 'and';
  if (truth !== undefined) {
    return truth === isAnd ? ev.evaluate(node.fields.right!, scope, ctx) : left;
  }
  // The right operand runs one way only: the other way, as a branch's empty arm, runs nothing.
  const watch = ev.host.watchBranches?.(node.fields.left!, scope.vars.values(), { node, ctx, ev });
  const right = ev.evaluate(node.fields.right!, scope, { ...ctx, uncertain: true });
  watch?.between();
  watch?.join();
  return ev.merge([left, right], ev.text(node), node, ctx);
}

/** A comparison chain `a < b <= c`: each link decided, or a symbol. */
function comparison<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const operators = comparisonOperators(node.operator);
  let left = ev.evaluate(node.children[0]!, scope, ctx);
  let result: boolean | undefined = true;
  for (let i = 1; i < node.children.length; i++) {
    const right = ev.evaluate(node.children[i]!, scope, ctx);
    const op = operators[i - 1] ?? '==';
    let outcome = compare(op, left, right);
    if (outcome === undefined && left.kind === 'host') {
      const hosted = ev.host.binary?.(op, left, right, { node, ctx, ev });
      if (hosted) {
        return hosted;
      }
    }
    if (outcome === undefined && left.kind === 'object') {
      const eq = op === '==' || op === '!=' ? ev.callMethod(left, op === '==' ? '__eq__' : '__ne__', [right], new Map(), node, ctx) : undefined;
      outcome = eq ? ev.truthy(eq) : undefined;
    }
    if (outcome === false) {
      return FALSE;
    }
    if (outcome === undefined) {
      result = undefined;
    }
    left = right;
  }
  return result === undefined ? sym(ev.text(node)) : bool(result);
}

/** Splits the joined operator tokens (`< not in is not`) into operators. */
function comparisonOperators(joined: string): string[] {
  const tokens = joined.split(' ');
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if ((token === 'not' && tokens[i + 1] === 'in') || (token === 'is' && tokens[i + 1] === 'not')) {
      out.push(`${token} ${tokens[++i]}`);
    } else {
      out.push(token);
    }
  }
  return out;
}

/** `a if test else b`: a decided test takes its arm; an undecided one follows both and merges. */
function conditional<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const [body, test, orelse] = node.children;
  const truth = ev.truthy(ev.evaluate(test!, scope, ctx));
  if (truth !== undefined) {
    return ev.evaluate(truth ? body! : orelse!, scope, ctx);
  }
  const branch = { ...ctx, uncertain: true };
  const watch = ev.host.watchBranches?.(test!, scope.vars.values(), { node, ctx, ev });
  const a = ev.evaluate(body!, scope, branch);
  watch?.between();
  const b = ev.evaluate(orelse!, scope, branch);
  watch?.join();
  return ev.merge([a, b], ev.text(node), node, ctx);
}

function subscriptExpression<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const object = ev.evaluate(node.fields.value!, scope, ctx);
  const keys = node.children.slice(1);
  const key =
    keys.length === 1
      ? subscriptKey(ev, keys[0]!, scope, ctx)
      : list(
          keys.map((k) => subscriptKey(ev, k, scope, ctx)),
          true,
        );
  return subscriptOf(ev, object, key, node, ctx);
}

function subscriptKey<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  if (node.type !== 'slice') {
    return ev.evaluate(node, scope, ctx);
  }
  // Colons are not in the syntax copy: a part's position is the number of colons before it.
  const parts: Value<H>[] = [NONE, NONE, NONE];
  let at = node.startIndex;
  let position = 0;
  for (const child of node.children) {
    for (let i = at; i < child.startIndex; i++) {
      if (ev.source.charCodeAt(i) === 58) {
        position++;
      }
    }
    parts[Math.min(position, 2)] = ev.evaluate(child, scope, ctx);
    at = child.endIndex;
  }
  return { kind: 'slice', start: parts[0]!, stop: parts[1]!, step: parts[2]! };
}

/** Evaluates call arguments: positional, keyword, `*args` and `**kwargs` unpacking. */
function callArguments<H>(ev: Evaluator<H>, node: PyNode | undefined, scope: Scope<Value<H>>, ctx: Context<H>): { args: Value<H>[]; kwargs: Kwargs<H> } {
  const args: Value<H>[] = [];
  const kwargs: Kwargs<H> = new Map();
  if (!node) {
    return { args, kwargs };
  }
  if (node.type === 'generator_expression') {
    args.push(ev.evaluate(node, scope, ctx));
    return { args, kwargs };
  }
  for (const child of node.children) {
    if (child.type === 'keyword_argument') {
      kwargs.set(ev.text(child.fields.name!), ev.evaluate(child.fields.value!, scope, ctx));
    } else if (child.type === 'list_splat') {
      const spread = ev.evaluate(child.children[0]!, scope, ctx);
      const iteration = ev.iterate(spread, child, ctx);
      if (iteration.symbolic) {
        ev.note(`line ${child.range.start.line + 1}: ${ev.text(child)} has an unknown length: later arguments may be misplaced`);
      }
      args.push(...iteration.items);
    } else if (child.type === 'dictionary_splat') {
      const spread = ev.evaluate(child.children[0]!, scope, ctx);
      if (spread.kind === 'dict') {
        for (const entry of spread.entries.values()) {
          if (entry.key.kind === 'str') {
            kwargs.set(entry.key.value, entry.value);
          }
        }
      } else {
        ev.note(`line ${child.range.start.line + 1}: ${ev.text(child)} is not a known dict: its keywords are not passed`);
      }
    } else if (child.type !== 'comment') {
      args.push(ev.evaluate(child, scope, ctx));
    }
  }
  return { args, kwargs };
}

function callExpression<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const callee = ev.evaluate(node.fields.function!, scope, ctx);
  const { args, kwargs } = callArguments(ev, node.fields.arguments, scope, ctx);
  return ev.call(callee, args, kwargs, node, ctx);
}

/** List, set, dict comprehensions and generator expressions (a generator gives a list of its items). */
function comprehension<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): Value<H> {
  const inner = new Scope<Value<H>>('comprehension', scope);
  const clauses = node.children.slice(1);
  const out: Value<H>[] = [];
  const keys: Value<H>[] = [];
  let symbolic = false;
  const body = node.children[0]!;
  const run = (index: number, runCtx: Context<H>): void => {
    const clause = clauses[index];
    if (!clause) {
      if (body.type === 'pair') {
        keys.push(ev.evaluate(body.fields.key!, inner, runCtx));
        out.push(ev.evaluate(body.fields.value!, inner, runCtx));
      } else {
        out.push(ev.evaluate(body, inner, runCtx));
      }
      return;
    }
    if (clause.type === 'if_clause') {
      const truth = ev.truthy(ev.evaluate(clause.children[0]!, inner, runCtx));
      if (truth !== false) {
        symbolic ||= truth === undefined;
        run(index + 1, truth === undefined ? { ...runCtx, uncertain: true } : runCtx);
      }
      return;
    }
    const iteration = ev.iterate(ev.evaluate(clause.fields.right!, inner, runCtx), clause, runCtx);
    const loopCtx = iteration.symbolic ? { ...runCtx, uncertain: true, symbolicLoop: true } : runCtx;
    symbolic ||= iteration.symbolic;
    for (const item of iteration.items) {
      ev.assign(clause.fields.left!, item, inner, loopCtx);
      run(index + 1, loopCtx);
    }
  };
  run(0, ctx);
  if (node.type === 'dictionary_comprehension') {
    const entries = new Map<DictKey, DictEntry<H>>();
    for (let i = 0; i < keys.length; i++) {
      const key = keyOf(keys[i]!);
      if (key === undefined || symbolic) {
        return sym(ev.text(node));
      }
      entries.set(key, { key: keys[i]!, value: out[i]! });
    }
    return { kind: 'dict', entries };
  }
  if (node.type === 'set_comprehension') {
    return symbolic ? sym(ev.text(node)) : setOf(ev, out, node);
  }
  return list(out, false, symbolic);
}
