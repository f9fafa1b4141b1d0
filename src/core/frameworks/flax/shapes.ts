/**
 * Shapes as the flow tracks them: the feature (last-axis) size after a layer, reshapes and
 * reductions, and a key for the spatial history so that `residual.shape != y.shape` resolves.
 */
import { dimOf } from './layers';
import { sym } from '../../python/eval/values';
import { valueText, type FlaxHost, type LayerInst, type Value } from './host';

/** A symbol's text from source: whitespace collapsed, long expressions shortened. */
export function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 48 ? `${flat.slice(0, 45)}…` : flat;
}

/**
 * `mean(axis=(1, 2))` is global average pooling over NHWC (flax/examples/imagenet): the feature
 * axis stays. Other reductions are not assumed to keep it (the rank is not tracked).
 */
export function reducesSpatialOnly(axis: Value | undefined): boolean {
  return axis?.kind === 'list' && !axis.symbolicCount && axis.items.length === 2 && axis.items.every((a, i) => a.kind === 'num' && a.value === i + 1);
}

/**
 * An einops pattern that keeps the last axis as it is (`"n h w c -> n (h w) c"`, big_vision's
 * MLP-Mixer): the same plain axis name ends both sides (einops docs: axes are named, `( )` groups).
 */
export function rearrangeKeepsLast(pattern: Value | undefined): boolean {
  if (pattern?.kind !== 'str') {
    return false;
  }
  const sides = pattern.value.split('->');
  if (sides.length !== 2) {
    return false;
  }
  const lastAxis = (side: string) => /(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(side)?.[1];
  const before = lastAxis(sides[0]!);
  return before !== undefined && before === lastAxis(sides[1]!);
}

/** The last size of a reshape's target shape (`reshape(x, (n, h * w, c))`), when it is a static positive number. */
export function reshapeLast(shapeArgs: Value[]): Value | undefined {
  const shape = shapeArgs.length === 1 ? shapeArgs[0] : ({ kind: 'list', items: shapeArgs, tuple: true, symbolicCount: false } as Value);
  const last = shape?.kind === 'list' && !shape.symbolicCount ? shape.items[shape.items.length - 1] : shape;
  return last?.kind === 'num' && last.value > 0 ? last : undefined;
}

/**
 * The spatial key after a conv: unchanged for stride 1 with 'SAME' padding (flax Conv defaults:
 * strides 1, padding 'SAME', no dilation), else the op's static signature appended (the same op on
 * the same shape gives the same shape); unknown when an argument does not resolve.
 */
export function convSpatial(inst: LayerInst, input: string | null | undefined): string | null {
  if (!input || inst.info.kind !== 'conv') {
    return null;
  }
  const a = inst.args;
  const parts = ['strides', 'padding', 'kernel_size', 'input_dilation', 'kernel_dilation'].map((key) => a.get(key));
  if (parts.some((v) => v !== undefined && (v.kind === 'sym' || (v.kind === 'list' && v.symbolicCount)))) {
    return null;
  }
  const [strides, padding, , inputDilation] = parts;
  const ones = (v: Value | undefined) =>
    !v || v.kind === 'none' || (v.kind === 'num' && v.value === 1) || (v.kind === 'list' && v.items.every((s) => s.kind === 'num' && s.value === 1));
  const same = !padding || (padding.kind === 'str' && padding.value === 'SAME');
  if (same && ones(strides) && ones(inputDilation)) {
    return input;
  }
  // With 'SAME' padding the output is ceil(in / stride) whatever the window (lax.padtype_to_pads).
  if (same && ones(inputDilation)) {
    return `${input}|stride(${valueText(strides!)})`;
  }
  return `${input}|conv(${parts.map((v) => (v ? valueText(v) : '-')).join(';')})`;
}

/** The output feature size of a layer. */
export function outputDim(inst: LayerInst, input: Value): Value {
  const a = inst.args;
  switch (inst.info.kind) {
    case 'dense':
    case 'conv':
    case 'convTranspose': {
      const out = a.get(inst.info.nnx ? 'out_features' : 'features');
      return out && dimOf(out) !== null ? (out.kind === 'list' ? sym<FlaxHost>(valueText(out)) : out) : sym('features');
    }
    case 'embed':
      return a.get('features') ?? sym('features');
    case 'attention': {
      const out = a.get('out_features');
      return out && out.kind !== 'none' ? out : inst.info.nnx ? (a.get('in_features') ?? input) : input;
    }
    default:
      return input;
  }
}
