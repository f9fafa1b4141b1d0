/**
 * The Keras adapter: a parsed file → one Model per Sequential, per functional `keras.Model(inputs,
 * outputs)` and per Layer/Model subclass, with layers in data-flow order, the activation after
 * each and the initializer in force for every parameter, in Keras' own semantics.
 */
import type { Dim, FileGraph, InitInForce, Layer, Model } from '../../graph';
import type { PyNode } from '../../python/ast';
import type { Context, Evaluator } from '../../python/eval/contracts';
import { PythonEvaluator } from '../../python/eval/evaluator';
import { inFile, type ModuleResolvers } from '../../python/eval/imports';
import { ModelBudgets } from '../../python/eval/modelBudget';
import { argValueOf, type PyFunction } from '../../python/eval/values';
import { entryNames, EntryTrackingKeras } from './entryPoints';
import { localCalls } from './localModels';
import { isKerasClass, type KerasSemantics } from './host';
import { kerasInitVariance } from './initializers';
import { runSequential } from './layerCalls';
import { fansOf } from './shapes';
import { consumeLinearly, inputTensor } from './flow';
import { itemsOf, layerOf, modelOf, tensorOf, tensorValue, type InitChoice, type KerasHost, type LayerInst, type ModelInst } from './values';

type KerasEvaluator = Evaluator<KerasHost>;

/** Kinds of built-in layers that are layers of the graph (parametrised, norms, dropout). */
const GRAPH_KINDS = new Set(['dense', 'conv', 'conv_transpose', 'depthwise', 'separable', 'embedding', 'recurrent', 'norm', 'dropout', 'attention']);

function isGraphLayer(layer: LayerInst): boolean {
  return layer.builtin ? GRAPH_KINDS.has(layer.builtin.kind) : layer.params.length > 0;
}

/** Constructor arguments worth showing. */
const CONFIG_KEYS =
  'units filters kernel_size strides padding groups depth_multiplier use_bias rate epsilon input_dim output_dim return_sequences num_heads key_dim'.split(' ');

function initInForce(choice: InitChoice | null, shape: Dim[] | undefined): InitInForce | null {
  if (!choice) {
    return null;
  }
  return { name: choice.init.name, args: choice.init.args, source: choice.source, variance: kerasInitVariance(choice.init, shape), range: choice.range };
}

/** Graph keys of a custom layer's weights: the first vector-like `bias`, the first other `weight`, the rest by attribute. */
function customInits(layer: LayerInst): { init: Layer['init']; main?: LayerInst['params'][number] } {
  const init: Layer['init'] = {};
  let main: LayerInst['params'][number] | undefined;
  for (const param of layer.params) {
    const biasLike = /(^|_)(b|bias|beta)$/.test(param.attr) || param.shape?.length === 1;
    const key = biasLike && !('bias' in init) ? 'bias' : !biasLike && !main ? 'weight' : param.attr;
    if (key === 'weight') {
      main = param;
    }
    init[key] = initInForce(param.choice, param.shape);
  }
  return { init, main };
}

function toLayer(layer: LayerInst): Layer {
  const config: Layer['config'] = {};
  for (const key of CONFIG_KEYS) {
    const value = layer.args.get(key);
    if (value !== undefined) {
      config[key] = argValueOf(value, key);
    }
  }
  let init: Layer['init'] = {};
  let fanIn = layer.fanIn;
  let fanOut = layer.fanOut;
  if (layer.builtin) {
    for (const [key, choice] of layer.inits) {
      init[key] = initInForce(choice, layer.shapes.get(key));
    }
    if (layer.builtin.kind === 'dropout') {
      init = {};
    }
  } else {
    const custom = customInits(layer);
    init = custom.init;
    // Keras compute_fans of the main weight's shape (symbols where the shape has them).
    const shape = custom.main?.shape;
    if (shape && shape.length >= 2) {
      ({ fanIn, fanOut } = fansOf(shape));
    }
  }
  const activation = layer.uncertain ? 'unknown' : layer.flow.activation === undefined ? 'unknown' : layer.flow.activation;
  return {
    name: layer.name,
    type: layer.type,
    fanIn,
    fanOut,
    activation,
    init,
    residual: layer.flow.residual,
    normalized: layer.flow.normalized,
    definition: layer.definition ?? null,
    container: null,
    ownerClass: layer.ownerClass,
    range: layer.node.range,
    config,
  };
}

/** The layers of a graph in forward order: first use, then never-used ones in creation order. */
function ordered(layers: Iterable<LayerInst>): LayerInst[] {
  return [...new Set(layers)].filter(isGraphLayer).sort((a, b) => (a.flow.firstUse ?? Infinity) - (b.flow.firstUse ?? Infinity) || a.id - b.id);
}

