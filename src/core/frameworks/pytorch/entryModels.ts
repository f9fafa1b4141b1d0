/**
 * The models a PyTorch file's entry points build (./entryPoints.ts): each one evaluated with its
 * concrete arguments, named as the user calls it (`resnet50`, `netG`), with the code after it run
 * on the instance; and which class models such a model makes redundant.
 */
import type { Model } from '../../graph';
import type { DefinitionReuse, ModelOutcome } from '../../incremental/reuseHooks';
import type { PyNode } from '../../python/ast';
import type { PythonEvaluator } from '../../python/eval/evaluator';
import { Scope } from '../../python/eval/scope';
import { hasLayers } from '../../layerCoverage';
import { findEntryPoints, type EntryPoint } from '../../scriptEntries';
import { flatten, modelParts } from './graphLayers';
import type { BudgetStart, FileBudget } from '../../python/eval/modelBudget';
import { isolatedOutcome, runModelForward } from './modelRun';
import type { TorchFramework } from './torchFramework';
import { moduleOf, type TorchHost, type TorchValue } from './torchHost';
import type { ModuleInst } from './values';

/** An entry point's outcome, with the module tree its model came from. */
export interface EntryOutcome {
  entry: EntryPoint;
  outcome: ModelOutcome;
  root?: ModuleInst;
}

/**
 * Builds every entry point of the module `root`; the first entry of a name counts, the others are
 * noted. With `reuse` (the incremental memo), an entry point whose dependencies are unchanged is
 * handed back with its module tree instead of being built again.
 */
export function buildEntryModels(
  ev: PythonEvaluator<TorchHost>,
  torch: TorchFramework,
  root: PyNode,
  start: BudgetStart,
  fileBudget: FileBudget,
  reuse?: DefinitionReuse,
): EntryOutcome[] {
  const builds = (name: string): boolean => {
    const value = ev.globals.vars.get(name);
    return value?.kind === 'func' || (value?.kind === 'class' && torch.torchBase(value.cls) !== undefined) || isDeepCopy(ev, name);
  };
  const outcomes: EntryOutcome[] = [];
  const named = new Set<string>();
  for (const entry of findEntryPoints(root, (node) => ev.text(node), builds)) {
    const over = fileBudget.spentOn();
    if (over) {
      outcomes.push({ entry, outcome: { notes: [`${entry.name}: skipped, the file's models have spent ${over} between them`] } });
      continue;
    }
    // Not an identifier: no class's name (a class `model` and `model = model()` have the same dependencies).
    const definition = { name: `entry ${entry.name}`, node: entry.node };
    let outcome = reuse?.take(definition) ?? buildEntry(ev, torch, entry, start);
    reuse?.keep(definition, outcome);
    const built = outcome.built as ModuleInst | undefined;
    fileBudget.add(outcome);
    if (!outcome.model && outcome.notes.length === 0) {
      // The call gave no module (a helper returning a number, a config): not a model.
      continue;
    }
    if (outcome.model && named.has(entry.name)) {
      // A new outcome: the kept one stays as it was built.
      outcome = {
        notes: [...outcome.notes, `${entry.name}: built again at line ${entry.node.range.start.line + 1}; the first one is analysed`],
        spent: outcome.spent,
      };
    }
    named.add(entry.name);
    outcomes.push({ entry, outcome, ...(outcome.model && built ? { root: built } : {}) });
  }
  return outcomes;
}

/** An entry point's model, built from the budget left after the module ran, with its module tree as `built`. */
function buildEntry(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, entry: EntryPoint, start: BudgetStart): ModelOutcome {
  let built: ModuleInst | undefined;
  const outcome = isolatedOutcome(
    ev,
    entry.name,
    start,
    () => {
      const instance = buildInstance(ev, entry);
      built = moduleOf(instance);
      if (!instance || !built) {
        return undefined;
      }
      runModelForward(ev, torch, instance, entry.node, ev.rootContext());
      return { name: entry.name, range: entry.node.range, ...modelParts(built) };
    },
    { skipFileNotes: true },
  );
  return built ? { ...outcome, built } : outcome;
}

