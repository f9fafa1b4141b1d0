/**
 * Execution of Python statements. A decided `if`/`while` runs as Python would; an undecided branch
 * runs both ways on copies of the scope and merges the variables (`branches.ts`); a loop of unknown
 * length runs its body once symbolically; a loop over its bound is cut with a note. Control flow is
 * a `Completion` returned up the blocks (no exceptions), so `finally` always runs.
 */
import type { PyNode } from '../ast';
import { StepsExhausted, amount } from './budget';
import { branchChain, forkMerge } from './branches';
import { defineClass } from './classes';
import { Completion, type Context, type Evaluator } from './contracts';
import { makeFunction } from './functions';
import { execImport, type ModuleResolver } from './imports';
import { writeBackInstanceDict } from './instanceDict';
import { equals } from './operators';
import type { Scope } from './scope';
import { anyTrue, asInt, keyOf, list, NONE, sym, type Value } from './values';

/** Runs a block's statements until one leaves it. A statement too deeply nested for the stack, or incomplete, is noted and skipped. */
export function execBlock<H>(ev: Evaluator<H>, block: PyNode | undefined, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  if (!block) {
    return Completion.Normal;
  }
  const statements = block.type === 'block' || block.type === 'module' ? block.children : [block];
  for (const statement of statements) {
    let completion: Completion;
    try {
      completion = execStatement(ev, statement, scope, ctx, modules);
    } catch (error) {
      if (error instanceof StepsExhausted || !(error instanceof RangeError || error instanceof TypeError)) {
        throw error;
      }
      // A TypeError is a part missing from incomplete code (an edit in progress): it loses its statement only.
      ev.note(`line ${statement.range.start.line + 1}: not evaluated (${error instanceof RangeError ? 'nested too deeply' : 'incomplete code'})`);
      completion = Completion.Normal;
    }
    if (completion !== Completion.Normal) {
      return completion;
    }
  }
  return Completion.Normal;
}

/** Runs one statement. Long because it is the dispatch over statement kinds; each arm is short. */
function execStatement<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  ev.budget.tick();
  switch (node.type) {
    case 'expression_statement':
      for (const child of node.children) {
        if (child.type === 'string') {
          continue; // A docstring has no effect.
        }
        execExpressionStatement(ev, child, scope, ctx);
      }
      return Completion.Normal;
    case 'return_statement':
      ctx.frame.returned = node.children[0] ? ev.evaluate(node.children[0], scope, ctx) : NONE;
      return Completion.Return;
    case 'pass_statement':
    case 'future_import_statement':
    case 'type_alias_statement':
      return Completion.Normal;
    case 'break_statement':
      return Completion.Break;
    case 'continue_statement':
      return Completion.Continue;
    case 'raise_statement':
      ctx.frame.raised = node.children[0] ? exceptionNames(ev, ev.evaluate(node.children[0], scope, ctx)) : (ctx.frame.raised ?? []);
      return Completion.Raise;
    case 'if_statement':
      return execIf(ev, node, scope, ctx, modules);
    case 'for_statement':
      return execFor(ev, node, scope, ctx, modules);
    case 'while_statement':
      return execWhile(ev, node, scope, ctx, modules);
    case 'try_statement':
      return execTry(ev, node, scope, ctx, modules);
    case 'with_statement':
      return execWith(ev, node, scope, ctx, modules);
    case 'match_statement':
      return execMatch(ev, node, scope, ctx, modules);
    case 'function_definition':
    case 'class_definition':
    case 'decorated_definition':
      execDefinition(ev, node, scope, ctx, modules);
      return Completion.Normal;
    case 'import_statement':
    case 'import_from_statement':
      execImport(ev, node, scope, modules);
      return Completion.Normal;
    case 'global_statement':
    case 'nonlocal_statement':
      for (const child of node.children) {
        scope.declare(ev.text(child), node.type === 'global_statement' ? 'global' : 'nonlocal');
      }
      return Completion.Normal;
    case 'delete_statement':
      for (const target of node.children[0]?.type === 'expression_list' ? node.children[0].children : node.children) {
        execDelete(ev, target, scope, ctx);
      }
      return Completion.Normal;
    case 'assert_statement': {
      const truth = node.children[0] ? ev.truthy(ev.evaluate(node.children[0], scope, ctx)) : true;
      if (truth === false) {
        ev.note(`line ${node.range.start.line + 1}: this assertion fails: the code after it is not evaluated`);
        return Completion.Raise;
      }
      return Completion.Normal;
    }
    default:
      ev.note(`line ${node.range.start.line + 1}: the statement kind ${node.type} is not evaluated`);
      return Completion.Normal;
  }
}

