/**
 * Which top-level definitions a run of the module may replay (./moduleReplay.ts), decided from
 * their syntax alone: a `def` or `class` whose definition-time code only reads names (base classes,
 * parameter defaults, class attributes made of literals, lists, tuples, names and attributes of
 * names), without decorators but `@dataclass` on a class. Running such a statement calls no code of
 * the file, so it changes nothing but the name it binds and the lists it makes, and its value is a
 * function of the names it reads. Anything else is run.
 */
import type { PyNode } from '../ast';

/** A replayable definition: the name it binds and every name its definition-time code may read. */
export interface DefinitionPlan {
  name: string;
  reads: string[];
}

/** Expressions whose evaluation calls no code of the file (a literal, a name, an attribute of a name...). */
const SIMPLE = new Set([
  'integer',
  'float',
  'true',
  'false',
  'none',
  'identifier',
  'attribute',
  'unary_operator',
  'parenthesized_expression',
  'tuple',
  'list',
  'ellipsis',
]);
/** The class decorators a replay allows, by their text: the dataclass decorator, which only reads the class (the replay checks it is the builtin). */
const CLASS_DECORATORS = new Set(['dataclass', 'dataclasses.dataclass']);
/** The decorators a method may have and still be replayed (they are builtins unless the module rebinds them, which its reads see). */
const METHOD_DECORATORS = new Set(['staticmethod', 'classmethod']);

/** True for an expression built only of literals, names, attributes of such, tuples and signs. */
function isSimple(node: PyNode | undefined): boolean {
  if (!node || node.type === 'comment') {
    return true;
  }
  if (node.type === 'string') {
    // A plain string; an f-string's interpolations run code.
    return node.children.every((part) => part.type !== 'interpolation');
  }
  if (!SIMPLE.has(node.type)) {
    return false;
  }
  if (node.type === 'attribute') {
    return isSimple(node.fields.object);
  }
  return node.children.every(isSimple);
}

/** Adds every identifier under `node` to `names` (an over-approximation of what it reads). */
function collectNames(node: PyNode | undefined, names: Set<string>): void {
  if (!node) {
    return;
  }
  if (node.type === 'identifier') {
    names.add(node.text);
  }
  node.children.forEach((child) => collectNames(child, names));
}

/** The reads of a `def` whose parameter defaults are simple (its body runs only when called); false if one is not. */
function functionReads(node: PyNode, names: Set<string>): boolean {
  for (const parameter of node.fields.parameters?.children ?? []) {
    const value = parameter.fields.value;
    if (value && !isSimple(value)) {
      return false;
    }
  }
  for (const child of node.children) {
    if (child !== node.fields.body) {
      collectNames(child, names);
    }
  }
  return true;
}

/** The reads of one statement of a class body; false when it may call code. */
function classStatementReads(statement: PyNode, names: Set<string>): boolean {
  switch (statement.type) {
    case 'pass_statement':
    case 'comment':
      return true;
    case 'function_definition':
      return functionReads(statement, names);
    case 'decorated_definition': {
      const decorators = statement.children.filter((child) => child.type === 'decorator');
      const definition = statement.fields.definition;
      if (definition?.type !== 'function_definition' || !decorators.every((d) => METHOD_DECORATORS.has(d.children[0]?.text ?? ''))) {
        return false;
      }
      decorators.forEach((d) => collectNames(d, names));
      return functionReads(definition, names);
    }
    case 'expression_statement': {
      const [only, ...rest] = statement.children;
      if (rest.length > 0 || !only) {
        return false;
      }
      if (only.type === 'string') {
        return isSimple(only);
      }
      if (only.type !== 'assignment' || only.fields.left?.type !== 'identifier' || !isSimple(only.fields.right)) {
        return false;
      }
      collectNames(only, names);
      return true;
    }
    default:
      return false;
  }
}

/** The plan of a top-level statement, or undefined when it must run (see the file comment). */
export function definitionPlan(statement: PyNode): DefinitionPlan | undefined {
  const names = new Set<string>();
  let definition = statement;
  if (statement.type === 'decorated_definition') {
    const decorators = statement.children.filter((child) => child.type === 'decorator');
    definition = statement.fields.definition!;
    if (
      definition?.type !== 'class_definition' ||
      !decorators.every((d) => CLASS_DECORATORS.has(d.children[0]?.type === 'call' ? '' : textOf(d.children[0])))
    ) {
      return undefined;
    }
    decorators.forEach((d) => collectNames(d, names));
  }
  const name = definition.fields.name?.text;
  if (!name) {
    return undefined;
  }
  if (definition.type === 'function_definition') {
    return functionReads(definition, names) ? { name, reads: [...names] } : undefined;
  }
  if (definition.type !== 'class_definition') {
    return undefined;
  }
  for (const base of definition.fields.superclasses?.children ?? []) {
    if (!isSimple(base)) {
      return undefined;
    }
    collectNames(base, names);
  }
  for (const child of definition.fields.body?.children ?? []) {
    if (!classStatementReads(child, names)) {
      return undefined;
    }
  }
  return { name, reads: [...names] };
}

/** `name` or `a.b` of an identifier or attribute of identifiers ('' for anything else). */
function textOf(node: PyNode | undefined): string {
  if (node?.type === 'identifier') {
    return node.text;
  }
  if (node?.type === 'attribute' && node.fields.object && node.fields.attribute) {
    const object = textOf(node.fields.object);
    return object && `${object}.${node.fields.attribute.text}`;
  }
  return '';
}
