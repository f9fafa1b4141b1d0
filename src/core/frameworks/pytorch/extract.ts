/**
 * The PyTorch adapter: a parsed file → its models, with their layers in data-flow order, the
 * activation after each, and the init in force for every parameter. It runs on the one Python
 * evaluator (src/core/python/eval): the file runs once (imports, classes, module-level code), then
 * the networks the file builds are models named as the user calls them (./entryModels.ts: `resnet50`,
 * `netG`), and every `nn.Module` subclass is built with its default arguments (or the instance
 * module-level code made) and its `forward` run on fresh inputs, unless such a network already
 * has all of its layers.
 */
import type { FileGraph, Model } from '../../graph';
import type { DefinitionReuse } from '../../incremental/reuseHooks';
import type { PyNode } from '../../python/ast';
import { PythonEvaluator } from '../../python/eval/evaluator';
import { inFile, type ModuleResolvers } from '../../python/eval/imports';
import { findInClass } from '../../python/eval/attributes';
import { Scope } from '../../python/eval/scope';
import type { PyClass } from '../../python/eval/values';
import { buildEntryModels, chooseModels, type Candidate } from './entryModels';
import { modelParts } from './graphLayers';
import { FileBudget } from '../../python/eval/modelBudget';
import { isolatedOutcome, runModelForward } from './modelRun';
import { TorchFramework } from './torchFramework';
import { moduleOf, type TorchHost, type TorchValue } from './torchHost';

/** Lets the incremental memo (../../incremental/) hand back a class's earlier outcome instead of rebuilding it. */
export type ClassReuse = DefinitionReuse;

/** Extracts every model of a file. `root` is the syntax tree of `source`; `modules` resolves its workspace imports. */
export function extractPytorch(root: PyNode, source: string, path: string, reuse?: ClassReuse, modules?: ModuleResolvers): FileGraph {
  const replay = reuse?.moduleReplay;
  const torch = new TorchFramework(source, replay?.hostNames as Map<string, TorchValue | undefined> | undefined);
  torch.root = root;
  const ev = new PythonEvaluator<TorchHost>(source, torch, { shapes: reuse?.functionShapes, replay, modules: modules?.forEvaluator<TorchHost>() });
  ev.runModule(root);
  const notes = ev.notes;
  const start = { steps: ev.budget.steps, instances: ev.budget.instances };
  const file: FileParts = {
    posts: postConstructions(ev, root),
    dataclasses: [...ev.globals.vars.values()].flatMap((v) => (v.kind === 'class' && v.cls.fields ? [v.cls] : [])),
  };
  const candidates: Candidate[] = [];
  const seen = new Set<PyClass<TorchHost>>();
  // Each model starts afresh from `start`; the file's budget bounds the sum of their steps.
  const fileBudget = new FileBudget(ev);
  for (const value of ev.globals.vars.values()) {
    if (value.kind !== 'class' || seen.has(value.cls) || value.cls.fields || !value.cls.node || !inFile(value.cls.node, root) || !torch.torchBase(value.cls)) {
      continue;
    }
    seen.add(value.cls);
    const over = fileBudget.spentOn();
    if (over) {
      // Not kept for reuse: whether it is skipped depends on the models before it.
      notes.push(`${value.cls.name}: skipped, the file's models have spent ${over} between them`);
      continue;
    }
    const definition = { name: value.cls.name, node: value.cls.node };
    const cls = value.cls;
    const outcome = reuse?.take(definition) ?? isolatedOutcome(ev, cls.name, start, () => buildModel(ev, torch, cls, file));
    reuse?.keep(definition, outcome);
    fileBudget.add(outcome);
    if (outcome.model && isLayerType(torch, cls, outcome.model)) {
      // `class Linear(nn.Linear)`, `StdConv2d(nn.Conv2d)`: a layer type, judged where models use it;
      // built alone with symbolic arguments it has no layers of its own, only noise.
      continue;
    }
    if (outcome.model) {
      candidates.push({ model: outcome.model, tier: 0, rootClass: cls.name, notes: outcome.notes, lacks: defaultsLack(ev, cls, file.dataclasses) });
    } else {
      notes.push(...outcome.notes);
    }
  }
  for (const { entry, outcome, root: built } of buildEntryModels(ev, torch, root, start, fileBudget, reuse)) {
    if (outcome.model && built) {
      candidates.push({ model: outcome.model, tier: entry.kind === 'factory' ? 1 : 2, rootClass: built.className, root: built, notes: outcome.notes });
    } else {
      notes.push(...outcome.notes);
    }
  }
  // One model per network the file builds: entry points first, classes alone where no entry point has them.
  const chosen = chooseModels(candidates);
  notes.push(...chosen.notes);
  const models: Model[] = chosen.models;
  return { path, framework: 'pytorch', models, notes };
}

