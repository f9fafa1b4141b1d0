/**
 * The Keras adapter: a parsed file → one Model per Sequential, per functional `keras.Model(inputs,
 * outputs)` and per Layer/Model subclass, with layers in data-flow order, the activation after
 * each and the initializer in force for every parameter, in Keras' own semantics.
 */
import type { Dim, FileGraph, InitInForce, Layer, Model } from '../../graph';
import type { PyNode } from '../../python/ast';
import { kerasInitVariance } from './initializers';
import { fansOf } from './shapes';
import { BudgetExceeded, KerasInterpreter, type CallSite, type Context } from './interpreter';
import { constructLocalLayer } from './kerasCalls';
import { callLayer, runSequential } from './layerCalls';
import { argValue, consumeLinearly, inputTensor, type InitChoice, type LayerInst, type LocalFunction, type ModelInst, type Value } from './values';

/** Kinds of built-in layers that are layers of the graph (parametrised, norms, dropout). */
const GRAPH_KINDS = new Set(['dense', 'conv', 'conv_transpose', 'depthwise', 'separable', 'embedding', 'recurrent', 'norm', 'dropout', 'attention']);

function isGraphLayer(layer: LayerInst): boolean {
  return layer.builtin ? GRAPH_KINDS.has(layer.builtin.kind) : layer.params.length > 0;
}

/** Constructor arguments worth showing. */
const CONFIG_KEYS = [
  'units',
  'filters',
  'kernel_size',
  'strides',
  'padding',
  'groups',
  'depth_multiplier',
  'use_bias',
  'rate',
  'epsilon',
  'input_dim',
  'output_dim',
  'return_sequences',
  'num_heads',
  'key_dim',
];

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
      config[key] = argValue(value, key);
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
    if (item.kind === 'layer') {
      out.push(item.layer, ...descendants(item.layer));
      if (item.layer.inner) {
        out.push(item.layer.inner);
      }
    } else if (item.kind === 'model' && !seen.has(item.model)) {
      out.push(...sequentialLayers(item.model, seen));
    }
  }
  return out;
}

function emptyCall(node: PyNode): CallSite {
  return { node, positional: [], positionalNodes: [], keywords: new Map(), keywordNodes: new Map(), hasSplat: false };
}

function modelName(model: ModelInst): string {
  return model.functionName ?? model.name ?? model.createdIn ?? model.declaredName ?? (model.kind === 'sequential' ? 'sequential' : 'model');
}

function isSubset<T>(a: Set<T>, b: Set<T>): boolean {
  return [...a].every((item) => b.has(item));
}

