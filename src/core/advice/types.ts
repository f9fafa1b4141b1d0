/**
 * What advice produces: per-layer numbers (for hints, hovers and the panel) and findings (for
 * diagnostics, quick fixes and the CLI). Framework-neutral; the adapter spells the fixes.
 */
import type { ArgValue, Range } from '../graph';
import type { RuleCode } from './rules';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A framework-neutral initializer recommendation: a `torch.nn.init`-style name and arguments. */
export interface Recommendation {
  /** `kaiming_normal`, `xavier_uniform`, `normal`, `orthogonal`, `zeros`. */
  name: string;
  args: Record<string, ArgValue>;
  /** For `normal` with a computed gain: the gain, std = gain / √fan_in. */
  gain?: number;
  /** Short label for hints: `He`, `Xavier·tanh`, `LeCun`, `GELU gain 1.53`. */
  label: string;
  /** The source of the rule (paper or framework docs). */
  citation: string;
}

/** Numbers for one layer's weight against the activation that follows it. */
export interface LayerSignal {
  model: string;
  layer: string;
  /** σ_w² = fan_in·Var(W) of the init in force, null when it does not resolve. */
  sigmaW2: number | null;
  /** The variance the init in force gives, and the one the recommendation gives. */
  varianceNow: number | null;
  varianceWanted: number | null;
  /** Second-moment factor per layer at unit input variance, forward σ_w²·E[φ(z)²]. */
  forwardFactor: number | null;
  /** Gradient-variance factor per layer, backward (fan_out/fan_in)·σ_w²·E[φ′(z)²]. */
  backwardFactor: number | null;
  /** Predicted drift over the stack this layer belongs to (last / first), forward and backward. */
  forwardDrift: number | null;
  backwardDrift: number | null;
  /** Number of layers in the stack. */
  depth: number;
  recommendation: Recommendation | null;
  /** Why the layer gets no verdict (`normalized`, `output`, `unknown activation`, `unresolved fans`), if so. */
  skipped: string | null;
}

/** A text edit in the analysed file (0-based lines, UTF-16 columns). */
export interface TextEdit {
  range: Range;
  newText: string;
}

/** A fix: a title and edits, minimal and idempotent. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/**
 * Why one layer gets its verdict beyond the numbers (a norm that does not normalise, a std written by
 * hand): a sentence its message ends with (./findingReasons.ts).
 */
export interface FindingReason {
  /** The sentence as the layer's own message says it (it may name the layer's neighbours). */
  text: string;
  /** The same reason in words that fit every instance it applies to: merged findings state it once. */
  shared: string;
  /** On a merged finding: the instances the reason applies to. */
  instances?: { model: string; layer: string }[];
}

/** One problem with one layer. */
export interface Finding {
  /** The rule's stable code, a key of the registry in `rules.ts` (documented in the README). */
  rule: RuleCode;
  severity: Severity;
  message: string;
  model: string;
  layer: string;
  /** The layer definition. */
  range: Range;
  /** Where the activation that makes the init wrong is applied. */
  activationRange: Range | null;
  /** Where the init in force is written (or the layer, for defaults). */
  initRange: Range;
  /**
   * For a layer whose code is in another file (imported): where it is defined there (with its
   * `path`); `range` is then a place in the analysed file (./importedLayers.ts).
   */
  definedAt?: Range;
  signal: LayerSignal;
  /**
   * The reasons the message states after its verdict, each once; on a merged finding, each with the
   * instances it applies to.
   */
  reasons?: FindingReason[];
  /** The first of `fixes` (or the only fix). */
  fix: Fix | null;
  /**
   * Set when one finding stands for several layer instances of one source range (a layer built in a
   * loop, or in several models: ./findingsByRange.ts): every instance, `model` and `layer` being the
   * one whose numbers the message gives.
   */
  instances?: { model: string; layer: string }[];
  /** Set when the instances call for more than one distinct edit: one fix each, `fix` first. */
  fixes?: Fix[];
}
