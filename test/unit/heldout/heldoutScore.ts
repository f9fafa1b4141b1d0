/**
 * Scores Init Lens on the held-out fixtures of test/fixtures/heldout/ (files written in the styles
 * of public model code the analysis was not tuned on). Truth comes from two places:
 * - `NAME.torch.json`, printed by that folder's measure.py in real PyTorch: every module with
 *   parameters as `named_modules()` names it, its fans, the variance of its main weight and the
 *   per-layer forward / input-gradient variances over seeds 0–2;
 * - `NAME.expected.json`, written by reading the code: the activation that follows each layer and
 *   the init family in force (first matching `match` pattern wins).
 *
 * Each file goes through the same API the CLI's `graph`/`check` and `simulate` use (analyzeFile →
 * the model by name → networkFromModel → resolveNetwork → both passes) and is scored on every layer
 * instance PyTorch has, so a layer the analysis never builds counts against every figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { dialectFor } from '../../../src/core/frameworks/registry';
import type { InitInForce, Layer, Model } from '../../../src/core/graph';
import { simulateAnalytic } from '../../../src/core/simulate/analytic';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';
import { simulateMonteCarlo } from '../../../src/core/simulate/monteCarlo';
import type { LayerStats } from '../../../src/core/simulate/network';
import { resolveNetwork } from '../../../src/core/simulate/resolve';

/** Where the fixtures are. */
export const HELDOUT = join(__dirname, '..', '..', 'fixtures', 'heldout');

/** Every held-out fixture, by stem. */
export const HELDOUT_STEMS = [
  'shuffle_factory',
  'mnas_factory',
  'espcn_script',
  'vae_script',
  'word_lm_script',
  'mingpt_config',
  'dqn_target',
  'ppo_layer_init',
  'sb3_policy',
  'clip_resnet_parent_init',
  'convmixer_timm',
  'unet_parts',
  'gan_eps_positional',
  'style_transfer_net',
  'hf_style_encoder',
];

interface Measured {
  mean: number;
  rel_sd: number;
}

interface TruthLayer {
  name: string;
  type: string;
  param: string;
  numel: number;
  var_w: Measured;
  stats: { pre_var?: Measured; grad_input_var?: Measured };
}

interface Expected {
  construct: string;
  model: string;
  input: string;
  layers: { match: string; act: string | null; init: string }[];
}

/** Agreeing values over all values, for one figure. */
export interface Ratio {
  agree: number;
  total: number;
}

/** One file's figures, and each miss in a line. */
export interface HeldoutScore {
  stem: string;
  /** The model scored (the expected name, or the closest the analysis offers, said in `misses`). */
  model: string | null;
  recall: Ratio;
  init: Ratio;
  varW: Ratio;
  activation: Ratio;
  analytic: Ratio;
  monteCarlo: Ratio;
  coverage: Ratio;
  misses: string[];
}

const NORM = /Norm/;

/** One family name for inits that are the same distribution (`ones` = constant 1 = a norm's default). */
function family(name: string, type: string, args: Record<string, unknown> = {}): string {
  const bare = name.replace(/_$/, '');
  if (bare === 'constant' || bare === 'fill') {
    const value = args.val ?? args.value;
    return value === 1 ? 'ones' : value === 0 ? 'zeros' : 'constant';
  }
  if (bare === 'default' && NORM.test(type)) {
    return 'ones';
  }
  return bare;
}

/** The init the analysis gives the measured parameter (`weight_ih_l0` is `weight_ih` there). */
function initOf(layer: Layer, param: string): InitInForce | null | undefined {
  const keys = [param, param.replace(/_l\d+$/, ''), 'weight'];
  for (const key of keys) {
    if (key in layer.init) {
      return layer.init[key];
    }
  }
  const [first] = Object.values(layer.init);
  return first;
}

/**
 * Var(W) agrees within 2 % of the measured mean over three seeds, widened for small tensors by 2.5
 * standard errors of that mean (a Gaussian sample's variance has relative sd √(2/n)): a 432-weight
 * depthwise conv's sample variance is itself ±4 % from the init's.
 */
