/**
 * The conversion of a model's layers, one by one in forward order, onto a SimNetwork's layers: the
 * running shape, the residual joins with their shortcuts, and the layers left out with why. Each
 * layer type's own conversion is in the op table (graphOpTable.ts).
 */
import type { ActivationSpec } from '../activations';
import { isKnownActivation } from '../activations';
import { activationSpec } from '../advice/recommend';
import type { Dim, GraphOp, Layer, Model } from '../graph';
import { recommendationAsCall, type ModuleKind, type SimulationDialect } from './dialect';
import { distributionOfCall } from './distributions';
import type { Distribution, InitCall, InputShape, SimLayer } from './network';
import { OP_CONVERTERS } from './graphOpTable';
import { GRAPH_OP_CONVERSIONS } from './graphStructuralOps';
import { describe, parentOf, sameDim, sameShape, shapeOfInput, type Shape } from './graphShapes';
import type { ConversionState, FromModelOptions, OpenFork, PendingJoin, ShortcutRun } from './graphConversion';

/** A placeholder for a distribution that needs symbolic fans; resolve.ts recomputes it. */
const UNRESOLVED: Distribution = { kind: 'constant', value: Number.NaN };

/** Modules that map a whole sequence to a new one (not simulated yet): nothing after them chains. */
const SEQUENCE_MODULE = /^(LSTM|GRU|RNN|MultiheadAttention|Transformer(Encoder|Decoder)?(Layer)?)$/;

/** Names a container on a skip path (`downsample`, `shortcut`, `proj`, `skip`), for frameworks that do not mark it. */
const SHORTCUT_NAME = /(^|\.)(downsample|shortcut|proj|projection|skip)(\.|$)/;

/**
 * A shortcut whose output is k× the branch's in each spatial extent, with the same channels: an
 * average pooling on it that the graph does not show (ResNet-D's and CLIP's `AvgPool2d(stride)`
 * before a stride-1 projection, applied to the block input after the residual stream). Put first
 * on the shortcut (an average pool commutes with a 1×1 projection), said in a note.
 */
function poolUnseenOnShortcut(shortcut: ShortcutRun, branch: Shape, layer: Layer, notes: string[]): void {
  const out = shortcut.shape;
  if (!sameDim(out.features, branch.features) || out.spatial.length === 0 || out.spatial.length !== branch.spatial.length) {
    return;
  }
  const kernel = out.spatial.map((size, index) => size / branch.spatial[index]);
  const projected = shortcut.layers.some((inner) => inner.op === 'conv2d' || inner.op === 'conv1d');
  if (!projected || kernel.some((size) => !Number.isInteger(size) || size < 2) || new Set(kernel).size !== 1) {
    return;
  }
  const name = `${shortcut.layers[0].name}:avg_pool`;
  shortcut.layers.unshift({ name, op: 'pool', activation: null, mode: 'avg', kernel, stride: kernel });
  shortcut.shape = { features: out.features, spatial: branch.spatial };
  notes.push(
    `${layer.name}: its shortcut keeps ${describe(out)}, the branch gives ${describe(branch)}: a ${kernel.join('×')} average pooling on the shortcut assumed (not seen)`,
  );
}

/** Converts a model's layers one by one onto a SimNetwork's layers (see fromGraph.ts for what is assumed). */
export class Converter implements ConversionState {
  readonly layers: SimLayer[] = [];
  readonly notes: string[] = [];
  shape: Shape;
  /** Where the current residual branch may start: after the previous join. */
  lastJoin = 0;
  /** The shape after each emitted layer (index i: before layer i; the last entry is the current shape). */
  readonly shapes: Shape[] = [];
  /** Containers of layers left out because they do not chain (a projection shortcut): their siblings go too. */
  private readonly sideContainers = new Set<string>();
  /** The framework's own type of each translated layer, for notes. */
  private readonly writtenTypes = new Map<Layer, string>();
  /** A residual join waiting for the shortcut layers that may follow it. */
  pending: PendingJoin | undefined;
  /** Shortcut layers read before their block's branch (`identity = self.downsample(x)` first). */
  private early: ShortcutRun | undefined;
  /** Set while a shortcut layer is converted: emitted layers go there instead of the main path. */
  sink: ShortcutRun | null = null;
  /** A recurrent or attention module not simulated: the stream ends there. */
  private stoppedAt: string | undefined;
  /** The sequence length a positional embedding fixes (its table size). */
  sequenceLength: Dim | undefined;
  /** Open forks (concat.ts) on the main path: the kept tensor and the branch outputs set aside. */
  readonly forks: OpenFork[] = [];