function execExpressionStatement<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): void {
  if (node.type === 'assignment') {
    const right = node.fields.right;
    if (!right) {
      return; // A bare annotation (`x: int`) binds nothing.
    }
    // `a = b = value`: tree-sitter nests the assignments on the right.
    const targets = [node.fields.left!];
    let valueNode = right;
    while (valueNode.type === 'assignment' && valueNode.fields.right) {
      targets.push(valueNode.fields.left!);
      valueNode = valueNode.fields.right;
    }
    const value = ev.evaluate(valueNode, scope, ctx);
    for (const target of targets) {
      ev.assign(target, value, scope, ctx);
    }
    return;
  }
  if (node.type === 'augmented_assignment') {
    const left = node.fields.left!;
    const current = ev.evaluate(left, scope, ctx);
    const operand = ev.evaluate(node.fields.right!, scope, ctx);
    const op = node.operator.slice(0, -1);
    // `xs += ys` extends a list in place (other names for it see the change).
    if (op === '+' && current.kind === 'list' && !current.tuple) {
      const iteration = ev.iterate(operand, node, ctx);
      current.items.push(...iteration.items);
      current.symbolicCount ||= iteration.symbolic || ctx.symbolicLoop;
      return;
    }
    ev.assign(left, ev.binary(op, current, operand, node, ctx), scope, ctx);
    return;
  }
  ev.evaluate(node, scope, ctx);
}

/** Binds a value to an assignment target: names, attributes, subscripts, (starred) unpacking. */
export function assignTarget<H>(ev: Evaluator<H>, target: PyNode, value: Value<H>, scope: Scope<Value<H>>, ctx: Context<H>): void {
  switch (target.type) {
    case 'identifier':
      scope.set(ev.text(target), value);
      return;
    case 'parenthesized_expression':
      assignTarget(ev, target.children[0]!, value, scope, ctx);
      return;
    case 'pattern_list':
    case 'tuple_pattern':
    case 'list_pattern':
    case 'tuple':
    case 'list':
    case 'expression_list':
      unpack(ev, target, value, scope, ctx);
      return;
    case 'attribute':
      ev.setAttribute(ev.evaluate(target.fields.object!, scope, ctx), ev.text(target.fields.attribute!), value, target, ctx);
      return;
    case 'subscript': {
      const object = ev.evaluate(target.fields.value!, scope, ctx);
      const key = ev.evaluate(target.children[1]!, scope, ctx);
      setSubscript(ev, object, key, value, target, ctx);
      return;
    }
    default:
      ev.note(`line ${target.range.start.line + 1}: the assignment target ${ev.text(target)} is not followed`);
  }
}

