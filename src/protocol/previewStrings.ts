/**
 * Every string the variance-preview webview shows, in English. The English text is also the key of
 * the l10n bundle (l10n/bundle.l10n.*.json): the extension translates each one with
 * `vscode.l10n.t` and hands the table to the webview in its HTML, so the panel speaks the editor's
 * language without a second translation system. `{0}`, `{1}` are filled by `formatString`.
 */
export const PREVIEW_STRINGS = {
  pageTitle: 'Init Lens: variance preview',
  pageLabel: 'Variance preview',
  waiting: 'Waiting for a model…',
  emptyHint: 'Open a Python file and put the cursor inside a model class (an nn.Module) to preview how the signal travels through its layers.',
  coverage: 'Simulated {0} of {1} layers',
  coverageLeftOut: 'left out: {0}',
  moreLeftOut: '{0} more',
  tooLittle: 'Too little of {0} is simulated to draw a curve ({1} of {2} layers). The notes below say what was left out and why.',
  notes: 'Notes',
  notesLeftOut: 'Left out of the simulation',
  notesInput: 'Input shape',
  notesSizes: 'Sizes to set',
  notesAssumptions: 'Assumptions',
  notesOther: 'Other notes',
  forwardHeading: 'Forward · activation variance',
  forwardHint: 'Pre-activation variance per layer. Shaded: within 4× of the input variance.',
  forwardLabel: 'Forward: variance of each layer’s pre-activation output, current init against recommended, log scale',
  backwardHeading: 'Backward · gradient variance',
  backwardHint: 'Variance of the gradient at each layer’s input (unit-variance gradient at the output). Shaded: within 4× of its value at the last layer.',
  backwardLabel: 'Backward: variance of the gradient at each layer’s input, current init against recommended, log scale',
  layerTableLabel: 'Layer table',
  chartLabel: '{0}. The layer table below lists the same layers.',
  methodAnalytic: 'analytic',
  methodMonteCarlo: 'Monte Carlo',
  cannotSimulate: 'Cannot simulate {0}: {1}',
  preparingMonteCarlo: 'Preparing Monte Carlo…',
  analyticStatus: 'Analytic · {0} layers',
  runningMonteCarlo: 'Running Monte Carlo · batch {0}, seed {1}…',
  monteCarloFailed: 'Monte Carlo failed: {0}',
  monteCarloStatus: 'Monte Carlo · {0} layers, batch {1} · {2}',
  monteCarloCancelled: 'Monte Carlo cancelled; showing the analytic curves.',
  settingsLabel: 'Simulation settings',
  model: 'Model',
  method: 'Method',
  analytic: 'Analytic',
  methodTitle:
    'Analytic: the mean-field recursion, exact for wide layers. Monte Carlo: a real forward and backward pass on sampled weights, with finite-width spread.',
  batch: 'Batch size',
  batchTitle: 'Examples per Monte-Carlo pass',
  seed: 'Seed',
  seedTitle: 'Random seed of the sampled weights and inputs',
  inputVariance: 'Input variance',
  inputVarianceTitle: 'Variance of each input element',
  depth: 'Depth ×',
  depthTitle: 'Repeat the model’s layers this many times to preview a deeper stack',
  depthNotApplied: 'Not applied: the output of {0} does not have the shape of its input, so its layers cannot be stacked.',
  apply: 'Apply recommended init',
  applyTitle: 'Rewrite every layer of {0} with its recommended init',
  applyNothing: 'No fix is needed or known for this model',
  symbolTitle: 'Value of {0} (the model gives {1})',
  cancel: 'Cancel',
  cancelTitle: 'Stop the Monte-Carlo pass',
  progressLabel: 'Monte-Carlo progress',
  layers: 'Layers',
  layerCaption: '{0} layers of {1}: init in force, recommended init, and the forward factor per layer',
  columnLayer: 'Layer',
  columnActivation: 'Activation',
  columnInit: 'Init',
  columnInitTitle: 'Initializer in force',
  columnRecommended: 'Recommended',
  columnRecommendedTitle: 'Initializer the activation calls for',
  columnFactor: '×/layer',
  columnFactorTitle: 'Forward second-moment factor per layer: current → recommended',
  reveal: 'Reveal {0} in the editor',
  histogramHeading: 'Activations at one layer',
  histogramLayer: 'Layer',
  histogramInit: 'Init',
  current: 'Current',
  recommended: 'Recommended',
  histogramCaption: 'Post-activation values over all units of a batch of {0}; values beyond 6 standard deviations fall in the end bins.',
  histogramSeries: '{0} · {1}',
  histogramLabel: 'Histogram of post-activation values',
  histogramLabelAt: 'Histogram of post-activation values at {0}, {1} bins',
  currentInit: 'Current init',
  recommendedInit: 'Recommended init',
  seriesLabel: '{0} ({1})',
} as const;

export type PreviewStringKey = keyof typeof PREVIEW_STRINGS;

/** The panel's strings in one language, with the user's locale for numbers (`vscode.env.language`). */
export interface PreviewL10n {
  locale: string;
  strings: Record<PreviewStringKey, string>;
}

/** `template` with `{0}`, `{1}`… replaced by `args` (a placeholder with no argument stays as written). */
export function formatString(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : whole));
}

/**
 * The table translated by `translate` (the extension passes `vscode.l10n.t`); an entry the
 * translation lacks or mangles (a placeholder lost) stays English.
 */
export function translatedPreviewStrings(translate: (message: string) => string): Record<PreviewStringKey, string> {
  const entries = Object.entries(PREVIEW_STRINGS).map(([key, english]) => {
    const translated = translate(english);
    const placeholders = (text: string) => (text.match(/\{\d+\}/g) ?? []).sort().join();
    return [key, translated && placeholders(translated) === placeholders(english) ? translated : english];
  });
  return Object.fromEntries(entries) as Record<PreviewStringKey, string>;
}
