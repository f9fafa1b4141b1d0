/**
 * Python scopes: module, class, function and comprehension, chained to the enclosing one, with
 * `global` and `nonlocal` declarations. A function defined in a class body closes over the class's
 * enclosing scope, not the class (Python's rule), which `closureOf` gives.
 */
export type ScopeKind = 'module' | 'class' | 'function' | 'comprehension';

/** Variables of one scope (`V` is the evaluator's value type). */
export class Scope<V> {
  readonly vars = new Map<string, V>();
  /** Names declared `global` or `nonlocal` here (assignments go to that scope). */
  private declared?: Map<string, 'global' | 'nonlocal'>;

  constructor(
    readonly kind: ScopeKind,
    readonly parent?: Scope<V>,
  ) {}

  /** Empties the scope (its variables and declarations), for a new run of the same module. */
  clear(): void {
    this.vars.clear();
    this.declared = undefined;
  }

  /** The module scope at the root of the chain. */
  module(): Scope<V> {
    return this.parent ? this.parent.module() : this;
  }

  declare(name: string, how: 'global' | 'nonlocal'): void {
    (this.declared ??= new Map()).set(name, how);
  }

  /** Reads a name: this scope, then enclosing ones (class scopes are skipped from inside functions). */
  lookup(name: string): V | undefined {
    const own = this.vars.get(name);
    if (own !== undefined) {
      return own;
    }
    if (this.declared?.get(name) === 'global') {
      return this.module().vars.get(name);
    }
    for (let scope = this.parent; scope; scope = scope.parent) {
      if (scope.kind === 'class') {
        continue;
      }
      const value = scope.vars.get(name);
      if (value !== undefined) {
        return value;
      }
    }
    return undefined;
  }

  /** The scope an assignment to `name` writes (honouring `global` and `nonlocal`). */
  target(name: string): Scope<V> {
    const how = this.declared?.get(name);
    if (how === 'global') {
      return this.module();
    }
    if (how === 'nonlocal') {
      for (let scope = this.parent; scope; scope = scope.parent) {
        if (scope.kind !== 'class' && scope.kind !== 'module' && scope.vars.has(name)) {
          return scope;
        }
      }
    }
    // A comprehension's own variables are its targets; other names it writes (walrus) go outward.
    return this;
  }

  set(name: string, value: V): void {
    this.target(name).vars.set(name, value);
  }

  /** The scope a function defined here closes over. */
  closureOf(): Scope<V> {
    return this.kind === 'class' && this.parent ? this.parent : this;
  }
}
