/**
 * A small static interpreter for the parts of Python that build and run PyTorch models:
 * it executes `__init__` (constructing module instances, recording init writes in order, so the
 * last write wins) and `forward` (following tensors from layer to layer to find the activation
 * after each). It never runs user code: it evaluates what resolves statically and turns the rest
 * into symbols; a budget bounds loops, recursion and total work.
 */

import type { PyNode } from '../../python/ast';
import { copyTensor, merge } from './flow';
import { NONE, str, sym, truthiness, valueText, type Scope, type Value } from './values';

import { ForwardInterpreter } from './forwardCalls';

import { MAX_LOOP, mergeValues, ReturnSignal, type Context } from './interpreterCore';

export { BudgetExceeded, allParams, baseContext } from './interpreterCore';
export type { Context, FileScope } from './interpreterCore';

/** The interpreter for one file: statements on top of the expression, call and forward layers. */
export class Interpreter extends ForwardInterpreter {
  /** Executes a block's statements. */
  execBlock(block: PyNode | undefined, scope: Scope, ctx: Context): void {
    if (!block) {
      return;
    }
    for (const statement of block.children) {
      try {
        this.execStatement(statement, scope, ctx);
      } catch (error) {
        // An expression nested too deep for the stack loses its statement, not the model.
        if (!(error instanceof RangeError)) {
          throw error;
        }
        this.notes.add(`line ${statement.range.start.line + 1}: not analysed (nested too deeply)`);
      }
    }
  }