  constructor(
    readonly model: Model,
    readonly options: FromModelOptions,
    readonly input: InputShape,
    readonly dialect: SimulationDialect,
  ) {
    this.shape = shapeOfInput(input);
    this.shapes.push(this.shape);
  }

  /** The activation after `layer` as an ActivationSpec, null for none; unknown ones are noted. */
  activation(layer: Layer): ActivationSpec | null {
    if (layer.normalized && layer.type !== 'Dropout') {
      return null;
    }
    const activation = layer.activation;
    if (activation === null) {
      return null;
    }
    if (activation === 'unknown') {
      this.notes.push(`${layer.name}: the activation after it is unknown; simulated as linear`);
      return null;
    }
    const spec = activationSpec(activation);
    if (!isKnownActivation(spec.name)) {
      this.notes.push(`${layer.name}: activation ${spec.name} is not simulated; treated as linear`);
      return null;
    }
    return spec.name === 'linear' ? null : spec;
  }

  /**
   * The init call for a parameter: current, or the recommendation for the weight as the
   * framework's fix writes it (Keras' and JAX's he_normal are std-corrected truncated normals).
   */
  initCall(layer: Layer, parameter: 'weight' | 'bias', module: ModuleKind): InitCall {
    const init = layer.init[parameter];
    if (parameter === 'weight' && this.options.init === 'recommended') {
      const recommendation = this.options.signals?.find((signal) => signal.layer === layer.name)?.recommendation;
      if (recommendation) {
        const spelled = this.dialect.recommended(recommendation);
        if (spelled !== null) {
          return spelled;
        }
        this.notes.push(`${layer.name}: the recommended init has no ${this.dialect.label} spelling; simulated as torch's ${recommendation.name}`);
        return recommendationAsCall(recommendation);
      }
    }
    if (!init || init.name === 'default') {
      return this.dialect.fallback(module, parameter);
    }
    return { name: init.name, args: init.args };
  }

  /** A parameter's distribution; unknown inits fall back to the module default, with a note. */
  distribution(
    layer: Layer,
    parameter: 'weight' | 'bias',
    module: ModuleKind,
    call: InitCall,
    fans: { fanIn: number; fanOut: number } | undefined,
    shape?: number[],
  ): { distribution: Distribution; call: InitCall } {
    const distribution = distributionOfCall(call, module, parameter, fans, shape);
    if (distribution === undefined) {
      return { distribution: UNRESOLVED, call };
    }
    if (distribution !== null) {
      return { distribution, call };
    }
    const fallback = this.dialect.fallback(module, parameter);
    const written = layer.init[parameter]?.name;
    const what = call.name === 'unknown' && written !== undefined && written !== 'unknown' ? written : call.name;
    this.notes.push(
      `${layer.name}.${parameter}: init ${what} is not simulated (unknown, unresolved arguments, or not a distribution); simulated with the ${this.dialect.label} default instead`,
    );
    const replacement = distributionOfCall(fallback, module, parameter, fans, shape);
    return { distribution: replacement ?? UNRESOLVED, call: fallback };
  }

