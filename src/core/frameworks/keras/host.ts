/**
 * Keras' semantics on the Python evaluator: its names (`keras.layers.Dense`, `tf.keras`, `tf_keras`),
 * calls on its host values (layer constructors, applying layers and models, initializers,
 * activations, `model.add`, `add_weight`), tensor arithmetic (residual adds, gating, matmuls with a
 * custom layer's weights), and the subclassed Layer/Model protocol (`__init__`, then `build` once
 * and `call` when the instance is applied).
 */
import type { PyNode } from '../../python/ast';
import type { BranchWatch, HostSemantics, Kwargs, Site } from '../../python/eval/contracts';
import { asNumber, NONE, sym, type PyClass, type ValueOf } from '../../python/eval/values';
import { watchLayers } from '../../layerFlow';
import { callSite, unknownCall } from './callSite';
import { addWeight, applyActivation, callKeras, matmulOutput, newLayer } from './kerasCalls';
import { kerasExports, kerasName } from './names';
import { applyBuiltin, buildShape, callModel } from './layerCalls';
import { KerasState } from './state';
import { layerOutput, merge, reshaped, residualAdd, tensorProduct } from './flow';
import { hosted, layerOf, paramOf, shapeOf, tensorOf, tensorValue, weightShape, type KerasHost, type KValue } from './values';

type KSite = Site<KerasHost>;

/** True for a class deriving (through the file's classes) from `keras.Model` / `keras.layers.Layer`. */
export function isKerasClass(cls: PyClass<KerasHost>): boolean {
  return cls.mro.some((c) =>
    c.foreignBases.some((base) => base.kind === 'host' && base.host.kind === 'name' && /(^|\.)(Model|Layer|Sequential)$/.test(base.host.path)),
  );
}

/** The Keras host semantics of one file (its state: layers and models made, names, called functions). */
export class KerasSemantics implements HostSemantics<KerasHost> {
  readonly state = new KerasState();

  resolve(qualified: string): KValue | undefined {
    const name = kerasName(qualified);
    return name ? hosted(name) : undefined;
  }

  exports(module: string): readonly string[] {
    return kerasExports(module);
  }

  call(callee: KerasHost, args: KValue[], kwargs: Kwargs<KerasHost>, site: KSite): KValue {
    const call = callSite(args, kwargs, site);
    this.state.noteRunning(site.ctx);
    switch (callee.kind) {
      case 'name':
        return callKeras(this.state, callee, call);
      case 'layer':
        return callee.layer.builtin ? applyBuiltin(callee.layer, callee.layer.builtin, call) : unknownCall(call);
      case 'model':
        return callModel(callee.model, call);
      case 'act':
        return applyActivation(callee, call);
      case 'init': {
        // `w_init(shape=(in, out), dtype="float32")`: the values a `tf.Variable` starts from.
        return hosted({ kind: 'initialized', init: callee.init, shape: weightShape(kwargs.get('shape') ?? args[0]), range: site.node.range });
      }
      case 'method':
        return this.callMethod(callee.target, callee.name, call);
      case 'choice': {
        // Each layer of an undecided choice is applied; the outputs merge.
        const outputs = callee.options.map((option) => site.ev.call(option, args, kwargs, site.node, site.ctx));
        return site.ev.merge(outputs, site.ev.text(site.node), site.node, site.ctx);
      }
      default:
        return unknownCall(call);
    }
  }

  /** A function the analysis does not know: tensors passed to it meet an unknown function. */
  callUnknown(_callee: KValue, args: KValue[], kwargs: Kwargs<KerasHost>, site: KSite): KValue | undefined {
    return [...args, ...kwargs.values()].some((v) => tensorOf(v)) ? unknownCall(callSite(args, kwargs, site)) : undefined;
  }

  private callMethod(target: KerasHost, name: string, call: ReturnType<typeof callSite>): KValue {
    if (target.kind === 'model' && name === 'add' && call.positional[0]) {
      target.model.layers.push(call.positional[0]);
      return NONE;
    }
    if (target.kind === 'model' && name === 'build') {
      // `model.build((None, 784))`: the batch axis first.
      const shape = shapeOf(call.keywords.get('input_shape') ?? call.positional[0]);
      if (shape) {
        target.model.inputShape = shape.slice(1);
      }
      return NONE;
    }
    if (target.kind === 'layer' && name === 'add_weight') {
      return addWeight(target.layer, call);
    }
    return unknownCall(call);
  }

  getAttribute(object: KerasHost, name: string): KValue | undefined {
    switch (object.kind) {
      case 'name':
        return hosted({ kind: 'name', root: object.root, path: object.path ? `${object.path}.${name}` : name });
      case 'layer':
        return object.layer.args.get(name);
      case 'model':
        return name === 'add' || name === 'build' ? hosted({ kind: 'method', target: object, name }) : undefined;
      case 'tensor':
        return name === 'shape' && object.tensor.shape ? buildShape(tensorValue(object.tensor)) : undefined;
      default:
        return undefined;
    }
  }

  subscript(object: KerasHost, key: KValue): KValue | undefined {
    if (object.kind !== 'tensor') {
      return undefined;
    }
    return key.kind === 'slice' ? hosted(object) : tensorValue(reshaped(object.tensor, undefined));
  }

