/**
 * The PyTorch adapter: a parsed file → one Model per `nn.Module` subclass, with its layers in
 * data-flow order, the activation after each, and the init in force for every parameter.
 */
import type { FileGraph, Model } from '../../graph';
import type { DefinitionReuse, ModelOutcome } from '../../incremental/reuseHooks';
import type { PyNode } from '../../python/ast';
import { TORCH_MODULES } from './catalog';
import { flatten } from './graphLayers';
import { extractPytorchOnEvaluator } from './evalExtract';

const USE_EVALUATOR = false;
import { attributeOfNamespace } from './builtins';
import { consumeLinearly, tensorOf, UseClock } from './flow';
import { BudgetExceeded, Interpreter, type Context, type FileScope } from './interpreter';
import { sym, type LocalClass, type ModuleInst, type Scope, type Value } from './values';

/** What building one class gave: its model (none when skipped) and its notes. */
export type ClassOutcome = ModelOutcome;

/** Lets the incremental memo (../../incremental/) hand back a class's earlier outcome instead of rebuilding it. */
export type ClassReuse = DefinitionReuse<LocalClass>;

/** Extracts every model of a file. `root` is the syntax tree of `source`. */
export function extractPytorch(root: PyNode, source: string, path: string, reuse?: ClassReuse): FileGraph {
  if (USE_EVALUATOR) {
    return extractPytorchOnEvaluator(root, source, path, reuse as never);
  }
  const notes: string[] = [];
  const globals: Scope = { vars: new Map() };
  const classes = new Map<string, LocalClass>();
  const file: FileScope = { source, globals, classes, clock: new UseClock() };
  const interp = new Interpreter(file);
  const statements = topLevelStatements(root);
  bindModuleScope(interp, statements, notes);
  const models: Model[] = [];
  const posts = postConstructions(interp, statements);
  for (const cls of classes.values()) {
    if (cls.isDataclass || !interp.torchBase(cls)) {
      continue;
    }
    const outcome = reuse?.take(cls) ?? buildOutcome(file, cls, posts.get(cls.name));
    reuse?.keep(cls, outcome);
    if (outcome.model) {
      models.push(outcome.model);
    }
    notes.push(...outcome.notes);
  }
  return { path, framework: 'pytorch', models, notes };
}

function buildOutcome(file: FileScope, cls: LocalClass, post: PostConstruction | undefined): ClassOutcome {
  const modelInterp = new Interpreter(file);
  try {
    const model = buildModel(modelInterp, cls, post);
    return { model, notes: [...modelInterp.notes].map((note) => `${cls.name}: ${note}`) };
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      return { notes: [`${cls.name}: skipped, the model is too large to analyse statically within the budget`] };
    }
    return { notes: [`${cls.name}: skipped after an internal error: ${(error as Error).message}`] };
  }
}

/** Module-level statements, looking inside `if __name__ == "__main__":` and `try:` blocks. */
function topLevelStatements(root: PyNode): PyNode[] {
  return root.children;
}

/** Binds imports, classes, functions and constants of the module scope. */
function bindModuleScope(interp: Interpreter, statements: PyNode[], notes: string[]): void {
  const { globals, classes } = interp.file;
  const ctx: Context = { initSource: 'call', uncertain: false, depth: 0, inForward: false };
  for (const statement of statements) {
    try {
      bindStatement(interp, statement, globals, classes, ctx);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) {
        notes.push(`line ${statement.range.start.line + 1}: not analysed (${(error as Error).message})`);
      }
    }
  }
}

function bindStatement(interp: Interpreter, statement: PyNode, globals: Scope, classes: Map<string, LocalClass>, ctx: Context): void {
  switch (statement.type) {
    case 'import_statement':
      bindImport(interp, statement, globals);
      return;
    case 'import_from_statement':
      bindImportFrom(interp, statement, globals);
      return;
    case 'class_definition':
    case 'decorated_definition': {
      const definition = statement.type === 'decorated_definition' ? statement.fields.definition : statement;
      if (definition?.type === 'class_definition') {
        const decorators = statement.type === 'decorated_definition' ? statement.children.filter((c) => c.type === 'decorator').map((d) => interp.text(d)) : [];
        const cls = localClass(
          interp,
          definition,
          decorators.some((d) => /dataclass/.test(d)),
        );
        classes.set(cls.name, cls);
        globals.vars.set(cls.name, { kind: 'localClass', cls });
      } else if (definition?.type === 'function_definition') {
        const name = interp.text(definition.fields.name!);
        globals.vars.set(name, { kind: 'func', fn: { name, node: definition, scope: globals } });
      }
      return;
    }
    case 'function_definition': {
      const name = interp.text(statement.fields.name!);
      globals.vars.set(name, { kind: 'func', fn: { name, node: statement, scope: globals } });
      return;
    }
    case 'expression_statement': {
      const assignment = statement.children[0];
      if (assignment?.type === 'assignment' && assignment.fields.right && !instantiatesLocalClass(interp, assignment.fields.right, classes)) {
        interp.execStatement(statement, globals, ctx);
      }
      return;
    }
    case 'try_statement':
      for (const inner of statement.fields.body?.children ?? []) {
        bindStatement(interp, inner, globals, classes, ctx);
      }
      return;
    default:
      return;
  }
}

