/**
 * Statements: assignments (with Flax naming of submodules assigned to `self`), `if` on static or
 * unknown conditions, loops, `return`, nested functions.
 */
import type { PyNode } from '../../python/ast';
import { addTensors, merge } from './flow';
import { iterate, type Expressions } from './expressions';
import { BreakSignal, ContinueSignal, ReturnSignal, type Ctx, type Machine } from './interpreter';
import { sym, truthy, type LayerInst, type ModuleState, type Scope, type Value } from './values';

/** Runs statements for one machine. */
export class Statements {
  constructor(
    readonly machine: Machine,
    readonly expressions: Expressions,
  ) {}

  block(statements: PyNode[], scope: Scope, ctx: Ctx): void {
    for (const statement of statements) {
      this.run(statement, scope, ctx);
    }
  }

  run(node: PyNode, scope: Scope, ctx: Ctx): void {
    this.machine.tick();
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.children) {
          this.expressionStatement(child, node, scope, ctx);
        }
        return;
      case 'return_statement':
        throw new ReturnSignal(node.children[0] ? this.expressions.eval(node.children[0], scope, ctx) : { kind: 'none' });
      case 'if_statement':
        this.ifStatement(node, scope, ctx);
        return;
      case 'for_statement':
        this.forStatement(node, scope, ctx);
        return;
      case 'while_statement':
        this.loopBody(node.fields.body, scope, { ...ctx, uncertain: true });
        return;
      case 'with_statement':
      case 'try_statement':
        this.block(node.fields.body?.children ?? [], scope, ctx);
        return;
      case 'block':
        this.block(node.children, scope, ctx);
        return;
      case 'function_definition':
        scope.vars.set(this.machine.text(node.fields.name!), { kind: 'func', node, scope, name: this.machine.text(node.fields.name!) });
        return;
      case 'decorated_definition':
        if (node.fields.definition?.type === 'function_definition') {
          this.run(node.fields.definition, scope, ctx);
        }
        return;
      case 'break_statement':
        throw new BreakSignal();
      case 'continue_statement':
        throw new ContinueSignal();
      default:
        return;
    }
  }

  private expressionStatement(child: PyNode, statement: PyNode, scope: Scope, ctx: Ctx): void {
    if (child.type === 'assignment') {
      if (!child.fields.right) {
        return;
      }
      // `a = b = value`: the right side is itself an assignment.
      let right = child.fields.right;
      const targets = [child.fields.left!];
      while (right.type === 'assignment' && right.fields.right) {
        targets.push(right.fields.left!);
        right = right.fields.right;
      }
      const value = this.expressions.eval(right, scope, ctx);
      for (const target of targets) {
        this.assign(target, value, statement, scope, ctx);
      }
      return;
    }
    if (child.type === 'augmented_assignment') {
      const current = this.expressions.eval(child.fields.left, scope, ctx);
      const delta = this.expressions.eval(child.fields.right, scope, ctx);
      let value: Value = sym(this.machine.text(child));
      if (current.kind === 'tensor' && delta.kind === 'tensor' && /^[+-]=$/.test(child.operator)) {
        const leftName = child.fields.left?.type === 'identifier' ? this.machine.text(child.fields.left) : '';
        const rightName = child.fields.right?.type === 'identifier' ? this.machine.text(child.fields.right) : '';
        value = { kind: 'tensor', t: addTensors(current.t, delta.t, leftName, rightName, !ctx.uncertain) };
      } else if (current.kind === 'num' && delta.kind === 'num' && child.operator === '+=') {
        value = { kind: 'num', value: current.value + delta.value };
      } else if (current.kind === 'tensor') {
        value = current;
      }
      this.assign(child.fields.left!, value, statement, scope, ctx);
      return;
    }
    this.expressions.eval(child, scope, ctx);
  }

  /** Binds a target: a name, a tuple pattern, or an attribute of the running module. */
  assign(target: PyNode, value: Value, statement: PyNode | null, scope: Scope, ctx: Ctx): void {
    switch (target.type) {
      case 'identifier':
        scope.vars.set(this.machine.text(target), value);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'expression_list':
      case 'tuple':
      case 'list': {
        // `n, h, w, c = x.shape`: the last one is the feature size the flow tracks.
        const fromShape =
          value.kind === 'shape'
            ? target.children.map((child, i) => (i === target.children.length - 1 ? value.t.dim : sym(this.machine.text(child))))
            : undefined;
        const items = fromShape ?? (value.kind === 'tuple' && !value.star && value.items.length === target.children.length ? value.items : undefined);
        target.children.forEach((child, i) =>
          this.assign(
            child.type === 'list_splat_pattern' ? (child.children[0] ?? child) : child,
            items ? items[i]! : sym(this.machine.text(child)),
            null,
            scope,
            ctx,
          ),
        );
        return;
      }
      case 'parenthesized_expression':
        if (target.children[0]) {
          this.assign(target.children[0], value, statement, scope, ctx);
        }
        return;
      case 'attribute': {
        const object = this.expressions.eval(target.fields.object, scope, ctx);
        if (object.kind !== 'object') {
          return;
        }
        const attr = this.machine.text(target.fields.attribute!);
        object.fields.set(attr, value);
        if (ctx.self && object === ctx.self && !ctx.compact) {
          const style = object.cls.flax === 'linen' ? 'linen' : 'nnx';
          const definition = statement ? { target: this.machine.text(target), range: statement.range } : null;
          nameValue(value, object.state, attr, style, definition, definition, true);
        }
        return;
      }
      default:
        return;
    }
  }

  private ifStatement(node: PyNode, scope: Scope, ctx: Ctx): void {
    const branches: { condition: PyNode | null; body: PyNode | undefined }[] = [{ condition: node.fields.condition ?? null, body: node.fields.consequence }];
    for (const clause of node.children) {
      if (clause.type === 'elif_clause') {
        branches.push({ condition: clause.fields.condition ?? null, body: clause.fields.consequence });
      }
      if (clause.type === 'else_clause') {
        branches.push({ condition: null, body: clause.fields.body ?? clause.children[0] });
      }
    }
    let uncertain = ctx.uncertain;
    for (const branch of branches) {
      const test = branch.condition ? truthy(this.expressions.eval(branch.condition, scope, ctx)) : true;
      if (test === false) {
        continue;
      }
      if (test === true) {
        this.block(branch.body?.children ?? [], scope, { ...ctx, uncertain });
        return;
      }
      // Unknown condition: this branch may run, and so may the rest. A name it rebinds is either value after.
      uncertain = true;
      const before = new Map(scope.vars);
      this.block(branch.body?.children ?? [], scope, { ...ctx, uncertain });
      for (const [name, value] of scope.vars) {
        const old = before.get(name);
        if (old === undefined || old === value) {
          continue;
        }
        scope.vars.set(
          name,
          old.kind === 'tensor' && value.kind === 'tensor'
            ? { kind: 'tensor', t: merge([old.t, value.t], old.t.dim.kind === 'num' ? old.t.dim : value.t.dim) }
            : sym(name),
        );
      }
    }
  }

  private forStatement(node: PyNode, scope: Scope, ctx: Ctx): void {
    const iterable = this.expressions.eval(node.fields.right, scope, ctx);
    const values = iterate(iterable);
    const target = node.fields.left!;
    if (!values) {
      this.assign(target, sym(this.machine.text(target)), null, scope, ctx);
      this.loopBody(node.fields.body, scope, { ...ctx, star: true });
      return;
    }
    for (const item of values) {
      this.assign(target, item, null, scope, ctx);
      if (this.loopBody(node.fields.body, scope, ctx) === 'break') {
        break;
      }
    }
  }

  private loopBody(body: PyNode | undefined, scope: Scope, ctx: Ctx): 'break' | 'next' {
    try {
      this.block(body?.children ?? [], scope, ctx);
    } catch (signal) {
      if (signal instanceof BreakSignal) {
        return 'break';
      }
      if (!(signal instanceof ContinueSignal)) {
        throw signal;
      }
    }
    return 'next';
  }
}