  /** Arithmetic on tensors: `x + y` of two tensors is a residual add; a tensor and a weight is a linear map; a tensor and a number keeps the tensor. */
  binary(op: string, left: KValue, right: KValue, site: KSite): KValue | undefined {
    const a = tensorOf(left);
    const b = tensorOf(right);
    if (a && b) {
      if (op === '+') {
        return tensorValue(residualAdd([a, b], !site.ctx.uncertain));
      }
      return tensorValue(op === '@' ? tensorProduct([a, b]) : merge([a, b], a.shape));
    }
    const tensor = a ?? b;
    const param = paramOf([left, right]);
    if (tensor && param) {
      // `x + self.b` adds a bias; `x * self.scale` or `x @ self.w` is the custom layer's linear map.
      if (op === '+' || op === '-') {
        return tensorValue(tensor);
      }
      return tensorValue(op === '*' ? layerOutput(param.owner, tensor, tensor.shape) : matmulOutput(param, tensor));
    }
    if (tensor) {
      const other = a ? right : left;
      // Scaling or shifting by a constant is linear: the tensor goes on with the same layers.
      return asNumber(other) !== undefined || other.kind === 'sym' ? tensorValue(reshaped(tensor, tensor.shape, true)) : tensorValue(tensor);
    }
    return param ? sym('tensor') : undefined;
  }

  unary(_op: string, operand: KerasHost): KValue | undefined {
    return operand.kind === 'tensor' ? hosted(operand) : undefined;
  }

  truthy(object: KerasHost): boolean | undefined {
    return object.kind === 'tensor' || object.kind === 'param' || object.kind === 'choice' ? undefined : true;
  }

  text(object: KerasHost): string {
    switch (object.kind) {
      case 'name':
        return object.root === 'keras' ? `keras.${object.path}` : `tf.${object.path}`;
      case 'layer':
        return `${object.layer.type}(…)`;
      case 'model':
        return object.model.kind === 'sequential' ? 'Sequential(…)' : 'Model(…)';
      default:
        return object.kind;
    }
  }

  /** Each way of an undecided branch settles the activations of the layers before it on its own. */
  watchBranches(condition: PyNode, live: Iterable<KValue>, site: Site<KerasHost>): BranchWatch | undefined {
    return watchLayers(this.state.layers, condition, site, live, tensorOf);
  }

  /** Tensors of undecided paths merge into one (their layers all behind it); layers into a choice. */
  merge(values: KValue[]): KValue | undefined {
    const tensors = values.map(tensorOf);
    if (tensors.every((t) => t)) {
      return tensorValue(merge(tensors as NonNullable<(typeof tensors)[number]>[], undefined));
    }
    const options = values.flatMap((v) => (v.kind === 'host' && v.host.kind === 'choice' ? v.host.options : [v]));
    return options.every((v) => layerOf(v)) ? hosted({ kind: 'choice', options }) : undefined;
  }

  deepcopy(object: KerasHost): KValue {
    return hosted(object);
  }

  initInstance(instance: ValueOf<KerasHost, 'object'>, site: KSite, args: KValue[], kwargs: Kwargs<KerasHost>): void {
    if (!isKerasClass(instance.cls)) {
      return;
    }
    const layer = newLayer(this.state, instance.cls.name, callSite(args, kwargs, site), new Map(kwargs));
    layer.instance = instance;
    instance.host = { kind: 'layer', layer };
  }

  instanceAttributeSet(instance: ValueOf<KerasHost, 'object'>, name: string, value: KValue, site: KSite): void {
    if (!layerOf(instance)) {
      return;
    }
    if (value.kind === 'host' && value.host.kind === 'param' && value.host.param.attrFallback) {
      value.host.param.attr = name;
      value.host.param.attrFallback = false;
    }
    const child = layerOf(value);
    // `self.<name> = Layer(...)` written as one statement: the layer's definition (for fixes and hovers).
    if (
      child &&
      !child.definition &&
      child.node.startIndex > site.node.endIndex &&
      /^\s*=\s*$/.test(site.ev.source.slice(site.node.endIndex, child.node.startIndex))
    ) {
      child.definition = { target: site.ev.text(site.node), range: { start: site.node.range.start, end: child.node.range.end } };
    }
  }

  instanceAttribute(instance: ValueOf<KerasHost, 'object'>, name: string): KValue | undefined {
    const layer = layerOf(instance);
    return layer && (name === 'add_weight' || name === 'add_variable')
      ? hosted({ kind: 'method', target: { kind: 'layer', layer }, name: 'add_weight' })
      : undefined;
  }

  /** Applying a subclassed layer: `build(input_shape)` on its first call, then `call`. */
  callInstance(instance: ValueOf<KerasHost, 'object'>, args: KValue[], kwargs: Kwargs<KerasHost>, site: KSite): KValue | undefined {
    const layer = layerOf(instance);
    if (!layer) {
      return undefined;
    }
    this.state.noteRunning(site.ctx);
    const input = args[0] ?? kwargs.get('inputs');
    if (!layer.built) {
      layer.built = true;
      site.ev.callMethod(instance, 'build', [buildShape(input)], new Map(), site.node, site.ctx);
    }
    return site.ev.callMethod(instance, 'call', args, kwargs, site.node, site.ctx) ?? unknownCall(callSite(args, kwargs, site));
  }
}
