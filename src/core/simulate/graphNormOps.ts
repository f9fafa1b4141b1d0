/** Normalisation and dropout layers: per-feature ops that keep the running shape. */
import type { Layer } from '../graph';
import type { Distribution, SimLayer } from './network';
import { concatBefore } from './inferredConcat';
import { describe, dimOf, parentOf, sameDim } from './graphShapes';
import type { ConversionState } from './graphConversion';

/** BatchNorm, LayerNorm, GroupNorm or InstanceNorm, with its affine parameters (constant 1 and 0 unless initialised otherwise). */
export function norm(c: ConversionState, layer: Layer): void {
  if (c.shape.features === null) {
    return c.skip(layer, 'it cannot follow token ids');
  }
  const op = layer.type === 'LayerNorm' ? 'layernorm' : /^(GroupNorm|InstanceNorm[12]d)$/.test(layer.type) ? 'groupnorm' : 'batchnorm';
  const declared = dimOf(
    op === 'layernorm' ? layer.config.normalized_shape : layer.type === 'GroupNorm' ? layer.config.num_channels : layer.config.num_features,
  );
  if (declared !== undefined && typeof declared === typeof c.shape.features && !sameDim(declared, c.shape.features)) {
    concatBefore(c, layer, declared);
  }
  if (declared !== undefined && typeof declared === typeof c.shape.features && !sameDim(declared, c.shape.features)) {
    return c.skip(layer, `its ${declared} features do not chain to the previous output (${describe(c.shape)})`, true);
  }
  if (op === 'layernorm' && c.shape.spatial.length > 0) {
    c.notes.push(`${layer.name}: LayerNorm on a conv tensor simulated channel-wise (per position)`);
  }
  const eps = typeof layer.config.eps === 'number' ? layer.config.eps : 1e-5;
  // InstanceNorm is not affine unless asked (torch.nn.InstanceNorm2d: affine=False by default).
  const affine =
    op === 'layernorm'
      ? layer.config.elementwise_affine !== false
      : layer.type.startsWith('InstanceNorm')
        ? layer.config.affine === true
        : layer.config.affine !== false;
  let groups: number | undefined;
  if (op === 'groupnorm') {
    const channels = c.shape.features;
    groups =
      layer.type === 'GroupNorm'
        ? typeof layer.config.num_groups === 'number'
          ? layer.config.num_groups
          : undefined
        : typeof channels === 'number'
          ? channels
          : undefined;
    if (groups === undefined || c.shape.spatial.length === 0 || typeof channels !== 'number' || channels % groups !== 0) {
      return c.skip(layer, `its groups (${String(groups)}) are not static, or do not divide the channels of the ${describe(c.shape)} tensor`);
    }
  }
  const parameter = (name: 'weight' | 'bias'): Distribution | null => {
    if (!affine || layer.init[name] === null || layer.init[name] === undefined) {
      return name === 'weight' && affine ? { kind: 'constant', value: 1 } : affine ? { kind: 'constant', value: 0 } : null;
    }
    return c.distribution(layer, name, 'norm', c.initCall(layer, name, 'norm'), undefined).distribution;
  };
  const simLayer: SimLayer = {
    name: layer.name,
    op,
    activation: c.activation(layer),
    weight: parameter('weight'),
    bias: parameter('bias'),
    eps,
    ...(groups === undefined ? {} : { groups }),
  };
  c.add(layer, simLayer, c.shape);
}

/** Dropout in train mode; placed inside the residual branch when the graph lists it after the add. */
export function dropout(c: ConversionState, layer: Layer): void {
  const p = layer.config.p === undefined ? 0.5 : layer.config.p;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    return c.skip(layer, 'its p is not static');
  }
  // The activation after a dropout is the one the previous layer already carries.
  const dropout: SimLayer = { name: layer.name, op: 'dropout', activation: null, p };
  const last = c.sink === null ? c.layers[c.layers.length - 1] : undefined;
  if (last?.op === 'residual_end' && parentOf(last.name) === parentOf(layer.name) && last.name.endsWith(':add')) {
    // `x + drop(proj(h))`: the graph lists the dropout after the layer marked residual; it belongs in the branch.
    c.layers.splice(c.layers.length - 1, 0, dropout);
    c.shapes.splice(c.shapes.length - 1, 0, c.shape);
    c.lastJoin = c.layers.length;
    return;
  }
  c.add(layer, dropout, c.shape);
}