/** True when an expression calls a class of the file (evaluating it would build a model at import). */
function instantiatesLocalClass(interp: Interpreter, node: PyNode, classes: Map<string, LocalClass>): boolean {
  const stack = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const callee = current.type === 'call' ? current.fields.function : undefined;
    if (callee?.type === 'identifier' && classes.has(interp.text(callee))) {
      return true;
    }
    stack.push(...current.children);
  }
  return false;
}

function bindImport(interp: Interpreter, statement: PyNode, globals: Scope): void {
  for (const child of statement.children) {
    if (child.type === 'dotted_name') {
      const path = interp.text(child);
      const head = path.split('.')[0]!;
      globals.vars.set(head, { kind: 'ns', path: head });
    } else if (child.type === 'aliased_import') {
      const path = interp.text(child.fields.name!);
      const alias = interp.text(child.fields.alias!);
      globals.vars.set(alias, { kind: 'ns', path: path === 'np' ? 'numpy' : path });
    }
  }
}

function bindImportFrom(interp: Interpreter, statement: PyNode, globals: Scope): void {
  const moduleName = statement.fields.module_name ? interp.text(statement.fields.module_name) : '';
  for (const child of statement.children) {
    if (child === statement.fields.module_name) {
      continue;
    }
    let name: string | undefined;
    let alias: string | undefined;
    if (child.type === 'dotted_name') {
      name = interp.text(child);
      alias = name;
    } else if (child.type === 'aliased_import') {
      name = interp.text(child.fields.name!);
      alias = interp.text(child.fields.alias!);
    } else if (child.type === 'wildcard_import' && moduleName === 'torch.nn') {
      for (const cls of Object.keys(TORCH_MODULES)) {
        globals.vars.set(cls, { kind: 'torchClass', name: cls });
      }
      continue;
    }
    if (!name || !alias) {
      continue;
    }
    globals.vars.set(alias, importedValue(moduleName, name));
  }
}

function importedValue(moduleName: string, name: string): Value {
  if (moduleName === 'collections' && name === 'OrderedDict') {
    return { kind: 'builtin', name: 'OrderedDict' };
  }
  if (moduleName === 'collections' && name === 'namedtuple') {
    return { kind: 'builtin', name: 'namedtuple' };
  }
  if (moduleName === 'typing' && name === 'cast') {
    return { kind: 'builtin', name: 'cast' };
  }
  if (moduleName === 'functools' && name === 'partial') {
    return { kind: 'builtin', name: 'partial' };
  }
  if (moduleName === 'torch' || moduleName.startsWith('torch.') || moduleName === 'math' || moduleName === 'numpy' || moduleName === 'einops') {
    return attributeOfNamespace(moduleName, name);
  }
  if (name === 'trunc_normal_') {
    // timm's trunc_normal_ has torch's semantics (absolute bounds a=-2, b=2, no std correction).
    return attributeOfNamespace('torch.nn.init', name);
  }
  return sym(name);
}

/**
 * Class definitions already read, by syntax node. An incremental analysis hands back the very node
 * objects of unchanged statements (same text), and a LocalClass is a function of its node's
 * structure and text and of `isDataclass` only, never changed after it is made: the same node
 * gives an equal LocalClass. Keyed weakly, so a dropped tree frees its entries.
 */
const classesByNode = new WeakMap<PyNode, LocalClass>();

function localClass(interp: Interpreter, node: PyNode, isDataclass: boolean): LocalClass {
  const known = classesByNode.get(node);
  if (known && known.isDataclass === isDataclass) {
    return known;
  }
  const cls = readLocalClass(interp, node, isDataclass);
  classesByNode.set(node, cls);
  return cls;
}

function readLocalClass(interp: Interpreter, node: PyNode, isDataclass: boolean): LocalClass {
  const name = interp.text(node.fields.name!);
  const bases = (node.fields.superclasses?.children ?? []).filter((c) => c.type !== 'keyword_argument');
  const methods = new Map<string, PyNode>();
  const staticMethods = new Set<string>();
  const fields = new Map<string, PyNode>();
  const fieldOrder: string[] = [];
  for (const statement of node.fields.body?.children ?? []) {
    const definition = statement.type === 'decorated_definition' ? statement.fields.definition : statement;
    if (definition?.type === 'function_definition') {
      const methodName = interp.text(definition.fields.name!);
      methods.set(methodName, definition);
      if (statement.type === 'decorated_definition' && statement.children.some((c) => c.type === 'decorator' && /staticmethod/.test(interp.text(c)))) {
        staticMethods.add(methodName);
      }
    } else if (statement.type === 'expression_statement') {
      const assignment = statement.children[0];
      if (assignment?.type === 'assignment' && assignment.fields.left?.type === 'identifier') {
        const field = interp.text(assignment.fields.left);
        fieldOrder.push(field);
        if (assignment.fields.right) {
          fields.set(field, fieldDefault(interp, assignment.fields.right));
        }
      }
    }
  }
  return { name, node, bases, methods, staticMethods, fields, fieldOrder, isDataclass };
}

