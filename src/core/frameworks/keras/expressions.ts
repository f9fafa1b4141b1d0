/**
 * Expressions of the Keras interpreter: literals, names, operators (numbers, strings, and tensor
 * data flow through `+`, `*`, `@`), comparisons, containers, comprehensions, attributes, subscripts
 * and calls, which hand every Keras call to `kerasCalls.ts`.
 */
import type { PyNode } from '../../python/ast';
import { applyActivationValue, callKeras, constructLocalLayer, matmulOutput } from './kerasCalls';
import { callLayer, callModel } from './layerCalls';
import { InterpreterCore, MAX_LOOP, type CallSite, type Context } from './interpreterCore';
import { builtinName, callBuiltin, compare, describe, percentFormat, unescape } from './pythonBuiltins';
import {
  asNumber,
  dimOf,
  layerOutput,
  merge,
  NONE,
  num,
  residualAdd,
  reshaped,
  seq,
  str,
  sym,
  tensorProduct,
  truthiness,
  type LocalClass,
  type Scope,
  type Value,
} from './values';

export abstract class ExpressionInterpreter extends InterpreterCore {
  // ---------------------------------------------------------------- expressions

  eval(node: PyNode, scope: Scope, ctx: Context): Value {
    this.tick();
    switch (node.type) {
      case 'integer': {
        const text = this.text(node).replace(/_/g, '');
        const value = /^0[xob]/i.test(text) ? Number(text) : Number.parseInt(text, 10);
        return Number.isFinite(value) ? num(value) : sym(text);
      }
      case 'float': {
        const value = Number(this.text(node).replace(/_/g, ''));
        return Number.isFinite(value) ? num(value) : sym(this.text(node));
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
        return this.lookup(this.text(node), scope) ?? builtinName(this.text(node)) ?? this.fromWildcard(this.text(node)) ?? sym(this.text(node));
      case 'parenthesized_expression':
        return node.children[0] ? this.eval(node.children[0], scope, ctx) : NONE;
      case 'list':
      case 'tuple':
      case 'expression_list':
        return seq(
          node.children.flatMap((child) => {
            if (child.type === 'list_splat') {
              const inner = child.children[0] ? this.eval(child.children[0], scope, ctx) : NONE;
              return inner.kind === 'seq' ? inner.items : [sym(this.text(child))];
            }
            return [this.eval(child, scope, ctx)];
          }),
          node.type !== 'list',
        );
      case 'dictionary': {
        const entries = new Map<string, Value>();
        for (const pair of node.children) {
          if (pair.type === 'pair' && pair.fields.key && pair.fields.value) {
            const key = this.eval(pair.fields.key, scope, ctx);
            if (key.kind === 'str') {
              entries.set(key.value, this.eval(pair.fields.value, scope, ctx));
            }
          }
        }
        return { kind: 'dict', entries };
      }
      case 'list_comprehension':
        return this.evalComprehension(node, scope, ctx);
      case 'attribute':
        return this.evalAttribute(node, scope, ctx);
      case 'subscript':
        return this.evalSubscript(node, scope, ctx);
      case 'call':
        return this.evalCall(node, scope, ctx);
      case 'binary_operator': {
        const left = this.eval(node.fields.left!, scope, ctx);
        const right = this.eval(node.fields.right!, scope, ctx);
        return this.binary(node.operator.trim(), left, right, ctx);
      }
      case 'unary_operator': {
        const operand = this.eval(node.fields.argument ?? node.children[0]!, scope, ctx);
        const n = asNumber(operand);
        if (n === undefined) {
          return operand.kind === 'tensor' ? operand : sym(this.text(node));
        }
        return node.operator.includes('-') ? num(-n) : num(n);
      }
      case 'not_operator': {
        const truth = truthiness(this.eval(node.fields.argument ?? node.children[0]!, scope, ctx));
        return truth === undefined ? sym(this.text(node)) : { kind: 'bool', value: !truth };
      }
      case 'boolean_operator': {
        const left = this.eval(node.fields.left!, scope, ctx);
        const truth = truthiness(left);
        if (truth === undefined) {
          return sym(this.text(node));
        }
        const isAnd = node.operator.includes('and');
        return (isAnd ? truth : !truth) ? this.eval(node.fields.right!, scope, ctx) : left;
      }
      case 'comparison_operator':
        return this.evalComparison(node, scope, ctx);
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = node.children;
        if (!whenTrue || !condition || !whenFalse) {
          return sym(this.text(node));
        }
        const truth = truthiness(this.eval(condition, scope, ctx));
        return truth === undefined ? sym(this.text(node)) : this.eval(truth ? whenTrue : whenFalse, scope, ctx);
      }
      case 'lambda':
        return sym(this.text(node));
      default:
        return sym(this.text(node));
    }
  }

