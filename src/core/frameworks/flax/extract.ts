/**
 * The Flax adapter: a parsed file → one Model per linen or nnx Module subclass, with its layers in
 * data-flow order, named as Flax names them (`Dense_0`, `encoder.layers_1`, nnx `layers.0`), the
 * activation after each, and the initializer in force per parameter in JAX's semantics.
 */
import type { FileGraph, Layer, Model } from '../../graph';
import type { PyNode } from '../../python/ast';
import { isFlaxModuleBase } from './catalog';
import { Interpreter, parameterInfo } from './calls';
import { settle } from './flow';
import { BudgetExceeded, findMethod, Machine, type Ctx } from './interpreter';
import { buildLayer } from './layers';
import { layerName, sym, type LayerInst, type LocalClass, type Scope, type Value } from './values';

/** The constructor call of each extracted layer, for the fix speller. */
const CALLS = new WeakMap<Layer, PyNode>();

/** The constructor call of a layer this adapter extracted. */
export function flaxCallOf(layer: Layer): PyNode | undefined {
  return CALLS.get(layer);
}

const TOP: Ctx = { compact: false, uncertain: false, star: false, depth: 0 };

/** Parameters of `__call__` that are flags, not arrays. */
const FLAG_NAME = /^(train|training|is_training|deterministic|decode|use_running_average|return_\w+|mask|rngs?|key|carry|state)$/;

/** Extracts every Flax model of a file. */
export function extractFlax(root: PyNode, source: string, path: string): FileGraph {
  const notes: string[] = [];
  const globals: Scope = { vars: new Map() };
  const classes = new Map<string, LocalClass>();
  const binder = new Interpreter(new Machine(source, globals, classes));
  for (const statement of root.children) {
    try {
      bindStatement(binder, statement, globals, classes);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) {
        notes.push(`line ${statement.range.start.line + 1}: not analysed (${(error as Error).message})`);
      }
    }
  }
  const models: Model[] = [];
  for (const cls of classes.values()) {
    if (!cls.flax) {
      continue;
    }
    const interp = new Interpreter(new Machine(source, globals, classes));
    try {
      models.push(buildModel(interp, cls));
      notes.push(...[...interp.machine.notes].map((note) => `${cls.name}: ${note}`));
    } catch (error) {
      const why = error instanceof BudgetExceeded ? error.message : `an internal error: ${(error as Error).message}`;
      notes.push(`${cls.name}: skipped, ${why}`);
    }
  }
  return { path, framework: 'flax', models, notes };
}

function bindStatement(interp: Interpreter, statement: PyNode, globals: Scope, classes: Map<string, LocalClass>): void {
  const m = interp.machine;
  switch (statement.type) {
    case 'import_statement':
      for (const child of statement.children) {
        const dotted = child.type === 'aliased_import' ? child.fields.name : child;
        if (!dotted) {
          continue;
        }
        const full = m.text(dotted);
        if (child.type === 'aliased_import' && child.fields.alias) {
          globals.vars.set(m.text(child.fields.alias), { kind: 'ns', path: full });
        } else {
          const first = full.split('.')[0]!;
          globals.vars.set(first, { kind: 'ns', path: first });
        }
      }
      return;
    case 'import_from_statement': {
      const moduleNode = statement.fields.module_name;
      if (!moduleNode || moduleNode.type === 'relative_import') {
        return;
      }
      const module = m.text(moduleNode);
      for (const child of statement.children) {
        if (child === moduleNode) {
          continue;
        }
        const nameNode = child.type === 'aliased_import' ? child.fields.name : child.type === 'dotted_name' ? child : undefined;
        if (!nameNode) {
          continue;
        }
        const alias = child.type === 'aliased_import' && child.fields.alias ? m.text(child.fields.alias) : m.text(nameNode);
        globals.vars.set(alias, { kind: 'ns', path: `${module}.${m.text(nameNode)}` });
      }
      return;
    }
    case 'class_definition':
      defineClass(interp, statement, [], globals, classes);
      return;
    case 'decorated_definition': {
      const definition = statement.fields.definition;
      const decorators = statement.children.filter((c) => c.type === 'decorator').map((d) => m.text(d));
      if (definition?.type === 'class_definition') {
        defineClass(interp, definition, decorators, globals, classes);
      }
      if (definition?.type === 'function_definition') {
        interp.statements.run(definition, globals, TOP);
      }
      return;
    }
    case 'function_definition':
      interp.statements.run(statement, globals, TOP);
      return;
    case 'expression_statement':
      if (!callsLocalClass(interp, statement, classes)) {
        interp.statements.run(statement, globals, TOP);
      }
      return;
    case 'if_statement':
    case 'try_statement':
      for (const inner of statement.fields.body?.children ?? statement.fields.consequence?.children ?? []) {
        bindStatement(interp, inner, globals, classes);
      }
      return;
    default:
      return;
  }
}

/** True when a module-level statement instantiates a class of the file (a model built at import). */
function callsLocalClass(interp: Interpreter, node: PyNode, classes: Map<string, LocalClass>): boolean {
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const callee = current.type === 'call' ? current.fields.function : undefined;
    if (callee?.type === 'identifier' && classes.has(interp.machine.text(callee))) {
      return true;
    }
    stack.push(...current.children);
  }
  return false;
}

