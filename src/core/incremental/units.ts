/**
 * The top-level statements of one analysis as "units" with stable identities: two units have the
 * same id when their text (and how they were parsed) is the same, whatever their position. A
 * class's model is a function of the units its interpretation can read; `dependencies` gives a
 * superset of them, by name: every module-level statement that is not a definition (imports,
 * constants, `try:` blocks, docstrings, and `if __name__ == "__main__":`, which the evaluator runs
 * with the module since a model file is read as the program being run), the class itself, and
 * every top-level definition whose name occurs in any of those, transitively. Classes whose
 * definitions mention the same module-level value (a list one class appends to and another reads)
 * also depend on each other's units, since building one can change what the other sees. Mentions
 * are found by a regex over the text (strings and comments included), which can only over-approximate.
 */
import type { PyNode } from '../python/ast';

/** One top-level statement of the current analysis. */
export interface Unit {
  /** Content id plus the occurrence among equal units, e.g. `17#0`. */
  id: string;
  startLine: number;
  endLine: number;
  startIndex: number;
  endIndex: number;
  /** The name a class or function definition binds; undefined for other statements. */
  defines?: string;
  /**
   * True for module-level statements that may bind names to values a class can mutate (`REG = []`
   * then `REG.append(...)` in one class's `__init__` and `len(REG)` in another's): everything but
   * imports, definitions and bare strings (docstrings).
   */
  holdsValues: boolean;
  /**
   * For `if __name__ == "__main__":`, the names it assigns to (`model`, `CFG["width"]`): the value
   * names it holds are those, not every name it mentions (it mentions the classes it builds, which
   * would tie every class to them). What it does to other values is in every class's key anyway.
   */
  binds?: Set<string>;
  /** True for a top-level class definition (decorated or not). */
  isClass: boolean;
  /** The identifiers mentioned in its text. */
  mentions: Set<string>;
}

interface Interned {
  id: number;
  mentions: Set<string>;
  binds?: Set<string>;
  seen: number;
}