  /** Leaves a layer out; `beside` marks its container as off the main path (its siblings go too). */
  skip(layer: Layer, why: string, beside = false): void {
    this.notes.push(`${layer.name} (${this.writtenTypes.get(layer) ?? layer.type}) left out: ${why}`);
    if (this.sink !== null) {
      this.sink.failed = true;
      return;
    }
    const container = parentOf(layer.name);
    if (beside && container !== '' && this.layers.length > 0) {
      this.sideContainers.add(container);
    }
    if (layer.residual && this.layers.length > this.lastJoin) {
      // The branch this layer ends is lost: the residual stream passes unchanged.
      const start = this.branchStart(layer);
      const dropped = this.rollBack((_, index) => index >= start);
      const what = dropped.length > 0 ? ` (${dropped.join(', ')} left out)` : '';
      this.notes.push(`${layer.name}: its residual branch is not simulated${what}; the residual stream passes unchanged`);
      this.lastJoin = this.layers.length;
    }
  }

  /** Where the residual branch ending at `layer` starts (see join). */
  private branchStart(layer: Layer): number {
    return this.branchStarts(layer)[0];
  }

  /**
   * Where the residual branch ending at `layer` may start, most likely first. The block: up to its
   * first index when the name has one (`transformer.h.0.` under a shared `transformer.` with the
   * embeddings), else the top-level container; then each deeper indexed container
   * (`layers.8.1.` in `layers.8.1.body.7`: a stack whose first block has no skip).
   */
  private branchStarts(layer: Layer): number[] {
    const dot = layer.name.indexOf('.');
    const containers: string[] = [];
    for (const match of layer.name.matchAll(/\.\d+(?=\.)/g)) {
      containers.push(layer.name.slice(0, (match.index ?? 0) + match[0].length + 1));
    }
    if (containers.length === 0) {
      containers.push(dot < 0 ? '' : layer.name.slice(0, dot + 1));
    }
    return containers.map((container) => {
      let start = this.lastJoin;
      while (start < this.layers.length && !this.layers[start].name.startsWith(container)) {
        start++;
      }
      return start + (this.postNormAt(start) ? 1 : 0);
    });
  }

  /**
   * Whether the layer at `index` is the previous block's post-norm (BERT's `attention.LayerNorm`
   * after `attention.dense`'s add, in that sub-module): a norm right after the add, of the same
   * container as the layer that ended the branch. It normalises the stream: the next branch's skip starts after it.
   */
  private postNormAt(index: number): boolean {
    const joined = this.layers[this.lastJoin - 1];
    const norm = this.layers[index];
    return (
      index === this.lastJoin &&
      joined?.op === 'residual_end' &&
      (norm?.op === 'layernorm' || norm?.op === 'batchnorm') &&
      parentOf(joined.name) === parentOf(norm.name)
    );
  }

  /**
   * A layer that does not chain, in a container whose earlier layers (since the last join) were
   * kept: an op between them is not simulated (attention, pooling, a reshape), so they go too.
   */
  dropContainerOf(layer: Layer): boolean {
    const container = parentOf(layer.name);
    if (container === '' || this.sink !== null) {
      return false;
    }
    const dropped = this.rollBack((name, index) => index >= this.lastJoin && name.startsWith(container));
    if (dropped.length > 0) {
      this.notes.push(`${dropped.join(', ')} left out with ${layer.name}: an op between them is not simulated (attention, pooling or a reshape)`);
    }
    return dropped.length > 0;
  }

  /** Removes the emitted layers from the first one `drop` selects on; returns their names. */
  rollBack(drop: (name: string, index: number) => boolean): string[] {
    const first = this.layers.findIndex((layer, index) => drop(layer.name, index));
    if (first < 0) {
      return [];
    }
    const removed = this.layers.splice(first);
    this.shapes.splice(first + 1);
    this.shape = this.shapes[first];
    return removed.map((layer) => layer.name);
  }

  emit(simLayer: SimLayer, next: Shape): void {
    if (this.sink !== null) {
      const op = simLayer.op;
      if (
        op === 'linear' ||
        op === 'conv1d' ||
        op === 'conv2d' ||
        op === 'conv_transpose2d' ||
        op === 'batchnorm' ||
        op === 'layernorm' ||
        op === 'groupnorm' ||
        op === 'dropout'
      ) {
        // The join's activation follows the add; a shortcut layer has none of its own.
        this.sink.layers.push({ ...simLayer, activation: null });
      } else {
        this.notes.push(`${simLayer.name}: a ${op} on a projection shortcut is not simulated`);
        this.sink.failed = true;
      }
      this.sink.shape = next;
      return;
    }
    this.layers.push(simLayer);
    this.shape = next;
    this.shapes.push(next);
  }