/** Every layer object under a subclassed instance (its own children, recursively), wrapped layers included. */
function descendants(layer: LayerInst, out = new Set<LayerInst>()): Set<LayerInst> {
  for (const child of layer.children) {
    if (!out.has(child)) {
      out.add(child);
      descendants(child, out);
      if (child.inner) {
        out.add(child.inner);
      }
    }
  }
  if (layer.params.length > 0) {
    out.add(layer);
  }
  return out;
}

/** Layers in a Sequential's list (nested Sequentials and subclassed layers expanded). */
function sequentialLayers(model: ModelInst, seen = new Set<ModelInst>()): LayerInst[] {
  seen.add(model);
  const out: LayerInst[] = [];
  for (const item of model.layers) {
    const layer = layerOf(item);
    const inner = modelOf(item);
    if (layer) {
      out.push(layer, ...descendants(layer));
      if (layer.inner) {
        out.push(layer.inner);
      }
    } else if (inner && !seen.has(inner)) {
      out.push(...sequentialLayers(inner, seen));
    }
  }
  return out;
}

/**
 * A model's name: the variable of its script line when its builder made several (`names`), else as
 * the README says; a model a function keeps (`main()`'s `model`) is named after its variable.
 */
function modelName(model: ModelInst, names?: Map<ModelInst, string>): string {
  return (
    names?.get(model) ??
    model.functionName ??
    model.localName ??
    model.createdIn ??
    model.name ??
    model.declaredName ??
    (model.kind === 'sequential' ? 'sequential' : 'model')
  );
}

function callsAny(text: string, names: Set<string>): boolean {
  return [...names].some((name) => new RegExp(`\\b${name}\\s*\\(`).test(text));
}

/**
 * The file's top-level functions that make a model, directly or through another such function
 * (Keras applications: `DenseNet121()` returns `DenseNet([6, 12, 24, 16], …)`). Those calling
 * another builder come first.
 */
