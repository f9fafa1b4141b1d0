/**
 * Flax on the one Python evaluator: its names, the operations on its host values (layers,
 * tensors, initializers), its local modules, and how the models of a file are found and run.
 * One instance per analysed file: it holds that file's record of layers.
 */
import type { Model, Range } from '../../graph';
import type { PyNode } from '../../python/ast';
import { findInClass } from '../../python/eval/attributes';
import type { BranchWatch, Evaluator, HostSemantics, Kwargs, Site } from '../../python/eval/contracts';
import { inFile } from '../../python/eval/imports';
import { ModelBudgets } from '../../python/eval/modelBudget';
import { sym, type PyClass, type ValueOf } from '../../python/eval/values';
import { endSlot } from '../../branchActivations';
import { watchLayers } from '../../layerFlow';
import { callHost, opaque, type FlaxRecord } from './apply';
import { addTensors, activated, merge, settle, UseClock } from './flow';
import { host, layerName, tensorOf, tensorValue, type FlaxHost, type LayerInst, type TensorInfo, type Value } from './host';
import { withFactories } from './factoryEntries';
import { sameAsClass, scriptEntries, withoutCoveredClasses, type FlaxEntry } from './entryPoints';
import { buildLayer } from './layers';
import { callModule, ensureSetup, flavourOf, initModule, moduleAttributeSet, moduleClassDefined } from './modules';
import { resolveFlax } from './namespaces';

type S = Site<FlaxHost>;

/** Parameters of `__call__` that are flags, not arrays. */
const FLAG_NAME = /^(train|training|is_training|deterministic|decode|use_running_average|return_\w+|mask|rngs?|key|carry|state)$/;

/** Flax's semantics for one file: the host semantics the one Python evaluator calls. */
export class FlaxFramework implements HostSemantics<FlaxHost> {
  readonly id = 'flax' as const;
  private record: FlaxRecord = { layers: [], clock: new UseClock() };
  private statements: Map<PyNode, PyNode> | undefined;

  constructor(private readonly root: PyNode) {}

  /** The layers built since the last model began (all of the file's before `findModels`), in build order. */
  built(): readonly LayerInst[] {
    return this.record.layers;
  }

  readonly resolve = resolveFlax;