/** True when `name` (`deepcopy`, `copy.deepcopy`) is `copy.deepcopy`: a copy of a model is a model (`eval_net = copy.deepcopy(q)`). */
function isDeepCopy(ev: PythonEvaluator<TorchHost>, name: string): boolean {
  const [head, ...rest] = name.split('.');
  const value = ev.globals.vars.get(head!);
  const qualified =
    value?.kind === 'builtin' && rest.length === 0 ? value.name : value?.kind === 'ns' && rest.length === 1 ? `${value.path}.${rest[0]}` : undefined;
  return qualified === 'copy.deepcopy';
}

/** The instance an entry point builds, with what follows it run on it. */
function buildInstance(ev: PythonEvaluator<TorchHost>, entry: EntryPoint): TorchValue | undefined {
  const ctx = ev.rootContext();
  if (entry.kind === 'factory') {
    const fn = ev.globals.vars.get(entry.name);
    return fn ? ev.call(fn, [], new Map(), entry.node, ctx) : undefined;
  }
  const scope = new Scope<TorchValue>('function', ev.globals);
  for (const statement of entry.before) {
    ev.execute(statement, scope, ctx);
  }
  ev.execute(entry.node, scope, ctx);
  const instance = scope.vars.get(entry.name);
  if (!moduleOf(instance)) {
    return undefined;
  }
  for (const statement of entry.after) {
    ev.execute(statement, scope, ctx);
  }
  return instance;
}

/** A model of the file: a class with its default arguments (tier 0), a factory (1) or a script line (2). */
export interface Candidate {
  model: Model;
  tier: 0 | 1 | 2;
  /** The class of its root module. */
  rootClass: string;
  /** Its module tree (entry points only; a class model may come from the memo without one). */
  root?: ModuleInst;
  notes: string[];
  /** A class model's `__init__` parameters its defaults do not give (built with symbols for them). */
  lacks?: string[];
}

/**
 * One model per network the file builds, so that no layer is judged twice: a model whose layers,
 * by name, an instance of its class in a more specific model has is left out (the class `ResNet`
 * under `resnet50`, `Bottleneck` composed in it, `alexnet` under `net = alexnet()`); a more
 * specific model of the same class with only part of the layers gives way, with a note (a smoke
 * test `GPT(Config(n_layer=4))` beside the class's default 12 layers), unless the class's defaults
 * lack arguments its `__init__` needs: then the file's construction is the network (`net =
 * UNet(n_channels=3, …)`) and the class gives way, with a note. Order is kept.
 */