/** True when a function's text makes a model (worth running on its own when the file never calls it). */
function buildsModel(text: string): boolean {
  return /\b(Sequential|Model|Functional)\s*\(/.test(text);
}

function callsAny(text: string, names: Set<string>): boolean {
  return [...names].some((name) => new RegExp(`\\b${name}\\s*\\(`).test(text));
}

/**
 * The file's top-level functions that make a model, directly or through another such function
 * (Keras applications: `DenseNet121()` returns `DenseNet([6, 12, 24, 16], …)`). Those calling
 * another builder come first.
 */
function modelBuilders(interp: KerasInterpreter): LocalFunction[] {
  const functions = [...interp.globals.vars.values()].flatMap((value) => (value.kind === 'func' ? [value.fn] : []));
  const direct = new Set(functions.filter((fn) => buildsModel(interp.text(fn.node))).map((fn) => fn.name));
  const builders = new Set(direct);
  for (let grew = true; grew;) {
    grew = false;
    for (const fn of functions) {
      if (!builders.has(fn.name) && callsAny(interp.text(fn.node), builders)) {
        builders.add(fn.name);
        grew = true;
      }
    }
  }
  const selected = functions.filter((fn) => builders.has(fn.name));
  const wraps = (fn: LocalFunction) => callsAny(interp.text(fn.node), new Set([...builders].filter((name) => name !== fn.name)));
  return [...selected.filter(wraps), ...selected.filter((fn) => !wraps(fn))];
}

/** Extracts every Keras model of a file. `root` is the syntax tree of `source`. */
export function extractKeras(root: PyNode, source: string, path: string): FileGraph {
  const notes: string[] = [];
  const interp = new KerasInterpreter(source);
  const ctx: Context = { uncertain: false, depth: 0 };
  const statements = root.children.filter((node) => node.type !== 'ERROR');
  let budgetSpent = false;
  const guarded = (what: string, run: () => void) => {
    if (budgetSpent) {
      return;
    }
    try {
      run();
    } catch (error) {
      if (error instanceof BudgetExceeded) {
        budgetSpent = true;
        notes.push(`keras: ${what}: ${error.message}; the rest of the file was not analysed`);
      } else if (!(error instanceof Error)) {
        // A `return`/`break` signal at module level: ignore.
      } else {
        notes.push(`keras: ${what} was not analysed: ${error.message}`);
      }
    }
  };
  for (const statement of statements) {
    guarded(`line ${statement.range.start.line + 1}`, () => interp.runStatement(statement, interp.globals, ctx));
  }
  // Model builders the file defines but never calls: run them with their defaults, the wrappers
  // first (`ResNet50()` → `ResNet(stack_fn, …)`), so the generic builder runs with real arguments.
  for (const fn of modelBuilders(interp)) {
    if (!interp.calledFunctions.has(fn.node)) {
      guarded(`${fn.name}()`, () => {
        const result = interp.callFunction(fn, [], new Map(), ctx);
        if (result.kind === 'model') {
          // Named after the entry point the user calls, not the generic builder inside it.
          result.model.functionName = fn.name;
        }
      });
    }
  }
  const models: Model[] = [];
  const built: { model: Model; members: Set<LayerInst> }[] = [];
  // One model per creation site and entry point: a builder run twice is one model, but
  // `ResNet50()` and `ResNet101()` both building through `ResNet(…)` are two.
  const seenSites = new Map<PyNode, Set<string>>();
  for (const model of interp.models) {
    const entries = seenSites.get(model.node) ?? new Set<string>();
    if (entries.has(modelName(model)) || model.insideLayer) {
      continue;
    }
    seenSites.set(model.node, entries.add(modelName(model)));
    let layers: LayerInst[] = [];
    guarded(`model ${modelName(model)}`, () => {
      if (model.kind === 'sequential') {
        if (!model.ran) {
          consumeLinearly(runSequential(interp, model, undefined, ctx));
        } else {
          consumeLinearly(model.ran);
        }
        layers = ordered(sequentialLayers(model));
      } else {
        layers = ordered(model.outputs.flatMap((tensor) => [...tensor.history]));
      }
    });
    if (layers.length > 0) {
      built.push({ model: { name: modelName(model), range: model.node.range, layers: layers.map(toLayer) }, members: new Set(layers) });
    }
  }
  // A Sequential or functional model used whole inside another (an encoder in an autoencoder) is
  // reported once, as part of the outer model: its layers are the same objects.
  built.forEach((entry, index) => {
    const inside = built.some(
      (other, otherIndex) => otherIndex !== index && isSubset(entry.members, other.members) && (other.members.size > entry.members.size || otherIndex < index),
    );
    if (!inside) {
      models.push(entry.model);
    }
  });
  // Subclassed layers and models: each built on its own, with defaults, as if in a fresh session.
  for (const cls of interp.classes.values()) {
    if (!interp.isKerasClass(cls)) {
      continue;
    }
    let layers: LayerInst[] = [];
    guarded(`class ${cls.name}`, () => {
      interp.resetNames();
      const instance: Value = constructLocalLayer(interp, cls, emptyCall(cls.node), ctx);
      if (instance.kind !== 'layer') {
        return;
      }
      const output = callLayer(
        interp,
        instance.layer,
        { ...emptyCall(cls.node), positional: [{ kind: 'tensor', tensor: inputTensor(undefined) }], positionalNodes: [cls.node] },
        ctx,
      );
      if (output.kind === 'tensor') {
        consumeLinearly(output.tensor);
      } else if (output.kind === 'seq') {
        output.items.forEach((item) => item.kind === 'tensor' && consumeLinearly(item.tensor));
      }
      layers = ordered(descendants(instance.layer));
    });
    if (layers.length > 0) {
      models.push({ name: cls.name, range: cls.node.range, layers: layers.map(toLayer) });
    }
  }
  return { path, framework: 'keras', models, notes };
}