  private evalString(node: PyNode, scope: Scope, ctx: Context): Value {
    const raw = this.text(node);
    const prefix = /^[A-Za-z]*/.exec(raw)![0].toLowerCase();
    if (prefix.includes('b')) {
      return sym(raw);
    }
    let out = '';
    for (const child of node.children) {
      if (child.type === 'string_content') {
        out += prefix.includes('r') ? this.text(child) : unescape(this.text(child));
      } else if (child.type === 'interpolation') {
        // A conversion or format spec (`{i:02d}`, `{x!r}`) is not rendered here: the text is unknown.
        if (child.children.length !== 1) {
          return sym(raw);
        }
        const value = child.children[0] ? this.eval(child.children[0], scope, ctx) : NONE;
        if (value.kind === 'str') {
          out += value.value;
        } else if (value.kind === 'num') {
          out += String(value.value);
        } else {
          return sym(raw);
        }
      } else if (child.type === 'escape_sequence') {
        out += unescape(this.text(child));
      }
    }
    return str(out);
  }

  private evalComprehension(node: PyNode, scope: Scope, ctx: Context): Value {
    const body = node.fields.body ?? node.children[0];
    const clause = node.children.find((c) => c.type === 'for_in_clause');
    if (!body || !clause || node.children.some((c) => c.type === 'if_clause') || node.children.filter((c) => c.type === 'for_in_clause').length > 1) {
      return sym(this.text(node));
    }
    const left = clause.fields.left;
    const right = clause.fields.right;
    if (!left || !right) {
      return sym(this.text(node));
    }
    const items = this.iterate(this.eval(right, scope, ctx));
    if (!items) {
      return sym(this.text(node));
    }
    const inner: Scope = { vars: new Map(), parent: scope };
    return seq(
      items.slice(0, MAX_LOOP).map((item) => {
        this.assign(left, item, inner, ctx);
        return this.eval(body, inner, ctx);
      }),
    );
  }