function varAgrees(predicted: number | null | undefined, measured: Measured, numel: number): boolean {
  if (predicted === null || predicted === undefined) {
    return false;
  }
  if (measured.mean === 0) {
    return predicted === 0;
  }
  const tolerance = 0.02 + 2.5 * Math.sqrt(2 / (3 * numel));
  return Math.abs(predicted / measured.mean - 1) <= tolerance;
}

function valueAgrees(predicted: number | null | undefined, measured: Measured): boolean {
  if (predicted === null || predicted === undefined) {
    return false;
  }
  if (measured.mean === 0) {
    // Exactly zero in PyTorch (a zero-initialised branch end and what it gates): only an exact zero agrees.
    return predicted === 0;
  }
  if (!(predicted > 0)) {
    return false;
  }
  return Math.abs(Math.log(predicted / measured.mean)) <= Math.log(1.25) + 2.5 * measured.rel_sd;
}

function expectationFor(expected: Expected, name: string): Expected['layers'][number] {
  const rule = expected.layers.find((candidate) => new RegExp(`^(?:${candidate.match})$`).test(name));
  if (rule === undefined) {
    throw new Error(`no expectation matches ${name}`);
  }
  return rule;
}

/** The model named as the file builds it, else the one holding most of the measured layers. */
function pickModel(models: Model[], expected: Expected, truth: TruthLayer[], misses: string[]): Model | null {
  const named = models.find((model) => model.name === expected.model);
  if (named !== undefined) {
    return named;
  }
  const names = new Set(truth.map((layer) => layer.name));
  const ranked = [...models].sort((a, b) => b.layers.filter((l) => names.has(l.name)).length - a.layers.filter((l) => names.has(l.name)).length);
  misses.push(`model: no model named ${expected.model}; offered ${models.map((m) => m.name).join(', ') || 'none'}`);
  return ranked[0] ?? null;
}

function scorePreview(model: Model, truth: TruthLayer[], score: HeldoutScore, monteCarlo: boolean): void {
  let analytic: LayerStats[] = [];
  let averaged: LayerStats[] = [];
  try {
    const network = resolveNetwork(networkFromModel(model, { init: 'current', dialect: dialectFor(model.framework) }));
    analytic = simulateAnalytic(network);
    const runs = (monteCarlo ? [0, 1, 2] : []).map((offset) => simulateMonteCarlo(network, { batch: 8, seed: 100 + offset }).layers);
    averaged = (runs[0] ?? []).map((row, index) => {
      const mean = (read: (entry: LayerStats) => number | null): number | null => {
        const values = runs.map((run) => read(run[index]));
        return values.some((value) => value === null) ? null : (values as number[]).reduce((sum, value) => sum + value, 0) / values.length;
      };
      return {
        ...row,
        forward: { ...row.forward, preVar: mean((entry) => entry.forward.preVar) as number },
        backward: { gradInputVar: mean((entry) => entry.backward.gradInputVar) },
      };
    });
  } catch (error) {
    score.misses.push(`preview: ${(error as Error).message}`);
  }
  const byAnalytic = new Map(analytic.map((entry) => [entry.name, entry]));
  const byMonteCarlo = new Map(averaged.map((entry) => [entry.name, entry]));
  for (const layer of truth) {
    score.coverage.total++;
    if (byAnalytic.has(layer.name)) {
      score.coverage.agree++;
    }
    for (const [what, measured] of Object.entries(layer.stats) as [string, Measured][]) {
      const read = (entry: LayerStats | undefined) => (what === 'pre_var' ? entry?.forward.preVar : entry?.backward.gradInputVar);
      score.analytic.total++;
      if (valueAgrees(read(byAnalytic.get(layer.name)), measured)) {
        score.analytic.agree++;
      } else {
        score.misses.push(`analytic ${layer.name} ${what}: ${read(byAnalytic.get(layer.name)) ?? 'not simulated'} vs ${measured.mean.toPrecision(4)}`);
      }
      if (!monteCarlo) {
        continue;
      }
      score.monteCarlo.total++;
      if (valueAgrees(read(byMonteCarlo.get(layer.name)), measured)) {
        score.monteCarlo.agree++;
      }
    }
  }
}