/** The containers a model class may extend (`class MLP(nn.Sequential)`): a subclass of one is a model. */
const CONTAINER_BASES = new Set(['Module', 'Sequential', 'ModuleList', 'ModuleDict']);

/** True for a subclass of a built-in layer (not a container) whose default build gives no layers. */
function isLayerType(torch: TorchFramework, cls: PyClass<TorchHost>, model: Model): boolean {
  const base = torch.torchBase(cls);
  return base !== undefined && !CONTAINER_BASES.has(base) && model.layers.length === 0;
}

function buildModel(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, cls: PyClass<TorchHost>, file: FileParts): Model {
  const post = file.posts.get(cls.name);
  const node = cls.node!;
  const ctx = ev.rootContext();
  const instance = ev.instantiate(cls, [], configArguments(ev, cls, file.dataclasses), node, ctx);
  const root = moduleOf(instance);
  if (!root) {
    return { name: cls.name, range: node.range, layers: [] };
  }
  if (post) {
    // What module-level code does to an instance right after building it (`model.apply(init_weights)`).
    const scope = new Scope<TorchValue>('function', ev.globals);
    scope.set(post.variable, instance);
    for (const statement of post.statements) {
      ev.execute(statement, scope, ctx);
    }
  }
  runModelForward(ev, torch, instance, node, ctx);
  return { name: cls.name, range: node.range, ...modelParts(root) };
}

/** Config parameters named like one (`config`, `cfg`, `args`, …). */
const CONFIG_NAME = /^(config|cfg|conf|model_config|model_cfg|args|hparams|params)$/i;

/**
 * Arguments for a model's `__init__` parameters that have no default: a config dataclass of the
 * file with its defaults — the one the annotation names (`config: GPTConfig`), or, for a parameter
 * named like a config, the class's `config_class` (Hugging Face) or else the file's only dataclass
 * named like one (nanoGPT style). Others stay unbound.
 */
function configArguments(ev: PythonEvaluator<TorchHost>, cls: PyClass<TorchHost>, dataclasses: PyClass<TorchHost>[]): Map<string, TorchValue> {
  const kwargs = new Map<string, TorchValue>();
  for (const [name, { config, parameter }] of configParameters(ev, cls, dataclasses)) {
    kwargs.set(name, ev.instantiate(config, [], new Map(), parameter, ev.rootContext()));
  }
  return kwargs;
}

