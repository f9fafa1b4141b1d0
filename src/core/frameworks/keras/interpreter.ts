/**
 * A small static Python interpreter for Keras model code: it runs module code, helper functions,
 * loops and subclassed layers' `__init__` / `build` / `call` over symbolic values. Statements and
 * functions are here, expressions in `expressions.ts`, Keras calls in `kerasCalls.ts`. What does
 * not resolve becomes a symbol; it never guesses a number.
 */
import type { PyNode } from '../../python/ast';
import { ExpressionInterpreter } from './expressions';
import { BreakSignal, ContinueSignal, MAX_DEPTH, MAX_LOOP, namespaceOf, ReturnSignal, type Context } from './interpreterCore';
import { NONE, seq, str, sym, truthiness, type LocalClass, type LocalFunction, type Scope, type Value } from './values';

export type { CallSite, Context } from './interpreterCore';
export { BudgetExceeded, namespaceOf } from './interpreterCore';

export class KerasInterpreter extends ExpressionInterpreter {
  // ---------------------------------------------------------------- statements

  runBlock(nodes: PyNode[], scope: Scope, ctx: Context): void {
    for (const node of nodes) {
      this.runStatement(node, scope, ctx);
    }
  }

  runStatement(node: PyNode, scope: Scope, ctx: Context): void {
    this.tick();
    if (node.type === 'ERROR') {
      return;
    }
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.children) {
          if (child.type === 'assignment' || child.type === 'augmented_assignment') {
            this.runStatement(child, scope, ctx);
          } else {
            this.eval(child, scope, ctx);
          }
        }
        return;
      case 'assignment':
        this.runAssignment(node, scope, ctx);
        return;
      case 'augmented_assignment': {
        const left = node.fields.left;
        const right = node.fields.right;
        if (!left || !right) {
          return;
        }
        const value = this.binary(node.operator.replace('=', '').trim(), this.eval(left, scope, ctx), this.eval(right, scope, ctx), ctx);
        this.assign(left, value, scope, ctx);
        return;
      }
      case 'return_statement':
        throw new ReturnSignal(node.children[0] ? this.eval(node.children[0], scope, ctx) : NONE);
      case 'if_statement':
        this.runIf(node, scope, ctx);
        return;
      case 'for_statement':
        this.runFor(node, scope, ctx);
        return;
      case 'with_statement':
      case 'try_statement':
        if (node.fields.body) {
          this.runBlock(node.fields.body.children, scope, ctx);
        }
        return;
      case 'function_definition':
        this.defineFunction(node, scope, ctx);
        return;
      case 'decorated_definition': {
        const definition = node.fields.definition;
        if (definition?.type === 'function_definition') {
          this.defineFunction(definition, scope, ctx);
        } else if (definition?.type === 'class_definition') {
          this.defineClass(definition, scope);
        }
        return;
      }
      case 'class_definition':
        this.defineClass(node, scope);
        return;
      case 'import_statement':
      case 'import_from_statement':
        this.runImport(node, scope);
        return;
      case 'break_statement':
        throw new BreakSignal();
      case 'continue_statement':
        throw new ContinueSignal();
      default:
        return;
    }
  }

  private runAssignment(node: PyNode, scope: Scope, ctx: Context): void {
    const left = node.fields.left;
    const right = node.fields.right;
    if (!left || !right) {
      return;
    }
    const isSelfAttr = left.type === 'attribute' && left.fields.object?.type === 'identifier' && this.text(left.fields.object) === 'self';
    const previous = this.pendingDefinition;
    if (isSelfAttr) {
      this.pendingDefinition = { target: this.text(left), range: node.range, node: right };
    }
    let value: Value;
    try {
      value = right.type === 'assignment' ? (this.runAssignment(right, scope, ctx), this.eval(right.fields.left!, scope, ctx)) : this.eval(right, scope, ctx);
    } finally {
      this.pendingDefinition = previous;
    }
    this.assign(left, value, scope, ctx);
    if (value.kind === 'model' && left.type === 'identifier') {
      value.model.name ??= ctx.functionName ? undefined : this.text(left);
    }
  }

  assign(target: PyNode, value: Value, scope: Scope, ctx: Context): void {
    switch (target.type) {
      case 'identifier':
        scope.vars.set(this.text(target), value);
        return;
      case 'attribute': {
        const object = this.eval(target.fields.object!, scope, ctx);
        const attr = target.fields.attribute ? this.text(target.fields.attribute) : '';
        if (object.kind === 'layer') {
          object.layer.attrs.set(attr, value);
        } else if (object.kind === 'obj') {
          object.attrs.set(attr, value);
        }
        return;
      }
      case 'subscript': {
        // `args["strides"] = 1` (EfficientNet mutates its block configs): the container must see it.
        const object = this.eval(target.fields.value!, scope, ctx);
        const indexNode = target.fields.subscript ?? target.children[1];
        const key = indexNode && indexNode.type !== 'slice' ? this.eval(indexNode, scope, ctx) : undefined;
        if (object.kind === 'dict') {
          if (key?.kind === 'str' && !ctx.uncertain) {
            object.entries.set(key.value, value);
          } else {
            // Which entry changed (or whether) is unknown: none of them can be trusted any more.
            const changed = key?.kind === 'str' ? [key.value] : [...object.entries.keys()];
            changed.forEach((name) => object.entries.set(name, sym(`${this.text(target.fields.value!)}[${JSON.stringify(name)}]`)));
          }
        } else if (object.kind === 'seq') {
          const index = key?.kind === 'num' && Number.isInteger(key.value) ? (key.value < 0 ? object.items.length + key.value : key.value) : undefined;
          if (index !== undefined && index >= 0 && index < object.items.length && !ctx.uncertain) {
            object.items[index] = value;
          } else {
            object.items.forEach((_, i) => (object.items[i] = sym(`${this.text(target.fields.value!)}[${i}]`)));
          }
        }
        return;
      }
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list': {
        const targets = target.children;
        const items = value.kind === 'seq' ? value.items : undefined;
        targets.forEach((child, index) => {
          const item = items && items.length === targets.length ? items[index]! : value.kind === 'tensor' ? value : sym(`${this.text(target)}[${index}]`);
          this.assign(child, item, scope, ctx);
        });
        return;
      }
      default:
        return;
    }
  }

  private runIf(node: PyNode, scope: Scope, ctx: Context): void {
    const branches: { condition?: PyNode; body?: PyNode }[] = [{ condition: node.fields.condition, body: node.fields.consequence }];
    for (const child of node.children) {
      if (child.type === 'elif_clause') {
        branches.push({ condition: child.fields.condition, body: child.fields.consequence });
      } else if (child.type === 'else_clause') {
        branches.push({ body: child.fields.body });
      }
    }
    for (const branch of branches) {
      const truth = branch.condition ? truthiness(this.eval(branch.condition, scope, ctx)) : true;
      if (truth === false) {
        continue;
      }
      if (truth === undefined) {
        // An undecidable condition: follow the first such branch, marking what it makes uncertain.
        this.runUncertain(branch.body?.children ?? [], scope, ctx);
        return;
      }
      this.runBlock(branch.body?.children ?? [], scope, ctx);
      return;
    }
  }

  private runFor(node: PyNode, scope: Scope, ctx: Context): void {
    const left = node.fields.left;
    const right = node.fields.right;
    const body = node.fields.body;
    if (!left || !right || !body) {
      return;
    }
    const iterable = this.eval(right, scope, ctx);
    const items = this.iterate(iterable);
    if (!items) {
      // An iterable that does not resolve: the body once, uncertain, the loop variable a symbol.
      this.assign(left, sym(this.text(left)), scope, ctx);
      try {
        this.runUncertain(body.children, scope, ctx);
      } catch (signal) {
        if (!(signal instanceof BreakSignal) && !(signal instanceof ContinueSignal)) {
          throw signal;
        }
      }
      return;
    }
    const loopCtx = ctx;
    for (const item of items.slice(0, MAX_LOOP)) {
      this.assign(left, item, scope, loopCtx);
      try {
        this.runBlock(body.children, scope, loopCtx);
      } catch (signal) {
        if (signal instanceof BreakSignal) {
          break;
        }
        if (!(signal instanceof ContinueSignal)) {
          throw signal;
        }
      }
    }
  }

  /**
   * Runs code on a path the analysis cannot decide. Layers made there are marked uncertain; plain
   * values it assigns (numbers, strings) become symbols afterwards, since the other path may not
   * assign them or assign others. Tensors keep the path's data flow (their layers are uncertain).
   */
  private runUncertain(body: PyNode[], scope: Scope, ctx: Context): void {
    const before = new Map(scope.vars);
    try {
      this.runBlock(body, scope, { ...ctx, uncertain: true });
    } finally {
      for (const [name, value] of scope.vars) {
        const plain =
          value.kind === 'num' ||
          value.kind === 'str' ||
          value.kind === 'bool' ||
          value.kind === 'none' ||
          value.kind === 'seq' ||
          value.kind === 'dict' ||
          value.kind === 'init' ||
          value.kind === 'act';
        if (before.get(name) !== value && plain) {
          scope.vars.set(name, sym(name));
        }
      }
    }
  }

  /** The items of an iterable when they resolve. */
  iterate(value: Value): Value[] | undefined {
    if (value.kind === 'seq') {
      return value.items;
    }
    if (value.kind === 'dict') {
      return [...value.entries.keys()].map(str);
    }
    if (value.kind === 'str') {
      return [...value.value].map(str);
    }
    return undefined;
  }

  private defineFunction(node: PyNode, scope: Scope, ctx: Context): void {
    const name = node.fields.name ? this.text(node.fields.name) : '';
    scope.vars.set(name, { kind: 'func', fn: { name, node, scope, ownerClass: ctx.ownerClass } });
  }

  defineClass(node: PyNode, scope: Scope): void {
    const name = node.fields.name ? this.text(node.fields.name) : '';
    const cls: LocalClass = {
      name,
      node,
      bases: node.fields.superclasses?.children.filter((c) => c.type !== 'keyword_argument') ?? [],
      methods: new Map(),
      fields: new Map(),
    };
    for (const statement of node.fields.body?.children ?? []) {
      const definition = statement.type === 'decorated_definition' ? statement.fields.definition : statement;
      if (definition?.type === 'function_definition' && definition.fields.name) {
        cls.methods.set(this.text(definition.fields.name), definition);
      } else if (statement.type === 'expression_statement' && statement.children[0]?.type === 'assignment') {
        const assignment = statement.children[0];
        if (assignment.fields.left?.type === 'identifier' && assignment.fields.right) {
          cls.fields.set(this.text(assignment.fields.left), assignment.fields.right);
        }
      }
    }
    this.classes.set(name, cls);
    scope.vars.set(name, { kind: 'class', cls });
  }

  /** Imports bind names to Keras / TensorFlow namespaces; anything else to a symbol. */
  private runImport(node: PyNode, scope: Scope): void {
    const bindPath = (dotted: string, local: string, wholeName: boolean) => {
      const value = namespaceOf(dotted);
      if (value) {
        scope.vars.set(local, wholeName ? value : (namespaceOf(dotted.split('.')[0]!) ?? value));
      } else {
        scope.vars.set(local, sym(local));
      }
    };
    if (node.type === 'import_statement') {
      for (const child of node.children) {
        if (child.type === 'dotted_name') {
          const dotted = this.text(child);
          bindPath(dotted, dotted.split('.')[0]!, false);
        } else if (child.type === 'aliased_import' && child.fields.name && child.fields.alias) {
          bindPath(this.text(child.fields.name), this.text(child.fields.alias), true);
        }
      }
      return;
    }
    const module = node.fields.module_name ? this.text(node.fields.module_name) : '';
    for (const child of node.children) {
      if (child === node.fields.module_name) {
        continue;
      }
      if (child.type === 'dotted_name') {
        const name = this.text(child);
        bindPath(`${module}.${name}`, name, true);
      } else if (child.type === 'aliased_import' && child.fields.name && child.fields.alias) {
        bindPath(`${module}.${this.text(child.fields.name)}`, this.text(child.fields.alias), true);
      } else if (child.type === 'wildcard_import') {
        const value = namespaceOf(module);
        if (value?.kind === 'ns') {
          this.wildcards.push(value);
        }
      }
    }
  }

  // ---------------------------------------------------------------- functions

  /** Calls a function of the file with evaluated arguments. */
  callFunction(fn: LocalFunction, positional: Value[], keywords: Map<string, Value>, ctx: Context): Value {
    this.calledFunctions.add(fn.node);
    if (ctx.depth >= MAX_DEPTH) {
      return sym(fn.name);
    }
    const scope: Scope = { vars: new Map(), parent: fn.scope };
    const args = fn.self ? [fn.self, ...positional] : positional;
    this.bindParameters(fn, args, keywords, scope, ctx);
    const isMethod = fn.ownerClass !== undefined;
    const self = fn.self?.kind === 'layer' ? fn.self.layer : ctx.self;
    const inner: Context = {
      ...ctx,
      depth: ctx.depth + 1,
      self: isMethod ? self : ctx.self,
      ownerClass: fn.ownerClass ?? ctx.ownerClass,
      functionName: isMethod ? ctx.functionName : fn.name,
    };
    try {
      this.runBlock(fn.node.fields.body?.children ?? [], scope, inner);
    } catch (signal) {
      if (signal instanceof ReturnSignal) {
        if (signal.value.kind === 'model' && !isMethod) {
          signal.value.model.functionName ??= fn.name;
        }
        return signal.value;
      }
      if (signal instanceof BreakSignal || signal instanceof ContinueSignal) {
        return NONE;
      }
      throw signal;
    }
    return NONE;
  }

  private bindParameters(fn: LocalFunction, args: Value[], keywords: Map<string, Value>, scope: Scope, ctx: Context): void {
    const parameters = fn.node.fields.parameters?.children ?? [];
    let index = 0;
    const rest = new Map(keywords);
    for (const parameter of parameters) {
      if (parameter.type === 'list_splat_pattern') {
        const name = parameter.children[0] ? this.text(parameter.children[0]) : '';
        scope.vars.set(name, seq(args.slice(index), true));
        index = args.length;
        continue;
      }
      if (parameter.type === 'dictionary_splat_pattern') {
        const name = parameter.children[0] ? this.text(parameter.children[0]) : '';
        scope.vars.set(name, { kind: 'dict', entries: new Map(rest) });
        rest.clear();
        continue;
      }
      const nameNode = parameter.type === 'identifier' ? parameter : (parameter.fields.name ?? parameter.children[0]);
      if (!nameNode || nameNode.type !== 'identifier') {
        continue;
      }
      const name = this.text(nameNode);
      let value: Value | undefined;
      if (index < args.length) {
        value = args[index++];
      } else if (rest.has(name)) {
        value = rest.get(name);
        rest.delete(name);
      } else if (parameter.fields.value) {
        value = this.eval(parameter.fields.value, fn.scope, ctx);
      }
      scope.vars.set(name, value ?? sym(name));
    }
  }
}