function defineClass(interp: Interpreter, node: PyNode, decorators: string[], globals: Scope, classes: Map<string, LocalClass>): void {
  const m = interp.machine;
  const name = m.text(node.fields.name!);
  const bases = (node.fields.superclasses?.children ?? []).filter((c) => c.type !== 'keyword_argument').map((c) => interp.eval(c, globals, TOP));
  const cls: LocalClass = {
    name,
    node,
    bases,
    fields: [],
    methods: new Map(),
    compact: new Set(),
    isDataclass: decorators.some((d) => /dataclass/.test(d)),
    flax: null,
  };
  for (const base of bases) {
    const kind = base.kind === 'ns' ? isFlaxModuleBase(base.path) : base.kind === 'class' ? base.cls.flax : undefined;
    cls.flax ??= kind ?? null;
  }
  for (const statement of node.fields.body?.children ?? []) {
    if (statement.type === 'expression_statement' && statement.children[0]?.type === 'assignment') {
      const assignment = statement.children[0];
      const left = assignment.fields.left;
      const annotation = assignment.fields.type ? m.text(assignment.fields.type) : '';
      if (left?.type === 'identifier' && annotation && !/ClassVar/.test(annotation)) {
        cls.fields.push({ name: m.text(left), default: assignment.fields.right ?? null, annotation });
      } else if (left?.type === 'identifier' && assignment.fields.right) {
        // A class attribute without annotation: readable as self.<name>, not a dataclass field.
        cls.fields.push({ name: m.text(left), default: assignment.fields.right, annotation: '' });
      }
    }
    const definition = statement.type === 'decorated_definition' ? statement.fields.definition : statement;
    if (definition?.type === 'function_definition') {
      const methodName = m.text(definition.fields.name!);
      cls.methods.set(methodName, definition);
      if (statement.type === 'decorated_definition' && statement.children.some((c) => c.type === 'decorator' && /\bcompact\b/.test(m.text(c)))) {
        cls.compact.add(methodName);
      }
    }
  }
  // Class attributes without annotation are not positional dataclass fields: keep them after the fields.
  cls.fields.sort((a, b) => Number(a.annotation === '') - Number(b.annotation === ''));
  classes.set(name, cls);
  globals.vars.set(name, { kind: 'class', cls });
}

/** Instantiates the class with its defaults, runs `__call__` on symbolic inputs, and collects its layers. */
function buildModel(interp: Interpreter, cls: LocalClass): Model {
  const m = interp.machine;
  const model = interp.instantiate(cls, { positional: [], keywords: new Map() }, cls.node, TOP);
  if (model.kind !== 'object') {
    throw new Error('the class did not instantiate');
  }
  model.state.local = '';
  const call = findMethod(cls, '__call__');
  if (call) {
    const inputs: Value[] = [];
    const params = call.node.fields.parameters?.children ?? [];
    for (const param of params.slice(1)) {
      const info = parameterInfo(m, param);
      if (!info.name || info.defaultNode || info.kind !== 'plain') {
        break;
      }
      const isFlag = FLAG_NAME.test(info.name) || /\bbool\b/.test(info.annotation ?? '');
      inputs.push(
        isFlag
          ? sym(info.name)
          : { kind: 'tensor', t: { pending: new Set(), last: new Set(), skip: true, dim: sym(`${info.name}.shape[-1]`), spatial: `input:${info.name}` } },
      );
    }
    const out = interp.callMethod(model, '__call__', { positional: inputs, keywords: new Map() }, TOP);
    consumeOutput(out);
  } else if (cls.flax === 'linen' && findMethod(cls, 'setup')) {
    interp.callMethod(model, 'setup', { positional: [], keywords: new Map() }, TOP);
  }
  return { name: cls.name, range: cls.node.range, layers: collectLayers(m.layers) };
}

/** The model's outputs are used linearly (logits, features): pending layers get no activation. */
function consumeOutput(value: Value): void {
  if (value.kind === 'tensor') {
    settle(value.t, null);
  }
  if (value.kind === 'tuple') {
    value.items.forEach(consumeOutput);
  }
  if (value.kind === 'dict') {
    value.entries.forEach(consumeOutput);
  }
}

function collectLayers(instances: LayerInst[]): Layer[] {
  const graphLayers = instances.filter((inst) => inst.info.kind !== 'sequential' && inst.info.kind !== 'rnn');
  const applied = graphLayers.filter((inst) => inst.flow.firstUse !== undefined).sort((a, b) => a.flow.firstUse! - b.flow.firstUse!);
  const unused = graphLayers.filter((inst) => inst.flow.firstUse === undefined);
  return [...applied, ...unused].map((inst) => {
    const layer = inst.built ?? buildLayer(inst, null);
    layer.name = layerName(inst);
    layer.activation = inst.flow.firstUse === undefined ? 'unknown' : (inst.flow.activation ?? null);
    layer.residual = inst.flow.residual;
    layer.normalized = inst.flow.normalized;
    CALLS.set(layer, inst.node);
    return layer;
  });
}