  add(layer: Layer, simLayer: SimLayer, next: Shape): void {
    this.emit(simLayer, next);
    if (layer.residual && this.sink === null) {
      this.pending = { layer, simLayer, shortcut: undefined };
    }
  }

  /** Whether `layer` is on the shortcut of the join held in `pending` (read after the branch). */
  private onPendingShortcut(layer: Layer, pending: PendingJoin): boolean {
    const block = parentOf(pending.layer.name);
    if (!layer.name.startsWith(block) || layer.residual) {
      return false;
    }
    if (layer.shortcut === true) {
      return true;
    }
    // The siblings of a shortcut container (`downsample.1` after `downsample.0`); not the block's own layers.
    if (pending.shortcut !== undefined && pending.shortcut.container !== block) {
      return parentOf(layer.name) === pending.shortcut.container;
    }
    // The PyTorch adapter marks shortcut layers from the data flow; other frameworks are read by name.
    return (this.model.framework ?? 'pytorch') !== 'pytorch' && SHORTCUT_NAME.test(layer.name.slice(block.length));
  }

  /** Converts a shortcut layer onto `run` (on the skip tensor), leaving the main path as it is. */
  private convertOnto(run: ShortcutRun, layer: Layer): void {
    const main = this.shape;
    this.shape = run.shape;
    this.sink = run;
    try {
      this.dispatch(layer);
    } finally {
      this.sink = null;
      this.shape = main;
    }
  }

  private newRun(layer: Layer, input: Shape): ShortcutRun {
    return { layers: [], input, shape: input, failed: false, container: parentOf(layer.name) };
  }

  /** Ends the conversion: the join still held, and a note for shortcut layers no join took. */
  finish(): void {
    this.finishJoin();
    if (this.early !== undefined) {
      const names = this.early.layers.map((inner) => inner.name).join(', ');
      this.notes.push(`${names === '' ? 'a shortcut' : names}: shortcut layers with no residual add after them are not simulated`);
      this.early = undefined;
    }
  }

  /** Ends the join held in `pending`, with its shortcut (read after the branch or before it) or the identity. */
  finishJoin(): void {
    const pending = this.pending;
    if (pending === undefined) {
      return;
    }
    this.pending = undefined;
    const shortcut = pending.shortcut ?? this.early;
    this.early = undefined;
    this.join(pending.layer, pending.simLayer, shortcut);
  }

  /**
   * Ends the residual branch at `simLayer`. The branch is assumed to start at the first layer after
   * the previous join that shares the residual layer's top-level container (`layer1.` for
   * `layer1.0.bn2`, `blocks.` for `blocks.0.mlp.c_proj`): the skip is the block's input.
   */
  private join(layer: Layer, simLayer: SimLayer, shortcut: ShortcutRun | undefined): void {
    const starts = this.branchStarts(layer).map((candidate) => Math.min(candidate, this.layers.length - 1));
    // A deeper block when the outer one's input does not match (its first block changed the shape).
    const start = shortcut !== undefined ? starts[0] : (starts.find((candidate) => sameShape(this.shapes[candidate], this.shape)) ?? starts[0]);
    const skipShape = this.shapes[start];
    if (shortcut !== undefined && !shortcut.failed && sameShape(shortcut.input, skipShape)) {
      poolUnseenOnShortcut(shortcut, this.shape, layer, this.notes);
    }
    const skipOut = shortcut?.shape ?? skipShape;
    const names = shortcut?.layers.map((inner) => inner.name).join(', ') ?? '';
    if (shortcut !== undefined && shortcut.failed) {
      this.notes.push(`${layer.name}: residual add not simulated: a layer of its shortcut is not simulated${names === '' ? '' : ` (${names} left out)`}`);
    } else if (shortcut !== undefined && !sameShape(shortcut.input, skipShape)) {
      this.notes.push(
        `${layer.name}: residual add not simulated: its shortcut starts from ${describe(shortcut.input)}, not from the block input (${describe(skipShape)})`,
      );
    } else if (!sameShape(skipOut, this.shape)) {
      const what = shortcut === undefined ? 'a projection shortcut not seen' : `after its shortcut ${names}`;
      this.notes.push(
        `${layer.name}: residual add not simulated: the skip (${describe(skipOut)}) and the branch (${describe(this.shape)}) differ in shape (${what})`,
      );
    } else {
      const activation = simLayer.activation;
      simLayer.activation = null;
      const begin: SimLayer = {
        name: `${layer.name}:skip`,
        op: 'residual_begin',
        activation: null,
        ...(shortcut === undefined ? {} : { shortcut: shortcut.layers }),
      };
      this.layers.splice(start, 0, begin);
      this.shapes.splice(start, 0, skipShape);
      this.emit({ name: `${layer.name}:add`, op: 'residual_end', activation, scale: 1 }, this.shape);
    }
    this.lastJoin = this.layers.length;
  }