function unpack<H>(ev: Evaluator<H>, target: PyNode, value: Value<H>, scope: Scope<Value<H>>, ctx: Context<H>): void {
  const targets = target.children;
  const star = targets.findIndex((t) => t.type === 'list_splat_pattern');
  const unpacked = value.kind === 'host' && star < 0 ? ev.host.unpack?.(value.host, targets.length, { node: target, ctx, ev }) : undefined;
  const iteration = unpacked?.length === targets.length ? { items: unpacked, symbolic: false } : ev.iterate(value, target, ctx);
  const items = iteration.items;
  const fits = !iteration.symbolic && (star < 0 ? items.length === targets.length : items.length >= targets.length - 1);
  if (!fits && !iteration.symbolic) {
    ev.note(`line ${target.range.start.line + 1}: ${ev.text(target)} unpacks ${items.length} values into ${targets.length} names: they are symbols`);
  }
  targets.forEach((t, i) => {
    if (i === star) {
      const rest = fits ? items.slice(star, items.length - (targets.length - star - 1)) : [];
      assignTarget(ev, t.children[0]!, list(rest, false, !fits), scope, ctx);
      return;
    }
    const at = star >= 0 && i > star ? items.length - (targets.length - i) : i;
    const item = fits ? items[at]! : iteration.symbolic && items[0] ? items[0] : sym<H>(`${ev.show(value)}[${i}]`);
    assignTarget(ev, t, item, scope, ctx);
  });
}

function setSubscript<H>(ev: Evaluator<H>, object: Value<H>, key: Value<H>, value: Value<H>, node: PyNode, ctx: Context<H>): void {
  if (object.kind === 'dict') {
    const hashed = keyOf(key);
    if (hashed !== undefined) {
      object.entries.set(hashed, { key, value });
      writeBackInstanceDict(ev, object, node, ctx);
      return;
    }
    if (key.kind === 'sym') {
      // An unknown key (`d[f"layer_{i}"]` over a loop of unknown length): the entry is kept under its text.
      object.entries.set(`?${key.text}`, { key, value });
      return;
    }
  } else if (object.kind === 'list' && !object.tuple && !object.symbolicCount) {
    const index = asInt(key);
    const at = index !== undefined && index < 0 ? object.items.length + index : index;
    if (at !== undefined && at >= 0 && at < object.items.length) {
      object.items[at] = value;
      return;
    }
  } else if (object.kind === 'host' && ev.host.setSubscript?.(object.host, key, value, { node, ctx, ev })) {
    return;
  } else if (object.kind === 'object' && ev.callMethod(object, '__setitem__', [key, value], new Map(), node, ctx)) {
    return;
  }
  ev.note(`line ${node.range.start.line + 1}: the assignment to ${ev.text(node)} is not followed`);
}

function execDelete<H>(ev: Evaluator<H>, target: PyNode, scope: Scope<Value<H>>, ctx: Context<H>): void {
  if (target.type === 'identifier') {
    scope.target(ev.text(target)).vars.delete(ev.text(target));
    return;
  }
  if (target.type === 'subscript') {
    const object = ev.evaluate(target.fields.value!, scope, ctx);
    const key = ev.evaluate(target.children[1]!, scope, ctx);
    const hashed = keyOf(key);
    const index = asInt(key);
    if (object.kind === 'dict' && hashed !== undefined) {
      object.entries.delete(hashed);
      writeBackInstanceDict(ev, object, target, ctx);
      return;
    }
    if (object.kind === 'list' && !object.symbolicCount && index !== undefined) {
      object.items.splice(index < 0 ? object.items.length + index : index, 1);
      return;
    }
  }
  if (target.type === 'attribute') {
    const object = ev.evaluate(target.fields.object!, scope, ctx);
    if (object.kind === 'object') {
      object.attrs.delete(ev.text(target.fields.attribute!));
      return;
    }
  }
  ev.note(`line ${target.range.start.line + 1}: del ${ev.text(target)} is not followed`);
}