function scoreLayer(layer: Layer | undefined, truth: TruthLayer, expected: Expected, score: HeldoutScore): void {
  const rule = expectationFor(expected, truth.name);
  score.recall.total++;
  score.init.total++;
  score.varW.total++;
  score.activation.total++;
  if (layer === undefined) {
    score.misses.push(`layer ${truth.name} (${truth.type}): not found`);
    return;
  }
  score.recall.agree++;
  const init = initOf(layer, truth.param);
  const predictedFamily = init ? family(init.name, layer.type, init.args) : 'none';
  const varOk = varAgrees(init?.variance, truth.var_w, truth.numel);
  if (varOk) {
    score.varW.agree++;
  }
  if (predictedFamily === family(rule.init, truth.type) && varOk) {
    score.init.agree++;
  } else {
    score.misses.push(`init ${truth.name}: ${predictedFamily} var ${init?.variance ?? 'unknown'} vs ${rule.init} var ${truth.var_w.mean.toPrecision(4)}`);
  }
  const act = layer.activation;
  const predictedAct = act === 'unknown' ? 'unknown' : act === null ? null : act.name;
  if (predictedAct === rule.act) {
    score.activation.agree++;
  } else {
    score.misses.push(`activation ${truth.name}: ${predictedAct} vs ${rule.act}${layer.activationReason ? ` (${layer.activationReason})` : ''}`);
  }
}

/**
 * Scores one held-out fixture (`mnas_factory` for mnas_factory.py). `monteCarlo: false` skips the
 * Monte-Carlo pass (its total stays 0), for networks too large to run three seeds of in a unit test.
 */
export function scoreHeldout(stem: string, options: { monteCarlo?: boolean } = {}): HeldoutScore {
  const monteCarlo = options.monteCarlo ?? true;
  const source = readFileSync(join(HELDOUT, `${stem}.py`), 'utf8');
  const truth = (JSON.parse(readFileSync(join(HELDOUT, `${stem}.torch.json`), 'utf8')) as { layers: TruthLayer[] }).layers;
  const expected = JSON.parse(readFileSync(join(HELDOUT, `${stem}.expected.json`), 'utf8')) as Expected;
  const zero = (): Ratio => ({ agree: 0, total: 0 });
  const score: HeldoutScore = {
    stem,
    model: null,
    recall: zero(),
    init: zero(),
    varW: zero(),
    activation: zero(),
    analytic: zero(),
    monteCarlo: zero(),
    coverage: zero(),
    misses: [],
  };
  const analysis = analyzeFile(source, `${stem}.py`);
  const model = pickModel(analysis.graph.models, expected, truth, score.misses);
  score.model = model?.name ?? null;
  const byName = new Map((model?.layers ?? []).map((layer) => [layer.name, layer]));
  for (const layer of truth) {
    scoreLayer(byName.get(layer.name), layer, expected, score);
  }
  if (model !== null) {
    scorePreview(model, truth, score, monteCarlo);
  } else {
    scorePreview({ name: 'none', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, layers: [] }, truth, score, monteCarlo);
  }
  return score;
}

/** Sums the figures of several files (every layer instance weighs the same). */
export function overall(scores: HeldoutScore[]): HeldoutScore {
  const sum = (pick: (score: HeldoutScore) => Ratio): Ratio => ({
    agree: scores.reduce((total, score) => total + pick(score).agree, 0),
    total: scores.reduce((total, score) => total + pick(score).total, 0),
  });
  return {
    stem: 'overall',
    model: null,
    recall: sum((s) => s.recall),
    init: sum((s) => s.init),
    varW: sum((s) => s.varW),
    activation: sum((s) => s.activation),
    analytic: sum((s) => s.analytic),
    monteCarlo: sum((s) => s.monteCarlo),
    coverage: sum((s) => s.coverage),
    misses: [],
  };
}