  execStatement(node: PyNode, scope: Scope, ctx: Context): void {
    this.tick();
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.children) {
          this.execExpressionStatement(child, scope, ctx);
        }
        return;
      case 'return_statement': {
        const expression = node.children[0];
        throw new ReturnSignal(expression ? this.eval(expression, scope, ctx) : NONE);
      }
      case 'if_statement':
        this.execIf(node, scope, ctx);
        return;
      case 'for_statement':
        this.execFor(node, scope, ctx);
        return;
      case 'with_statement':
        this.execBlock(node.fields.body, scope, ctx);
        return;
      case 'try_statement':
        this.execBlock(node.fields.body, scope, ctx);
        for (const child of node.children) {
          if (child.type === 'finally_clause') {
            this.execBlock(child.children[child.children.length - 1], scope, ctx);
          }
        }
        return;
      case 'while_statement':
        // A while loop's count is rarely static; its body runs once as an uncertain path.
        this.execBlock(node.fields.body, scope, { ...ctx, uncertain: true });
        return;
      case 'function_definition':
        scope.vars.set(this.text(node.fields.name!), { kind: 'func', fn: { name: this.text(node.fields.name!), node, scope } });
        return;
      case 'decorated_definition': {
        const definition = node.fields.definition;
        if (definition) {
          this.execStatement(definition, scope, ctx);
        }
        return;
      }
      default:
        return;
    }
  }

  protected execExpressionStatement(node: PyNode, scope: Scope, ctx: Context): void {
    switch (node.type) {
      case 'assignment':
        this.execAssignment(node, scope, ctx);
        return;
      case 'augmented_assignment':
        this.execAugmented(node, scope, ctx);
        return;
      default:
        this.eval(node, scope, ctx);
    }
  }

  protected execAssignment(node: PyNode, scope: Scope, ctx: Context): void {
    const right = node.fields.right;
    const left = node.fields.left;
    if (!left) {
      return;
    }
    if (!right) {
      // A bare annotation (`x: int`) declares nothing to evaluate.
      return;
    }
    // Chained assignment `a = b = value`: tree-sitter nests the assignment on the right.
    let valueNode = right;
    const targets = [left];
    while (valueNode.type === 'assignment' && valueNode.fields.right && valueNode.fields.left) {
      targets.push(valueNode.fields.left);
      valueNode = valueNode.fields.right;
    }
    const value = this.eval(valueNode, scope, ctx);
    for (const target of targets) {
      this.assign(target, value, scope, ctx);
    }
    // `self.fc = nn.Linear(...)`: remember where, so that a fix can insert an init call after it.
    if (!ctx.inForward && value.kind === 'module' && left.type === 'attribute' && targets.length === 1) {
      value.module.definition ??= { target: this.text(left), range: node.range };
    }
  }

  protected execAugmented(node: PyNode, scope: Scope, ctx: Context): void {
    const left = node.fields.left;
    const right = node.fields.right;
    if (!left || !right) {
      return;
    }
    const current = this.eval(left, scope, ctx);
    const operand = this.eval(right, scope, ctx);
    const operator = node.operator.replace('=', '').trim();
    // `out += identity`: the left side is the residual branch.
    const value = this.binary(operator, current, operand, ctx, { leftIsBranch: true, left, right });
    this.assign(left, value, scope, ctx);
  }

  /** Binds a value to an assignment target (names, attributes, subscripts, tuples). */
  assign(target: PyNode, value: Value, scope: Scope, ctx: Context): void {
    switch (target.type) {
      case 'identifier': {
        const name = this.text(target);
        // A symbolic expression kept in a local reads better under that local's name (`width`).
        const relabel = value.kind === 'sym' && !/^[\w.]+$/.test(value.text) && !ctx.inForward;
        scope.vars.set(name, relabel ? sym(name) : value);
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list': {
        const targets = target.children;
        const items = this.unpack(value, targets.length);
        targets.forEach((t, i) => this.assign(t, items[i] ?? sym(this.text(t)), scope, ctx));
        return;
      }
      case 'attribute': {
        const object = this.eval(target.fields.object!, scope, ctx);
        const name = this.text(target.fields.attribute!);
        this.setAttribute(object, name, value, target, ctx);
        return;
      }
      case 'subscript': {
        const object = this.eval(target.fields.value!, scope, ctx);
        const key = this.eval(target.fields.subscript!, scope, ctx);
        if (object.kind === 'dict' && key.kind === 'str') {
          object.entries.set(key.value, value);
        } else if (object.kind === 'module' && key.kind === 'str' && value.kind === 'module') {
          this.registerChild(object.module, key.value, value.module);
        } else if (object.kind === 'list' && key.kind === 'num' && !object.symbolicCount) {
          object.items[key.value < 0 ? object.items.length + key.value : key.value] = value;
        } else if (object.kind === 'param' || object.kind === 'newTensor') {
          // `w[:, 0] = …` writes part of a tensor: the init in force is no longer one distribution.
          this.writeUnknownInit(object, target.range, ctx);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Splits a value for tuple assignment; tensors give the same tensor to every target. */
  protected unpack(value: Value, count: number): Value[] {
    if (value.kind === 'list' && !value.symbolicCount) {
      return value.items;
    }
    if (value.kind === 'list' && value.symbolicCount && value.items[0]) {
      return Array.from({ length: count }, () => value.items[0]!);
    }
    if (value.kind === 'tensor') {
      return Array.from({ length: count }, () => ({ kind: 'tensor', tensor: copyTensor(value.tensor) }) as Value);
    }
    return Array.from({ length: count }, (_, i) => sym(`${valueText(value)}[${i}]`));
  }

  protected execIf(node: PyNode, scope: Scope, ctx: Context): void {
    const condition = this.eval(node.fields.condition!, scope, ctx);
    const truth = truthiness(condition);
    const alternatives = node.children.filter((c) => c.type === 'elif_clause' || c.type === 'else_clause');
    if (truth === true) {
      this.execBlock(node.fields.consequence, scope, ctx);
      return;
    }
    if (truth === false) {
      this.execAlternatives(alternatives, scope, ctx);
      return;
    }
    // Unknown condition: both paths may run; writes on them are uncertain.
    const uncertain = { ...ctx, uncertain: true };
    this.execBranches([(s) => this.execBlock(node.fields.consequence, s, uncertain), (s) => this.execAlternatives(alternatives, s, uncertain)], scope, ctx);
  }

  protected execAlternatives(alternatives: PyNode[], scope: Scope, ctx: Context): void {
    const [first, ...rest] = alternatives;
    if (!first) {
      return;
    }
    if (first.type === 'else_clause') {
      this.execBlock(first.fields.body ?? first.children[first.children.length - 1], scope, ctx);
      return;
    }
    const condition = this.eval(first.fields.condition!, scope, ctx);
    const truth = truthiness(condition);
    if (truth === true) {
      this.execBlock(first.fields.consequence, scope, ctx);
    } else if (truth === false) {
      this.execAlternatives(rest, scope, ctx);
    } else {
      const uncertain = { ...ctx, uncertain: true };
      this.execBranches([(s) => this.execBlock(first.fields.consequence, s, uncertain), (s) => this.execAlternatives(rest, s, uncertain)], scope, ctx);
    }
  }

  /** Runs alternative paths on copies of the scope, then merges: tensors join, other values take the last path's. */
  protected execBranches(paths: ((scope: Scope) => void)[], scope: Scope, ctx: Context): void {
    const results: Map<string, Value>[] = [];
    const returned: Value[] = [];
    for (const path of paths) {
      const copy: Scope = { vars: new Map(scope.vars), parent: scope.parent };
      try {
        path(copy);
        results.push(copy.vars);
      } catch (signal) {
        if (!(signal instanceof ReturnSignal)) {
          throw signal;
        }
        returned.push(signal.value);
      }
    }
    // `if c: return a` / `else: return b` with c unknown: the function returns either.
    if (results.length === 0) {
      throw new ReturnSignal(mergeValues(returned));
    }
    ctx.returns?.push(...returned);
    const names = new Set(results.flatMap((vars) => [...vars.keys()]));
    for (const name of names) {
      const values = results.map((vars) => vars.get(name)).filter((v): v is Value => v !== undefined);
      const tensors = values.filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor');
      // A tensor on one path and a cached value on the other (`k = past[0]` / `k = self.key(x)`): follow the tensor.
      if (tensors.length >= 1) {
        scope.vars.set(name, {
          kind: 'tensor',
          tensor: merge(
            tensors.map((t) => t.tensor),
            tensors.some((t) => t.tensor.skip),
          ),
        });
      } else if (values.length > 0) {
        scope.vars.set(name, values[values.length - 1]!);
      }
    }
  }

  protected execFor(node: PyNode, scope: Scope, ctx: Context): void {
    const iterable = this.eval(node.fields.right!, scope, ctx);
    const left = node.fields.left!;
    const body = node.fields.body;
    const { items, symbolic } = this.iterate(iterable, ctx);
    const loopCtx = this.loopContext(node.fields.right!, ctx);
    if (items === undefined) {
      // Nothing known about the sequence: run the body once on a symbol, as an uncertain path.
      const unknownCtx: Context = { ...loopCtx, uncertain: true, symbolicLoop: true };
      this.assign(left, sym(this.text(left)), scope, unknownCtx);
      this.runLoopBody(body, scope, unknownCtx);
      return;
    }
    // A sequence of unknown length holds one representative item; run it twice so that data flow
    // from one iteration into the next is seen.
    const rounds = symbolic && ctx.inForward ? [...items, ...items] : items;
    const itemCtx: Context = symbolic ? { ...loopCtx, symbolicLoop: true } : loopCtx;
    for (const item of rounds.slice(0, MAX_LOOP)) {
      this.assign(left, item, scope, itemCtx);
      if (this.runLoopBody(body, scope, itemCtx) === 'break') {
        break;
      }
    }
    const elseClause = node.children.find((c) => c.type === 'else_clause');
    if (elseClause) {
      this.execBlock(elseClause.fields.body ?? elseClause.children[elseClause.children.length - 1], scope, ctx);
    }
  }

  protected runLoopBody(body: PyNode | undefined, scope: Scope, ctx: Context): 'break' | undefined {
    if (!body) {
      return undefined;
    }
    for (const statement of body.children) {
      if (statement.type === 'break_statement') {
        return 'break';
      }
      if (statement.type === 'continue_statement') {
        return undefined;
      }
      this.execStatement(statement, scope, ctx);
    }
    return undefined;
  }

  /** Loops over `self.modules()` / `named_parameters()` mark their writes with that mechanism. */
  protected loopContext(iterable: PyNode, ctx: Context): Context {
    if (iterable.type !== 'call') {
      return ctx;
    }
    const callee = iterable.fields.function;
    if (callee?.type !== 'attribute') {
      return ctx;
    }
    const method = this.text(callee.fields.attribute!);
    if (method === 'modules' || method === 'named_modules' || method === 'children' || method === 'named_children') {
      return { ...ctx, initSource: ctx.initSource === 'apply' ? 'apply' : 'modules' };
    }
    if (method === 'named_parameters' || method === 'parameters') {
      return { ...ctx, initSource: ctx.initSource === 'apply' ? 'apply' : 'named_parameters' };
    }
    return ctx;
  }

  /** The items of an iterable value: `symbolic` when its length is unknown (one representative item). */
  iterate(value: Value, _ctx: Context): { items: Value[] | undefined; symbolic: boolean } {
    switch (value.kind) {
      case 'list':
        return { items: value.items, symbolic: value.symbolicCount };
      case 'dict':
        return { items: [...value.entries.keys()].map((k) => str(k)), symbolic: false };
      case 'module': {
        const module = value.module;
        if (module.torchClass === 'ModuleDict') {
          return { items: [...module.children.keys()].map((k) => str(k)), symbolic: false };
        }
        const children = [...module.children.values()].filter((c) => c.className !== 'Parameter');
        const symbolic = [...module.children.keys()].some((k) => k === '*');
        return { items: children.map((c) => ({ kind: 'module', module: c }) as Value), symbolic };
      }
      case 'str':
        return { items: [...value.value].map((c) => str(c)), symbolic: false };
      default:
        return { items: undefined, symbolic: false };
    }
  }

  // ───────────────────────────── expressions ─────────────────────────────
}
