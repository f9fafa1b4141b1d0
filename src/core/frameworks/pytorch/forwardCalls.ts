/**
 * Calls in `forward`: a module applied to tensors moves them through the layer (activation, norm,
 * dropout, container, composite, or the module's own forward); activations settle what is pending.
 */

import type { Activation } from '../../graph';
import type { PyNode } from '../../python/ast';
import { TORCH_MODULES } from './catalog';
import { runComposite } from './composite';
import { activated, consumeLinearly, copyTensor, layerOutput, passThroughLayer, settle, tensorOf } from './flow';
import { list, NONE, sym, valueText, type ModuleInst, type Value } from './values';
import { classifyActivationBody } from './customActivation';

import { ConstructionInterpreter } from './construction';

import { MAX_DEPTH, type Context } from './interpreterCore';

export abstract class ForwardInterpreter extends ConstructionInterpreter {
  /** Calls a module on inputs: in `forward` this moves tensors through the layer. */
  callModule(module: ModuleInst, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const input = args[0];
    const tensors = [...args, ...kwargs.values()].filter((a): a is Extract<Value, { kind: 'tensor' }> => a.kind === 'tensor');
    const forwardCtx: Context = { ...ctx, inForward: true };
    const cls = module.torchClass;
    const baseKind = cls ? TORCH_MODULES[cls]?.kind : undefined;
    // A subclass of a norm or dropout (`LayerNorm2d(nn.LayerNorm)` calling F.layer_norm) is still that.
    if (module.localClass && this.findMethod(module.localClass, 'forward') && baseKind !== 'norm' && baseKind !== 'dropout') {
      return this.runForward(module, args, kwargs, node, forwardCtx);
    }
    if (module.activation !== undefined) {
      if (module.activation === 'unknown') {
        tensors.forEach((t) => settle(t.tensor, 'unknown'));
        return { kind: 'tensor', tensor: tensorOf([]) };
      }
      return this.applyActivation({ ...module.activation, range: module.range }, args.slice(0, 1), new Map(), node);
    }
    const info = cls ? TORCH_MODULES[cls] : undefined;
    if (!info) {
      tensors.forEach((t) => settle(t.tensor, 'unknown'));
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    switch (info.kind) {
      case 'transparent':
        return input?.kind === 'tensor' ? { kind: 'tensor', tensor: copyTensor(input.tensor) } : (input ?? NONE);
      case 'norm':
      case 'dropout':
        return input?.kind === 'tensor'
          ? { kind: 'tensor', tensor: passThroughLayer(this.file.clock, input.tensor, module) }
          : { kind: 'tensor', tensor: layerOutput(this.file.clock, module) };
      case 'layer':
        tensors.forEach((t) => consumeLinearly(t.tensor));
        return { kind: 'tensor', tensor: layerOutput(this.file.clock, module) };
      case 'recurrent': {
        // The recurrence's own nonlinearity is inside the module; the graph's activation is what follows.
        tensors.forEach((t) => consumeLinearly(t.tensor));
        const output: Value = { kind: 'tensor', tensor: layerOutput(this.file.clock, module) };
        return cls!.endsWith('Cell') && !cls!.startsWith('LSTM') ? output : list([output, sym('hidden')], true);
      }
      case 'attention': {
        tensors.forEach((t) => consumeLinearly(t.tensor));
        this.file.clock.mark(module);
        module.flow.activation ??= null;
        const outProj = module.children.get('out_proj');
        const output: Value = { kind: 'tensor', tensor: outProj ? layerOutput(this.file.clock, outProj) : tensorOf([]) };
        return list([output, sym('attention_weights')], true);
      }
      case 'composite':
        return runComposite({ clock: this.file.clock, callModule: (m, a) => this.callModule(m, a, new Map(), node, forwardCtx) }, module, args);
      case 'container':
        return this.runSequential(module, args, node, forwardCtx);
      default:
        return sym('output');
    }
  }

  runSequential(module: ModuleInst, args: Value[], node: PyNode, ctx: Context): Value {
    let value: Value = args[0] ?? NONE;
    const children = [...module.children.values()].filter((c) => c.className !== 'Parameter');
    const rounds = module.children.has('*') ? [...children, ...children] : children;
    for (const child of rounds) {
      value = this.callModule(child, [value], new Map(), node, ctx);
    }
    return value;
  }

  protected runForward(module: ModuleInst, args: Value[], kwargs: Map<string, Value>, node: PyNode, ctx: Context): Value {
    const method = this.findMethod(module.localClass!, 'forward')!;
    if (ctx.depth > MAX_DEPTH) {
      args.forEach((a) => a.kind === 'tensor' && settle(a.tensor, 'unknown'));
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    // A module with no layers whose forward is a formula is an activation (a GELU written by hand).
    if (module.children.size === 0 && module.params.size === 0 && args[0]?.kind === 'tensor') {
      const activation = classifyActivationBody(method.fn, this.file.source);
      if (activation === 'unknown') {
        return this.callUnknown(sym(module.className), args, node, ctx);
      }
      if (activation) {
        return this.applyActivation({ ...activation, range: module.range }, args, new Map(), node);
      }
    }
    // Inside the callee, its inputs are the skip sources of its residual joins.
    const inputs = args.map((a) => (a.kind === 'tensor' ? ({ kind: 'tensor', tensor: copyTensor(a.tensor, true) } as Value) : a));
    return this.invoke(method.fn, { kind: 'module', module }, inputs, kwargs, node, { ...ctx, depth: ctx.depth + 1, ownerClass: method.owner });
  }

  applyActivation(activation: Activation, args: Value[], kwargs: Map<string, Value>, node: PyNode): Value {
    const input = args[0];
    const params: Record<string, number | string> = { ...activation.params };
    const known = ACTIVATION_PARAM_ORDER[activation.name] ?? [];
    args.slice(1).forEach((value, index) => {
      const key = known[index];
      if (key && (value.kind === 'num' || value.kind === 'str')) {
        params[key] = value.value;
      }
    });
    for (const [key, value] of kwargs) {
      if ((value.kind === 'num' || value.kind === 'str') && key !== 'inplace' && key !== 'dim') {
        params[key] = value.value;
      }
    }
    if (activation.name === 'gelu' && params.approximate === 'none') {
      delete params.approximate;
    }
    const applied: Activation = { name: activation.name, params, range: node.range };
    if (input?.kind === 'tensor') {
      settle(input.tensor, applied);
      return { kind: 'tensor', tensor: activated(input.tensor) };
    }
    return sym('activation');
  }

  /** A call the analysis cannot follow: what it receives may be changed in unknown ways. */
  callUnknown(callee: Value, args: Value[], node: PyNode, ctx: Context): Value {
    // `checkpoint(self.block, x)`, `data_parallel(self.main, x, ids)`: the callable runs on the tensors.
    if (ctx.inForward && RUNS_ITS_CALLABLE.test(valueText(callee))) {
      const callable = args.find((a) => a.kind === 'module' || a.kind === 'func');
      const tensors = args.filter((a) => a.kind === 'tensor');
      if (callable && tensors.length > 0) {
        return this.call(callable, tensors, new Map(), node, ctx);
      }
    }
    // A namedtuple or dataclass holding the outputs (`GoogLeNetOutputs(x, aux2, aux1)`, HF `…Output(...)`).
    if (ctx.inForward && OUTPUT_CONTAINER.test(valueText(callee).split('.').pop() ?? '')) {
      return list(args, true);
    }
    let tensorSeen = false;
    for (const arg of args) {
      if (arg.kind === 'tensor') {
        settle(arg.tensor, 'unknown');
        tensorSeen = true;
      } else if (!ctx.inForward && (arg.kind === 'param' || arg.kind === 'module')) {
        this.writeUnknownInit(arg, node.range, { ...ctx, initSource: 'unknown' });
      }
    }
    if (tensorSeen) {
      return { kind: 'tensor', tensor: tensorOf([]) };
    }
    return sym(`${valueText(callee)}(…)`);
  }
}

const RUNS_ITS_CALLABLE = /(^|\.)(checkpoint|checkpoint_sequential|data_parallel|apply_chunking_to_forward)$/;
const OUTPUT_CONTAINER = /^[A-Z]\w*(Output|Outputs|Result|Results|Tuple)$/;

/** Positional parameters of functional activations after the input tensor. */
const ACTIVATION_PARAM_ORDER: Record<string, string[]> = {
  leaky_relu: ['negative_slope'],
  elu: ['alpha'],
  celu: ['alpha'],
  softplus: ['beta', 'threshold'],
  hardtanh: ['min_val', 'max_val'],
};