  call(callee: FlaxHost, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value {
    return callHost(this.record, callee, args, kwargs, site);
  }

  callUnknown(_callee: Value, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value | undefined {
    return opaque(args, kwargs, site);
  }

  getAttribute(object: FlaxHost, name: string, site: S): Value | undefined {
    const shown = sym<FlaxHost>(site.ev.text(site.node));
    switch (object.kind) {
      case 'fn': {
        const value = this.resolve(`${object.path}.${name}`)!;
        // `nn.initializers.zeros` is an initializer written here.
        return value.kind === 'host' && value.host.kind === 'init' ? host({ ...value.host, range: site.node.range }) : value;
      }
      case 'layer':
        return object.layer.args.get(name) ?? shown;
      case 'tensor':
        if (name === 'T') {
          return host(object);
        }
        if (name === 'shape') {
          return host({ kind: 'shape', t: object.t });
        }
        return name === 'ndim' || name === 'dtype' || name === 'size' ? shown : host({ kind: 'tmethod', t: object.t, name });
      default:
        return shown;
    }
  }

  subscript(object: FlaxHost, key: Value): Value | undefined {
    if (object.kind === 'tensor') {
      const t = object.t;
      return tensorValue({ ...t, pending: new Set(t.pending), last: new Set(t.last), skip: false, spatial: null });
    }
    // `x.shape[-1]`: the feature size the flow tracks.
    if (object.kind === 'shape' && key.kind === 'num' && key.value === -1) {
      return object.t.dim;
    }
    return undefined;
  }

  binary(operator: string, left: Value, right: Value, site: S): Value | undefined {
    const lt = tensorOf(left);
    const rt = tensorOf(right);
    const ls = left.kind === 'host' && left.host.kind === 'shape' ? left.host.t : undefined;
    const rs = right.kind === 'host' && right.host.kind === 'shape' ? right.host.t : undefined;
    if (ls && rs && (operator === '==' || operator === '!=')) {
      const same = sameShape(ls, rs);
      return same === undefined ? undefined : { kind: 'bool', value: operator === '==' ? same : !same };
    }
    if (!lt && !rt) {
      return undefined;
    }
    if (/^(==|!=|<|>|<=|>=|is|is not|in|not in)$/.test(operator)) {
      return undefined;
    }
    return tensorBinary(operator, lt, rt, site);
  }

  /** `n, h, w, c = x.shape`: the last size is the feature size the flow tracks, the others symbols. */
  unpack(object: FlaxHost, count: number, site: S): Value[] | undefined {
    if (object.kind !== 'shape') {
      return undefined;
    }
    const names = site.node.children.filter((c) => c.type !== ',');
    return names.map((name, i) => (i === count - 1 ? object.t.dim : sym(site.ev.text(name))));
  }

  /** Arrays (and choices between layers) are undecided; functions, classes and layers are true, as any Python object. */
  truthy(o: FlaxHost): boolean | undefined {
    return o.kind === 'tensor' || o.kind === 'shape' || o.kind === 'choice' ? undefined : true;
  }

  text(o: FlaxHost): string {
    const named = o.kind === 'layerClass' || o.kind === 'init' || o.kind === 'initFactory' ? o.name : o.kind;
    return o.kind === 'fn' ? o.path : o.kind === 'layer' ? o.layer.className : o.kind === 'activation' ? o.jaxName : named;
  }

  /** Each way of an undecided branch settles the activations of the layers before it on its own. */
  watchBranches(condition: PyNode, live: Iterable<Value>, site: S): BranchWatch | undefined {
    return watchLayers(this.built(), condition, site, live, tensorOf);
  }

  /**
   * Layers on undecided paths merge into a choice (applying it applies each); tensors into one. Its feature size: after a loop of unknown length the
   * body's (the loop is taken to run), after a branch the size it had before when that is a number.
   */
  merge(values: Value[], site: S): Value | undefined {
    const choices = values.map((v) =>
      v.kind !== 'host' ? undefined : v.host.kind === 'layer' ? [v.host.layer] : v.host.kind === 'choice' ? v.host.layers : undefined,
    );
    if (choices.every((c): c is LayerInst[] => c !== undefined)) {
      return host({ kind: 'choice', layers: [...new Set(choices.flat())] });
    }
    const tensors = values.map(tensorOf);
    if (!tensors.every((t): t is TensorInfo => t !== undefined)) {
      return undefined;
    }
    const loop = site.node.type === 'for_statement' || site.node.type === 'while_statement';
    const numeric = [...tensors].reverse().find((t) => t.dim.kind === 'num');
    return tensorValue(merge(tensors, loop ? tensors[0]!.dim : (numeric ?? tensors[0]!).dim));
  }

  classDefined(cls: PyClass<FlaxHost>, site: S): void {
    moduleClassDefined(cls, site);
  }

  initInstance(instance: ValueOf<FlaxHost, 'object'>, site: S, _args: Value[], kwargs: Kwargs<FlaxHost>): void {
    initModule(instance, site, kwargs);
  }

  instanceAttributeSet(instance: ValueOf<FlaxHost, 'object'>, name: string, value: Value, site: S): void {
    moduleAttributeSet(instance, name, value, site, (target) => this.statementOf(target));
  }

  methodCalled(instance: ValueOf<FlaxHost, 'object'>, name: string, site: S): void {
    // Linen runs `setup` before a module's first method (flax/linen/module.py `_try_setup`).
    if (name !== 'setup' && name !== '__init__' && name !== '__post_init__') {
      ensureSetup(instance, site);
    }
  }

  callInstance(instance: ValueOf<FlaxHost, 'object'>, args: Value[], kwargs: Kwargs<FlaxHost>, site: S): Value | undefined {
    return callModule(instance, args, kwargs, site);
  }

  /**
   * One model per linen or nnx Module subclass of the file, in definition order, with its default
   * fields; then one per module-level `partial` of such a class (`ResNet50 = partial(ResNet, ...)`),
   * named after it. A class such a partial fully has (itself, or a block composed in it) is left out.
   */
  findModels(ev: Evaluator<FlaxHost>): Model[] {
    const isModule = (cls: PyClass<FlaxHost>) => flavourOf(cls) !== undefined;
    // The entry points' arguments are read first, so that a runaway model cannot leave them unread.
    const entries = [...withFactories(ev, this.root, isModule), ...scriptEntries(ev, this.root, isModule)];
    // Each model starts from the budget left here; the file's bound holds their sum.
    const budgets = new ModelBudgets(ev);
    const build = (entry: FlaxEntry): Model[] => {
      let model: Model | undefined;
      if (!budgets.run(() => (model = this.buildModel(ev, entry)))) {
        ev.note(`${entry.name}: skipped, the file's models have spent ${budgets.skipped()} between them`);
      }
      return model ? [model] : [];
    };
    const models: Model[] = [];
    const seen = new Set<PyClass<FlaxHost>>();
    for (const value of ev.globals.vars.values()) {
      if (value.kind !== 'class' || seen.has(value.cls) || !flavourOf(value.cls) || !value.cls.node || !inFile(value.cls.node, this.root)) {
        continue;
      }
      seen.add(value.cls);
      models.push(...build({ name: value.cls.name, cls: value.cls, node: value.cls.node, args: [], kwargs: new Map() }));
    }
    const partials = entries
      .flatMap((entry) => build(entry).map((model) => ({ model, className: entry.cls.name })))
      .filter((built) => !sameAsClass(built, models));
    return withoutCoveredClasses(models, partials, (text) => ev.note(text));
  }

  /** Builds one model: the class instantiated with the entry's arguments, `__call__` run on symbolic inputs. */
  private buildModel(ev: Evaluator<FlaxHost>, entry: FlaxEntry): Model {
    this.record = { layers: [], clock: new UseClock() };
    const ok = ev.guard(
      () => (this.runModel(ev, entry), true),
      () => false,
    );
    if (!ok) {
      ev.note(`${entry.name}: the evaluation budget ended its analysis: its layers are those found so far`);
      // What would have followed a layer whose output was still pending is unknown, not "none".
      for (const inst of this.record.layers) {
        inst.flow.activation ??= 'unknown';
      }
    }
    return this.collect(entry.name, entry.node.range);
  }

  /** Instantiates the class with the entry's arguments (its defaults for the rest) and runs `__call__` on symbolic inputs. */
  private runModel(ev: Evaluator<FlaxHost>, entry: FlaxEntry): void {
    const ctx = ev.rootContext();
    const node = entry.node;
    const cls = entry.cls;
    const model = ev.instantiate(cls, entry.args, entry.kwargs, node, ctx);
    if (model.kind !== 'object' || model.host?.kind !== 'module') {
      return;
    }
    model.host.state.local = '';
    const site: S = { node, ctx, ev };
    const found = findInClass(cls, '__call__')?.value;
    const call = found?.kind === 'func' ? found.fn.node : undefined;
    if (!call) {
      ensureSetup(model, site);
      return;
    }
    const inputs: Value[] = [];
    for (const param of ev.functionShape(call).params.slice(1)) {
      if (param.defaultNode || param.kind !== 'positional') {
        break;
      }
      const annotation = paramAnnotation(ev, call, param.name);
      const isFlag = FLAG_NAME.test(param.name) || /\bbool\b/.test(annotation);
      inputs.push(
        isFlag
          ? sym(param.name)
          : tensorValue({ pending: new Set(), last: new Set(), skip: true, dim: sym(`${param.name}.shape[-1]`), spatial: `input:${param.name}` }),
      );
    }
    consumeOutput(callModule(model, inputs, new Map(), site) ?? sym('output'));
  }

  private collect(name: string, range: Range): Model {
    const graphLayers = this.record.layers.filter((inst) => inst.info.kind !== 'sequential' && inst.info.kind !== 'rnn');
    const applied = graphLayers.filter((inst) => inst.flow.firstUse !== undefined).sort((a, b) => a.flow.firstUse! - b.flow.firstUse!);
    const unused = graphLayers.filter((inst) => inst.flow.firstUse === undefined);
    const layers = [...applied, ...unused].map((inst: LayerInst) => {
      const layer = inst.built ?? buildLayer(inst, null);
      layer.name = layerName(inst);
      layer.activation = inst.flow.firstUse === undefined ? 'unknown' : endSlot(inst.flow, null);
      layer.residual = inst.flow.residual;
      layer.normalized = inst.flow.normalized;
      return layer;
    });
    return { name, range, layers };
  }

  /** The statement an assignment target belongs to (for the range of a submodule's definition). */
  private statementOf(target: PyNode): PyNode {
    if (!this.statements) {
      this.statements = new Map();
      const stack = [this.root];
      while (stack.length > 0) {
        const node = stack.pop()!;
        if (node.type === 'expression_statement') {
          for (let part = node.children[0]; part?.type === 'assignment' || part?.type === 'augmented_assignment'; part = part.fields.right) {
            if (part.fields.left) {
              this.statements.set(part.fields.left, node);
            }
          }
        }
        stack.push(...node.children);
      }
    }
    return this.statements.get(target) ?? target;
  }
}

/** The annotation text of a parameter, `''` when it has none. */
function paramAnnotation(ev: Evaluator<FlaxHost>, fn: PyNode, name: string): string {
  for (const param of fn.fields.parameters?.children ?? []) {
    if ((param.type === 'typed_parameter' || param.type === 'typed_default_parameter') && param.fields.type) {
      const inner = param.type === 'typed_parameter' ? param.children[0] : param.fields.name;
      if (inner && ev.text(inner) === name) {
        return ev.text(param.fields.type);
      }
    }
  }
  return '';
}

/** The model's outputs are used linearly (logits, features): pending layers get no activation. */
function consumeOutput(value: Value): void {
  const t = tensorOf(value);
  if (t) {
    settle(t, null);
  }
  if (value.kind === 'list') {
    value.items.forEach(consumeOutput);
  }
  if (value.kind === 'dict') {
    value.entries.forEach((entry) => consumeOutput(entry.value));
  }
}

function tensorBinary(op: string, lt: TensorInfo | undefined, rt: TensorInfo | undefined, site: S): Value {
  const node = site.node;
  if (op === '@') {
    [lt, rt].forEach((t) => t && settle(t, null));
    return tensorValue(merge([], sym(site.ev.text(node))));
  }
  // An add in a loop of unknown length is taken as certain (the body is taken to run), one under an
  // undecided `if` is not.
  if ((op === '+' || op === '-') && lt && rt) {
    const name = (side: PyNode | undefined) => (side?.type === 'identifier' ? site.ev.text(side) : '');
    return tensorValue(addTensors(lt, rt, name(node.fields.left), name(node.fields.right), !site.ctx.uncertain || site.ctx.symbolicLoop));
  }
  // A hand-written swish `x * sigmoid(x)` is SiLU on x's layers, not a sigmoid.
  if (op === '*' && lt && rt) {
    const gate = rt.sigmoidOf?.source === lt ? rt.sigmoidOf : lt.sigmoidOf?.source === rt ? lt.sigmoidOf : undefined;
    if (gate) {
      for (const layer of gate.source.pending) {
        if (layer.flow.activation === gate.activation) {
          layer.flow.activation = { name: 'silu', params: {}, range: node.range };
        }
      }
      return tensorValue(activated(gate.source));
    }
  }
  const tensors = [lt, rt].filter((t): t is TensorInfo => t !== undefined);
  return tensorValue(merge(tensors, tensors[0]!.dim, tensors.length === 1 && tensors[0]!.skip));
}

/**
 * Whether two arrays have the same shape: different numeric feature sizes differ; equal sizes
 * with the same spatial history are equal; anything else is unknown.
 */
function sameShape(a: TensorInfo, b: TensorInfo): boolean | undefined {
  if (a.dim.kind === 'num' && b.dim.kind === 'num' && a.dim.value !== b.dim.value) {
    return false;
  }
  if (a.dim.kind === 'num' && b.dim.kind === 'num' && a.spatial && a.spatial === b.spatial) {
    return true;
  }
  if (a.dim.kind === 'sym' && b.dim.kind === 'sym' && a.dim.text === b.dim.text && a.spatial && a.spatial === b.spatial) {
    return true;
  }
  return undefined;
}
