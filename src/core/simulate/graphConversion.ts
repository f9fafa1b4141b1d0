/**
 * What the op converters (graphAffineOps.ts, graphNormOps.ts, graphEmbeddingOps.ts, inferred*.ts) see of a
 * conversion in progress: the emitted layers with the shape before each, the open forks and
 * residual join, and the shared ways to emit, skip and read inits. Converter (graphConverter.ts) holds it.
 */
import type { ActivationSpec } from '../activations';
import type { LayerSignal } from '../advice/types';
import type { Dim, Layer, Model } from '../graph';
import type { ModuleKind, SimulationDialect } from './dialect';
import type { AffineLayer, Distribution, DropoutLayer, InitCall, InputShape, NormLayer, PoolLayer, SimLayer } from './network';
import type { Shape } from './graphShapes';

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

/** The layers of a projection shortcut being read, on the skip tensor (`shape`: after them). */
export interface ShortcutRun {
  layers: (AffineLayer | NormLayer | DropoutLayer | PoolLayer)[];
  /** The tensor the shortcut starts from, and after its layers so far. */
  input: Shape;
  shape: Shape;
  /** A layer of it could not be simulated: the add is not simulated either. */
  failed: boolean;
  /** The container of its first layer (`layer2.0.downsample.`): its siblings are on the shortcut too. */
  container: string;
}

/** A residual layer's join, held until the layers after it show whether a shortcut follows (torchvision order). */
export interface PendingJoin {
  layer: Layer;
  simLayer: SimLayer;
  shortcut: ShortcutRun | undefined;
}

/** An open fork (concat.ts) on the main path: the kept tensor and the branch outputs set aside. */
export interface OpenFork {
  input: Shape;
  parts: Shape[];
}

/** A conversion in progress, as the op converters read and extend it. */
export interface ConversionState {
  readonly model: Model;
  readonly input: InputShape;
  readonly dialect: SimulationDialect;
  readonly layers: SimLayer[];
  readonly notes: string[];
  /** The shape after each emitted layer (index i: before layer i; the last entry is the current shape). */
  readonly shapes: Shape[];
  /** The current tensor's shape (on the main path, or on the shortcut while `sink` is set). */
  shape: Shape;
  /** Where the current residual branch may start: after the previous join. */
  lastJoin: number;
  /** Set while a shortcut layer is converted: emitted layers go there instead of the main path. */
  readonly sink: ShortcutRun | null;
  /** A residual join waiting for the shortcut layers that may follow it. */
  readonly pending: PendingJoin | undefined;
  readonly forks: OpenFork[];
  /** The sequence length a positional embedding fixes (its table size). */
  sequenceLength: Dim | undefined;
  /** The activation after `layer` as an ActivationSpec, null for none; unknown ones are noted. */
  activation(layer: Layer): ActivationSpec | null;
  /** The init call for a parameter (current, or the recommendation). */
  initCall(layer: Layer, parameter: 'weight' | 'bias', module: ModuleKind): InitCall;
  /** A parameter's distribution; unknown inits fall back to the module default, with a note. */
  distribution(
    layer: Layer,
    parameter: 'weight' | 'bias',
    module: ModuleKind,
    call: InitCall,
    fans: { fanIn: number; fanOut: number } | undefined,
    shape?: number[],
  ): { distribution: Distribution; call: InitCall };
  /** Leaves a layer out; `beside` marks its container as off the main path (its siblings go too). */
  skip(layer: Layer, why: string, beside?: boolean): void;
  /** Appends a layer with the shape after it (onto the shortcut while `sink` is set). */
  emit(simLayer: SimLayer, next: Shape): void;
  /** Emits a graph layer's translation, holding its residual join when it ends a branch. */
  add(layer: Layer, simLayer: SimLayer, next: Shape): void;
  /** Drops the kept layers of `layer`'s container since the last join (an op between them is not simulated); whether any went. */
  dropContainerOf(layer: Layer): boolean;
}
