/**
 * A small static interpreter for the parts of Python that build and run PyTorch models:
 * it executes `__init__` (constructing module instances, recording init writes in order, so the
 * last write wins) and `forward` (following tensors from layer to layer to find the activation
 * after each). It never runs user code: it evaluates what resolves statically and turns the rest
 * into symbols; a budget bounds loops, recursion and total work.
 */
import type { Activation, ArgValue, InitSource, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { TORCH_MODULES } from './catalog';
import { bindTorchArgs, constructTorchModule, newModule } from './construct';
import { constructComposite, runComposite } from './composite';
import { activated, consumeLinearly, copyTensor, layerOutput, markUse, merge, passThroughLayer, residualAdd, settle, tensorOf } from './flow';
import { callBuiltin, attributeOfNamespace, methodOfValue } from './builtins';
import {
  asNumber,
  list,
  NONE,
  num,
  str,
  sym,
  truthiness,
  valueText,
  type LocalClass,
  type LocalFunction,
  type ModuleInst,
  type Scope,
  type TensorInfo,
  type Value,
} from './values';
import { classifyActivationBody } from './customActivation';

/** Thrown to unwind a function body at `return`. */
class ReturnSignal {
  constructor(readonly value: Value) {}
}

/** Thrown when the work budget is spent: the analysis of the model stops and reports it. */
export class BudgetExceeded extends Error {}

/** What the interpreter knows about the file. */
export interface FileScope {
  source: string;
  globals: Scope;
  classes: Map<string, LocalClass>;
}

/** Per-call context: how init writes reached here, and whether the path is certain. */
export interface Context {
  initSource: InitSource;
  uncertain: boolean;
  depth: number;
  /** The local class whose code is running (for `super()` and ownership of created layers). */
  ownerClass?: LocalClass;
  /** True while running a `forward`. */
  inForward: boolean;
  /** The instance whose method is running (for `super()`). */
  self?: Value;
  /** True inside a loop over a sequence of unknown length: appended modules are named `*`. */
  symbolicLoop?: boolean;
}

const MAX_DEPTH = 40;
const MAX_LOOP = 256;

/** Names of methods whose init writes count as the class's own init routine. */
const INIT_METHOD = /^_*(reset_parameters|reset_params|init_weights|initialize_weights|init_params|initialize_parameters|init_parameters|_init_weights|weights_init)$/;

/** The interpreter for one file. */
export class Interpreter {
  private steps = 0;

  constructor(
    readonly file: FileScope,
    private readonly budget = 2_000_000,
  ) {}

  /** Spends one unit of work; throws BudgetExceeded when the budget is gone. */
  tick(): void {
    if (++this.steps > this.budget) {
      throw new BudgetExceeded('analysis budget exceeded');
    }
  }

  text(node: PyNode): string {
    return node.text || this.file.source.slice(node.startIndex, node.endIndex);
  }

  // ───────────────────────────── statements ─────────────────────────────

  /** Executes a block's statements. */
  execBlock(block: PyNode | undefined, scope: Scope, ctx: Context): void {
    if (!block) {
      return;
    }
    for (const statement of block.children) {
      this.execStatement(statement, scope, ctx);
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

  private execExpressionStatement(node: PyNode, scope: Scope, ctx: Context): void {
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

  private execAssignment(node: PyNode, scope: Scope, ctx: Context): void {
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
    if (!ctx.inForward && value.kind === 'module' && value.module.range === valueNode.range && left.type === 'attribute' && targets.length === 1) {
      value.module.definition ??= { target: this.text(left), range: node.range };
    }
  }

  private execAugmented(node: PyNode, scope: Scope, ctx: Context): void {
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
  private unpack(value: Value, count: number): Value[] {
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

  private execIf(node: PyNode, scope: Scope, ctx: Context): void {
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
    this.execBranches(
      [(s) => this.execBlock(node.fields.consequence, s, uncertain), (s) => this.execAlternatives(alternatives, s, uncertain)],
      scope,
    );
  }

  private execAlternatives(alternatives: PyNode[], scope: Scope, ctx: Context): void {
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
      this.execBranches([(s) => this.execBlock(first.fields.consequence, s, uncertain), (s) => this.execAlternatives(rest, s, uncertain)], scope);
    }
  }

  /** Runs alternative paths on copies of the scope, then merges: tensors join, other values take the last path's. */
  private execBranches(paths: ((scope: Scope) => void)[], scope: Scope): void {
    const results: Map<string, Value>[] = [];
    for (const path of paths) {
      const copy: Scope = { vars: new Map(scope.vars), parent: scope.parent };
      try {
        path(copy);
      } catch (signal) {
        if (!(signal instanceof ReturnSignal)) {
          throw signal;
        }
      }
      results.push(copy.vars);
    }
    const names = new Set(results.flatMap((vars) => [...vars.keys()]));
    for (const name of names) {
      const values = results.map((vars) => vars.get(name)).filter((v): v is Value => v !== undefined);
      const tensors = values.filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor');
      if (tensors.length > 1) {
        scope.vars.set(name, { kind: 'tensor', tensor: merge(tensors.map((t) => t.tensor), tensors.some((t) => t.tensor.skip)) });
      } else if (values.length > 0) {
        scope.vars.set(name, values[values.length - 1]!);
      }
    }
  }

  private execFor(node: PyNode, scope: Scope, ctx: Context): void {
    const iterable = this.eval(node.fields.right!, scope, ctx);
    const left = node.fields.left!;
    const body = node.fields.body;
    const { items, symbolic } = this.iterate(iterable, ctx);
    const loopCtx = this.loopContext(node.fields.right!, ctx);
    if (items === undefined) {
      // Nothing known about the sequence: run the body once on a symbol, as an uncertain path.
      this.assign(left, sym(this.text(left)), scope, { ...loopCtx, uncertain: true });
      this.runLoopBody(body, scope, { ...loopCtx, uncertain: true });
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

  private runLoopBody(body: PyNode | undefined, scope: Scope, ctx: Context): 'break' | undefined {
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
  private loopContext(iterable: PyNode, ctx: Context): Context {
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

  private evalString(node: PyNode, scope: Scope, ctx: Context): Value {
    if (node.children.some((c) => c.type === 'interpolation')) {
      let out = '';
      for (const child of node.children) {
        if (child.type === 'string_content') {
          out += this.text(child);
        } else if (child.type === 'interpolation') {
          const value = this.eval(child.fields.expression ?? child.children[0]!, scope, ctx);
          if (value.kind === 'num' || value.kind === 'str') {
            out += String(value.value);
          } else {
            return sym(this.text(node));
          }
        }
      }
      return str(out);
    }
    const content = node.children.filter((c) => c.type === 'string_content').map((c) => this.text(c)).join('');
    return str(content);
  }

  lookup(name: string, scope: Scope): Value | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const value = s.vars.get(name);
      if (value !== undefined) {
        return value;
      }
    }
    return builtinName(name);
  }

  private evalBoolean(node: PyNode, scope: Scope, ctx: Context): Value {
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

  private evalComparison(node: PyNode, scope: Scope, ctx: Context): Value {
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

  private evalSequence(node: PyNode, scope: Scope, ctx: Context): Value {
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

  private evalDict(node: PyNode, scope: Scope, ctx: Context): Value {
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

  private evalComprehension(node: PyNode, scope: Scope, ctx: Context): Value {
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

  private evalSubscript(node: PyNode, scope: Scope, ctx: Context): Value {
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

  private slice(object: Value, sliceNode: PyNode, scope: Scope, ctx: Context, whole: PyNode): Value {
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
        return list(children.map((c) => ({ kind: 'module', module: c }) as Value), false, true);
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

  private evalAttribute(node: PyNode, scope: Scope, ctx: Context): Value {
    const object = this.eval(node.fields.object!, scope, ctx);
    const name = this.text(node.fields.attribute!);
    return this.getAttribute(object, name, node, ctx);
  }

  /** `object.name` for every kind of value. */
  getAttribute(object: Value, name: string, node: PyNode, ctx: Context): Value {
    switch (object.kind) {
      case 'ns':
        return attributeOfNamespace(object.path, name);
      case 'module': {
        const module = object.module;
        const child = module.children.get(name);
        if (child) {
          if (child.rawParam && ctx.inForward) {
            markUse(child);
          }
          return child.rawParam ? { kind: 'param', param: child.rawParam } : { kind: 'module', module: child };
        }
        const param = module.params.get(name);
        if (param) {
          return { kind: 'param', param };
        }
        const attr = module.attrs.get(name);
        if (attr) {
          return attr;
        }
        if ((name === 'weight' || name === 'bias') && module.torchClass) {
          return NONE;
        }
        const config = module.config[name];
        if (config !== undefined) {
          return argToValue(config);
        }
        const method = this.methodOf(module, name);
        if (method) {
          return method;
        }
        const field = this.classField(module, name, ctx);
        if (field) {
          return field;
        }
        if (name === '__class__') {
          return { kind: 'object', attrs: new Map([['__name__', str(module.className)]]) };
        }
        return methodOfValue(object, name) ?? sym(this.text(node));
      }
      case 'object': {
        const attr = object.attrs.get(name);
        if (attr) {
          return attr;
        }
        if (object.cls) {
          const method = object.cls.methods.get(name);
          if (method) {
            return { kind: 'func', fn: { name, node: method, self: object, scope: this.file.globals, ownerClass: object.cls } };
          }
          const field = object.cls.fields.get(name);
          if (field) {
            return this.eval(field, this.file.globals, ctx);
          }
        }
        return sym(this.text(node));
      }
      case 'localClass': {
        const field = object.cls.fields.get(name);
        if (field) {
          return this.eval(field, this.file.globals, ctx);
        }
        const method = object.cls.methods.get(name);
        return method ? { kind: 'func', fn: { name, node: method, scope: this.file.globals, ownerClass: object.cls } } : sym(this.text(node));
      }
      case 'sym':
        return sym(`${object.text}.${name}`);
      default:
        return methodOfValue(object, name) ?? sym(this.text(node));
    }
  }

  /** A method of a module instance: defined in its local class chain, bound to the instance. */
  private methodOf(module: ModuleInst, name: string): Value | undefined {
    for (let cls: LocalClass | undefined = module.localClass; cls; cls = this.localBase(cls)) {
      const method = cls.methods.get(name);
      if (method) {
        const self: Value | undefined = cls.staticMethods.has(name) ? undefined : { kind: 'module', module };
        return { kind: 'func', fn: { name, node: method, self, scope: this.file.globals, ownerClass: cls } };
      }
    }
    return undefined;
  }

  /** A class-level attribute (`expansion = 4`) of a module's local class chain. */
  private classField(module: ModuleInst, name: string, ctx: Context): Value | undefined {
    for (let cls: LocalClass | undefined = module.localClass; cls; cls = this.localBase(cls)) {
      const field = cls.fields.get(name);
      if (field) {
        return this.eval(field, this.file.globals, ctx);
      }
    }
    return undefined;
  }

  /** The first base of a local class that is itself a local class. */
  localBase(cls: LocalClass): LocalClass | undefined {
    for (const base of cls.bases) {
      const value = this.eval(base, this.file.globals, baseContext());
      if (value.kind === 'localClass') {
        return value.cls;
      }
    }
    return undefined;
  }

  /** The torch.nn class a local class derives from, if any (`MaskedConv2d(nn.Conv2d)` → `Conv2d`). */
  torchBase(cls: LocalClass, seen = new Set<LocalClass>()): string | undefined {
    if (seen.has(cls)) {
      return undefined;
    }
    seen.add(cls);
    for (const base of cls.bases) {
      const value = this.eval(base, this.file.globals, baseContext());
      if (value.kind === 'torchClass') {
        return value.name;
      }
      if (value.kind === 'localClass') {
        const inner = this.torchBase(value.cls, seen);
        if (inner) {
          return inner;
        }
      }
    }
    return undefined;
  }

  setAttribute(object: Value, name: string, value: Value, node: PyNode, ctx: Context): void {
    if (object.kind === 'module') {
      const module = object.module;
      if (value.kind === 'module') {
        this.registerChild(module, name, value.module);
        return;
      }
      if (value.kind === 'param' && value.param.raw && !ctx.inForward) {
        this.registerRawParam(module, name, value.param.raw);
        return;
      }
      if (value.kind === 'param' && !ctx.inForward && module.params.has(name)) {
        // `self.weight = other.weight`: shared tensor; keep the same record.
        module.params.set(name, value.param);
        return;
      }
      if (value.kind === 'none' && module.children.has(name)) {
        module.children.delete(name);
      }
      module.attrs.set(name, value);
      return;
    }
    if (object.kind === 'object') {
      object.attrs.set(name, value);
      return;
    }
    if (object.kind === 'param' && (name === 'data' || name === 'weight')) {
      this.writeUnknownInit(object, node.range, ctx);
    }
  }

  registerChild(parent: ModuleInst, name: string, child: ModuleInst): void {
    parent.children.set(name, child);
  }

  registerRawParam(parent: ModuleInst, name: string, raw: ModuleInst): void {
    parent.children.set(name, raw);
    if (raw.rawParam) {
      raw.rawParam.attr = name;
      // A raw parameter named like a bias reports its init under `bias`.
      raw.rawParam.key = /bias/.test(name) ? 'bias' : 'weight';
      raw.params.clear();
      raw.params.set(raw.rawParam.key, raw.rawParam);
    }
  }

  writeUnknownInit(target: Value, range: Range, ctx: Context): void {
    if (ctx.inForward) {
      // forward may rescale weights at run time (masks, equalized lr); that is not the init.
      return;
    }
    const init = { name: 'unknown', args: {}, source: ctx.initSource, variance: null, range };
    if (target.kind === 'param') {
      target.param.init = init;
    } else if (target.kind === 'newTensor') {
      target.tensor.init = init;
    } else if (target.kind === 'module' && !ctx.inForward) {
      for (const param of allParams(target.module)) {
        param.init = { ...init };
      }
    }
  }

  // ───────────────────────────── operators ─────────────────────────────

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
    if (left.kind === 'str' && b !== undefined && operator === '*') {
      return str(left.value.repeat(b));
    }
    if (left.kind === 'list' && right.kind === 'list' && operator === '+') {
      return list([...left.items, ...right.items], left.tuple, left.symbolicCount || right.symbolicCount);
    }
    if (left.kind === 'list' && operator === '*' && b !== undefined) {
      return list(Array.from({ length: Math.min(b, MAX_LOOP) }, () => left.items).flat(), left.tuple, left.symbolicCount);
    }
    if (left.kind === 'list' && operator === '*' && right.kind === 'sym') {
      return list(left.items, left.tuple, true);
    }
    if (_ctx.inForward && (left.kind === 'param' || right.kind === 'param')) {
      return this.tensorBinary(operator, paramAsTensor(left), paramAsTensor(right), where);
    }
    if (left.kind === 'tensor' || right.kind === 'tensor') {
      return this.tensorBinary(operator, left, right, where);
    }
    if (left.kind === 'newTensor' || right.kind === 'newTensor') {
      return this.newTensorBinary(operator, left, right, where.left.range);
    }
    if (left.kind === 'sym' || right.kind === 'sym' || left.kind === 'num' || right.kind === 'num') {
      return sym(`${symText(left)} ${operator} ${symText(right)}`);
    }
    return sym(`${valueText(left)} ${operator} ${valueText(right)}`);
  }

  private tensorBinary(operator: string, left: Value, right: Value, where: { leftIsBranch: boolean; left: PyNode; right: PyNode }): Value {
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
  private add(lt: TensorInfo, rt: TensorInfo, where: { leftIsBranch: boolean; left: PyNode; right: PyNode }): TensorInfo {
    const skipName = /^(x|identity|shortcut|residual|skip|res|inp|input|inputs|h|hidden|hidden_states)$/;
    if (where.leftIsBranch) {
      return rt.pending.size === 0 && lt.pending.size === 0 ? merge([lt, rt], true) : residualAdd(lt, rt);
    }
    if (lt.skip && !rt.skip) {
      return residualAdd(rt, lt);
    }
    if (rt.skip && !lt.skip) {
      return residualAdd(lt, rt);
    }
    const leftName = where.left.type === 'identifier' ? this.text(where.left) : '';
    const rightName = where.right.type === 'identifier' ? this.text(where.right) : '';
    if (skipName.test(rightName) && !skipName.test(leftName)) {
      return residualAdd(lt, rt);
    }
    if (skipName.test(leftName) && !skipName.test(rightName)) {
      return residualAdd(rt, lt);
    }
    return merge([lt, rt], lt.skip || rt.skip);
  }

  private newTensorBinary(operator: string, left: Value, right: Value, range: Range): Value {
    const tensor = left.kind === 'newTensor' ? left.tensor : right.kind === 'newTensor' ? right.tensor : undefined;
    const other = left.kind === 'newTensor' ? right : left;
    if (!tensor) {
      return sym('tensor');
    }
    const factor = asNumber(other);
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

  private evalCall(node: PyNode, scope: Scope, ctx: Context): Value {
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

  /** Calls any callable value. */
  call(callee: Value, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context, argNodes: PyNode[] = []): Value {
    switch (callee.kind) {
      case 'torchClass':
        return this.instantiateTorch(callee, args, kwargs, node, ctx);
      case 'localClass':
        return this.instantiateLocal(callee, args, kwargs, node, ctx);
      case 'func':
        return this.callFunction(callee.fn, args, kwargs, node, ctx);
      case 'module':
        return this.callModule(callee.module, args, kwargs, node, ctx);
      case 'activationFn':
        return this.applyActivation(callee.activation, args, kwargs, node);
      case 'builtin':
        return callBuiltin(this, callee, args, kwargs, node, ctx, argNodes);
      default:
        return this.callUnknown(callee, args, node, ctx);
    }
  }

  /** A call the analysis cannot follow: what it receives may be changed in unknown ways. */
  callUnknown(callee: Value, args: Value[], node: PyNode, ctx: Context): Value {
    let tensorSeen = false;
    for (const arg of args) {
      if (arg.kind === 'tensor') {
        settle(arg.tensor, 'unknown');
        tensorSeen = true;
      } else if (!ctx.inForward && (arg.kind === 'param' || arg.kind === 'module')) {
        this.writeUnknownInit(arg, node.range, { ...ctx, initSource: 'unknown' });
      }
    }
    if (tensorSeen) {
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    return sym(`${valueText(callee)}(…)`);
  }

  applyActivation(activation: Activation, args: Value[], kwargs: Map<string, Value>, node: PyNode): Value {
    const input = args[0];
    const params: Record<string, number | string> = { ...activation.params };
    const known = ACTIVATION_PARAM_ORDER[activation.name] ?? [];
    args.slice(1).forEach((value, index) => {
      const key = known[index];
      if (key && (value.kind === 'num' || value.kind === 'str')) {
        params[key] = value.value;
      }
    });
    for (const [key, value] of kwargs) {
      if ((value.kind === 'num' || value.kind === 'str') && key !== 'inplace' && key !== 'dim') {
        params[key] = value.value;
      }
    }
    if (activation.name === 'gelu' && params.approximate === 'none') {
      delete params.approximate;
    }
    const applied: Activation = { name: activation.name, params, range: node.range };
    if (input?.kind === 'tensor') {
      settle(input.tensor, applied);
      return { kind: 'tensor', tensor: activated(input.tensor) };
    }
    return sym('activation');
  }

  private instantiateTorch(callee: Extract<Value, { kind: 'torchClass' }>, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const allArgs = callee.bound ? [...callee.bound.args, ...args] : args;
    const allKwargs = callee.bound ? new Map([...callee.bound.kwargs, ...kwargs]) : kwargs;
    const owner = ctx.ownerClass?.name ?? '<module>';
    const name = callee.name;
    if (name === 'Sequential' || name === 'ModuleList' || name === 'ModuleDict') {
      const container = newModule(name, node.range, owner, name);
      this.fillContainer(container, allArgs, node);
      return { kind: 'module', module: container };
    }
    if (name === 'Parameter') {
      return this.makeParameter(allArgs[0], node, ctx);
    }
    if (name === 'Module') {
      return { kind: 'module', module: newModule('Module', node.range, owner, 'Module') };
    }
    const info = TORCH_MODULES[name];
    if (info?.kind === 'composite') {
      const module = constructComposite(this, name, bindTorchArgs(name, allArgs, allKwargs), node.range, owner);
      return module ? { kind: 'module', module } : sym(this.text(node));
    }
    const module = constructTorchModule(name, bindTorchArgs(name, allArgs, allKwargs), node.range, owner);
    return module ? { kind: 'module', module } : sym(this.text(node));
  }

  /** Registers the children of `Sequential(...)`, `ModuleList([...])`, `ModuleDict({...})`. */
  fillContainer(container: ModuleInst, args: Value[], _node: PyNode): void {
    const add = (key: string, value: Value) => {
      if (value.kind === 'module') {
        container.children.set(key, value.module);
      }
    };
    const first = args[0];
    if (container.className === 'Sequential' || container.torchClass === 'Sequential') {
      if (first && first.kind === 'dict') {
        for (const [key, value] of first.entries) {
          add(key, value);
        }
        return;
      }
      let index = 0;
      for (const arg of args) {
        add(String(index++), arg);
      }
      return;
    }
    if (!first) {
      return;
    }
    if (first.kind === 'list') {
      if (first.symbolicCount) {
        first.items.slice(0, 1).forEach((item) => add('*', item));
        return;
      }
      first.items.forEach((item, index) => add(String(index), item));
    } else if (first.kind === 'dict') {
      for (const [key, value] of first.entries) {
        add(key, value);
      }
    }
  }

  private makeParameter(data: Value | undefined, node: PyNode, ctx: Context): Value {
    const owner = ctx.ownerClass?.name ?? '<module>';
    const raw = newModule('Parameter', node.range, owner, undefined);
    const tensor =
      data?.kind === 'newTensor'
        ? data.tensor
        : data?.kind === 'param'
          ? { shape: data.param.shape, init: data.param.init }
          : { shape: undefined, init: { name: 'unknown', args: {}, source: 'unknown' as InitSource, variance: null, range: node.range } };
    const init = tensor.init.source === 'default' ? { ...tensor.init, source: 'call' as InitSource } : tensor.init;
    const param = { owner: raw, attr: 'weight', key: 'weight', shape: tensor.shape, init, raw };
    raw.rawParam = param;
    raw.params.set('weight', param);
    const shape = tensor.shape;
    if (shape && shape.length >= 2) {
      const receptive = shape.slice(2).reduce<number | string>((acc, d) => (typeof acc === 'number' && typeof d === 'number' ? acc * d : `${acc} * ${d}`), 1);
      raw.fanIn = typeof shape[1] === 'number' && typeof receptive === 'number' ? shape[1] * receptive : receptive === 1 ? shape[1]! : `${shape[1]} * ${receptive}`;
      raw.fanOut = typeof shape[0] === 'number' && typeof receptive === 'number' ? shape[0] * receptive : receptive === 1 ? shape[0]! : `${shape[0]} * ${receptive}`;
    }
    if (tensor.init.variance === null && tensor.init.name !== 'unknown' && shape) {
      param.init = { ...param.init };
    }
    return { kind: 'param', param };
  }

  /** Instantiates a class written in the file: a module (runs `__init__`), a dataclass, or a plain object. */
  instantiateLocal(callee: Extract<Value, { kind: 'localClass' }>, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const cls = callee.cls;
    const allArgs = callee.bound ? [...callee.bound.args, ...args] : args;
    const allKwargs = callee.bound ? new Map([...callee.bound.kwargs, ...kwargs]) : kwargs;
    if (ctx.depth > MAX_DEPTH) {
      return sym(cls.name);
    }
    const torchBase = this.torchBase(cls);
    if (!torchBase) {
      return this.instantiateObject(cls, allArgs, allKwargs, node, ctx);
    }
    const owner = ctx.ownerClass?.name ?? '<module>';
    const module = newModule(cls.name, node.range, owner, torchBase === 'Module' ? undefined : torchBase);
    module.localClass = cls;
    const self: Value = { kind: 'module', module };
    const init = this.findMethod(cls, '__init__');
    const inner: Context = { ...ctx, depth: ctx.depth + 1, ownerClass: cls, initSource: ctx.initSource === 'default' ? 'call' : ctx.initSource };
    if (init) {
      this.invoke(init.fn, self, allArgs, allKwargs, node, { ...inner, ownerClass: init.owner });
    } else if (torchBase !== 'Module') {
      this.superInit(module, torchBase, allArgs, allKwargs, node, inner);
    }
    return self;
  }

  /** Runs a torch base class's constructor on a local subclass instance (`super().__init__(...)`). */
  superInit(module: ModuleInst, torchBase: string, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): void {
    if (torchBase === 'Sequential' || torchBase === 'ModuleList' || torchBase === 'ModuleDict') {
      this.fillContainer(module, args, node);
      return;
    }
    const built = constructTorchModule(module.className, bindTorchArgs(torchBase, args, kwargs), module.range, module.ownerClass, torchBase);
    if (!built) {
      return;
    }
    for (const [key, param] of built.params) {
      param.owner = module;
      module.params.set(key, param);
    }
    for (const [key, child] of built.children) {
      module.children.set(key, child);
    }
    module.config = built.config;
    module.fanIn = built.fanIn;
    module.fanOut = built.fanOut;
    module.activation = built.activation;
    // torch's constructor ends with self.reset_parameters(): an override in the subclass replaces the default.
    const reset = module.localClass ? this.findMethod(module.localClass, 'reset_parameters') : undefined;
    if (reset) {
      this.invoke(reset.fn, { kind: 'module', module }, [], new Map(), node, { ...ctx, initSource: 'reset_parameters', ownerClass: reset.owner });
    }
  }

  private instantiateObject(cls: LocalClass, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const object: Value = { kind: 'object', cls, attrs: new Map() };
    if (cls.isDataclass) {
      cls.fieldOrder.forEach((field, index) => {
        const given = kwargs.get(field) ?? args[index];
        const defaultNode = cls.fields.get(field);
        const value = given ?? (defaultNode ? this.eval(defaultNode, this.file.globals, ctx) : sym(field));
        object.attrs.set(field, value);
      });
      return object;
    }
    const init = this.findMethod(cls, '__init__');
    if (init) {
      this.invoke(init.fn, object, args, kwargs, node, { ...ctx, depth: ctx.depth + 1, ownerClass: init.owner });
    }
    return object;
  }

  findMethod(cls: LocalClass, name: string): { fn: PyNode; owner: LocalClass } | undefined {
    for (let c: LocalClass | undefined = cls; c; c = this.localBase(c)) {
      const method = c.methods.get(name);
      if (method) {
        return { fn: method, owner: c };
      }
    }
    return undefined;
  }

  private callFunction(fn: LocalFunction, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    if (ctx.depth > MAX_DEPTH) {
      return sym(fn.name);
    }
    // A function used as an activation (`def gelu(x): return 0.5 * x * (1 + torch.tanh(...))`).
    if (ctx.inForward && args[0]?.kind === 'tensor' && !fn.self) {
      const activation = classifyActivationBody(fn.node, this.file.source);
      if (activation) {
        return activation === 'unknown' ? this.callUnknown(sym(fn.name), args, node, ctx) : this.applyActivation(activation, args, kwargs, node);
      }
    }
    let inner: Context = { ...ctx, depth: ctx.depth + 1, ownerClass: fn.ownerClass ?? ctx.ownerClass };
    if (fn.self && INIT_METHOD.test(fn.name) && !ctx.inForward && (ctx.initSource === 'call' || ctx.initSource === 'default')) {
      inner = { ...inner, initSource: 'reset_parameters' };
    }
    return this.invoke(fn.node, fn.self, args, kwargs, node, inner, fn.scope);
  }

  /** Binds arguments to a function's parameters and runs its body; returns what it returns. */
  invoke(fnNode: PyNode, self: Value | undefined, args: Value[], kwargs: Map<string, Value>, _callNode: PyNode, callerCtx: Context, closure: Scope = this.file.globals): Value {
    const ctx: Context = self ? { ...callerCtx, self } : callerCtx;
    const scope: Scope = { vars: new Map(), parent: closure };
    const parameters = fnNode.fields.parameters?.children ?? [];
    const positional = self ? [self, ...args] : [...args];
    let index = 0;
    for (const parameter of parameters) {
      const bound = this.bindParameter(parameter, positional, index, kwargs, scope, ctx);
      index = bound;
    }
    const body = fnNode.fields.body;
    if (fnNode.type === 'lambda') {
      return body ? this.eval(body, scope, ctx) : NONE;
    }
    try {
      this.execBlock(body, scope, ctx);
    } catch (signal) {
      if (signal instanceof ReturnSignal) {
        return signal.value;
      }
      throw signal;
    }
    return NONE;
  }

  private bindParameter(parameter: PyNode, positional: Value[], index: number, kwargs: Map<string, Value>, scope: Scope, ctx: Context): number {
    switch (parameter.type) {
      case 'identifier': {
        const name = this.text(parameter);
        scope.vars.set(name, positional[index] ?? kwargs.get(name) ?? this.configDefault(name, ctx, parameter));
        return index + 1;
      }
      case 'typed_parameter': {
        const nameNode = parameter.children[0]!;
        if (nameNode.type === 'list_splat_pattern' || nameNode.type === 'dictionary_splat_pattern') {
          return this.bindParameter(nameNode, positional, index, kwargs, scope, ctx);
        }
        const name = this.text(nameNode);
        scope.vars.set(name, positional[index] ?? kwargs.get(name) ?? this.annotatedDefault(parameter, name, ctx));
        return index + 1;
      }
      case 'default_parameter':
      case 'typed_default_parameter': {
        const name = this.text(parameter.fields.name!);
        const given = positional[index] ?? kwargs.get(name);
        scope.vars.set(name, given ?? this.eval(parameter.fields.value!, this.file.globals, ctx));
        return index + 1;
      }
      case 'list_splat_pattern': {
        const name = this.text(parameter.children[0]!);
        scope.vars.set(name, list(positional.slice(index), true));
        return positional.length;
      }
      case 'dictionary_splat_pattern': {
        const name = this.text(parameter.children[0]!);
        scope.vars.set(name, { kind: 'dict', entries: new Map(kwargs) });
        return index;
      }
      default:
        return index;
    }
  }

  /**
   * A parameter with no argument and no default: a config whose dataclass is in the file resolves to
   * the dataclass defaults (`config: GPTConfig`); otherwise it is a symbol named after the parameter.
   */
  private annotatedDefault(parameter: PyNode, name: string, ctx: Context): Value {
    const annotation = parameter.fields.type;
    if (annotation) {
      const value = this.eval(annotation.children[0] ?? annotation, this.file.globals, ctx);
      if (value.kind === 'localClass' && value.cls.isDataclass) {
        return this.instantiateObject(value.cls, [], new Map(), parameter, ctx);
      }
    }
    return sym(name);
  }

  /**
   * An unannotated `config` / `cfg` parameter with no argument: when the file defines exactly one
   * dataclass named like a config, its defaults are what the model is built with (nanoGPT style).
   */
  configDefault(name: string, ctx: Context, node: PyNode): Value {
    if (!/^(config|cfg|conf|model_config|model_cfg|args|hparams|params)$/i.test(name)) {
      return sym(name);
    }
    const configs = [...this.file.classes.values()].filter((cls) => cls.isDataclass && /(config|cfg|args|params)$/i.test(cls.name));
    if (configs.length !== 1) {
      return sym(name);
    }
    return this.instantiateObject(configs[0]!, [], new Map(), node, ctx);
  }

  // ───────────────────────────── forward ─────────────────────────────

  /** Calls a module on inputs: in `forward` this moves tensors through the layer. */
  callModule(module: ModuleInst, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const input = args[0];
    const tensors = [...args, ...kwargs.values()].filter((a): a is Extract<Value, { kind: 'tensor' }> => a.kind === 'tensor');
    const forwardCtx: Context = { ...ctx, inForward: true };
    if (module.localClass && this.findMethod(module.localClass, 'forward')) {
      return this.runForward(module, args, kwargs, node, forwardCtx);
    }
    const cls = module.torchClass;
    if (module.activation !== undefined) {
      if (module.activation === 'unknown') {
        tensors.forEach((t) => settle(t.tensor, 'unknown'));
        return { kind: 'tensor', tensor: tensorOf([]) };
      }
      return this.applyActivation({ ...module.activation, range: module.range }, args.slice(0, 1), new Map(), node);
    }
    const info = cls ? TORCH_MODULES[cls] : undefined;
    if (!info) {
      tensors.forEach((t) => settle(t.tensor, 'unknown'));
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    switch (info.kind) {
      case 'transparent':
        return input?.kind === 'tensor' ? { kind: 'tensor', tensor: copyTensor(input.tensor) } : (input ?? NONE);
      case 'norm':
      case 'dropout':
        return input?.kind === 'tensor' ? { kind: 'tensor', tensor: passThroughLayer(input.tensor, module) } : { kind: 'tensor', tensor: layerOutput(module) };
      case 'layer':
        tensors.forEach((t) => consumeLinearly(t.tensor));
        return { kind: 'tensor', tensor: layerOutput(module) };
      case 'recurrent': {
        // The recurrence's own nonlinearity is inside the module; the graph's activation is what follows.
        tensors.forEach((t) => consumeLinearly(t.tensor));
        const output: Value = { kind: 'tensor', tensor: layerOutput(module) };
        return cls!.endsWith('Cell') && !cls!.startsWith('LSTM') ? output : list([output, sym('hidden')], true);
      }
      case 'attention': {
        tensors.forEach((t) => consumeLinearly(t.tensor));
        markUse(module);
        module.flow.activation ??= null;
        const outProj = module.children.get('out_proj');
        const output: Value = { kind: 'tensor', tensor: outProj ? layerOutput(outProj) : tensorOf([]) };
        return list([output, sym('attention_weights')], true);
      }
      case 'composite':
        return runComposite(this, module, args, node, forwardCtx);
      case 'container':
        return this.runSequential(module, args, node, forwardCtx);
      default:
        return sym('output');
    }
  }

  runSequential(module: ModuleInst, args: Value[], node: PyNode, ctx: Context): Value {
    let value: Value = args[0] ?? NONE;
    const children = [...module.children.values()].filter((c) => c.className !== 'Parameter');
    const rounds = module.children.has('*') ? [...children, ...children] : children;
    for (const child of rounds) {
      value = this.callModule(child, [value], new Map(), node, ctx);
    }
    return value;
  }

  private runForward(module: ModuleInst, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const method = this.findMethod(module.localClass!, 'forward')!;
    if (ctx.depth > MAX_DEPTH) {
      args.forEach((a) => a.kind === 'tensor' && settle(a.tensor, 'unknown'));
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    // A module with no layers whose forward is a formula is an activation (a GELU written by hand).
    if (module.children.size === 0 && module.params.size === 0 && args[0]?.kind === 'tensor') {
      const activation = classifyActivationBody(method.fn, this.file.source);
      if (activation === 'unknown') {
        return this.callUnknown(sym(module.className), args, node, ctx);
      }
      if (activation) {
        return this.applyActivation({ ...activation, range: module.range }, args, new Map(), node);
      }
    }
    // Inside the callee, its inputs are the skip sources of its residual joins.
    const inputs = args.map((a) => (a.kind === 'tensor' ? ({ kind: 'tensor', tensor: copyTensor(a.tensor, true) } as Value) : a));
    return this.invoke(method.fn, { kind: 'module', module }, inputs, kwargs, node, { ...ctx, depth: ctx.depth + 1, ownerClass: method.owner });
  }
}

/** In forward, a raw parameter used in arithmetic is the output of its pseudo-layer. */
function paramAsTensor(value: Value): Value {
  if (value.kind === 'param' && value.param.raw) {
    return { kind: 'tensor', tensor: layerOutput(value.param.raw) };
  }
  return value;
}

/** The context for evaluating class bases and defaults (no writes happen there). */
export function baseContext(): Context {
  return { initSource: 'call', uncertain: false, depth: 0, inForward: false };
}

/** Positional parameters of functional activations after the input tensor. */
const ACTIVATION_PARAM_ORDER: Record<string, string[]> = {
  leaky_relu: ['negative_slope'],
  elu: ['alpha'],
  celu: ['alpha'],
  softplus: ['beta', 'threshold'],
  hardtanh: ['min_val', 'max_val'],
};

function builtinName(name: string): Value | undefined {
  const builtins = new Set([
    'range', 'len', 'int', 'float', 'min', 'max', 'sum', 'list', 'tuple', 'dict', 'isinstance', 'hasattr', 'getattr',
    'setattr', 'super', 'enumerate', 'zip', 'reversed', 'print', 'round', 'abs', 'pow', 'sorted', 'type', 'str', 'bool',
    'issubclass', 'iter', 'next', 'map', 'filter', 'any', 'all', 'set', 'divmod',
  ]);
  return builtins.has(name) ? { kind: 'builtin', name } : undefined;
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

function argToValue(arg: ArgValue): Value {
  if (arg === null) {
    return NONE;
  }
  if (typeof arg === 'number') {
    return num(arg);
  }
  if (typeof arg === 'string') {
    return str(arg);
  }
  if (typeof arg === 'boolean') {
    return { kind: 'bool', value: arg };
  }
  return sym(arg.expr);
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

/** Every parameter of a module and its descendants. */
export function allParams(module: ModuleInst): import('./values').ParamInst[] {
  const out = [...module.params.values()];
  for (const child of module.children.values()) {
    out.push(...allParams(child));
  }
  return out;
}
