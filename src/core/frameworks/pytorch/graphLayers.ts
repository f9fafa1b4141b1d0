/**
 * A model tree as graph layers: the layers of a module tree with their qualified names
 * (`layer1.0.conv1`, `h.*.attn`), in data-flow order, with the init in force of each parameter.
 */
import type { GraphOp, InitInForce, Layer } from '../../graph';
import { TORCH_MODULES } from './catalog';
import { graphOps } from './structuralOps';
import type { ModuleInst } from './values';

/** Parameter keys each kind of built-in layer has (missing ones are reported as null). */
function expectedKeys(module: ModuleInst): string[] {
  if (module.className === 'Parameter') {
    return ['weight'];
  }
  const info = module.torchClass ? TORCH_MODULES[module.torchClass] : undefined;
  switch (info?.kind) {
    case 'layer':
      return module.torchClass === 'Embedding' || module.torchClass === 'EmbeddingBag' ? ['weight'] : ['weight', 'bias'];
    case 'norm':
      return ['weight', 'bias'];
    case 'recurrent':
      return ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'];
    case 'attention':
      return ['in_proj_weight', 'in_proj_bias'];
    default:
      return [];
  }
}

const LAYER_KINDS = new Set(['layer', 'norm', 'dropout', 'recurrent', 'attention']);

/** True for modules that are layers in the graph (parametrised, norm, dropout, raw parameter). */
function isLayer(module: ModuleInst): boolean {
  if (module.className === 'Parameter') {
    return true;
  }
  const info = module.torchClass ? TORCH_MODULES[module.torchClass] : undefined;
  return info !== undefined && LAYER_KINDS.has(info.kind);
}

/** The layers of a model tree with qualified names, in data-flow order. */
export function flatten(root: ModuleInst): Layer[] {
  return modelParts(root).layers;
}

/** A model tree's layers (as `flatten`) and the shape-changing ops between them (structuralOps.ts). */
export function modelParts(root: ModuleInst): { layers: Layer[]; ops?: GraphOp[]; inputSize?: { size: number; from: string } } {
  const names = new Map<ModuleInst, string>();
  const out: { layer: Layer; module: ModuleInst; index: number }[] = [];
  const seen = new Set<ModuleInst>();
  const visit = (module: ModuleInst, prefix: string, container: ModuleInst['definition'] | undefined) => {
    for (const [key, child] of module.children) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (seen.has(child)) {
        continue;
      }
      seen.add(child);
      names.set(child, name);
      if (isLayer(child)) {
        out.push({ layer: toLayer(child, name, child.definition ? null : (container ?? null)), module: child, index: out.length });
      }
      visit(child, name, child.definition ?? container);
    }
  };
  visit(root, '', undefined);
  out.sort((a, b) => (a.module.flow.firstUse ?? Infinity) - (b.module.flow.firstUse ?? Infinity) || a.index - b.index);
  // Data-flow edges by name: a producer outside this tree (none in practice) is left out.
  const layerNames = new Map(out.map((entry) => [entry.module, entry.layer.name]));
  for (const { layer, module } of out) {
    if (module.flow.fedBy) {
      layer.inputs = [...module.flow.fedBy].flatMap((producer) => layerNames.get(producer) ?? []);
    }
  }
  const ops = graphOps(
    out.map((entry) => ({ module: entry.module, name: entry.layer.name })),
    names,
  );
  const inputSize = outermostInputSize(root);
  return { layers: out.map((entry) => entry.layer), ...(ops.length > 0 ? { ops } : {}), ...(inputSize === undefined ? {} : { inputSize }) };
}

/** The input size the outermost module that was given one was given (the model's own, else its first sub-module's, breadth first). */
function outermostInputSize(root: ModuleInst): ModuleInst['inputSize'] {
  const queue = [root];
  const seen = new Set<ModuleInst>();
  for (let index = 0; index < queue.length && index < 10000; index++) {
    const module = queue[index];
    if (module.inputSize !== undefined) {
      return module.inputSize;
    }
    for (const child of module.children.values()) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return undefined;
}

function toLayer(module: ModuleInst, name: string, container: Layer['container']): Layer {
  const init: Record<string, InitInForce | null> = {};
  for (const key of expectedKeys(module)) {
    init[key] = null;
  }
  for (const param of module.params.values()) {
    if (init[param.key] === null || init[param.key] === undefined) {
      init[param.key] = param.init;
    }
  }
  // Settled on one way of an undecided branch and never used again on the other (a loop that may not run): that way's activation.
  const flow = module.flow;
  // A raw parameter no forward reads (PPO's `actor_logstd`, read by a sampling method) meets no activation there: none, said in words.
  const unusedParameter = flow.firstUse === undefined && module.className === 'Parameter';
  const activation = flow.activation !== undefined ? flow.activation : flow.oneWay ? flow.oneWay.value : unusedParameter ? null : 'unknown';
  return {
    name,
    type: module.className,
    fanIn: module.fanIn,
    fanOut: module.fanOut,
    activation,
    ...(activation === 'unknown' ? { activationReason: unknownReason(module) } : unusedParameter ? { activationReason: NOT_USED } : {}),
    init,
    residual: module.flow.residual,
    normalized: module.flow.normalized,
    ...(module.flow.shortcut ? { shortcut: true as const } : {}),
    ...(module.flow.residual && module.flow.sumNormed && !module.flow.sumContinued ? { postNorm: true as const } : {}),
    ...(module.flow.join ? { join: module.flow.join } : {}),
    definition: module.definition ?? null,
    container,
    ownerClass: module.ownerClass,
    range: module.range,
    config: module.config,
  };
}

/** Why a raw parameter has no activation when no forward reads it. */
const NOT_USED = 'not used by forward';

/** Why a layer's activation is unknown, in words. */
function unknownReason(module: ModuleInst): string {
  const flow = module.flow;
  if (flow.reason) {
    return flow.reason;
  }
  if (flow.firstUse === undefined) {
    return 'no forward the analysis ran uses this layer';
  }
  if (flow.activation === undefined) {
    return 'its output is not followed to anything that uses it';
  }
  return 'what follows it differs between paths the analysis cannot decide (see the notes)';
}
