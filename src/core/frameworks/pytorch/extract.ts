/**
 * The PyTorch adapter: a parsed file → one Model per `nn.Module` subclass, with its layers in
 * data-flow order, the activation after each, and the init in force for every parameter. It runs
 * on the one Python evaluator (src/core/python/eval): the file runs once (imports, classes, module-level
 * code such as `model = Net(); model.apply(init_weights)`), then every `nn.Module` subclass is built
 * (`__init__`, or the instance module-level code made) and its `forward` run on fresh inputs.
 */
import type { FileGraph, Model } from '../../graph';
import type { DefinitionReuse, ModelOutcome } from '../../incremental/reuseHooks';
import type { PyNode } from '../../python/ast';
import { PythonEvaluator } from '../../python/eval/evaluator';
import { inFile, type ModuleResolvers } from '../../python/eval/imports';
import { findInClass } from '../../python/eval/attributes';
import { Scope } from '../../python/eval/scope';
import type { PyClass } from '../../python/eval/values';
import { consumeLinearly, tensorOf } from './flow';
import { flatten } from './graphLayers';
import { TorchFramework } from './torchFramework';
import { moduleOf, tensorOfValue, tensorValue, type TorchHost, type TorchValue } from './torchHost';

/** Lets the incremental memo (../../incremental/) hand back a class's earlier outcome instead of rebuilding it. */
export type ClassReuse = DefinitionReuse;

/** Extracts every model of a file. `root` is the syntax tree of `source`; `modules` resolves its workspace imports. */
export function extractPytorch(root: PyNode, source: string, path: string, reuse?: ClassReuse, modules?: ModuleResolvers): FileGraph {
  const torch = new TorchFramework(source);
  torch.root = root;
  const ev = new PythonEvaluator<TorchHost>(source, torch, { shapes: reuse?.functionShapes, modules: modules?.forEvaluator<TorchHost>() });
  ev.runModule(root);
  const notes = ev.notes;
  const start = { steps: ev.budget.steps, instances: ev.budget.instances };
  const file: FileParts = {
    posts: postConstructions(ev, root),
    dataclasses: [...ev.globals.vars.values()].flatMap((v) => (v.kind === 'class' && v.cls.fields ? [v.cls] : [])),
  };
  const models: Model[] = [];
  const seen = new Set<PyClass<TorchHost>>();
  for (const value of ev.globals.vars.values()) {
    if (value.kind !== 'class' || seen.has(value.cls) || value.cls.fields || !value.cls.node || !inFile(value.cls.node, root) || !torch.torchBase(value.cls)) {
      continue;
    }
    seen.add(value.cls);
    const definition = { name: value.cls.name, node: value.cls.node };
    const outcome = reuse?.take(definition) ?? buildOutcome(ev, torch, value.cls, file, start);
    reuse?.keep(definition, outcome);
    if (outcome.model) {
      models.push(outcome.model);
    }
    notes.push(...outcome.notes);
  }
  return { path, framework: 'pytorch', models, notes };
}

/**
 * One model's outcome. Each model starts from the budget left after the module ran, with notes of
 * its own, so that its outcome does not depend on which other models were built (the incremental
 * memo reuses outcomes class by class).
 */
function buildOutcome(
  ev: PythonEvaluator<TorchHost>,
  torch: TorchFramework,
  cls: PyClass<TorchHost>,
  file: FileParts,
  start: { steps: number; instances: number },
): ModelOutcome {
  const budget = ev.budget;
  const fileNotes = [...budget.notes];
  budget.notes.clear();
  budget.steps = start.steps;
  budget.instances = start.instances;
  const model = ev.guard<Model | undefined>(
    () => buildModel(ev, torch, cls, file),
    () => undefined,
  );
  const notes = [...budget.notes].map((note) => `${cls.name}: ${note}`);
  budget.notes.clear();
  fileNotes.forEach((note) => budget.notes.add(note));
  if (!model) {
    return { notes: [...notes, `${cls.name}: skipped, the model is too large to analyse statically within the budget`] };
  }
  return { model, notes };
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
  // Tensors for the parameters of forward without a default; the others keep their defaults (`past=None`).
  const forward = findInClass(cls, 'forward')?.value;
  const params = forward?.kind === 'func' ? forward.fn.params.slice(1) : [];
  const required = params.filter((p) => p.kind === 'positional' && !p.defaultNode).length;
  const args: TorchValue[] = Array.from({ length: Math.max(1, required) }, () => tensorValue(tensorOf([], true)));
  torch.runningModel = true;
  try {
    consumeOutput(ev.call(instance, args, new Map(), node, ctx));
  } finally {
    torch.runningModel = false;
  }
  return { name: cls.name, range: node.range, layers: flatten(root) };
}

/** What forward returns is the model output: no activation follows it. */
function consumeOutput(value: TorchValue): void {
  const tensor = tensorOfValue(value);
  if (tensor) {
    consumeLinearly(tensor);
  } else if (value.kind === 'list') {
    value.items.forEach(consumeOutput);
  } else if (value.kind === 'dict') {
    [...value.entries.values()].forEach((entry) => consumeOutput(entry.value));
  } else if (value.kind === 'object' && !value.host) {
    // Outputs packed in a namedtuple or dataclass (`GoogLeNetOutputs(x, aux2, aux1)`).
    [...value.attrs.values()].forEach(consumeOutput);
  }
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
  const init = findInClass(cls, '__init__')?.value;
  // Hugging Face: the model class names its configuration class (`config_class = BertConfig`).
  const declared = findInClass(cls, 'config_class')?.value;
  const named = declared?.kind === 'class' ? declared.cls : undefined;
  if (init?.kind !== 'func' || (dataclasses.length === 0 && !named)) {
    return kwargs;
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
      kwargs.set(name, ev.instantiate(config, [], new Map(), parameter, ev.rootContext()));
    }
  }
  return kwargs;
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