function modelBuilders(ev: KerasEvaluator): PyFunction<KerasHost>[] {
  const functions = [...ev.globals.vars.values()].flatMap((value) => (value.kind === 'func' ? [value.fn] : []));
  // A function whose text makes a model is worth running on its own when the file never calls it.
  const builders = new Set(functions.filter((fn) => /\b(Sequential|Model|Functional)\s*\(/.test(ev.text(fn.node))).map((fn) => fn.name));
  for (let grew = true; grew;) {
    grew = false;
    for (const fn of functions) {
      if (!builders.has(fn.name) && callsAny(ev.text(fn.node), builders)) {
        builders.add(fn.name);
        grew = true;
      }
    }
  }
  const selected = functions.filter((fn) => builders.has(fn.name));
  const wraps = (fn: PyFunction<KerasHost>) => callsAny(ev.text(fn.node), new Set([...builders].filter((name) => name !== fn.name)));
  return [...selected.filter(wraps), ...selected.filter((fn) => !wraps(fn))];
}

/**
 * Runs `work` for one entry point on a budget of its own (`budgets`); a spent budget or a failure
 * ends it with a note, never the analysis, and the models after it still get theirs.
 */
function guarded(ev: KerasEvaluator, budgets: ModelBudgets, what: string, work: () => void): void {
  const ran = budgets.run(() => {
    try {
      ev.guard(work, () => ev.note(`${what}: the evaluation budget ended its analysis: what it built so far is kept`));
    } catch (error) {
      ev.note(`${what} was not analysed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (!ran) {
    ev.note(`${what}: skipped, the file's models have spent ${budgets.skipped()} between them`);
  }
}

/** The graph models of the Sequential and functional models made while the file ran. */
function builtModels(ev: KerasEvaluator, keras: KerasSemantics, ctx: Context<KerasHost>, names: Map<ModelInst, string>, budgets: ModelBudgets): Model[] {
  const built: { model: Model; members: Set<LayerInst> }[] = [];
  // One model per creation site and entry point: a builder run twice is one model, but
  // `ResNet50()` and `ResNet101()` both building through `ResNet(…)` are two, and so are
  // `relu_model = create_network(…)` and `selu_model = create_network(…)`.
  const seenSites = new Map<PyNode, Set<string>>();
  for (const model of keras.state.models) {
    const entries = seenSites.get(model.node) ?? new Set<string>();
    const name = modelName(model, names);
    if (model.insideLayer) {
      continue;
    }
    if (entries.has(name)) {
      // A second call of one builder that no script variable names (a loop, a list): not dropped silently.
      ev.note(`${name}: built again at line ${model.node.range.start.line + 1}; the first one is analysed`);
      continue;
    }
    seenSites.set(model.node, entries.add(name));
    let layers: LayerInst[] = [];
    guarded(ev, budgets, `model ${modelName(model)}`, () => {
      if (model.kind === 'sequential') {
        consumeLinearly(model.ran ?? runSequential(model, undefined, { node: model.node, ctx, ev }));
        layers = ordered(sequentialLayers(model));
      } else {
        layers = ordered(model.outputs.flatMap((tensor) => [...tensor.history]));
      }
    });
    if (layers.length > 0) {
      built.push({ model: { name, range: model.node.range, layers: layers.map(toLayer) }, members: new Set(layers) });
    }
  }
  // A Sequential or functional model used whole inside another (an encoder in an autoencoder) is
  // reported once, as part of the outer model: its layers are the same objects.
  return built
    .filter(
      (entry, index) =>
        !built.some(
          (other, otherIndex) =>
            otherIndex !== index &&
            [...entry.members].every((layer) => other.members.has(layer)) &&
            (other.members.size > entry.members.size || otherIndex < index),
        ),
    )
    .map((entry) => entry.model);
}

/** Names the models a function of this file makes and keeps: after their variable, else their `name=`, else their kind. */
function nameLocalModels(keras: KerasSemantics, root: PyNode, text: (node: PyNode) => string): void {
  const local = localCalls(root, text);
  for (const model of keras.state.models) {
    const use = model.createdIn !== undefined && inFile(model.node, root) ? local.get(model.node.startIndex) : undefined;
    if (use) {
      model.localName = use.variable ?? model.declaredName ?? (model.kind === 'sequential' ? 'sequential' : 'model');
    }
  }
}

/** Extracts every Keras model of a file. `root` is the syntax tree of `source`; `modules` resolves its workspace imports. */
export function extractKeras(root: PyNode, source: string, path: string, modules?: ModuleResolvers): FileGraph {
  const keras = new EntryTrackingKeras();
  const ev = new PythonEvaluator<KerasHost>(source, keras, { modules: modules?.forEvaluator<KerasHost>() });
  ev.runModule(root);
  const ctx = ev.rootContext();
  // Each model (a builder run, a Sequential run, a subclass built) starts from the budget the module left.
  const budgets = new ModelBudgets(ev);
  // A model bound to a module-level name is named after it (unless a builder function made it).
  for (const [name, value] of ev.globals.vars) {
    const model = modelOf(value);
    if (model) {
      model.name ??= name;
    }
  }
  // Model builders the file defines but never calls: run them with their defaults, the wrappers
  // first (`ResNet50()` → `ResNet(stack_fn, …)`), so the generic builder runs with real arguments.
  for (const fn of modelBuilders(ev).filter((builder) => inFile(builder.node, root))) {
    if (!keras.state.calledFunctions.has(fn.node)) {
      guarded(ev, budgets, `${fn.name}()`, () => {
        const model = modelOf(ev.call({ kind: 'func', fn }, [], new Map(), fn.node, ctx));
        if (model) {
          // Named after the entry point the user calls, not the generic builder inside it.
          model.functionName = fn.name;
        }
      });
    }
  }
  nameLocalModels(keras, root, (node) => ev.text(node));
  const isFunction = (name: string): boolean => ev.globals.vars.get(name)?.kind === 'func';
  const names = entryNames(
    keras,
    root,
    (node) => ev.text(node),
    isFunction,
    (model) => modelName(model),
  );
  const models = builtModels(ev, keras, ctx, names, budgets);
  // Subclassed layers and models: each built on its own, with defaults, as if in a fresh session.
  for (const value of ev.globals.vars.values()) {
    if (value.kind !== 'class' || !isKerasClass(value.cls) || (value.cls.node && !inFile(value.cls.node, root))) {
      continue;
    }
    const cls = value.cls;
    let layers: LayerInst[] = [];
    guarded(ev, budgets, `class ${cls.name}`, () => {
      keras.state.resetNames();
      const instance = ev.instantiate(cls, [], new Map(), cls.node!, ctx);
      const layer = layerOf(instance);
      if (!layer) {
        return;
      }
      // The outputs of its run are consumed linearly (the model's output has no activation after it).
      const outputs = ev.call(instance, [tensorValue(inputTensor(undefined))], new Map(), cls.node!, ctx);
      (itemsOf(outputs) ?? [outputs]).flatMap((item) => tensorOf(item) ?? []).forEach(consumeLinearly);
      layers = ordered(descendants(layer));
    });
    if (layers.length > 0) {
      models.push({ name: cls.name, range: cls.node!.range, layers: layers.map(toLayer) });
    }
  }
  return { path, framework: 'keras', models, notes: ev.notes };
}
