/**
 * The module resolver of one evaluator over an analysis's imports: resolves an import from the
 * module that runs it, and runs each imported file once, in its own module scope (its `__name__`
 * its dotted name, so its `if __name__ == "__main__":` block does not run), with the evaluator's
 * host semantics and budget. A module is registered before it runs: in an import cycle the second
 * import gets what the first has bound so far, as in Python. Before a module, Python runs the
 * packages above it (for `import a.b.c`, and for a relative import the packages above the importer
 * too), binding each submodule in its package: so does the runner, each file once (as `sys.modules`).
 */
import type { PyNode } from '../python/ast';
import { Completion, type Evaluator } from '../python/eval/contracts';
import type { ModuleResolver } from '../python/eval/imports';
import { Scope } from '../python/eval/scope';
import type { Value, ValueOf } from '../python/eval/values';
import type { LinkedModules } from './contracts';
import { basenameOf, dirnameOf, joinPath } from './paths';
import { isForeignModule, moduleNameOf, parentPackages, withParents, type ResolvedModule } from './resolve';
import { isStubPath } from '../stubs/library';

export class WorkspaceModuleRunner<H> implements ModuleResolver<H> {
  /** The file of each module scope this evaluator made. */
  private readonly files = new Map<Scope<Value<H>>, string>();
  /** Modules by file (or folder, for a namespace package), once loaded. */
  private readonly loaded = new Map<string, ValueOf<H, 'ns'>>();

  constructor(private readonly link: LinkedModules) {}

  module(ev: Evaluator<H>, qualified: string, from: Scope<Value<H>>, node: PyNode): ValueOf<H, 'ns'> | null | undefined {
    const relative = qualified.startsWith('.');
    const importer = this.files.get(from.module()) ?? this.link.path;
    const resolved = this.link.resolve(importer, qualified);
    if (!resolved && (this.link.librariesOnly || (!relative && isForeignModule(qualified)))) {
      // A library without a stub, or a file analysed without its workspace: the framework's, or a symbol.
      return undefined;
    }
    const line = `line ${node.range.start.line + 1}`;
    if (!resolved && relative && isStubPath(importer)) {
      // A bundled stub's `from .module import name` of a name it leaves to the framework (imports.ts).
      return undefined;
    }
    if (!resolved) {
      if (this.underPlainModule(importer, qualified)) {
        // `from .mlp import Mlp` asks for a submodule `.mlp.Mlp` when the module has no `Mlp` (yet): a plain module has
        // no submodules, so the caller says the name is missing, not the module.
        return undefined;
      }
      const head = qualified.split('.')[0]!;
      if (relative || (head !== qualified && this.link.resolve(importer, head))) {
        ev.note(`${line}: no workspace file holds the module ${qualified}: its names are symbols`);
        return null;
      }
      return undefined;
    }
    if (!relative && qualified.includes('.')) {
      return this.withParents(ev, qualified, from, node, resolved);
    }
    if (relative && withParents(importer, resolved)) {
      return this.withPackages(ev, importer, resolved, qualified, line);
    }
    return this.load(ev, resolved, qualified, line);
  }

  /**
   * `from .x import y`, `from ..pkg import z`: Python runs the packages above the importer and above
   * the module first (each once), then the module under its dotted name, and binds each in its parent.
   */
  private withPackages(ev: Evaluator<H>, importer: string, resolved: ResolvedModule, qualified: string, line: string): ValueOf<H, 'ns'> | null {
    const target = resolved.path ?? resolved.folder!;
    const parents = [...new Set([...parentPackages(this.link.files, importer), ...parentPackages(this.link.files, target)])];
    for (const init of parents) {
      const folder = dirnameOf(init);
      this.bindInParent(folder, this.load(ev, { path: init, folder }, moduleNameOf(this.link.files, init), line));
    }
    const module = this.load(ev, resolved, qualified, line);
    this.bindInParent(resolved.path !== undefined && basenameOf(resolved.path) !== '__init__.py' ? resolved.path : target, module);
    return module;
  }