export function chooseModels(candidates: Candidate[]): { models: Model[]; notes: string[] } {
  const kept = new Set<Candidate>();
  const notes = new Map<Candidate, string[]>(candidates.map((c) => [c, c.notes]));
  // Each module tree is indexed by class once, not walked again for every candidate.
  const trees = new Map<ModuleInst, Map<string, ModuleInst[]>>();
  const instancesIn = (root: ModuleInst, className: string) => {
    let index = trees.get(root);
    if (!index) {
      index = instancesByClass(root);
      trees.set(root, index);
    }
    return index.get(className) ?? [];
  };
  // The kept candidates of a higher tier than the current one, in the order they were kept: made
  // again when the tier drops (candidates come by falling tier), not for each of hundreds of classes.
  let specific: Candidate[] = [];
  let specificTier: number | undefined;
  for (const candidate of [...candidates].sort((a, b) => b.tier - a.tier)) {
    const strict = candidate.tier > 0;
    if (candidate.tier !== specificTier) {
      specific = [...kept].filter((k) => k.tier > candidate.tier);
      specificTier = candidate.tier;
    }
    const has = (root: ModuleInst) => instancesIn(root, candidate.rootClass).some((i) => hasLayers(flatten(i), candidate.model.layers, '', strict));
    if (specific.some((k) => k.root !== undefined && has(k.root))) {
      notes.delete(candidate);
      continue;
    }
    // A class built without arguments it needs is a guess; the file's own construction of it gives them.
    const builtWith = candidate.lacks?.length ? specific.find((k) => k.rootClass === candidate.rootClass) : undefined;
    if (builtWith) {
      // Its own build notes are about that guess, which is not shown.
      notes.set(candidate, [
        `${candidate.model.name}: analysed as ${builtWith.model.name}, built with the arguments its defaults lack (${candidate.lacks!.join(', ')})`,
      ]);
      continue;
    }
    const sameClass = specific.filter((k) => k.rootClass === candidate.rootClass);
    const names = sameClass.length > 0 ? new Set(candidate.model.layers.map((layer) => layer.name)) : undefined;
    for (const smaller of sameClass.filter((k) => k.model.layers.every((l) => names!.has(l.name)))) {
      kept.delete(smaller);
      specific = specific.filter((k) => k !== smaller);
      notes.set(smaller, [
        ...smaller.notes,
        `${smaller.model.name}: its layers are part of those of ${candidate.tier === 0 ? `${candidate.model.name} with its default arguments` : candidate.model.name}, which is analysed instead`,
      ]);
    }
    kept.add(candidate);
  }
  // A model shown under its class's name keeps the class's place in the file's order.
  const classOf = sameAsClass(candidates);
  const place = new Map(candidates.map((c, index) => [c, index]));
  const placeOf = (c: Candidate) => place.get(classOf.get(c) ?? c)!;
  const ordered = candidates.filter((c) => kept.has(c)).sort((a, b) => placeOf(a) - placeOf(b));
  return { models: [...new Set(ordered.map((c) => classOf.get(c)?.model ?? c.model))], notes: candidates.flatMap((c) => notes.get(c) ?? []) };
}

/**
 * For each entry point, the class model it builds exactly (`model = Net()`: the class's default
 * network): such an entry point says nothing a less telling name would add, so it is shown as that model.
 */
function sameAsClass(candidates: Candidate[]): Map<Candidate, Candidate> {
  const found = new Map<Candidate, Candidate>();
  // Layer keys are made once per model (a file has hundreds of class models and few entry points).
  const keys = new Map<Model, string>();
  const keyOf = (model: Model) => {
    let key = keys.get(model);
    if (key === undefined) {
      key = layersKey(model);
      keys.set(model, key);
    }
    return key;
  };
  for (const candidate of candidates) {
    if (candidate.tier === 0) {
      continue;
    }
    const model = candidate.model;
    const same = candidates.find(
      (c) => c.tier === 0 && c.rootClass === candidate.rootClass && c.model.layers.length === model.layers.length && keyOf(c.model) === keyOf(model),
    );
    if (same) {
      found.set(candidate, same);
    }
  }
  return found;
}

/** What two models must share to be the same: layer names, types, fans, activations and inits in force. */
function layersKey(model: Model): string {
  return JSON.stringify(model.layers.map((l) => [l.name, l.type, l.fanIn, l.fanOut, l.activation, l.init, l.residual, l.normalized]));
}

/** Every module of the tree (the root included) by its class name. */
function instancesByClass(root: ModuleInst): Map<string, ModuleInst[]> {
  const found = new Map<string, ModuleInst[]>();
  const seen = new Set<ModuleInst>();
  const stack = [root];
  while (stack.length > 0) {
    const module = stack.pop()!;
    if (seen.has(module)) {
      continue;
    }
    seen.add(module);
    const list = found.get(module.className);
    if (list) {
      list.push(module);
    } else {
      found.set(module.className, [module]);
    }
    stack.push(...module.children.values());
  }
  return found;
}
