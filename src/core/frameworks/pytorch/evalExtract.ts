/**
 * The PyTorch adapter on the one Python evaluator: the file runs once (imports, classes, module-level
 * code such as `model = Net(); model.apply(init_weights)`), then every `nn.Module` subclass is built
 * (`__init__`, or the instance module-level code made) and its `forward` run on fresh inputs.
 */
import type { FileGraph, Model } from '../../graph';
import type { ModelOutcome } from '../../incremental/reuseHooks';
import type { PyNode } from '../../python/ast';
import { PythonEvaluator } from '../../python/eval/evaluator';
import { findInClass } from '../../python/eval/attributes';
import type { PyClass } from '../../python/eval/values';
import { consumeLinearly, tensorOf } from './flow';
import { flatten } from './graphLayers';
import { TorchFramework } from './torchFramework';
import { moduleOf, tensorOfValue, tensorValue, type TorchHost, type TorchValue } from './torchHost';

/** Lets the incremental memo hand back a class's earlier outcome instead of rebuilding it. */
export interface EvalClassReuse {
  take(definition: { name: string; node: { startIndex: number } }): ModelOutcome | undefined;
  keep(definition: { name: string; node: { startIndex: number } }, outcome: ModelOutcome): void;
}

/** Extracts every model of a file. `root` is the syntax tree of `source`. */
export function extractPytorchOnEvaluator(root: PyNode, source: string, path: string, reuse?: EvalClassReuse): FileGraph {
  const torch = new TorchFramework(source);
  torch.root = root;
  const ev = new PythonEvaluator<TorchHost>(source, torch, { moduleName: '__main__' });
  ev.runModule(root);
  const notes = ev.notes;
  const models: Model[] = [];
  const seen = new Set<PyClass<TorchHost>>();
  for (const value of ev.globals.vars.values()) {
    if (value.kind !== 'class' || seen.has(value.cls) || value.cls.fields || !value.cls.node || !torch.torchBase(value.cls)) {
      continue;
    }
    seen.add(value.cls);
    const definition = { name: value.cls.name, node: value.cls.node };
    const outcome = reuse?.take(definition) ?? buildOutcome(ev, torch, value.cls);
    reuse?.keep(definition, outcome);
    if (outcome.model) {
      models.push(outcome.model);
    }
    notes.push(...outcome.notes);
  }
  return { path, framework: 'pytorch', models, notes };
}

function buildOutcome(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, cls: PyClass<TorchHost>): ModelOutcome {
  const before = ev.notes.length;
  const model = ev.guard<Model | undefined>(
    () => buildModel(ev, torch, cls),
    () => undefined,
  );
  const notes = ev.notes.slice(before).map((note) => `${cls.name}: ${note}`);
  if (!model) {
    return { notes: [...notes, `${cls.name}: skipped, the model is too large to analyse statically within the budget`] };
  }
  return { model, notes };
}

function buildModel(ev: PythonEvaluator<TorchHost>, torch: TorchFramework, cls: PyClass<TorchHost>): Model {
  const node = cls.node!;
  const ctx = ev.rootContext();
  const instance = torch.moduleLevel.get(cls) ?? ev.instantiate(cls, [], configArguments(ev, cls), node, ctx);
  const root = moduleOf(instance);
  if (!root) {
    return { name: cls.name, range: node.range, layers: [] };
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
 * named like a config, the file's only dataclass named like one (nanoGPT style). Others stay unbound.
 */
function configArguments(ev: PythonEvaluator<TorchHost>, cls: PyClass<TorchHost>): Map<string, TorchValue> {
  const kwargs = new Map<string, TorchValue>();
  const init = findInClass(cls, '__init__')?.value;
  if (init?.kind !== 'func') {
    return kwargs;
  }
  const dataclasses = [...ev.globals.vars.values()].flatMap((v) => (v.kind === 'class' && v.cls.fields ? [v.cls] : []));
  const configs = dataclasses.filter((c) => /(config|cfg|args|params)$/i.test(c.name));
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