function execIf<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  const tests: PyNode[] = [node.fields.condition!];
  const bodies: (PyNode | undefined)[] = [node.fields.consequence];
  let orelse: PyNode | undefined;
  for (const child of node.children) {
    if (child.type === 'elif_clause') {
      tests.push(child.fields.condition!);
      bodies.push(child.fields.consequence);
    } else if (child.type === 'else_clause') {
      orelse = child.fields.body;
    }
  }
  const test = (i: number, c: Context<H>) => ev.truthy(ev.evaluate(tests[i]!, scope, c));
  const run = (i: number, c: Context<H>) => execBlock(ev, i < bodies.length ? bodies[i] : orelse, scope, c, modules);
  return branchChain(ev, node, scope, ctx, tests.length, test, run, tests);
}

/** The items a `for` loop visits: ranges stay lazy (a loop over `range(10**9)` is cut, not built). */
function loopItems<H>(ev: Evaluator<H>, iterable: Value<H>, node: PyNode, ctx: Context<H>): { count: number; at(i: number): Value<H>; symbolic: boolean } {
  if (iterable.kind === 'range') {
    const { start, stop, step } = iterable;
    const count = Math.max(0, step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step));
    return { count, at: (i) => ({ kind: 'num', value: start + i * step, float: false }), symbolic: false };
  }
  const iteration = ev.iterate(iterable, node, ctx);
  return { count: iteration.items.length, at: (i) => iteration.items[i]!, symbolic: iteration.symbolic };
}

function execFor<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  const iterable = ev.evaluate(node.fields.right!, scope, ctx);
  const items = loopItems(ev, iterable, node, ctx);
  const orelse = node.children.find((c) => c.type === 'else_clause')?.fields.body;
  if (items.symbolic) {
    // Unknown length: the body runs once, symbolically, on a path that may not be taken.
    const once = (c: Context<H>) => {
      const loopCtx = { ...c, symbolicLoop: true };
      ev.assign(node.fields.left!, items.count > 0 ? items.at(0) : sym(`${ev.text(node.fields.right!)}[*]`), scope, loopCtx);
      return loopExit(execBlock(ev, node.fields.body, scope, loopCtx, modules));
    };
    return forkMerge(ev, node, scope, ctx, once, () => execBlock(ev, orelse, scope, ctx, modules), node.fields.right);
  }
  // A `range` is cut at the loop bound; a list, tuple or dict is already held (within the size bound), so
  // its items all run, within the step budget: `for m in self.modules()` of a model with over 512 modules.
  const limit = iterable.kind === 'range' ? ev.budget.limits.loop : Math.max(ev.budget.limits.loop, ev.budget.limits.size);
  const before = items.count > limit ? new Map(scope.vars) : undefined;
  for (let i = 0; i < Math.min(items.count, limit); i++) {
    ev.assign(node.fields.left!, items.at(i), scope, ctx);
    const done = execBlock(ev, node.fields.body, scope, ctx, modules);
    if (done === Completion.Break) {
      return Completion.Normal;
    }
    if (done === Completion.Return || done === Completion.Raise) {
      return done;
    }
  }
  if (before) {
    cutLoop(ev, node, scope, before, `a loop of ${amount(items.count)} iterations was cut at ${limit}`);
    return Completion.Normal;
  }
  return execBlock(ev, orelse, scope, ctx, modules);
}

/** How a loop body's run ends the loop's one symbolic iteration: `break` and `continue` go on after it. */
function loopExit(done: Completion): Completion {
  return done === Completion.Break || done === Completion.Continue ? Completion.Normal : done;
}

/** After a cut loop, the variables it changed are unknown: they become symbols. */
function cutLoop<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, before: Map<string, Value<H>>, why: string): void {
  ev.note(`line ${node.range.start.line + 1}: ${why}; the variables it changes are symbols`);
  for (const [name, value] of scope.vars) {
    if (before.get(name) !== value) {
      scope.vars.set(name, sym(name));
    }
  }
}

