/**
 * Where a file builds the models it trains (issue 10 item 1), in any framework: module-level
 * factories (`def resnet50(**kwargs): return _resnet(Bottleneck, [3, 4, 6, 3], …)`), and
 * `v = Net(...)` / `v = create_network(**setup)` lines at module level, under
 * `if __name__ == "__main__":` and in `main()`, with the statements after them that act on `v`
 * (`netG.apply(weights_init)`, `.to(device)`). Found from the syntax alone; each framework builds
 * them with the evaluator and keeps those that give a model.
 */
import type { PyNode } from './python/ast';

/** A module-level function that can be called with no arguments and returns a value. */
export interface FactoryEntry {
  kind: 'factory';
  /** The function's name: the model's name. */
  name: string;
  node: PyNode;
}

/** `v = <call>` in a block the file runs, with the statements after it that mention `v`. */
export interface VariableEntry {
  kind: 'variable';
  /** The variable's name: the model's name. */
  name: string;
  /** The `v = ...` statement. */
  node: PyNode;
  /** Statements of `main()` before the assignment (its locals: `device`, `opt`); empty at module level. */
  before: PyNode[];
  /** The statements after it that act on `v`, in order. */
  after: PyNode[];
}

export type EntryPoint = FactoryEntry | VariableEntry;

/** Function names that run a program rather than build a model. */
const PROGRAM = /^(main|train|test|evaluate|run|cli|parse_args|get_args)$/;

/**
 * The entry points of a module, in source order. `text` gives a node's source; `builds(name)` says
 * whether a called name (`Net`, `create_network`, `copy.deepcopy`) may give a model (a call of
 * anything else is no model).
 */
export function findEntryPoints(root: PyNode, text: (node: PyNode) => string, builds: (name: string) => boolean): EntryPoint[] {
  const entries: EntryPoint[] = [];
  for (const statement of root.children) {
    const fn = statement.type === 'decorated_definition' ? statement.fields.definition : statement;
    if (fn?.type === 'function_definition' && isFactory(fn, text)) {
      entries.push({ kind: 'factory', name: text(fn.fields.name!), node: fn });
    }
  }
  for (const block of runBlocks(root, text)) {
    block.statements.forEach((_, index) => {
      const entry = variableEntry(block, index, text, builds);
      if (entry) {
        entries.push(entry);
      }
    });
  }
  return entries;
}

/** The function whose body is a block the script runs, like the module's (`main()`). */
export const RUN_FUNCTION = 'main';

/** The blocks a script runs: the module, its `if __name__ == "__main__":` blocks, the body of `main()`. */
function runBlocks(root: PyNode, text: (node: PyNode) => string): { statements: PyNode[]; local: boolean }[] {
  const blocks: { statements: PyNode[]; local: boolean }[] = [{ statements: root.children, local: false }];
  for (const statement of root.children) {
    if (statement.type === 'if_statement' && /__name__/.test(text(statement.fields.condition!))) {
      blocks.push({ statements: statement.fields.consequence?.children ?? [], local: false });
    }
    if (statement.type === 'function_definition' && text(statement.fields.name!) === RUN_FUNCTION) {
      blocks.push({ statements: statement.fields.body?.children ?? [], local: true });
    }
  }
  return blocks;
}

function variableEntry(
  block: { statements: PyNode[]; local: boolean },
  index: number,
  text: (node: PyNode) => string,
  builds: (name: string) => boolean,
): VariableEntry | undefined {
  const statement = block.statements[index]!;
  const assignment = statement.children[0];
  if (statement.type !== 'expression_statement' || assignment?.type !== 'assignment' || assignment.fields.left?.type !== 'identifier') {
    return undefined;
  }
  const callee = calledName(assignment.fields.right, text);
  if (!callee || !builds(callee)) {
    return undefined;
  }
  const name = text(assignment.fields.left);
  const mentions = new RegExp(`\\b${name}\\b`);
  const after = block.statements
    .slice(index + 1)
    .filter((s) => (s.type === 'expression_statement' || s.type === 'for_statement') && mentions.test(text(s)) && !rebinds(s, name, text));
  // In `main()` the call's arguments are its locals: the simple statements before it set them.
  const before = block.local ? block.statements.slice(0, index).filter((s) => s.type === 'expression_statement') : [];
  return { kind: 'variable', name, node: statement, before, after };
}

/**
 * `f(...)`, `Cls(...).to(device)`, `copy.deepcopy(net)`: the name called innermost (dotted when it
 * is read from a module-level name), if the expression is a call.
 */
function calledName(node: PyNode | undefined, text: (node: PyNode) => string): string | undefined {
  let current = node;
  while (current?.type === 'call') {
    const callee = current.fields.function;
    if (callee?.type === 'identifier' || (callee?.type === 'attribute' && callee.fields.object?.type === 'identifier')) {
      return text(callee);
    }
    current = callee?.type === 'attribute' ? callee.fields.object : undefined;
  }
  return undefined;
}

/** `v = <something not built from v>`: a new value, after which the statements are about another object. */
function rebinds(statement: PyNode, name: string, text: (node: PyNode) => string): boolean {
  const assignment = statement.children[0];
  if (assignment?.type !== 'assignment' || !assignment.fields.left || text(assignment.fields.left) !== name) {
    return false;
  }
  return !new RegExp(`\\b${name}\\b`).test(text(assignment.fields.right ?? assignment));
}

/** A function callable with no arguments (every parameter has a default, or is `*args`/`**kwargs`) that returns a value. */
function isFactory(fn: PyNode, text: (node: PyNode) => string): boolean {
  if (PROGRAM.test(text(fn.fields.name!))) {
    return false;
  }
  for (const parameter of fn.fields.parameters?.children ?? []) {
    const splat = parameter.children[0]?.type.endsWith('splat_pattern') === true;
    if (parameter.type === 'identifier' || (parameter.type === 'typed_parameter' && !splat)) {
      return false;
    }
  }
  return returnsValue(fn.fields.body);
}

/** True when the body returns a call or a name (not counting nested functions and classes). */
function returnsValue(body: PyNode | undefined): boolean {
  const stack = body ? [body] : [];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'return_statement') {
      const value = current.children[0];
      if (value && (value.type === 'call' || value.type === 'identifier')) {
        return true;
      }
    }
    if (current.type !== 'function_definition' && current.type !== 'class_definition') {
      stack.push(...current.children);
    }
  }
  return false;
}
