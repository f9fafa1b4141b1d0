/**
 * An extracted model (graph.ts) → SimNetwork, with today's init or the recommended one. The graph is
 * a forward-ordered list of layers, not a dataflow graph, so some structure is assumed, and every
 * assumption or omission becomes a note line:
 * - a residual branch starts after the previous join (or at the network input) and ends at a layer
 *   marked `residual`; the activation after that layer is applied after the add;
 * - a projection shortcut runs on the skip and goes into the residual_begin's `shortcut`: the layers
 *   the PyTorch adapter marks `shortcut` (before or after the branch), or, for frameworks without the
 *   mark, layers of the residual layer's block after it in a container named like a shortcut
 *   (`downsample`, `shortcut`, `proj`, `skip`), with that container's other layers;
 * - any other layer whose input does not chain to the previous output (a head after pooling) is left out;
 * - a layer re-normalised before its activation (`normalized`) hands the activation to the norm.
 *
 * Layer types, constructor arguments and init calls are read in torch's vocabulary; a Keras or Flax
 * model goes through its framework's dialect (dialect.ts, implemented in frameworks/<name>/simulation.ts
 * and passed in by the caller), which maps each
 * layer and initializer to the torch vocabulary with the framework's own distribution (Keras'
 * std-corrected truncated normal, JAX's untruncated `normal`, …), so nothing here is framework-specific.
 */
import type { ActivationSpec } from '../activations';
import { isKnownActivation } from '../activations';
import { activationSpec } from '../advice/recommend';
import type { LayerSignal } from '../advice/types';
import type { ArgValue, Dim, Layer, Model } from '../graph';
import { recommendationAsCall, type ModuleKind, type SimulationDialect } from './dialect';
import { affineFans, distributionOfCall } from './distributions';
import type { AffineLayer, Coverage, Distribution, DropoutLayer, InitCall, InputShape, NormLayer, SimLayer, SimNetwork } from './network';

export interface FromModelOptions {
  /** `current`: the init in force; `recommended`: the advice's recommendation where there is one. */
  init: 'current' | 'recommended';
  /** The advice's per-layer signals for this model (recommendations). */
  signals?: LayerSignal[];
  /** The per-example input shape, when the first layer does not fix it. */
  input?: InputShape;
  /** The model's framework's dialect (the framework registry's `dialectFor(model.framework)`). */
  dialect: SimulationDialect;
}

/** Spatial size assumed for conv inputs when no input shape is given. */
export const DEFAULT_SPATIAL_SIZE = 32;
/** Sequence length assumed for token inputs (per-element statistics do not depend on it). */
export const DEFAULT_SEQUENCE_LENGTH = 128;

/** A placeholder for a distribution that needs symbolic fans; resolve.ts recomputes it. */
const UNRESOLVED: Distribution = { kind: 'constant', value: Number.NaN };

/** The running tensor shape during conversion. */
interface Shape {
  /** Features (channels); null for token ids. */
  features: Dim | null;
  spatial: number[];
}