/** The name bound by a top-level definition (decorated or not). */
function definedName(node: PyNode): string | undefined {
  const definition = node.type === 'decorated_definition' ? node.fields.definition : node;
  if (definition?.type === 'class_definition' || definition?.type === 'function_definition') {
    return definition.fields.name?.text;
  }
  return undefined;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/** True for `if __name__ == "__main__":` (the evaluator runs it with the module). */
function isMainBlock(node: PyNode): boolean {
  return node.type === 'if_statement' && /__name__/.test(node.fields.condition?.text ?? '');
}

/** Scopes whose names are their own: a function's, a lambda's, a class's. */
const OWN_SCOPES = new Set(['function_definition', 'lambda', 'class_definition']);
/** Comprehensions: their loop variables are their own, but `:=` in them binds in the enclosing scope. */
const COMPREHENSIONS = new Set(['generator_expression', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension']);

/** The identifiers of every assignment target in the statement (`a = …`, `a.b += …`, `for a in …`, `(a := …)`). */
function assignedNames(statement: PyNode): Set<string> {
  const names = new Set<string>();
  const collect = (node: PyNode) => {
    if (node.type === 'identifier') {
      names.add(node.text);
    }
    node.children.forEach(collect);
  };
  const stack: { node: PyNode; inComprehension: boolean }[] = [{ node: statement, inComprehension: false }];
  while (stack.length > 0) {
    const { node, inComprehension } = stack.pop()!;
    const target = node.type === 'named_expression' ? node.fields.name : inComprehension ? undefined : node.fields.left;
    if (target) {
      collect(target);
    }
    if (!OWN_SCOPES.has(node.type)) {
      const inner = inComprehension || COMPREHENSIONS.has(node.type);
      node.children.forEach((child) => stack.push({ node: child, inComprehension: inner }));
    }
  }
  return names;
}

/** Content ids that survive from one analysis to the next (entries unused for a few analyses are dropped). */
export class UnitIds {
  private readonly interned = new Map<string, Interned>();
  private nextId = 0;
  private generation = 0;
  /**
   * The previous analysis's signature string: each closure memo compares its signature with the
   * current one per class, and the same string object compares without reading its characters (a
   * signature holds every defined name, kilobytes in a large file). Held here, per cache, so one
   * file's analyses never see another's.
   */
  private lastSignature = '';

  /** The previous analysis's signature string when equal to `signature`, else `signature` (remembered). */
  private internSignature(signature: string): string {
    if (signature === this.lastSignature) {
      return this.lastSignature;
    }
    this.lastSignature = signature;
    return signature;
  }

  /** Indexes the root's statements; `keyOf` gives each statement's content key. */
  index(root: PyNode, keyOf: (node: PyNode) => string): UnitIndex {
    this.generation++;
    const occurrences = new Map<number, number>();
    const units: Unit[] = [];
    for (const node of root.children) {
      const key = keyOf(node);
      let entry = this.interned.get(key);
      if (!entry) {
        // The key holds the statement's full lines (or its whole block): a superset of what it mentions.
        const mentions = new Set<string>();
        for (const match of key.matchAll(IDENTIFIER)) {
          mentions.add(match[0]);
        }
        entry = { id: this.nextId++, mentions, binds: isMainBlock(node) ? assignedNames(node) : undefined, seen: this.generation };
        this.interned.set(key, entry);
      }
      entry.seen = this.generation;
      const occurrence = occurrences.get(entry.id) ?? 0;
      occurrences.set(entry.id, occurrence + 1);
      const range = node.range;
      const defines = definedName(node);
      units.push({
        id: `${entry.id}#${occurrence}`,
        startLine: range.start.line,
        endLine: range.end.line,
        startIndex: node.startIndex,
        endIndex: node.endIndex,
        defines,
        holdsValues:
          defines === undefined &&
          !/^import/.test(node.type) &&
          !(node.type === 'expression_statement' && node.children.every((child) => child.type === 'string')),
        isClass: (node.type === 'decorated_definition' ? node.fields.definition : node)?.type === 'class_definition',
        mentions: entry.mentions,
        binds: entry.binds,
      });
    }
    if (this.generation % 8 === 0) {
      for (const [key, entry] of this.interned) {
        if (entry.seen < this.generation - 4) {
          this.interned.delete(key);
        }
      }
    }
    return new UnitIndex(units, (signature) => this.internSignature(signature));
  }

  clear(): void {
    this.interned.clear();
  }
}

/** What a class's model depends on: its units (in file order) and a key that changes whenever any of them does. */
export interface Dependencies {
  key: string;
  units: Unit[];
}

/** The defined names a class reached, and the units that defined them then. */
export interface ClosureMemo {
  signature: string;
  names: string[];
  ids: Map<string, string>;
  /** The ids of the dependency units in file order, and them joined (the key). */
  members: string[];
  key: string;
  /** Module-level value names the class or its definitions mention (see Unit.holdsValues). */
  shared: string[];
}

/** Words that never name a module-level value. */
const NOT_VALUES = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield self super len range int float str list dict tuple isinstance print'.split(
    ' ',
  ),
);

/** The units of one analysis, with the lookups the reuse needs. */
export class UnitIndex {
  private readonly byName = new Map<string, Unit[]>();
  readonly byId = new Map<string, Unit>();
  private readonly context: Unit[];
  private readonly contextKey: string;
  private readonly contextNames = new Set<string>();
  /** Names bound or mentioned by value-holding module statements. */
  private readonly valueNames = new Set<string>();
  /** Per class unit and name, its base dependencies with their units (filled as classes are asked for). */
  private readonly baseOf = new Map<string, { entry: ClosureMemo; units: Unit[] }>();
  /** Each top-level class's group of classes sharing value names (one array per group). */
  private components: Map<Unit, Unit[]> | undefined;
  /** Per group: the union of its classes' base units in file order, and their keys in group order. */
  private readonly groupDependencies = new Map<Unit[], { keys: string[]; units: Unit[] }>();
  /** idsOfName's answers (every class's closure check asks about the same few names). */
  private readonly idsByName = new Map<string, string>();
  /** Changes when a definition is added, removed or renamed (a new name may capture a mention). */
  private readonly definedNames: string;
  /** What every closure memo must have been made under. */
  private readonly signature: string;

  /** `intern` returns an equal signature string, the same object as the previous analysis's when equal. */
  constructor(
    readonly units: Unit[],
    intern: (signature: string) => string,
  ) {
    this.context = units.filter((unit) => unit.defines === undefined);
    this.contextKey = this.context.map((unit) => unit.id).join(',');
    for (const unit of units) {
      this.byId.set(unit.id, unit);
      if (unit.defines !== undefined) {
        const list = this.byName.get(unit.defines);
        if (list) {
          list.push(unit);
        } else {
          this.byName.set(unit.defines, [unit]);
        }
      }
    }
    this.definedNames = [...this.byName.keys()].sort().join(',');
    this.signature = intern(`${this.contextKey}|${this.definedNames}`);
    for (const unit of this.context) {
      unit.mentions.forEach((name) => this.contextNames.add(name));
      if (unit.holdsValues) {
        (unit.binds ?? unit.mentions).forEach((name) => !NOT_VALUES.has(name) && this.valueNames.add(name));
      }
    }
  }

  /** The last unit that starts at or before the offset (units are in file order). */
  unitAt(offset: number): Unit | undefined {
    const units = this.units;
    let low = 0;
    let high = units.length - 1;
    let found: Unit | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (units[mid]!.startIndex <= offset) {
        found = units[mid];
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  /** The units a class (at `unit`) can depend on; `memo` carries the closure between analyses. */
  dependencies(unit: Unit, className: string, memo: Map<string, ClosureMemo>): Dependencies {
    const base = this.baseDependencies(unit, className, memo);
    if (base.entry.shared.length === 0) {
      return { key: base.entry.key, units: base.units };
    }
    // Classes that may share module-level values with this one (transitively): building them can
    // change what this one sees, so what they depend on is part of this class's key too.
    if (unit.isClass) {
      // Every class of a group has the same others' units: their union is made once per group.
      const group = this.groupOf(unit, memo);
      if (group.length === 0) {
        return { key: base.entry.key, units: base.units };
      }
      const joined = this.groupDependencies.get(group) ?? this.joinGroup(group, memo);
      const members = new Set<Unit>(base.units);
      joined.units.forEach((member) => members.add(member));
      const units = members.size === joined.units.length ? joined.units : [...members].sort((a, b) => a.startIndex - b.startIndex);
      return { key: `${base.entry.key};${joined.keys.join(';')}`, units };
    }
    const members = new Set<Unit>(base.units);
    const keys: string[] = [base.entry.key];
    for (const other of this.sharersOf(new Set(base.entry.shared), memo)) {
      const otherBase = this.baseDependencies(other, other.defines!, memo);
      otherBase.units.forEach((member) => members.add(member));
      keys.push(otherBase.entry.key);
    }
    return { key: keys.join(';'), units: [...members].sort((a, b) => a.startIndex - b.startIndex) };
  }

  /** The union of a group's base units (file order) and its classes' base keys (group order). */
  private joinGroup(group: Unit[], memo: Map<string, ClosureMemo>): { keys: string[]; units: Unit[] } {
    const members = new Set<Unit>();
    const keys: string[] = [];
    for (const member of group) {
      const base = this.baseDependencies(member, member.defines!, memo);
      base.units.forEach((each) => members.add(each));
      keys.push(base.entry.key);
    }
    const joined = { keys, units: [...members].sort((a, b) => a.startIndex - b.startIndex) };
    this.groupDependencies.set(group, joined);
    return joined;
  }

  /** The top-level classes in the same group as this one (itself included), grouped by shared value names. */
  private groupOf(unit: Unit, memo: Map<string, ClosureMemo>): Unit[] {
    if (!this.components) {
      this.components = new Map();
      const classes = this.units.filter((candidate) => candidate.isClass && candidate.defines !== undefined);
      const parent = new Map<Unit, Unit>(classes.map((c) => [c, c]));
      const find = (u: Unit): Unit => {
        while (parent.get(u) !== u) {
          u = parent.get(u)!;
        }
        return u;
      };
      const ownerOfName = new Map<string, Unit>();
      for (const candidate of classes) {
        for (const name of this.baseDependencies(candidate, candidate.defines!, memo).entry.shared) {
          const owner = ownerOfName.get(name);
          if (owner) {
            parent.set(find(candidate), find(owner));
          } else {
            ownerOfName.set(name, candidate);
          }
        }
      }
      const byRoot = new Map<Unit, Unit[]>();
      for (const candidate of classes) {
        const root = find(candidate);
        const list = byRoot.get(root) ?? [];
        list.push(candidate);
        byRoot.set(root, list);
        this.components.set(candidate, list);
      }
    }
    return this.components.get(unit) ?? [];
  }

  /**
   * For a definition that is no class (an entry point: a factory, a main block, `model = Net()`,
   * built after every class), every class in a group that mentions one of these value names.
   */
  private sharersOf(names: Set<string>, memo: Map<string, ClosureMemo>): Unit[] {
    const found = new Set<Unit>();
    for (const candidate of this.units) {
      if (!candidate.isClass || candidate.defines === undefined || found.has(candidate)) {
        continue;
      }
      if (this.baseDependencies(candidate, candidate.defines, memo).entry.shared.some((name) => names.has(name))) {
        this.groupOf(candidate, memo).forEach((other) => found.add(other));
      }
    }
    return [...found];
  }

  private baseDependencies(unit: Unit, className: string, memo: Map<string, ClosureMemo>): { entry: ClosureMemo; units: Unit[] } {
    const memoKey = `${unit.id}/${className}`;
    const known = this.baseOf.get(memoKey);
    if (known) {
      return known;
    }
    const signature = this.signature;
    let entry = memo.get(memoKey);
    if (!entry || entry.signature !== signature || !entry.names.every((name) => entry!.ids.get(name) === this.idsOfName(name))) {
      const names = this.closure(unit);
      const members = new Set<Unit>([unit, ...this.context]);
      for (const name of names) {
        this.byName.get(name)?.forEach((definition) => members.add(definition));
      }
      const ordered = [...members].sort((a, b) => a.startIndex - b.startIndex);
      const shared = new Set<string>();
      for (const member of ordered) {
        if (member.defines !== undefined) {
          member.mentions.forEach((name) => this.valueNames.has(name) && shared.add(name));
        }
      }
      const ids = ordered.map((member) => member.id);
      entry = { signature, names, ids: new Map(names.map((name) => [name, this.idsOfName(name)])), members: ids, key: ids.join(','), shared: [...shared] };
      memo.set(memoKey, entry);
    }
    // Same closure, same member ids; the key also says their order (a definition may move past an assignment).
    const units = entry.members.map((id) => this.byId.get(id)!);
    if (units.some((member, index) => index > 0 && member.startIndex < units[index - 1]!.startIndex)) {
      memo.delete(memoKey);
      return this.baseDependencies(unit, className, memo);
    }
    const found = { entry, units };
    this.baseOf.set(memoKey, found);
    return found;
  }

  private idsOfName(name: string): string {
    let ids = this.idsByName.get(name);
    if (ids === undefined) {
      ids = (this.byName.get(name) ?? []).map((unit) => unit.id).join(',');
      this.idsByName.set(name, ids);
    }
    return ids;
  }

  /** The defined names reachable from the mentions of the class and of the context. */
  private closure(unit: Unit): string[] {
    const reached = new Set<string>();
    const queue: Set<string>[] = [unit.mentions, this.contextNames];
    while (queue.length > 0) {
      for (const name of queue.pop()!) {
        if (reached.has(name)) {
          continue;
        }
        const definitions = this.byName.get(name);
        if (definitions) {
          reached.add(name);
          definitions.forEach((definition) => queue.push(definition.mentions));
        }
      }
    }
    return [...reached];
  }
}
