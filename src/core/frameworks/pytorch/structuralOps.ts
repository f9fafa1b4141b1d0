/**
 * Parameter-free ops that change the tensor's shape (pools, upsampling, pixel shuffle, flatten,
 * channel concatenation), as modules (`nn.MaxPool2d` in a Sequential) or functions (`F.avg_pool2d`,
 * `torch.cat`) applied in forward: each application is recorded on the layer whose output it reads,
 * and the graph lists them as the model's `ops` (graph.ts GraphOp), in forward order.
 */
import type { GraphOp, GraphOpKind } from '../../graph';
import type { UseClock } from './flow';
import type { AppliedOp, ModuleInst, TensorInfo } from './values';

/** What a structural op is, and the constructor or call arguments (after the input) that matter, in order. */
interface OpSpelling {
  kind: GraphOpKind;
  mode?: 'max' | 'avg';
  params: string[];
  /** Config the class fixes (UpsamplingBilinear2d is bilinear with align_corners=True). */
  preset?: Record<string, string | boolean>;
}

const POOL = ['kernel_size', 'stride', 'padding'];
const UPSAMPLE = ['size', 'scale_factor', 'mode', 'align_corners'];

/** Structural torch.nn modules by class (the config names are recorded at construction). */
export const STRUCTURAL_MODULES: Record<string, OpSpelling> = Object.fromEntries([
  ...[1, 2, 3].flatMap((rank) => [
    [`MaxPool${rank}d`, { kind: 'pool', mode: 'max', params: POOL }],
    [`AvgPool${rank}d`, { kind: 'pool', mode: 'avg', params: POOL }],
    [`AdaptiveAvgPool${rank}d`, { kind: 'adaptive_pool', mode: 'avg', params: ['output_size'] }],
    [`AdaptiveMaxPool${rank}d`, { kind: 'adaptive_pool', mode: 'max', params: ['output_size'] }],
  ]),
  ['Upsample', { kind: 'upsample', params: UPSAMPLE }],
  ['UpsamplingNearest2d', { kind: 'upsample', params: ['size', 'scale_factor'], preset: { mode: 'nearest' } }],
  ['UpsamplingBilinear2d', { kind: 'upsample', params: ['size', 'scale_factor'], preset: { mode: 'bilinear', align_corners: true } }],
  ['PixelShuffle', { kind: 'pixel_shuffle', params: ['upscale_factor'] }],
  ['Flatten', { kind: 'flatten', params: ['start_dim', 'end_dim'] }],
]);

/** Structural `torch.*` / `F.*` functions and tensor methods by name; params follow the input tensor. */
export const STRUCTURAL_FUNCTIONS: Record<string, OpSpelling> = Object.fromEntries([
  ...[1, 2, 3].flatMap((rank) => [
    [`max_pool${rank}d`, { kind: 'pool', mode: 'max', params: POOL }],
    [`avg_pool${rank}d`, { kind: 'pool', mode: 'avg', params: POOL }],
    [`adaptive_avg_pool${rank}d`, { kind: 'adaptive_pool', mode: 'avg', params: ['output_size'] }],
    [`adaptive_max_pool${rank}d`, { kind: 'adaptive_pool', mode: 'max', params: ['output_size'] }],
  ]),
  ['interpolate', { kind: 'upsample', params: UPSAMPLE }],
  ['upsample', { kind: 'upsample', params: UPSAMPLE }],
  ['pixel_shuffle', { kind: 'pixel_shuffle', params: ['upscale_factor'] }],
  ['flatten', { kind: 'flatten', params: ['start_dim', 'end_dim'] }],
  ['cat', { kind: 'concat', params: ['dim'] }],
  ['concat', { kind: 'concat', params: ['dim'] }],
]);

/** The spelling of a structural function or method, or undefined. */
export function structuralFunction(name: string): OpSpelling | undefined {
  return Object.hasOwn(STRUCTURAL_FUNCTIONS, name) ? STRUCTURAL_FUNCTIONS[name] : undefined;
}

/** The spelling of a structural module class, or undefined. */
export function structuralModule(torchClass: string | undefined): OpSpelling | undefined {
  return torchClass !== undefined && Object.hasOwn(STRUCTURAL_MODULES, torchClass) ? STRUCTURAL_MODULES[torchClass] : undefined;
}

/**
 * Records an op applied to `inputs`: on the layer of their paths reached last (the op reads its
 * output). An input that passed no layer (the forward's own input) gives no place: not recorded.
 * The same call after the same layer is recorded once (a loop or a repeated forward). When that
 * layer is not the one reached last, the op starts a parallel branch from an earlier tensor (marked).
 */
export function recordOp(clock: UseClock, inputs: TensorInfo[], op: AppliedOp): void {
  const layers = inputs.flatMap((tensor) => [...tensor.last]);
  if (layers.length === 0) {
    return;
  }
  const after = layers.reduce((a, b) => ((b.flow.firstUse ?? -1) > (a.flow.firstUse ?? -1) ? b : a));
  // Not the output of the layer reached last: a parallel branch from an earlier tensor (Inception's pool branch).
  const applied = after === clock.reached[clock.reached.length - 1] ? op : { ...op, branch: true as const };
  const ops = (after.flow.opsAfter ??= []);
  const same = (other: AppliedOp) =>
    other.range.start.line === op.range.start.line && other.range.start.column === op.range.start.column && other.module === op.module;
  if (!ops.some(same)) {
    ops.push(applied);
  }
}

/** The graph's ops of a model whose layers were named `names` (module → qualified name), in forward order. */
export function graphOps(layers: { module: ModuleInst; name: string }[], names: Map<ModuleInst, string>): GraphOp[] {
  const ops: GraphOp[] = [];
  for (const { module, name } of layers) {
    for (const op of module.flow.opsAfter ?? []) {
      const moduleName = op.module === undefined ? undefined : names.get(op.module);
      ops.push({
        kind: op.kind,
        ...(op.mode === undefined ? {} : { mode: op.mode }),
        after: name,
        ...(moduleName === undefined ? {} : { module: moduleName }),
        config: op.config,
        range: op.range,
        ...(op.branch ? { branch: true as const } : {}),
      });
    }
  }
  return ops;
}