/** `field(default=4)` in a dataclass is the default 4. */
function fieldDefault(interp: Interpreter, node: PyNode): PyNode {
  if (node.type === 'call' && /^(dataclasses\.)?field$/.test(interp.text(node.fields.function!))) {
    const keyword = node.fields.arguments?.children.find((c) => c.type === 'keyword_argument' && interp.text(c.fields.name!) === 'default');
    if (keyword?.fields.value) {
      return keyword.fields.value;
    }
  }
  return node;
}

/** What module-level code does to an instance right after building it: `v = Cls(...)`, then `v.apply(fn)`, init calls, loops. */
interface PostConstruction {
  variable: string;
  statements: PyNode[];
}

/**
 * For every class instantiated at module level (or under `if __name__ == "__main__":`), the
 * statements after `v = Cls(...)` that act on `v`; the first instantiation of a class counts.
 */
function postConstructions(interp: Interpreter, statements: PyNode[]): Map<string, PostConstruction> {
  const found = new Map<string, PostConstruction>();
  const blocks: PyNode[][] = [statements];
  for (const statement of statements) {
    if (statement.type === 'if_statement' && /__name__/.test(interp.text(statement.fields.condition!))) {
      blocks.push(statement.fields.consequence?.children ?? []);
    }
  }
  for (const block of blocks) {
    for (let i = 0; i < block.length; i++) {
      const assignment = block[i]!.children[0];
      if (block[i]!.type !== 'expression_statement' || assignment?.type !== 'assignment' || assignment.fields.left?.type !== 'identifier') {
        continue;
      }
      const className = constructedClass(interp, assignment.fields.right);
      if (!className || found.has(className)) {
        continue;
      }
      const variable = interp.text(assignment.fields.left);
      const mentions = new RegExp(`\\b${variable}\\b`);
      const after = block
        .slice(i + 1)
        .filter(
          (s) => (s.type === 'expression_statement' || s.type === 'for_statement') && mentions.test(interp.text(s)) && !isReassignment(interp, s, variable),
        );
      found.set(className, { variable, statements: after });
    }
  }
  return found;
}

/** `Cls(...)` or `Cls(...).to(device)`: the class name called, if the expression builds one. */
function constructedClass(interp: Interpreter, node: PyNode | undefined): string | undefined {
  let current = node;
  while (current?.type === 'call') {
    const callee = current.fields.function;
    if (callee?.type === 'identifier') {
      return interp.text(callee);
    }
    current = callee?.type === 'attribute' ? callee.fields.object : undefined;
  }
  return undefined;
}

function isReassignment(interp: Interpreter, statement: PyNode, variable: string): boolean {
  const assignment = statement.children[0];
  return assignment?.type === 'assignment' && assignment.fields.left !== undefined && interp.text(assignment.fields.left) === variable;
}

function buildModel(interp: Interpreter, cls: LocalClass, post: PostConstruction | undefined): Model {
  const ctx: Context = { initSource: 'call', uncertain: false, depth: 0, inForward: false };
  const classValue: Value = { kind: 'localClass', cls };
  const instance = interp.instantiateLocal(classValue as Extract<Value, { kind: 'localClass' }>, [], new Map(), cls.node, ctx);
  if (instance.kind !== 'module') {
    return { name: cls.name, range: cls.node.range, layers: [] };
  }
  const root = instance.module;
  if (post) {
    const scope: Scope = { vars: new Map([[post.variable, instance]]), parent: interp.file.globals };
    for (const statement of post.statements) {
      interp.execStatement(statement, scope, ctx);
    }
  }
  runTopForward(interp, root, cls);
  const layers = flatten(root);
  return { name: cls.name, range: cls.node.range, layers };
}

/** Runs the model's forward on a fresh input; what it returns is the model output (no activation after). */
function runTopForward(interp: Interpreter, root: ModuleInst, cls: LocalClass): void {
  const ctx: Context = { initSource: 'call', uncertain: false, depth: 0, inForward: true };
  const input: Value = { kind: 'tensor', tensor: tensorOf([], true) };
  const forward = interp.findMethod(cls, 'forward');
  // Tensors for the parameters without a default; the others keep their defaults (`past=None`).
  const parameters = forward?.fn.fields.parameters?.children.slice(1) ?? [];
  const required = parameters.filter((p) => p.type === 'identifier' || p.type === 'typed_parameter').length;
  const args = Array.from({ length: Math.max(1, required) }, () => ({ kind: 'tensor', tensor: tensorOf([], true) }) as Value);
  args[0] = input;
  try {
    const output = interp.callModule(root, args, new Map(), cls.node, ctx);
    consumeOutput(output);
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      throw error;
    }
    // A forward the interpreter cannot follow leaves activations unknown.
  }
}

function consumeOutput(value: Value): void {
  if (value.kind === 'tensor') {
    consumeLinearly(value.tensor);
  } else if (value.kind === 'list') {
    value.items.forEach(consumeOutput);
  } else if (value.kind === 'dict') {
    [...value.entries.values()].forEach(consumeOutput);
  }
}
