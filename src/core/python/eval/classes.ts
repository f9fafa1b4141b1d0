/**
 * Class definitions: bases split into local classes and foreign (framework) bases, the C3 method
 * resolution order, the class body run in a class scope, and the fields of dataclasses and
 * NamedTuples (annotated class attributes, with defaults and `field(default_factory=…)`).
 */
import type { PyNode } from '../ast';
import type { Completion, Context, Evaluator } from './contracts';
import { Scope } from './scope';
import type { Field, PyClass, Value } from './values';

/** Defines a class: evaluates bases, runs the body via `runBody`, returns the class value. */
export function defineClass<H>(
  ev: Evaluator<H>,
  node: PyNode,
  name: string,
  decorators: Value<H>[],
  scope: Scope<Value<H>>,
  ctx: Context<H>,
  runBody: (body: PyNode | undefined, scope: Scope<Value<H>>, ctx: Context<H>) => Completion,
): Value<H> {
  const classScope = new Scope<Value<H>>('class', scope);
  const cls: PyClass<H> = { name, node, bases: [], foreignBases: [], mro: [], attrs: classScope.vars, decorators };
  let namedTuple = false;
  for (const baseNode of node.fields.superclasses?.children ?? []) {
    if (baseNode.type === 'keyword_argument') {
      continue; // metaclass=…
    }
    const base = ev.evaluate(baseNode, scope, ctx);
    if (base.kind === 'class') {
      cls.bases.push(base.cls);
    } else if (base.kind === 'builtin') {
      // `object`, `Exception`, `NamedTuple`: Python's own bases, not the framework's.
      namedTuple ||= base.name === 'typing.NamedTuple';
    } else {
      cls.foreignBases.push(base);
    }
  }
  cls.mro = linearize(ev, cls);
  runBody(node.fields.body, classScope, { ...ctx, ownerClass: cls });
  if (namedTuple) {
    cls.fields = fieldsOf(ev, cls);
  }
  if (cls.mro.some((c) => c.foreignBases.length > 0)) {
    ev.host.classDefined?.(cls, { node, ctx, ev });
  }
  return { kind: 'class', cls };
}

/** C3 linearization; an inconsistent hierarchy falls back to depth-first order with a note. */
function linearize<H>(ev: Evaluator<H>, cls: PyClass<H>): PyClass<H>[] {
  const sequences = [...cls.bases.map((b) => [...b.mro]), [...cls.bases]];
  const out: PyClass<H>[] = [cls];
  for (;;) {
    const remaining = sequences.filter((s) => s.length > 0);
    if (remaining.length === 0) {
      return out;
    }
    const head = remaining.map((s) => s[0]!).find((candidate) => remaining.every((s) => s.indexOf(candidate) <= 0));
    if (!head) {
      ev.note(`the class ${cls.name} has no consistent method resolution order: its bases are searched depth-first`);
      for (const base of cls.bases) {
        for (const c of base.mro) {
          if (!out.includes(c)) {
            out.push(c);
          }
        }
      }
      return out;
    }
    out.push(head);
    for (const s of remaining) {
      if (s[0] === head) {
        s.shift();
      }
    }
  }
}

/** Makes a class a dataclass (`@dataclass`, `@dataclass(...)`): its fields from annotations. */
export function makeDataclass<H>(ev: Evaluator<H>, cls: PyClass<H>): void {
  cls.fields = fieldsOf(ev, cls);
}

/** The annotated class attributes of a class and its dataclass bases, in definition order. */
function fieldsOf<H>(ev: Evaluator<H>, cls: PyClass<H>): Field<H>[] {
  const fields: Field<H>[] = [];
  for (let i = cls.mro.length - 1; i > 0; i--) {
    for (const field of cls.mro[i]!.fields ?? []) {
      const at = fields.findIndex((f) => f.name === field.name);
      if (at >= 0) {
        fields.splice(at, 1);
      }
      fields.push(field);
    }
  }
  for (const statement of cls.node?.fields.body?.children ?? []) {
    const assignment = statement.type === 'expression_statement' ? statement.children[0] : undefined;
    const annotation = assignment?.type === 'assignment' ? assignment.fields.type : undefined;
    const target = assignment?.fields.left;
    if (!annotation || target?.type !== 'identifier' || ev.text(annotation).includes('ClassVar')) {
      continue;
    }
    const name = ev.text(target);
    const field: Field<H> = { name };
    const value = assignment!.fields.right ? cls.attrs.get(name) : undefined;
    if (value?.kind === 'builtin' && value.name === 'dataclasses.field' && value.self?.kind === 'dict') {
      field.default = value.self.entries.get('sdefault')?.value;
      field.factory = value.self.entries.get('sdefault_factory')?.value;
      cls.attrs.delete(name);
    } else if (value) {
      field.default = value;
    }
    const at = fields.findIndex((f) => f.name === name);
    if (at >= 0) {
      fields.splice(at, 1);
    }
    fields.push(field);
  }
  return fields;
}