/** The `__init__` parameters `configArguments` fills, with the config class of each. */
function configParameters(
  ev: PythonEvaluator<TorchHost>,
  cls: PyClass<TorchHost>,
  dataclasses: PyClass<TorchHost>[],
): Map<string, { config: PyClass<TorchHost>; parameter: PyNode }> {
  const found = new Map<string, { config: PyClass<TorchHost>; parameter: PyNode }>();
  const init = findInClass(cls, '__init__')?.value;
  // Hugging Face: the model class names its configuration class (`config_class = BertConfig`).
  const declared = findInClass(cls, 'config_class')?.value;
  const named = declared?.kind === 'class' ? declared.cls : undefined;
  if (init?.kind !== 'func' || (dataclasses.length === 0 && !named)) {
    return found;
  }
  const configs = named ? [named] : dataclasses.filter((c) => /(config|cfg|args|params)$/i.test(c.name));
  for (const parameter of init.fn.node.fields.parameters?.children ?? []) {
    const typed = parameter.type === 'typed_parameter';
    const name = ev.text(typed ? parameter.children[0]! : parameter);
    if (parameter.type !== 'identifier' && !typed) {
      continue;
    }
    const annotation = typed ? ev.text(parameter.fields.type!) : '';
    const config = dataclasses.find((c) => c.name === annotation) ?? (CONFIG_NAME.test(name) && configs.length === 1 ? configs[0] : undefined);
    if (config) {
      found.set(name, { config, parameter });
    }
  }
  return found;
}

/**
 * The `__init__` parameters a build with the class's defaults lacks (no default, no config to stand
 * for it): such a build is a guess at sizes the file's own construction gives.
 */
function defaultsLack(ev: PythonEvaluator<TorchHost>, cls: PyClass<TorchHost>, dataclasses: PyClass<TorchHost>[]): string[] {
  const init = findInClass(cls, '__init__')?.value;
  if (init?.kind !== 'func') {
    return [];
  }
  const configs = configParameters(ev, cls, dataclasses);
  return init.fn.params
    .slice(init.fn.binding === 'method' ? 1 : 0)
    .filter((p) => (p.kind === 'positional' || p.kind === 'keyword') && !init.fn.defaults.has(p.name) && !configs.has(p.name))
    .map((p) => p.name);
}

/** What the models of a file share: module-level code acting on instances, the config dataclasses. */
interface FileParts {
  posts: Map<string, PostConstruction>;
  dataclasses: PyClass<TorchHost>[];
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
function postConstructions(ev: PythonEvaluator<TorchHost>, root: PyNode): Map<string, PostConstruction> {
  const found = new Map<string, PostConstruction>();
  const blocks: PyNode[][] = [root.children];
  for (const statement of root.children) {
    if (statement.type === 'if_statement' && /__name__/.test(ev.text(statement.fields.condition!))) {
      blocks.push(statement.fields.consequence?.children ?? []);
    }
  }
  for (const block of blocks) {
    block.forEach((statement, i) => {
      const assignment = statement.children[0];
      if (statement.type !== 'expression_statement' || assignment?.type !== 'assignment' || assignment.fields.left?.type !== 'identifier') {
        return;
      }
      const className = constructedClass(ev, assignment.fields.right);
      if (!className || found.has(className)) {
        return;
      }
      const variable = ev.text(assignment.fields.left);
      const mentions = new RegExp(`\\b${variable}\\b`);
      const after = block
        .slice(i + 1)
        .filter((s) => (s.type === 'expression_statement' || s.type === 'for_statement') && mentions.test(ev.text(s)) && !reassigns(ev, s, variable));
      found.set(className, { variable, statements: after });
    });
  }
  return found;
}

/** `Cls(...)` or `Cls(...).to(device)`: the class name called, if the expression builds one. */
function constructedClass(ev: PythonEvaluator<TorchHost>, node: PyNode | undefined): string | undefined {
  let current = node;
  while (current?.type === 'call') {
    const callee = current.fields.function;
    if (callee?.type === 'identifier') {
      return ev.text(callee);
    }
    current = callee?.type === 'attribute' ? callee.fields.object : undefined;
  }
  return undefined;
}

function reassigns(ev: PythonEvaluator<TorchHost>, statement: PyNode, variable: string): boolean {
  const assignment = statement.children[0];
  return assignment?.type === 'assignment' && assignment.fields.left !== undefined && ev.text(assignment.fields.left) === variable;
}