function dimOf(value: ArgValue | undefined): Dim | undefined {
  if (typeof value === 'number') {
    return value;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (value !== null && typeof value === 'object') {
    return value.expr;
  }
  return undefined;
}

/** An int or a tuple of ints (`(3, 3)` arrives as expression text), repeated to `dims`; undefined when not static. */
function intsOf(value: ArgValue | undefined, dims: number, fallback: number | undefined): number[] | undefined {
  if (value === undefined) {
    return fallback === undefined ? undefined : new Array<number>(dims).fill(fallback);
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    return new Array<number>(dims).fill(value);
  }
  if (value !== null && typeof value === 'object') {
    const match = /^\s*[([]\s*(\d+)\s*(?:,\s*(\d+)\s*)?,?\s*[)\]]\s*$/.exec(value.expr);
    if (match) {
      const items = [Number(match[1]), ...(match[2] === undefined ? [] : [Number(match[2])])];
      if (items.length === dims) {
        return items;
      }
      if (items.length === 1) {
        return new Array<number>(dims).fill(items[0]);
      }
    }
  }
  return undefined;
}

function sameDim(left: Dim | null, right: Dim | null): boolean {
  return left === right;
}

function sameShape(left: Shape, right: Shape): boolean {
  return sameDim(left.features, right.features) && left.spatial.join() === right.spatial.join();
}

/** The layers of a projection shortcut being read, on the skip tensor (`shape`: after them). */
interface ShortcutRun {
  layers: (AffineLayer | NormLayer | DropoutLayer)[];
  /** The tensor the shortcut starts from, and after its layers so far. */
  input: Shape;
  shape: Shape;
  /** A layer of it could not be simulated: the add is not simulated either. */
  failed: boolean;
  /** The container of its first layer (`layer2.0.downsample.`): its siblings are on the shortcut too. */
  container: string;
}

/** A residual layer's join, held until the layers after it show whether a shortcut follows (torchvision order). */
interface PendingJoin {
  layer: Layer;
  simLayer: SimLayer;
  shortcut: ShortcutRun | undefined;
}

/** Modules that map a whole sequence to a new one (not simulated yet): nothing after them chains. */
const SEQUENCE_MODULE = /^(LSTM|GRU|RNN|MultiheadAttention|Transformer(Encoder|Decoder)?(Layer)?)$/;

/** Names a container on a skip path (`downsample`, `shortcut`, `proj`, `skip`), for frameworks that do not mark it. */
const SHORTCUT_NAME = /(^|\.)(downsample|shortcut|proj|projection|skip)(\.|$)/;

function describe(shape: Shape): string {
  return shape.features === null ? 'token ids' : `${shape.features}${shape.spatial.length > 0 ? `×${shape.spatial.join('×')}` : ''}`;
}

class Converter {
  readonly layers: SimLayer[] = [];
  readonly notes: string[] = [];
  private shape: Shape;
  /** Where the current residual branch may start: after the previous join. */
  private lastJoin = 0;
  /** The shape after each emitted layer (index i: before layer i; the last entry is the current shape). */
  private readonly shapes: Shape[] = [];
  /** Containers of layers left out because they do not chain (a projection shortcut): their siblings go too. */
  private readonly sideContainers = new Set<string>();
  /** The framework's own type of each translated layer, for notes. */
  private readonly writtenTypes = new Map<Layer, string>();
  /** A residual join waiting for the shortcut layers that may follow it. */
  private pending: PendingJoin | undefined;
  /** Shortcut layers read before their block's branch (`identity = self.downsample(x)` first). */
  private early: ShortcutRun | undefined;
  /** Set while a shortcut layer is converted: emitted layers go there instead of the main path. */
  private sink: ShortcutRun | null = null;
  /** A recurrent or attention module not simulated: the stream ends there. */
  private stoppedAt: string | undefined;
  /** The sequence length a positional embedding fixes (its table size). */
  sequenceLength: Dim | undefined;
  /** Open forks (concat.ts) on the main path: the kept tensor and the branch outputs set aside. */
  private readonly forks: { input: Shape; parts: Shape[] }[] = [];

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
    // The block: up to its index when the name has one (`transformer.h.0.` under a shared
    // `transformer.` with the embeddings), else the top-level container.
    const indexed = /^(.*?\.\d+\.)/.exec(layer.name);
    const dot = layer.name.indexOf('.');
    const container = indexed !== null ? indexed[1] : dot < 0 ? '' : layer.name.slice(0, dot + 1);
    let start = this.lastJoin;
    while (start < this.layers.length && !this.layers[start].name.startsWith(container)) {
      start++;
    }
    return start;
  }

  /**
   * A layer that does not chain, in a container whose earlier layers (since the last join) were
   * kept: an op between them is not simulated (attention, pooling, a reshape), so they go too.
   */
  private dropContainerOf(layer: Layer): boolean {
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
  private rollBack(drop: (name: string, index: number) => boolean): string[] {
    const first = this.layers.findIndex((layer, index) => drop(layer.name, index));
    if (first < 0) {
      return [];
    }
    const removed = this.layers.splice(first);
    this.shapes.splice(first + 1);
    this.shape = this.shapes[first];
    return removed.map((layer) => layer.name);
  }

  private emit(simLayer: SimLayer, next: Shape): void {
    if (this.sink !== null) {
      const op = simLayer.op;
      if (op === 'linear' || op === 'conv1d' || op === 'conv2d' || op === 'batchnorm' || op === 'layernorm' || op === 'dropout') {
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
    const start = Math.min(this.branchStart(layer), this.layers.length - 1);
    const skipShape = this.shapes[start];
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

  /** Converts a layer by its type (onto the main path, or onto a shortcut while `sink` is set). */
  private dispatch(layer: Layer): void {
    const type = layer.type;
    if (type === 'Linear') {
      return this.linear(layer);
    }
    if (type === 'Conv1d' || type === 'Conv2d') {
      return this.conv(layer, type === 'Conv1d' ? 1 : 2);
    }
    if (type === 'Embedding') {
      return this.embedding(layer);
    }
    if (/^BatchNorm[12]d$/.test(type) || type === 'LayerNorm') {
      return this.norm(layer);
    }
    if (type === 'Dropout') {
      return this.dropout(layer);
    }
    if (SEQUENCE_MODULE.test(type) && this.sink === null) {
      // It maps the stream to a new one: the layers after it would read a tensor that was never made.
      this.stoppedAt = layer.name;
      return this.skip(layer, 'this layer type is not simulated; the layers after it are left out too');
    }
    this.skip(layer, 'this layer type is not simulated');
  }

  /**
   * A symbolic input size the framework infers at the first call (linen's `x.shape[-1]`, a Keras
   * Sequential's `input_shape[-1]` without an Input): the
   * network input's size for the first layer, and the flattened tensor before a layer whose symbol
   * says its input was reshaped (`x.reshape((x.shape[0], -1)).shape[-1]`). Any other symbol may be
   * another input of the model (`k.shape[-1]` in a two-tower model), so it stays a symbol.
   */
  private inferredSize(layer: Layer, size: Dim, flattens: boolean): Dim {
    const features = this.shape.features;
    if (typeof size !== 'string' || !this.dialect.infersInputSize || typeof features !== 'number') {
      return size;
    }
    const reshaped = flattens && /\b(reshape|flatten|ravel)\b/.test(size);
    if (this.layers.length > 0 && !reshaped) {
      return size;
    }
    const flat = reshaped ? features * this.shape.spatial.reduce((a, b) => a * b, 1) : features;
    const unseen = reshaped ? ' (a pooling before the reshape is not seen)' : '';
    this.notes.push(`${layer.name}: input size ${size} is inferred by ${this.dialect.label} at the first call: ${flat} from the tensor before it${unseen}`);
    return flat;
  }

  private linear(layer: Layer): void {
    const written = dimOf(layer.config.in_features) ?? layer.fanIn;
    const inFeatures = written === null ? null : this.inferredSize(layer, written, true);
    const outFeatures = dimOf(layer.config.out_features) ?? layer.fanOut;
    if (inFeatures === null || outFeatures === null) {
      return this.skip(layer, 'its sizes are unknown');
    }
    if (this.shape.spatial.length > 0 && this.forks.length > 0 && typeof inFeatures === 'number' && this.shape.spatial.length > 0) {
      this.closeBeforeHead(layer, inFeatures);
    }
    if (this.shape.spatial.length > 0) {
      const flat = typeof this.shape.features === 'number' ? this.shape.features * this.shape.spatial.reduce((a, b) => a * b, 1) : undefined;
      const pooled = flat === undefined || flat === inFeatures ? undefined : this.poolBefore(layer, inFeatures);
      if (pooled !== undefined || (flat !== undefined && flat === inFeatures)) {
        const size = pooled ?? (flat as number);
        if (this.shape.spatial.some((extent) => extent > 1)) {
          this.notes.push(`${layer.name}: input flattened from ${describe(this.shape)} (assumed)`);
        }
        this.emit({ name: `${layer.name}:flatten`, op: 'flatten', activation: null }, { features: size, spatial: [] });
      } else {
        return this.skip(layer, `its input (${inFeatures}) does not chain to the ${describe(this.shape)} tensor before it (pooling is not simulated)`);
      }
    }
    if (!sameDim(inFeatures, this.shape.features)) {
      this.attentionBefore(layer, inFeatures);
    }
    if (!sameDim(inFeatures, this.shape.features)) {
      const why = `its input (${inFeatures}) does not chain to the previous output (${describe(this.shape)})`;
      return this.skip(layer, this.dropContainerOf(layer) ? `${why}: an op before it is not simulated` : why, true);
    }
    this.affine(layer, 'linear', inFeatures, outFeatures, [], [], [], 1, this.shape.spatial);
  }

  /** An open concatenation closed before a head: its channels, pooled to h×w, make the head's inputs. */
  private closeBeforeHead(layer: Layer, inFeatures: number): void {
    const fork = this.forks[this.forks.length - 1];
    const channels = fork.parts.reduce((sum, part) => sum + (part.features as number), 0) + (this.shape.features as number);
    for (const withInput of [false, true]) {
      const joined = channels + (withInput ? (fork.input.features as number) : 0);
      const positions = inFeatures / joined;
      if (Number.isInteger(positions) && this.shape.spatial.reduce((product, size) => product * size, 1) % positions === 0) {
        this.concatBefore(layer, joined);
        return;
      }
    }
  }

  /**
   * A pooling the graph does not show, read from the sizes: a Linear over C·h·w inputs after a
   * C×H×W tensor with H/h = W/w = k a whole number. A global one (h = w = 1) is taken as average
   * pooling (adaptive average pooling, `x.mean([2, 3])`), a k×k one as max pooling with stride k
   * (the MNIST and VGG idiom); both said in a note. It goes before the dropouts that end the
   * tensor's run (pool, then dropout). Returns the pooled size, or undefined when none fits.
   */
  private poolBefore(layer: Layer, inFeatures: Dim): number | undefined {
    const channels = this.shape.features;
    if (typeof channels !== 'number' || typeof inFeatures !== 'number' || inFeatures % channels !== 0 || this.sink !== null) {
      return undefined;
    }
    const positions = inFeatures / channels;
    const spatial = this.shape.spatial;
    const side = spatial.length === 1 ? positions : Math.round(Math.sqrt(positions));
    if (spatial.length === 2 && side * side !== positions) {
      return undefined;
    }
    const kernel = spatial.map((extent) => (side === 1 ? extent : extent / side));
    if (kernel.some((size) => !Number.isInteger(size) || size < 1) || (side > 1 && kernel.some((size, index) => spatial[index] !== size * side))) {
      return undefined;
    }
    // Only the idioms read without doubt: a 2×2 pool, or a global one before a classifier head.
    // Deeper downsampling is several pools between the convs, and a Linear over the channels of a
    // tensor that later layers still read per position (ConvNeXt, ViT, Mixer) is per position.
    if ((side > 1 && kernel.some((size) => size !== 2)) || !this.isHead(layer)) {
      return undefined;
    }
    const mode = side === 1 ? 'avg' : 'max';
    const dropouts: SimLayer[] = [];
    while (this.layers.length > this.lastJoin && this.layers[this.layers.length - 1].op === 'dropout') {
      dropouts.unshift(this.layers.pop() as SimLayer);
      this.shapes.pop();
    }
    const out = spatial.map(() => side);
    const name = `${layer.name}:${side === 1 ? 'global_avg_pool' : 'max_pool'}`;
    this.notes.push(
      side === 1
        ? `${layer.name}: its ${inFeatures} inputs are the ${channels} channels of the ${describe(this.shape)} tensor before it: global average pooling assumed`
        : `${layer.name}: its ${inFeatures} inputs are ${channels}×${out.join('×')} from the ${describe(this.shape)} tensor before it: a ${kernel.join('×')} max pooling assumed`,
    );
    this.emit({ name, op: 'pool', activation: null, mode, kernel, stride: kernel }, { features: channels, spatial: out });
    for (const dropout of dropouts) {
      this.emit(dropout, this.shape);
    }
    return inFeatures;
  }

  /**
   * A concatenation the graph does not show, read from the channel counts, before a layer whose
   * `inChannels` do not chain to the current C×H×W tensor (notes say each one):
   * - the open fork's branches plus the current tensor (with or without the kept one) make it: concat;
   * - it is the kept tensor's (or an earlier tensor's of this run) channels: a parallel branch
   *   from it (Inception), the current output set aside;
   * - it is the current channels plus those of the tensor at the start of the last layer's
   *   container: that tensor concatenated with the container's output (DenseNet's cat([x, f(x)])).
   * Returns whether the current tensor now has `inChannels` channels.
   */
  private concatBefore(layer: Layer, inChannels: Dim): boolean {
    const current = this.shape;
    if (
      this.sink !== null ||
      typeof inChannels !== 'number' ||
      typeof current.features !== 'number' ||
      current.spatial.length === 0 ||
      this.pending !== undefined
    ) {
      return false;
    }
    const sameSpatial = (shape: Shape): boolean => shape.spatial.join() === current.spatial.join() && typeof shape.features === 'number';
    const fork = this.forks[this.forks.length - 1];
    if (fork !== undefined) {
      const parts = fork.parts.reduce((sum, part) => sum + (part.features as number), 0) + current.features;
      const kept = fork.input.features as number;
      if (inChannels === parts || inChannels === parts + kept) {
        const withInput = inChannels !== parts;
        this.forks.pop();
        this.notes.push(
          `${layer.name}: its ${inChannels} input channels are ${withInput ? 'the kept tensor and ' : ''}${fork.parts.length + 1} branches concatenated (assumed)`,
        );
        this.emit({ name: `${layer.name}:concat`, op: 'concat', activation: null, withInput }, { features: inChannels, spatial: current.spatial });
        return true;
      }
    }
    const last = this.layers.length - 1;
    for (let index = last; index >= this.lastJoin; index--) {
      const shape = this.shapes[index];
      if (sameSpatial(shape) && shape.features === inChannels && index < last) {
        this.openBranch(layer, index, fork);
        return true;
      }
    }
    const container = last >= 0 ? parentOf(this.layers[last].name) : '';
    const start =
      container === ''
        ? -1
        : this.layers.findIndex((emitted, index) => index >= this.lastJoin && emitted.name.startsWith(container) && !emitted.name.includes(':'));
    const kept = start < 0 ? undefined : this.shapes[start];
    if (kept !== undefined && sameSpatial(kept) && (kept.features as number) + current.features === inChannels) {
      this.insertFork(start, `${container.slice(0, -1)}:fork`);
      this.notes.push(
        `${layer.name}: its ${inChannels} input channels are the input of ${container.replace(/\.$/, '')} (${kept.features}) concatenated with its output (${current.features}) (assumed)`,
      );
      this.forks.pop();
      this.emit({ name: `${layer.name}:concat`, op: 'concat', activation: null, withInput: true }, { features: inChannels, spatial: current.spatial });
      return true;
    }
    return false;
  }

  /** Starts a parallel branch from the tensor before layer `index` (a fork there unless it is the open one). */
  private openBranch(layer: Layer, index: number, open: { input: Shape; parts: Shape[] } | undefined): void {
    let fork = open;
    if (fork === undefined || fork.input !== this.shapes[index]) {
      this.insertFork(index, `${layer.name}:fork`);
      fork = this.forks[this.forks.length - 1];
    }
    fork.parts.push(this.shape);
    this.notes.push(`${layer.name}: reads the ${describe(fork.input)} tensor, not the previous output: a parallel branch, to be concatenated (assumed)`);
    this.emit({ name: `${layer.name}:branch`, op: 'branch', activation: null }, fork.input);
  }

  /** Inserts a fork before emitted layer `index` and opens it. */
  private insertFork(index: number, name: string): void {
    const input = this.shapes[index];
    this.layers.splice(index, 0, { name, op: 'fork', activation: null });
    this.shapes.splice(index, 0, input);
    this.forks.push({ input, parts: [] });
  }

  /** Whether `layer` starts a classifier head: no conv and no residual add after it, and at most three Linear layers from it on. */
  private isHead(layer: Layer): boolean {
    const layers = this.model.layers.map(this.dialect.layer);
    const index = layers.findIndex((candidate) => candidate.name === layer.name);
    const rest = index < 0 ? [] : layers.slice(index);
    // A residual add after it means it is inside a block (a transformer's or ConvNeXt's MLP), not a head.
    return index >= 0 && !rest.some((later) => /^Conv/.test(later.type) || later.residual) && rest.filter((later) => later.type === 'Linear').length <= 3;
  }

  private conv(layer: Layer, dims: 1 | 2): void {
    const writtenChannels = dimOf(layer.config.in_channels);
    const inChannels = writtenChannels === undefined || this.shape.spatial.length !== dims ? writtenChannels : this.inferredSize(layer, writtenChannels, false);
    const outChannels = dimOf(layer.config.out_channels);
    const kernel = intsOf(layer.config.kernel_size, dims, undefined);
    const stride = intsOf(layer.config.stride, dims, 1);
    if (inChannels === undefined || outChannels === undefined || kernel === undefined || stride === undefined) {
      return this.skip(layer, 'its channels, kernel size or stride are not static');
    }
    if (this.shape.spatial.length === dims && !sameDim(inChannels, this.shape.features)) {
      this.concatBefore(layer, inChannels);
    }
    if (this.shape.spatial.length !== dims || !sameDim(inChannels, this.shape.features)) {
      const why = `its input (${inChannels} channels) does not chain to the previous output (${describe(this.shape)})`;
      return this.skip(layer, this.dropContainerOf(layer) ? `${why}: an op before it is not simulated` : why, true);
    }
    let padding: number[] | undefined;
    const rawPadding = layer.config.padding;
    if (rawPadding === 'same') {
      padding = kernel.every((size) => size % 2 === 1) ? kernel.map((size) => (size - 1) / 2) : undefined;
    } else if (rawPadding === 'valid') {
      padding = new Array<number>(dims).fill(0);
    } else {
      padding = intsOf(rawPadding, dims, 0);
    }
    if (padding === undefined) {
      return this.skip(layer, 'its padding is not static (or asymmetric)');
    }
    const dilation = intsOf(layer.config.dilation, dims, 1);
    if (dilation === undefined) {
      return this.skip(layer, 'its dilation is not static');
    }
    if (dilation.some((step) => step !== 1)) {
      // Simulated as an undilated kernel with the padding that keeps the output size: the fan and the
      // output size are right, the border share is approximate.
      const adjusted = padding.map((pad, index) => pad - ((dilation[index] - 1) * (kernel[index] - 1)) / 2);
      if (adjusted.some((pad) => !Number.isInteger(pad) || pad < 0)) {
        return this.skip(layer, 'its dilation and padding cannot be simulated');
      }
      this.notes.push(
        `${layer.name}: dilation ${dilation.join('×')} simulated as an undilated kernel with padding ${adjusted.join('×')} (same output size; border share approximate)`,
      );
      padding = adjusted;
    }
    const groups = typeof layer.config.groups === 'number' ? layer.config.groups : layer.config.groups === undefined ? 1 : undefined;
    if (groups === undefined) {
      return this.skip(layer, 'its groups are not static');
    }
    const pads = padding;
    const spatial = this.shape.spatial.map((size, index) => Math.floor((size + 2 * pads[index] - kernel[index]) / stride[index]) + 1);
    if (spatial.some((size) => size < 1)) {
      return this.skip(layer, `its output would be empty at input ${describe(this.shape)}`);
    }
    this.affine(layer, dims === 1 ? 'conv1d' : 'conv2d', inChannels, outChannels, kernel, stride, pads, groups, spatial);
  }

  private affine(
    layer: Layer,
    op: AffineLayer['op'],
    inFeatures: Dim,
    outFeatures: Dim,
    kernel: number[],
    stride: number[],
    padding: number[],
    groups: number,
    spatial: number[],
  ): void {
    const draft = { inFeatures, outFeatures, kernel, groups };
    const fans = affineFans(draft);
    const shape = typeof inFeatures === 'number' && typeof outFeatures === 'number' ? [outFeatures, inFeatures / groups, ...kernel] : undefined;
    const weight = this.distribution(layer, 'weight', 'affine', this.initCall(layer, 'weight', 'affine'), fans, shape);
    const hasBias = 'bias' in layer.init && layer.init.bias !== null;
    const bias = hasBias
      ? this.distribution(layer, 'bias', 'affine', this.initCall(layer, 'bias', 'affine'), fans, typeof outFeatures === 'number' ? [outFeatures] : undefined)
      : null;
    const simLayer: AffineLayer = {
      name: layer.name,
      op,
      activation: this.activation(layer),
      inFeatures,
      outFeatures,
      kernel,
      stride,
      padding,
      groups,
      weight: weight.distribution,
      bias: bias === null ? null : bias.distribution,
      weightInit: weight.call,
      ...(bias === null ? {} : { biasInit: bias.call }),
    };
    this.add(layer, simLayer, { features: outFeatures, spatial });
  }

  private embedding(layer: Layer): void {
    if (this.layers.length === 1 && this.layers[0].op === 'embedding' && this.sink === null) {
      return this.positional(layer);
    }
    if (this.layers.length > 0 || this.shape.features !== null) {
      return this.skip(layer, 'an embedding is simulated only as the first layer');
    }
    const count = dimOf(layer.config.num_embeddings) ?? layer.fanOut;
    const width = dimOf(layer.config.embedding_dim) ?? layer.fanIn;
    if (count === null || width === null) {
      return this.skip(layer, 'its sizes are unknown');
    }
    const fans = typeof count === 'number' && typeof width === 'number' ? { fanIn: width, fanOut: count } : undefined;
    const weight = this.distribution(
      layer,
      'weight',
      'embedding',
      this.initCall(layer, 'weight', 'embedding'),
      fans,
      fans ? [fans.fanOut, fans.fanIn] : undefined,
    );
    if (layer.config.padding_idx !== undefined && layer.config.padding_idx !== null) {
      this.notes.push(`${layer.name}: the zeroed padding row is not simulated`);
    }
    this.add(
      layer,
      {
        name: layer.name,
        op: 'embedding',
        activation: this.activation(layer),
        numEmbeddings: count,
        embeddingDim: width,
        weight: weight.distribution,
        weightInit: weight.call,
      },
      { features: width, spatial: [] },
    );
  }

  /**
   * A second embedding right after the token embedding, of the same width: a positional embedding
   * added to it (`wte(idx) + wpe(pos)`); its table size is the sequence length (`block_size`).
   */
  private positional(layer: Layer): void {
    const count = dimOf(layer.config.num_embeddings) ?? layer.fanOut;
    const width = dimOf(layer.config.embedding_dim) ?? layer.fanIn;
    if (count === null || width === null || !sameDim(width, this.shape.features)) {
      return this.skip(layer, "a second embedding is simulated only as a positional embedding of the token embedding's width");
    }
    const fans = typeof count === 'number' && typeof width === 'number' ? { fanIn: width, fanOut: count } : undefined;
    const weight = this.distribution(
      layer,
      'weight',
      'embedding',
      this.initCall(layer, 'weight', 'embedding'),
      fans,
      fans ? [fans.fanOut, fans.fanIn] : undefined,
    );
    this.sequenceLength = count;
    this.notes.push(`${layer.name}: a positional embedding added to ${this.layers[0].name} (assumed); the sequence length is its ${count} rows`);
    const simLayer: SimLayer = {
      name: layer.name,
      op: 'embedding',
      positional: true,
      activation: null,
      numEmbeddings: count,
      embeddingDim: width,
      weight: weight.distribution,
      weightInit: weight.call,
    };
    this.add(layer, simLayer, this.shape);
  }

  /**
   * Self-attention the graph does not show, read from the sizes: a Linear over n inputs after a
   * Linear of the same container with 3n outputs (fused q, k, v: nanoGPT's `c_attn`, then `c_proj`).
   * Causal on token input (a language model), else not; both said in a note.
   */
  private attentionBefore(layer: Layer, inFeatures: Dim): boolean {
    // Dropout on the attention weights is listed between the projections; it moves after the op.
    let end = this.layers.length;
    while (end > this.lastJoin && this.layers[end - 1].op === 'dropout') {
      end--;
    }
    const last = this.layers[end - 1];
    if (
      this.sink !== null ||
      typeof inFeatures !== 'number' ||
      this.shape.features !== 3 * inFeatures ||
      this.shape.spatial.length > 0 ||
      last?.op !== 'linear' ||
      parentOf(last.name) !== parentOf(layer.name)
    ) {
      return false;
    }
    const causal = this.input.kind === 'tokens';
    const length = this.input.kind === 'tokens' ? (this.sequenceLength ?? this.input.length) : undefined;
    if (length === undefined) {
      return false;
    }
    this.notes.push(
      `${layer.name}: its ${inFeatures} inputs are self-attention over the fused q, k, v of ${last.name} (assumed; ${causal ? 'causal, a language model' : 'not causal'})`,
    );
    const dropouts = this.layers.splice(end);
    this.shapes.splice(end + 1);
    this.shape = this.shapes[end];
    this.emit({ name: `${layer.name}:attention`, op: 'attention', activation: null, causal, length }, { features: inFeatures, spatial: [] });
    for (const dropout of dropouts) {
      this.emit(dropout, this.shape);
    }
    return true;
  }

  private norm(layer: Layer): void {
    if (this.shape.features === null) {
      return this.skip(layer, 'it cannot follow token ids');
    }
    const op = layer.type === 'LayerNorm' ? 'layernorm' : 'batchnorm';
    const declared = dimOf(op === 'layernorm' ? layer.config.normalized_shape : layer.config.num_features);
    if (declared !== undefined && typeof declared === typeof this.shape.features && !sameDim(declared, this.shape.features)) {
      this.concatBefore(layer, declared);
    }
    if (declared !== undefined && typeof declared === typeof this.shape.features && !sameDim(declared, this.shape.features)) {
      return this.skip(layer, `its ${declared} features do not chain to the previous output (${describe(this.shape)})`, true);
    }
    if (op === 'layernorm' && this.shape.spatial.length > 0) {
      this.notes.push(`${layer.name}: LayerNorm on a conv tensor simulated channel-wise (per position)`);
    }
    const eps = typeof layer.config.eps === 'number' ? layer.config.eps : 1e-5;
    const affine = op === 'layernorm' ? layer.config.elementwise_affine !== false : layer.config.affine !== false;
    const parameter = (name: 'weight' | 'bias'): Distribution | null => {
      if (!affine || layer.init[name] === null || layer.init[name] === undefined) {
        return name === 'weight' && affine ? { kind: 'constant', value: 1 } : affine ? { kind: 'constant', value: 0 } : null;
      }
      return this.distribution(layer, name, 'norm', this.initCall(layer, name, 'norm'), undefined).distribution;
    };
    this.add(layer, { name: layer.name, op, activation: this.activation(layer), weight: parameter('weight'), bias: parameter('bias'), eps }, this.shape);
  }

  private dropout(layer: Layer): void {
    const p = layer.config.p === undefined ? 0.5 : layer.config.p;
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
      return this.skip(layer, 'its p is not static');
    }
    // The activation after a dropout is the one the previous layer already carries.
    const dropout: SimLayer = { name: layer.name, op: 'dropout', activation: null, p };
    const last = this.sink === null ? this.layers[this.layers.length - 1] : undefined;
    if (last?.op === 'residual_end' && parentOf(last.name) === parentOf(layer.name) && last.name.endsWith(':add')) {
      // `x + drop(proj(h))`: the graph lists the dropout after the layer marked residual; it belongs in the branch.
      this.layers.splice(this.layers.length - 1, 0, dropout);
      this.shapes.splice(this.shapes.length - 1, 0, this.shape);
      this.lastJoin = this.layers.length;
      return;
    }
    this.add(layer, dropout, this.shape);
  }
}

/** The container part of a qualified name, with its dot (`layer1.0.` for `layer1.0.bn2`), or ''. */
function parentOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(0, dot + 1);
}

function shapeOfInput(input: InputShape): Shape {
  switch (input.kind) {
    case 'vector':
      return { features: input.width, spatial: [] };
    case 'tokens':
      return { features: null, spatial: [] };
    case 'signal':
      return { features: input.channels, spatial: [typeof input.length === 'number' ? input.length : DEFAULT_SPATIAL_SIZE] };
    case 'image':
      return {
        features: input.channels,
        spatial: [typeof input.height === 'number' ? input.height : DEFAULT_SPATIAL_SIZE, typeof input.width === 'number' ? input.width : DEFAULT_SPATIAL_SIZE],
      };
  }
}

/** The input shape the first simulated layer implies, with a note for what was assumed. */
function inferInput(layers: Layer[], notes: string[]): InputShape | undefined {
  for (const layer of layers) {
    switch (layer.type) {
      case 'Linear': {
        const width = dimOf(layer.config.in_features) ?? layer.fanIn;
        return width === null ? undefined : { kind: 'vector', width };
      }
      case 'Embedding':
        notes.push(`input: ${DEFAULT_SEQUENCE_LENGTH} token ids per example (assumed; per-element statistics do not depend on it)`);
        return { kind: 'tokens', length: DEFAULT_SEQUENCE_LENGTH };
      case 'Conv1d':
      case 'Conv2d': {
        const channels = dimOf(layer.config.in_channels);
        if (channels === undefined) {
          return undefined;
        }
        notes.push(`input: spatial size ${DEFAULT_SPATIAL_SIZE} assumed (give --input-shape / set it in the panel); it changes the zero-padding border share`);
        return layer.type === 'Conv1d'
          ? { kind: 'signal', channels, length: DEFAULT_SPATIAL_SIZE }
          : { kind: 'image', channels, height: DEFAULT_SPATIAL_SIZE, width: DEFAULT_SPATIAL_SIZE };
      }
      default:
        continue;
    }
  }
  return undefined;
}

/**
 * The model's layers as a SimNetwork. Input: `options.input`, else implied by the first layer
 * (a Linear's in_features, token ids for an Embedding, a conv's channels with an assumed spatial
 * size). Symbolic sizes stay symbols (resolve.ts sets them). Layers that cannot be simulated are
 * left out and named in `notes`.
 */
export function networkFromModel(model: Model, options: FromModelOptions): SimNetwork {
  const notes: string[] = [];
  const dialect = options.dialect;
  if (dialect.framework !== (model.framework ?? 'pytorch')) {
    // Another framework's dialect would read the layers and inits with the wrong meaning.
    throw new Error(`networkFromModel: model ${model.name} is ${model.framework ?? 'pytorch'}, the dialect is ${dialect.framework}'s`);
  }
  const input = options.input ?? inferInput(model.layers.map(dialect.layer), notes) ?? { kind: 'vector', width: 1 };
  if (options.input === undefined && model.layers.length > 0 && input.kind === 'vector' && input.width === 1) {
    notes.push('input: no layer fixes the input shape');
  }
  const converted = options.input === undefined ? convertAtLikelySize(model, options, input, notes) : convertAt(model, options, input);
  const { converter, coverage } = converted;
  let networkInput = converted.input;
  if (options.input === undefined && networkInput.kind === 'tokens' && converter.sequenceLength !== undefined) {
    networkInput = { kind: 'tokens', length: converter.sequenceLength };
    const index = notes.findIndex((note) => note.startsWith('input: '));
    notes.splice(
      index < 0 ? notes.length : index,
      index < 0 ? 0 : 1,
      `input: ${converter.sequenceLength} token ids per example (the positional embedding's rows)`,
    );
  }
  if (networkInput.kind === 'tokens' && converter.layers[0]?.op !== 'embedding' && converter.layers.length > 0) {
    // Token ids cannot feed anything but the token embedding: nothing after it can be simulated.
    converter.notes.push(`${converter.layers.map((layer) => layer.name).join(', ')} left out: the token embedding before them is not simulated`);
    converter.layers.splice(0);
    coverage.leftOut = [...new Set([...coverage.leftOut, ...model.layers.map((layer) => layer.name)])].filter(
      (name) => options.dialect.layer(model.layers.find((l) => l.name === name) as Layer).type !== 'Dropout',
    );
    coverage.simulated = 0;
  }
  if (model.layers.some((layer) => layer.residual)) {
    notes.push('residual branches assumed to start after the previous residual add (or at the input)');
  }
  const line = `simulated ${coverage.simulated} of ${coverage.total} parametrised layers${coverage.leftOut.length > 0 ? `; left out: ${coverage.leftOut.join(', ')}` : ''}`;
  return { input: networkInput, layers: converter.layers, inputVariance: 1, notes: [line, ...notes, ...converter.notes], coverage };
}

/** The model converted at one input shape, with the share of its parametrised layers simulated. */
function convertAt(model: Model, options: FromModelOptions, input: InputShape): { converter: Converter; coverage: Coverage; input: InputShape } {
  const converter = new Converter(model, options, input, options.dialect);
  for (const layer of model.layers) {
    converter.convert(layer);
  }
  converter.finish();
  const simulated = new Set<string>();
  for (const layer of converter.layers) {
    simulated.add(layer.name);
    if (layer.op === 'residual_begin') {
      layer.shortcut?.forEach((inner) => simulated.add(inner.name));
    }
  }
  const parametrised = model.layers.filter((layer) => options.dialect.layer(layer).type !== 'Dropout').map((layer) => layer.name);
  const leftOut = parametrised.filter((name) => !simulated.has(name));
  return { converter, coverage: { simulated: parametrised.length - leftOut.length, total: parametrised.length, leftOut }, input };
}

/** Image sizes tried when the file does not give one, most likely first after the preferred one. */
const LIKELY_SIZES = [28, 32, 64, 84, 96, 128, 224, 256, 299];

/**
 * The input size the file's sizes point to, for an image model whose input size was assumed: of
 * the likely sizes, the one at which the most layers chain (`Linear(9216)` after two 3×3 convs is
 * 64×12×12 pooled from 28×28). On a tie (a global pooling chains at any size): 224 for an
 * ImageNet-style model (a 1000-way head or a 7×7 stride-2 stem), 28 for one channel, else 32.
 */
function convertAtLikelySize(model: Model, options: FromModelOptions, input: InputShape, notes: string[]): ReturnType<typeof convertAt> {
  const assumed = convertAt(model, options, input);
  if (input.kind !== 'image' || typeof input.channels !== 'number') {
    return assumed;
  }
  const layers = model.layers.map(options.dialect.layer);
  const linears = layers.filter((layer) => layer.type === 'Linear');
  const head = linears[linears.length - 1];
  const stem = layers.find((layer) => layer.type === 'Conv2d');
  const imagenet =
    (head !== undefined && dimOf(head.config.out_features) === 1000) ||
    (stem !== undefined && dimOf(stem.config.kernel_size) === 7 && dimOf(stem.config.stride) === 2);
  const preferred = imagenet ? 224 : input.channels === 1 ? 28 : DEFAULT_SPATIAL_SIZE;
  let best: ReturnType<typeof convertAt> | undefined;
  for (const size of [preferred, ...LIKELY_SIZES.filter((candidate) => candidate !== preferred)]) {
    const candidate = convertAt(model, options, { ...input, height: size, width: size });
    if (best === undefined || candidate.coverage.simulated > best.coverage.simulated) {
      best = candidate;
    }
  }
  const chosen = best as ReturnType<typeof convertAt>;
  const size = chosen.input.kind === 'image' ? chosen.input.height : DEFAULT_SPATIAL_SIZE;
  const chains = chosen.coverage.simulated > assumed.coverage.simulated;
  const why = chains
    ? "the size at which the layers' sizes chain"
    : imagenet && size === 224
      ? 'an ImageNet-style model'
      : input.channels === 1
        ? 'one channel: MNIST-style'
        : '';
  if (why !== '') {
    const line = `input: ${input.channels}×${size}×${size} (${why}; give --input-shape / set it in the panel to change it)`;
    const index = notes.findIndex((note) => note.startsWith('input: spatial size'));
    notes.splice(index < 0 ? notes.length : index, index < 0 ? 0 : 1, line);
  }
  return chosen;
}