function execWhile<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  const limit = ev.budget.limits.loop;
  const before = new Map(scope.vars);
  const orelse = node.children.find((c) => c.type === 'else_clause')?.fields.body;
  for (let i = 0; ; i++) {
    const truth = ev.truthy(ev.evaluate(node.fields.condition!, scope, ctx));
    if (truth === false) {
      return execBlock(ev, orelse, scope, ctx, modules);
    }
    if (truth === undefined) {
      // An undecided condition: one more iteration may or may not run.
      const once = (c: Context<H>) => loopExit(execBlock(ev, node.fields.body, scope, { ...c, symbolicLoop: true }, modules));
      return forkMerge(ev, node, scope, ctx, once, () => Completion.Normal, node.fields.condition);
    }
    if (i >= limit) {
      cutLoop(ev, node, scope, before, `a while loop was cut at ${limit} iterations`);
      return Completion.Normal;
    }
    const done = execBlock(ev, node.fields.body, scope, ctx, modules);
    if (done === Completion.Break) {
      return Completion.Normal;
    }
    if (done === Completion.Return || done === Completion.Raise) {
      return done;
    }
  }
}

function execTry<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  let done = execBlock(ev, node.fields.body, scope, ctx, modules);
  if (done === Completion.Raise) {
    const raised = ctx.frame.raised ?? [];
    const handler = node.children.find((c) => (c.type === 'except_clause' || c.type === 'except_group_clause') && handles(ev, c, raised));
    if (handler) {
      const alias = handler.children[0]?.type === 'as_pattern' ? handler.children[0].fields.alias : undefined;
      if (alias) {
        ev.assign(alias.children[0] ?? alias, sym(ev.text(alias)), scope, ctx);
      }
      done = execBlock(ev, handler.children[handler.children.length - 1], scope, ctx, modules);
    }
  } else if (done === Completion.Normal) {
    done = execBlock(ev, node.children.find((c) => c.type === 'else_clause')?.fields.body, scope, ctx, modules);
  }
  const final = node.children.find((c) => c.type === 'finally_clause');
  if (final) {
    const returned = ctx.frame.returned;
    const after = execBlock(ev, final.children[final.children.length - 1], scope, ctx, modules);
    if (after !== Completion.Normal) {
      return after;
    }
    ctx.frame.returned = returned;
  }
  return done;
}

/** The class names an exception value answers to (`ValueError(...)`, a local exception class and its bases). */
function exceptionNames<H>(ev: Evaluator<H>, value: Value<H>): string[] {
  const cls = value.kind === 'object' ? value.cls : value.kind === 'class' ? value.cls : undefined;
  if (cls) {
    return cls.mro.flatMap((c) => [c.name, ...(c.node?.fields.superclasses?.children ?? []).map((b) => lastName(ev.text(b)))]);
  }
  const text = value.kind === 'builtin' ? value.name : value.kind === 'sym' ? value.text : '';
  const call = text.indexOf('(');
  return text ? [lastName(call < 0 ? text : text.slice(0, call))] : [];
}

function lastName(text: string): string {
  return text.slice(text.lastIndexOf('.') + 1);
}

/** True when an `except` clause takes the exception: bare, a matching name, `Exception`, or an exception of unknown type. */
function handles<H>(ev: Evaluator<H>, clause: PyNode, raised: string[]): boolean {
  const first = clause.children[0];
  const typeNode = first?.type === 'as_pattern' ? first.children[0] : first?.type === 'block' ? undefined : first;
  if (!typeNode || raised.length === 0) {
    return true;
  }
  const types = typeNode.type === 'tuple' || typeNode.type === 'parenthesized_expression' ? typeNode.children : [typeNode];
  return types.some((t) => {
    const name = lastName(ev.text(t));
    return name === 'Exception' || name === 'BaseException' || raised.includes(name);
  });
}