  /** True when `qualified` names something under a workspace module that is a file, not a package (it has no submodules). */
  private underPlainModule(importer: string, qualified: string): boolean {
    const at = qualified.lastIndexOf('.');
    if (at <= 0) {
      return false;
    }
    const parent = this.link.resolve(importer, qualified.slice(0, at));
    return parent?.path !== undefined && parent.folder === undefined;
  }

  /** Binds the module at `path` (a file or a package folder) in the package above it, when that is loaded and has no such name. */
  private bindInParent(path: string, module: ValueOf<H, 'ns'> | null): void {
    const parent = this.loaded.get(joinPath(dirnameOf(path), '__init__.py'));
    const name = basenameOf(path).replace(/\.py$/, '');
    if (parent && module && parent !== module && !parent.attrs?.has(name)) {
      (parent.attrs ??= new Map()).set(name, module);
    }
  }

  /** `a.b.c`: Python runs `a`, then `a.b`, then `a.b.c`, and binds each in its parent. */
  private withParents(ev: Evaluator<H>, qualified: string, from: Scope<Value<H>>, node: PyNode, resolved: ResolvedModule): ValueOf<H, 'ns'> | null {
    const parts = qualified.split('.');
    const parent = this.module(ev, parts.slice(0, -1).join('.'), from, node);
    const module = this.load(ev, resolved, qualified, `line ${node.range.start.line + 1}`);
    const name = parts[parts.length - 1]!;
    if (parent && module && !parent.attrs?.has(name)) {
      (parent.attrs ??= new Map()).set(name, module);
    }
    return module;
  }

  private load(ev: Evaluator<H>, resolved: ResolvedModule, qualified: string, line: string): ValueOf<H, 'ns'> | null {
    const key = resolved.path ?? resolved.folder!;
    const known = this.loaded.get(key);
    if (known) {
      return known;
    }
    if (resolved.path === undefined) {
      // A namespace package (a folder without __init__.py): no names of its own, only submodules.
      return this.register(key, { kind: 'ns', path: qualified.replace(/^\.+/, ''), attrs: new Map() });
    }
    if (resolved.path === this.link.path) {
      // The analysed file imports itself: its names so far.
      return this.register(key, { kind: 'ns', path: qualified, attrs: ev.globals.vars });
    }
    const placed = this.link.placedModule(resolved.path);
    if (!placed) {
      ev.note(
        `${line}: the module ${qualified} (${this.link.shown(resolved.path)}) is not read (over the import bounds, or unreadable): its names are symbols`,
      );
      return null;
    }
    const name = resolved.userStub?.name ?? moduleNameOf(this.link.files, resolved.path);
    const scope = new Scope<Value<H>>('module');
    scope.set('__name__', { kind: 'str', value: name });
    // A package's `__package__` is itself; a module's, the package that holds it ('' at the top).
    const pkg = basenameOf(resolved.path) === '__init__.py' ? name : name.slice(0, Math.max(name.lastIndexOf('.'), 0));
    scope.set('__package__', { kind: 'str', value: pkg });
    // A stub's module (bundled or the user's) leaves the names it does not describe to the framework (python/eval/imports.ts).
    const library = isStubPath(resolved.path) || resolved.userStub !== undefined;
    const module = this.register(key, { kind: 'ns', path: name, attrs: scope.vars, ...(library ? { library: true } : {}) });
    this.files.set(scope, resolved.path);
    const { root, broken, brokenLines, unplaced } = placed.module;
    if (brokenLines.length > 0 || unplaced) {
      const lines = brokenLines.length > 0 ? `: its statements at lines ${brokenLines.map((at) => at + 1).join(', ')} of that file are not run` : '';
      ev.note(`${this.link.shown(resolved.path)} has syntax errors${lines}${unplaced ? '; code the parser could not place is left out' : ''}`);
    }
    for (const statement of root.children) {
      if (broken.has(statement)) {
        continue;
      }
      if (ev.execute(statement, scope, ev.rootContext()) === Completion.Raise) {
        ev.note(`line ${statement.range.start.line + 1}: the module ${name} raises while it is imported: its later names are symbols`);
        break;
      }
    }
    return module;
  }

  private register(key: string, module: ValueOf<H, 'ns'>): ValueOf<H, 'ns'> {
    this.loaded.set(key, module);
    return module;
  }
}