  convert(written: Layer): void {
    const layer = this.dialect.layer(written);
    if (layer !== written) {
      this.writtenTypes.set(layer, written.type);
    }
    if (this.pending !== undefined) {
      if (this.onPendingShortcut(layer, this.pending)) {
        this.pending.shortcut ??= this.newRun(layer, this.shapes[Math.min(this.branchStart(this.pending.layer), this.layers.length - 1)]);
        return this.convertOnto(this.pending.shortcut, layer);
      }
      this.finishJoin();
    }
    if (layer.shortcut === true && !layer.residual) {
      // The shortcut before its block's branch: it starts from the current tensor, the block input.
      this.early ??= this.newRun(layer, this.shape);
      return this.convertOnto(this.early, layer);
    }
    if (this.stoppedAt !== undefined) {
      return this.skip(layer, `it comes after ${this.stoppedAt}, which is not simulated`);
    }
    const container = [...this.sideContainers].find((prefix) => layer.name.startsWith(prefix));
    if (container !== undefined) {
      return this.skip(layer, `it is in ${container.replace(/\.$/, '')}, beside the main path`);
    }
    this.dispatch(layer);
  }

  /**
   * A shape-changing op of the graph after `layer` (a pool, an upsampling): onto the main path after
   * the join held; on a shortcut, or after the stream stopped, it is not simulated (noted).
   */
  convertOp(op: GraphOp, layer: Layer): void {
    if (this.stoppedAt !== undefined) {
      return;
    }
    const conversion = GRAPH_OP_CONVERSIONS[op.kind];
    if (conversion === null || op.branch === true) {
      // A branch's op is not placed: the branches are read from channel counts (inferredConcat.ts).
      return;
    }
    if (layer.shortcut === true) {
      this.notes.push(`${op.module ?? op.kind} after ${layer.name}: a ${op.kind} on a projection shortcut is not simulated`);
      return;
    }
    this.finishJoin();
    conversion(this, op, (why) => {
      this.stoppedAt = `${op.module ?? op.kind} after ${layer.name}`;
      this.notes.push(`${this.stoppedAt}: ${why} is not simulated; the layers after it are left out`);
    });
  }

  /** Converts a layer by its type (onto the main path, or onto a shortcut while `sink` is set). */
  private dispatch(layer: Layer): void {
    const converter = OP_CONVERTERS.find((entry) => entry.types.test(layer.type));
    if (converter !== undefined) {
      return converter.convert(this, layer);
    }
    if (SEQUENCE_MODULE.test(layer.type) && this.sink === null) {
      // It maps the stream to a new one: the layers after it would read a tensor that was never made.
      this.stoppedAt = layer.name;
      return this.skip(layer, 'this layer type is not simulated; the layers after it are left out too');
    }
    this.skip(layer, 'this layer type is not simulated');
  }
}