function execWith<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  const clause = node.children.find((c) => c.type === 'with_clause');
  for (const item of clause?.children ?? []) {
    const inner = item.fields.value ?? item.children[0];
    if (!inner) {
      continue;
    }
    const pattern = inner.type === 'as_pattern' ? inner : undefined;
    const manager = ev.evaluate(pattern ? pattern.children[0]! : inner, scope, ctx);
    const entered = ev.callMethod(manager, '__enter__', [], new Map(), inner, ctx) ?? manager;
    const alias = pattern?.fields.alias;
    if (alias) {
      ev.assign(alias.children[0] ?? alias, entered, scope, ctx);
    }
  }
  return execBlock(ev, node.fields.body, scope, ctx, modules);
}

/** `match`: literal, capture, wildcard and `|` patterns; other patterns are undecided. */
function execMatch<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): Completion {
  const subject = ev.evaluate(node.fields.subject!, scope, ctx);
  const cases = (node.fields.body?.children ?? []).filter((c) => c.type === 'case_clause');
  const matches = (pattern: PyNode, c: Context<H>): boolean | undefined => {
    if (pattern.type === 'case_pattern') {
      return pattern.children.length === 0 ? true : matches(pattern.children[0]!, c);
    }
    if (pattern.type === 'union_pattern') {
      return anyTrue(pattern.children, (option) => matches(option, c));
    }
    if (pattern.type === 'identifier' || pattern.type === 'dotted_name') {
      if (pattern.type === 'identifier' || !ev.text(pattern).includes('.')) {
        ev.assign(pattern.type === 'identifier' ? pattern : pattern.children[0]!, subject, scope, c);
        return true;
      }
    }
    if (['integer', 'float', 'string', 'true', 'false', 'none', 'dotted_name', 'concatenated_string'].includes(pattern.type)) {
      const literal = pattern.type === 'dotted_name' ? ev.evaluate(pattern.children[pattern.children.length - 1]!, scope, c) : ev.evaluate(pattern, scope, c);
      return equals(subject, literal);
    }
    ev.note(`line ${pattern.range.start.line + 1}: the pattern ${ev.text(pattern)} is not decided`);
    return undefined;
  };
  const test = (i: number, c: Context<H>) => {
    const matched = matches(cases[i]!.children[0]!, c);
    const guard = cases[i]!.fields.guard;
    return matched && guard ? ev.truthy(ev.evaluate(guard, scope, c)) : matched;
  };
  const run = (i: number, c: Context<H>) => execBlock(ev, cases[i]?.fields.consequence, scope, c, modules);
  const patterns = cases.map((c) => c.children[0]!);
  return branchChain(ev, node, scope, ctx, cases.length, test, run, patterns);
}

/** `def`, `class` and their decorators (applied innermost first; unknown decorators are kept, not applied). */
function execDefinition<H>(ev: Evaluator<H>, node: PyNode, scope: Scope<Value<H>>, ctx: Context<H>, modules: ModuleResolver<H>): void {
  const decoratorNodes = node.type === 'decorated_definition' ? node.children.filter((c) => c.type === 'decorator') : [];
  const definition = node.type === 'decorated_definition' ? node.fields.definition! : node;
  const decorators = decoratorNodes.map((d) => ev.evaluate(d.children[0]!, scope, ctx));
  const name = ev.text(definition.fields.name!);
  let value: Value<H>;
  if (definition.type === 'class_definition') {
    value = defineClass(ev, definition, name, decorators, scope, ctx, (body, classScope, classCtx) => execBlock(ev, body, classScope, classCtx, modules));
  } else {
    const fn = makeFunction(ev, definition, name, scope, ctx, ctx.ownerClass);
    fn.decorators = decorators;
    value = { kind: 'func', fn };
  }
  for (let i = decorators.length - 1; i >= 0; i--) {
    const decorator = decorators[i]!;
    if (decorator.kind === 'sym' || decorator.kind === 'ns') {
      continue;
    }
    const decorated = ev.call(decorator, [value], new Map(), decoratorNodes[i]!, ctx);
    if (decorated.kind !== 'sym') {
      value = decorated;
    }
  }
  scope.set(name, value);
}