  /** Comparisons, chained as Python chains them (`0 < r <= 1` is `0 < r and r <= 1`). */
  private evalComparison(node: PyNode, scope: Scope, ctx: Context): Value {
    const operands = node.children.map((c) => this.eval(c, scope, ctx));
    const tokens = node.operator.split(' ').filter(Boolean);
    const operators: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const pair = `${tokens[i]} ${tokens[i + 1] ?? ''}`;
      if (pair === 'not in' || pair === 'is not') {
        operators.push(pair);
        i++;
      } else {
        operators.push(tokens[i]!);
      }
    }
    if (operands.length < 2 || operators.length !== operands.length - 1) {
      return sym(this.text(node));
    }
    for (let i = 0; i < operators.length; i++) {
      const result = compare(operators[i]!, operands[i]!, operands[i + 1]!);
      if (result === undefined) {
        return sym(this.text(node));
      }
      if (!result) {
        return { kind: 'bool', value: false };
      }
    }
    return { kind: 'bool', value: true };
  }

  binary(op: string, left: Value, right: Value, ctx: Context): Value {
    const a = asNumber(left);
    const b = asNumber(right);
    if (a !== undefined && b !== undefined) {
      switch (op) {
        case '+':
          return num(a + b);
        case '-':
          return num(a - b);
        case '*':
          return num(a * b);
        case '/':
          return b === 0 ? sym('nan') : num(a / b);
        case '//':
          return b === 0 ? sym('nan') : num(Math.floor(a / b));
        case '%':
          return b === 0 ? sym('nan') : num(((a % b) + b) % b);
        case '**':
          return num(a ** b);
      }
    }
    if (op === '+' && left.kind === 'str' && right.kind === 'str') {
      return str(left.value + right.value);
    }
    if (op === '+' && left.kind === 'seq' && right.kind === 'seq') {
      return seq([...left.items, ...right.items], left.tuple);
    }
    if (op === '*' && left.kind === 'seq' && b !== undefined && Number.isInteger(b) && b >= 0 && b * left.items.length <= MAX_LOOP) {
      return seq(Array.from({ length: b }, () => left.items).flat(), left.tuple);
    }
    if (left.kind === 'tensor' || right.kind === 'tensor' || left.kind === 'param' || right.kind === 'param') {
      return this.tensorBinary(op, left, right, ctx);
    }
    if (op === '%' && left.kind === 'str') {
      return percentFormat(left.value, right.kind === 'seq' ? right.items : [right]) ?? sym(`${left.value} % …`);
    }
    return sym(`(${describe(left)} ${op} ${describe(right)})`);
  }

  /** Arithmetic on tensors: `x + y` of two tensors is a residual add; a tensor and a weight is a linear map; a tensor and a number keeps the tensor. */
  private tensorBinary(op: string, left: Value, right: Value, ctx: Context): Value {
    if (left.kind === 'tensor' && right.kind === 'tensor') {
      if (op === '+') {
        return { kind: 'tensor', tensor: residualAdd([left.tensor, right.tensor], !ctx.uncertain) };
      }
      if (op === '@') {
        return { kind: 'tensor', tensor: tensorProduct([left.tensor, right.tensor]) };
      }
      return { kind: 'tensor', tensor: merge([left.tensor, right.tensor], left.tensor.shape) };
    }
    const tensorSide = left.kind === 'tensor' ? left : right.kind === 'tensor' ? right : undefined;
    const paramSide = left.kind === 'param' ? left : right.kind === 'param' ? right : undefined;
    if (tensorSide?.kind === 'tensor' && paramSide?.kind === 'param') {
      // `x + self.b` adds a bias; `x * self.scale` or `x @ self.w` is the custom layer's linear map.
      if (op === '+' || op === '-') {
        return tensorSide;
      }
      return {
        kind: 'tensor',
        tensor: op === '*' ? layerOutput(paramSide.param.owner, tensorSide.tensor, tensorSide.tensor.shape) : matmulOutput(paramSide.param, tensorSide.tensor),
      };
    }
    if (tensorSide?.kind === 'tensor') {
      const other = tensorSide === left ? right : left;
      if (asNumber(other) !== undefined || other.kind === 'sym') {
        // Scaling or shifting by a constant is linear: the tensor goes on with the same layers.
        return { kind: 'tensor', tensor: reshaped(tensorSide.tensor, tensorSide.tensor.shape, true) };
      }
      return tensorSide;
    }
    return sym('tensor');
  }

  private evalAttribute(node: PyNode, scope: Scope, ctx: Context): Value {
    const objectNode = node.fields.object;
    const attr = node.fields.attribute ? this.text(node.fields.attribute) : '';
    if (!objectNode) {
      return sym(this.text(node));
    }
    const object = this.eval(objectNode, scope, ctx);
    return this.attribute(object, attr, node, ctx);
  }

  attribute(object: Value, attr: string, node: PyNode, _ctx: Context): Value {
    switch (object.kind) {
      case 'ns':
        return { kind: 'ns', root: object.root, path: object.path ? `${object.path}.${attr}` : attr };
      case 'layer': {
        const own = object.layer.attrs.get(attr);
        if (own !== undefined) {
          return own;
        }
        const cls = object.layer.localClass;
        const method = cls ? this.findMethod(cls, attr) : undefined;
        if (method) {
          return { kind: 'func', fn: { name: attr, node: method.node, scope: this.globals, self: object, ownerClass: method.cls } };
        }
        const field = cls ? this.findField(cls, attr) : undefined;
        if (field) {
          return this.eval(field, this.globals, _ctx);
        }
        if (attr === 'add_weight' || attr === 'add_variable') {
          return { kind: 'method', target: object, name: 'add_weight' };
        }
        const arg = object.layer.args.get(attr);
        return arg ?? sym(this.text(node));
      }
      case 'obj': {
        const own = object.attrs.get(attr);
        if (own !== undefined) {
          return own;
        }
        const method = this.findMethod(object.cls, attr);
        if (method) {
          return { kind: 'func', fn: { name: attr, node: method.node, scope: this.globals, self: object, ownerClass: method.cls } };
        }
        const field = this.findField(object.cls, attr);
        return field ? this.eval(field, this.globals, _ctx) : sym(this.text(node));
      }
      case 'model':
        return attr === 'add' || attr === 'build' ? { kind: 'method', target: object, name: attr } : sym(this.text(node));
      case 'seq':
        return attr === 'append' || attr === 'extend' ? { kind: 'method', target: object, name: attr } : sym(this.text(node));
      case 'dict':
        return attr === 'pop' || attr === 'get' ? { kind: 'method', target: object, name: attr } : sym(this.text(node));
      case 'tensor':
        if (attr === 'shape') {
          const shape = object.tensor.shape;
          return shape ? seq([NONE, ...shape.map((d) => (d === null ? NONE : typeof d === 'number' ? num(d) : sym(d)))], true) : sym(this.text(node));
        }
        return sym(this.text(node));
      case 'class': {
        const field = this.findField(object.cls, attr);
        return field ? this.eval(field, this.globals, _ctx) : sym(this.text(node));
      }
      default:
        return sym(this.text(node));
    }
  }

  /** A method of a local class or its local bases. */
  findMethod(cls: LocalClass, name: string): { node: PyNode; cls: LocalClass } | undefined {
    return this.findInClassOrBases(cls, (owner) => {
      const node = owner.methods.get(name);
      return node ? { node, cls: owner } : undefined;
    });
  }

  private findField(cls: LocalClass, name: string): PyNode | undefined {
    return this.findInClassOrBases(cls, (owner) => owner.fields.get(name));
  }

  /** The first hit of `pick` on the class, then depth-first on its local bases (each class once). */
  private findInClassOrBases<T>(cls: LocalClass, pick: (owner: LocalClass) => T | undefined, seen = new Set<LocalClass>()): T | undefined {
    if (seen.has(cls)) {
      return undefined;
    }
    seen.add(cls);
    const own = pick(cls);
    if (own) {
      return own;
    }
    for (const base of cls.bases) {
      const local = base.type === 'identifier' ? this.classes.get(this.text(base)) : undefined;
      const found = local ? this.findInClassOrBases(local, pick, seen) : undefined;
      if (found) {
        return found;
      }
    }
    return undefined;
  }

  private evalSubscript(node: PyNode, scope: Scope, ctx: Context): Value {
    const value = this.eval(node.fields.value!, scope, ctx);
    const indexNode = node.fields.subscript ?? node.children[1];
    if (!indexNode) {
      return sym(this.text(node));
    }
    if (indexNode.type === 'slice') {
      if (value.kind === 'seq') {
        const parts = indexNode.children.map((c) => asNumber(this.eval(c, scope, ctx)));
        const text = this.text(indexNode);
        const [startText, endText] = text.split(':');
        const start = startText?.trim() ? parts.shift() : 0;
        const end = endText?.trim() ? parts.shift() : value.items.length;
        if (start !== undefined && end !== undefined && !text.split(':')[2]) {
          const n = value.items.length;
          const from = start < 0 ? n + start : start;
          const to = end < 0 ? n + end : end;
          return seq(value.items.slice(from, to), value.tuple);
        }
      }
      return value.kind === 'tensor' ? value : sym(this.text(node));
    }
    const index = this.eval(indexNode, scope, ctx);
    if (value.kind === 'seq') {
      const i = asNumber(index);
      if (i !== undefined && Number.isInteger(i)) {
        const item = value.items[i < 0 ? value.items.length + i : i];
        if (item) {
          return item;
        }
      }
    }
    if (value.kind === 'dict' && index.kind === 'str') {
      return value.entries.get(index.value) ?? sym(this.text(node));
    }
    if (value.kind === 'tensor') {
      return { kind: 'tensor', tensor: reshaped(value.tensor, undefined) };
    }
    return sym(this.text(node));
  }

  private evalCall(node: PyNode, scope: Scope, ctx: Context): Value {
    const functionNode = node.fields.function;
    if (!functionNode) {
      return sym(this.text(node));
    }
    const callee = this.eval(functionNode, scope, ctx);
    const positional: Value[] = [];
    const positionalNodes: PyNode[] = [];
    const keywords = new Map<string, Value>();
    const keywordNodes = new Map<string, PyNode>();
    let hasSplat = false;
    for (const arg of node.fields.arguments?.children ?? []) {
      if (arg.type === 'keyword_argument' && arg.fields.name && arg.fields.value) {
        const name = this.text(arg.fields.name);
        keywords.set(name, this.eval(arg.fields.value, scope, ctx));
        keywordNodes.set(name, arg.fields.value);
      } else if (arg.type === 'list_splat') {
        const inner = arg.children[0] ? this.eval(arg.children[0], scope, ctx) : NONE;
        if (inner.kind === 'seq') {
          positional.push(...inner.items);
          inner.items.forEach(() => positionalNodes.push(arg));
        } else {
          hasSplat = true;
        }
      } else if (arg.type === 'dictionary_splat') {
        const inner = arg.children[0] ? this.eval(arg.children[0], scope, ctx) : NONE;
        if (inner.kind === 'dict') {
          inner.entries.forEach((value, key) => {
            keywords.set(key, value);
            keywordNodes.set(key, arg);
          });
        } else {
          hasSplat = true;
        }
      } else if (arg.type !== 'comment') {
        positional.push(this.eval(arg, scope, ctx));
        positionalNodes.push(arg);
      }
    }
    const call: CallSite = { node, positional, positionalNodes, keywords, keywordNodes, hasSplat };
    return this.callValue(callee, call, ctx);
  }

  /** Calls any value with evaluated arguments. */
  callValue(callee: Value, call: CallSite, ctx: Context): Value {
    switch (callee.kind) {
      case 'func':
        return this.callFunction(callee.fn, call.positional, call.keywords, ctx);
      case 'class':
        return this.instantiate(callee.cls, call, ctx);
      case 'ns':
        return callKeras(this, callee, call, ctx);
      case 'layer':
        return callLayer(this, callee.layer, call, ctx);
      case 'model':
        return callModel(this, callee.model, call, ctx);
      case 'act':
        return applyActivationValue(this, callee, call, ctx);
      case 'method':
        return this.callMethod(callee, call, ctx);
      case 'init': {
        // `w_init(shape=(in, out), dtype="float32")`: the values a `tf.Variable` starts from.
        const shape = call.keywords.get('shape') ?? call.positional[0];
        const dims = shape?.kind === 'seq' ? shape.items.map((item, i) => dimOf(item, `shape[${i}]`) ?? `shape[${i}]`) : undefined;
        return { kind: 'initialized', init: callee.init, shape: dims, range: call.node.range };
      }
      case 'sym':
        return callBuiltin(this, callee.text, call);
      default:
        return this.unknownCall(call);
    }
  }

  private callMethod(method: Extract<Value, { kind: 'method' }>, call: CallSite, ctx: Context): Value {
    const target = method.target;
    if (target.kind === 'dict' && (method.name === 'pop' || method.name === 'get')) {
      // `args.pop("repeats")` (EfficientNet's block configs), `cfg.get("units", 64)`.
      const key = call.positional[0];
      const found = key?.kind === 'str' ? target.entries.get(key.value) : undefined;
      if (found !== undefined && method.name === 'pop') {
        target.entries.delete((key as { value: string }).value);
      }
      return found ?? call.positional[1] ?? (key?.kind === 'str' && method.name === 'get' ? NONE : this.unknownCall(call));
    }
    if (target.kind === 'seq' && method.name === 'append' && call.positional[0]) {
      target.items.push(call.positional[0]);
      return NONE;
    }
    if (target.kind === 'seq' && method.name === 'extend' && call.positional[0]?.kind === 'seq') {
      target.items.push(...call.positional[0].items);
      return NONE;
    }
    if (target.kind === 'model' && method.name === 'add' && call.positional[0]) {
      target.model.layers.push(call.positional[0]);
      return NONE;
    }
    if (target.kind === 'model' && method.name === 'build') {
      // `model.build((None, 784))`: the batch axis first.
      const shape = call.keywords.get('input_shape') ?? call.positional[0];
      if (shape?.kind === 'seq') {
        target.model.inputShape = shape.items.slice(1).map((item) => (item.kind === 'none' ? null : dimOf(item, 'dim')));
      }
      return NONE;
    }
    if (target.kind === 'layer' && method.name === 'add_weight') {
      return callKeras(this, { kind: 'ns', root: 'keras', path: '__add_weight__' }, call, { ...ctx, self: target.layer });
    }
    return this.unknownCall(call);
  }

  /** A call the analysis does not know: tensors passed to it meet an unknown function. */
  unknownCall(call: CallSite): Value {
    const tensors = [...call.positional, ...call.keywords.values()].filter((v): v is Extract<Value, { kind: 'tensor' }> => v.kind === 'tensor');
    if (tensors.length === 0) {
      return sym(this.text(call.node));
    }
    for (const tensor of tensors) {
      for (const layer of tensor.tensor.pending) {
        if (layer.flow.activation === undefined) {
          layer.flow.activation = 'unknown';
        }
      }
    }
    const out = merge(
      tensors.map((t) => t.tensor),
      undefined,
    );
    out.pending = new Set();
    return { kind: 'tensor', tensor: out };
  }

  /** `Cls(...)` for a class of the file: a Keras Layer/Model subclass becomes a layer object; any other class a plain object. */
  instantiate(cls: LocalClass, call: CallSite, ctx: Context): Value {
    if (this.isKerasClass(cls)) {
      return constructLocalLayer(this, cls, call, ctx);
    }
    const object: Value = { kind: 'obj', cls, attrs: new Map() };
    const init = this.findMethod(cls, '__init__');
    if (init) {
      this.callFunction({ name: '__init__', node: init.node, scope: this.globals, self: object, ownerClass: init.cls }, call.positional, call.keywords, ctx);
    } else {
      // A dataclass: fields in order, then keywords.
      const names = [...cls.fields.keys()];
      call.positional.forEach((value, index) => names[index] && object.attrs.set(names[index]!, value));
      call.keywords.forEach((value, key) => object.attrs.set(key, value));
    }
    return object;
  }

  /** True for a class deriving (through the file's classes) from `keras.Model` / `keras.layers.Layer`. */
  isKerasClass(cls: LocalClass, seen = new Set<LocalClass>()): boolean {
    if (seen.has(cls)) {
      return false;
    }
    seen.add(cls);
    return cls.bases.some((base) => {
      if (base.type === 'identifier' && this.classes.has(this.text(base))) {
        return this.isKerasClass(this.classes.get(this.text(base))!, seen);
      }
      const value = this.eval(base, this.globals, { uncertain: false, depth: 0 });
      return value.kind === 'ns' && /(^|\.)(Model|Layer|Sequential)$/.test(value.path);
    });
  }
}