type Definition = { target: string; range: import('../../graph').Range } | null;

/**
 * Names submodules assigned to `self.<attr>` as Flax does: linen `attr`, list items `attr_0`, dict
 * items `attr_key` (linen Module.__setattr__ / _map_submodules); nnx attribute paths `attr.0`.
 */
export function nameValue(
  value: Value,
  state: ModuleState,
  local: string,
  style: 'linen' | 'nnx',
  definition: Definition,
  container: Definition,
  direct: boolean,
): void {
  const separator = style === 'linen' ? '_' : '.';
  switch (value.kind) {
    case 'layer': {
      const inst = value.layer;
      if (inst.path.local !== null) {
        return;
      }
      inst.path = { state, local };
      if (direct) {
        inst.definition = definition;
      } else {
        inst.container ??= container;
      }
      inst.state.parent = state;
      inst.state.local = local;
      nameMembers(inst, style, container);
      return;
    }
    case 'object':
      if (value.state.local === null) {
        value.state.parent = state;
        value.state.local = local;
      }
      return;
    case 'tuple':
      value.items.forEach((item, i) => nameValue(item, state, `${local}${separator}${value.star ? '*' : i}`, style, definition, container, false));
      return;
    case 'dict':
      for (const [key, item] of value.entries) {
        nameValue(item, state, `${local}${separator}${key}`, style, definition, container, false);
      }
      return;
    default:
      return;
  }
}

/** Members of a Sequential: linen `layers_<i>` (its dataclass field `layers`), nnx `layers.<i>`. */
export function nameMembers(inst: LayerInst, style: 'linen' | 'nnx', container: Definition): void {
  if (inst.info.kind !== 'sequential' && inst.info.kind !== 'rnn') {
    return;
  }
  inst.members.forEach((member, i) => {
    const local = inst.info.kind === 'rnn' ? 'cell' : style === 'linen' ? `layers_${i}` : `layers.${i}`;
    nameValue(member, inst.state, local, style, null, container, false);
  });
}
