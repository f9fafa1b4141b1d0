/**
 * The panel: lays out header, controls, status, the two variance charts, the Monte-Carlo histogram,
 * the layer table and the notes, and runs the simulations when the model or a control changes.
 */
import type { LayerStats } from '../../src/core/simulate/network';
import { isCoverageNote, type PreviewModel } from '../../src/protocol/preview';
import { applyChartDefaults } from './chartSetup';
import { ControlsPanel } from './controlsPanel';
import { debounce } from './debounce';
import { h, replaceChildren } from './dom';
import { formatCount, formatDuration } from './format';
import { HistogramSection } from './histogramSection';
import { t } from './l10n';
import { LayerTable } from './layerTable';
import { MonteCarloClient, type MonteCarloResult } from './monteCarloClient';
import { groupNotes } from './noteGroups';
import type { Controls, PanelState, SimulationMethod } from './panelState';
import { analyticPair, type ResolvedPair, resolvePair, type StatsPair } from './simulation';
import { StatusLine } from './statusLine';
import { type ChartTheme, observeThemeChanges, readChartTheme } from './theme';
import { VarianceChart } from './varianceChart';
import type { Host } from './vscodeApi';

/** Waits after the last keystroke before a Monte-Carlo run (a run costs up to seconds). */
const MONTE_CARLO_DELAY_MS = 400;
/** Waits after the last keystroke before the analytic pass (cheap, but typing `256` is three changes). */
const ANALYTIC_DELAY_MS = 100;
const HISTOGRAM_BINS = 40;
/** Ops that hand the signal on unchanged: a point for them would repeat its neighbour's. */
const PASS_THROUGH_OPS: ReadonlySet<string> = new Set(['residual_begin', 'flatten', 'fork', 'branch']);
/** Fewer simulated layers than this make no curve: the panel says so instead of drawing a chart. */
const MIN_SIMULATED_LAYERS = 2;
/** Left-out layers named in the coverage line; the rest are counted. */
const LEFT_OUT_NAMED = 5;
/** The resolver's note when the depth multiplier cannot apply (src/core/simulate/resolve.ts). */
const DEPTH_NOT_APPLIED = /^depth ×\d+ not applied/;

export class PreviewPanel {
  private theme: ChartTheme;
  private readonly title = h('h1', { class: 'title' });
  private readonly subtitle = h('p', { class: 'subtitle' });
  private readonly coverage = h('p', { class: 'coverage', role: 'status' });
  private readonly tooLittle = h('p', { class: 'too-little', role: 'status', hidden: true });
  private readonly charts: HTMLElement;
  private readonly controls: ControlsPanel;
  private readonly status: StatusLine;
  private readonly forward: VarianceChart;
  private readonly backward: VarianceChart;
  private readonly histogram: HistogramSection;
  private readonly table: LayerTable;
  private readonly notes = h('ul', { class: 'notes' });
  private readonly notesSection = h('details', { class: 'notes-section', open: true });
  private readonly content: HTMLElement;
  private readonly emptyView = h('div', { class: 'empty', role: 'status' });
  private readonly monteCarlo: MonteCarloClient;
  private readonly scheduleAnalytic = debounce(() => this.simulate(), ANALYTIC_DELAY_MS);
  private readonly scheduleMonteCarlo = debounce(() => this.startMonteCarlo(), MONTE_CARLO_DELAY_MS);
  private resolved: ResolvedPair | undefined;
  /** A Monte-Carlo run waits for the debounce (Cancel must stop it too). */
  private monteCarloPending = false;

  constructor(
    root: HTMLElement,
    private readonly host: Host,
    private readonly state: PanelState,
    workerUri: string,
  ) {
    this.theme = readChartTheme();
    applyChartDefaults(this.theme);
    this.monteCarlo = new MonteCarloClient(workerUri);
    this.controls = new ControlsPanel(state.controls, {
      onChange: (change) => this.onControlsChange(change),
      onApplyFix: () => this.state.model && this.host.post({ type: 'applyFix', uri: this.state.model.uri, model: this.state.model.model }),
      onSelectModel: (model) => this.state.model && this.host.post({ type: 'selectModel', uri: this.state.model.uri, model }),
    });
    this.status = new StatusLine(() => this.cancelMonteCarlo());
    const chartOptions = { onLayerClick: (layer: string) => this.reveal(layer), describeLayer: (layer: string) => this.rowOf(layer) };
    this.forward = new VarianceChart(this.theme, {
      ...chartOptions,
      label: t('forwardLabel'),
    });
    this.backward = new VarianceChart(this.theme, {
      ...chartOptions,
      label: t('backwardLabel'),
    });
    this.histogram = new HistogramSection(this.theme, state.controls.histogramLayer, state.controls.histogramInit, (layer, init) => {
      this.state.controls = { ...this.state.controls, histogramLayer: layer, histogramInit: init };
      this.save();
    });
    this.histogram.element.hidden = true;
    this.table = new LayerTable((layer) => this.reveal(layer));
    this.notesSection.append(h('summary', {}, t('notes')), this.notes);
    this.charts = h(
      'div',
      { class: 'charts' },
      this.status.element,
      chartSection('forward-heading', t('forwardHeading'), t('forwardHint'), this.forward.element),
      chartSection('backward-heading', t('backwardHeading'), t('backwardHint'), this.backward.element),
      this.histogram.element,
    );
    this.content = h(
      'div',
      { class: 'panel-content' },
      h('header', { class: 'header' }, this.title, this.subtitle, this.coverage),
      this.controls.element,
      this.tooLittle,
      this.charts,
      h('section', { class: 'table-section', 'aria-label': t('layerTableLabel') }, this.table.element),
      this.notesSection,
    );
    root.append(this.emptyView, this.content);
    observeThemeChanges(() => this.onThemeChange());
  }

  /** Shows the saved model until the extension sends a fresh one, or the waiting message. */
  restore(): void {
    if (this.state.model) {
      this.showModel(this.state.model);
    } else {
      this.showEmpty(this.state.emptyReason ?? t('waiting'));
    }
  }

  showModel(model: PreviewModel): void {
    this.state.model = model;
    this.state.emptyReason = null;
    this.emptyView.hidden = true;
    this.content.hidden = false;
    this.title.textContent = model.model;
    this.subtitle.textContent = model.fileName;
    this.controls.setModel(model);
    this.showCoverage(model);
    this.table.update(model.model, model.rows);
    this.showNotes(model.notes);
    this.save();
    this.simulate();
  }

  showEmpty(reason: string): void {
    this.cancelMonteCarlo(false);
    this.state.model = null;
    this.state.emptyReason = reason;
    this.content.hidden = true;
    this.emptyView.hidden = false;
    replaceChildren(this.emptyView, h('p', { class: 'empty-title' }, reason), h('p', { class: 'hint' }, t('emptyHint')));
    this.save();
  }

  /** Chooses the simulation method as the method field does (the extension's `setMethod`). */
  setMethod(method: SimulationMethod): void {
    this.controls.setMethod(method);
  }

  private onControlsChange(change: Partial<Controls>): void {
    this.state.controls = { ...this.state.controls, ...change };
    this.save();
    this.scheduleAnalytic();
  }

  /** Runs the analytic pass now, and schedules the Monte-Carlo pass when that method is chosen. */
  private simulate(): void {
    const model = this.state.model;
    if (!model) {
      return;
    }
    this.monteCarloPending = false;
    this.scheduleMonteCarlo.cancel();
    this.monteCarlo.cancel();
    if (this.isTooLittle(model)) {
      this.resolved = undefined;
      this.controls.setDepthNote(undefined);
      return;
    }
    try {
      this.resolved = resolvePair(model, this.state.controls);
      const resolveNotes = this.resolved.current.notes ?? [];
      this.controls.setDepthNote(resolveNotes.some((note) => DEPTH_NOT_APPLIED.test(note)) ? t('depthNotApplied', model.model) : undefined);
      this.showNotes([...model.notes, ...resolveNotes.filter((note) => !DEPTH_NOT_APPLIED.test(note))]);
      this.draw(analyticPair(this.resolved), t('methodAnalytic'));
    } catch (error) {
      this.resolved = undefined;
      this.draw({ current: [], recommended: [] }, t('methodAnalytic'));
      this.histogram.update(undefined, 0);
      this.status.setIdle(t('cannotSimulate', model.model, messageOf(error)), true);
      return;
    }
    if (this.state.controls.method === 'montecarlo') {
      this.status.setRunning(t('preparingMonteCarlo'), 0);
      this.monteCarloPending = true;
      this.scheduleMonteCarlo();
    } else {
      this.histogram.update(undefined, 0);
      this.status.setIdle(t('analyticStatus', formatCount(this.forwardCount())));
    }
  }

  private startMonteCarlo(): void {
    this.monteCarloPending = false;
    const resolved = this.resolved;
    if (!resolved || this.state.controls.method !== 'montecarlo') {
      return;
    }
    const { batch, seed, inputVariance } = this.state.controls;
    const message = t('runningMonteCarlo', formatCount(batch), seed);
    this.status.setRunning(message, 0);
    this.monteCarlo.run(
      { current: resolved.current, recommended: resolved.recommended, batch, seed, inputVariance, histogramBins: HISTOGRAM_BINS },
      {
        onProgress: (fraction) => this.status.setRunning(message, fraction),
        onDone: (result) => this.showMonteCarlo(result, batch),
        onError: (error) => {
          this.status.setIdle(t('monteCarloFailed', error), true);
          this.reportMonteCarlo(undefined, error);
        },
      },
    );
  }

  private showMonteCarlo(result: MonteCarloResult, batch: number): void {
    this.draw({ current: result.current.layers, recommended: result.recommended.layers }, t('methodMonteCarlo'));
    this.histogram.update({ current: result.current.histograms, recommended: result.recommended.histograms }, batch);
    this.status.setIdle(t('monteCarloStatus', formatCount(this.forwardCount()), formatCount(batch), formatDuration(result.elapsedMs)));
    this.status.element.dataset.kernel = result.current.kernel;
    this.reportMonteCarlo(result);
  }

  /** Tells the extension how the run went (it logs it): per-layer forward variances and the kernel, or the error. */
  private reportMonteCarlo(result: MonteCarloResult | undefined, error?: string): void {
    const model = this.state.model;
    if (!model) {
      return;
    }
    if (!result) {
      this.host.post({ type: 'monteCarloFailed', uri: model.uri, model: model.model, message: error ?? 'unknown error' });
      return;
    }
    const recommended = new Map(result.recommended.layers.map((layer) => [layer.name, layer.forward.preVar]));
    const layers = result.current.layers
      .filter((layer) => !PASS_THROUGH_OPS.has(layer.type))
      .map((layer) => ({ name: layer.name, current: finiteOrNull(layer.forward.preVar), recommended: finiteOrNull(recommended.get(layer.name)) }));
    this.host.post({ type: 'monteCarloDone', uri: model.uri, model: model.model, kernel: result.current.kernel, elapsedMs: result.elapsedMs, layers });
  }

  private cancelMonteCarlo(announce = true): void {
    const wasPending = this.monteCarloPending;
    this.monteCarloPending = false;
    this.scheduleMonteCarlo.cancel();
    const wasRunning = this.monteCarlo.cancel();
    if ((wasPending || wasRunning) && announce) {
      this.status.setIdle(t('monteCarloCancelled'));
    }
  }

  private draw(stats: StatsPair, method: string): void {
    const current = stats.current.filter((layer) => !PASS_THROUGH_OPS.has(layer.type));
    const layers = current.map((layer) => layer.name);
    const recommendedByName = new Map(stats.recommended.map((layer) => [layer.name, layer]));
    const recommended = layers.map((name) => recommendedByName.get(name));
    const pick = (layer: LayerStats | undefined, value: (stats: LayerStats) => number | null) => (layer ? value(layer) : null);
    const forwardValue = (layer: LayerStats) => layer.forward.preVar;
    const backwardValue = (layer: LayerStats) => layer.backward.gradInputVar;
    this.forward.update({
      layers,
      method,
      reference: this.state.controls.inputVariance,
      current: current.map(forwardValue),
      recommended: recommended.map((layer) => pick(layer, forwardValue)),
    });
    this.backward.update({
      layers,
      method,
      // Backward, the healthy stack keeps the gradient it receives at the top: the band is centred
      // on the gradient entering the last layer (1 when that is unknown).
      reference: lastPositive(current.map(backwardValue)) ?? 1,
      current: current.map(backwardValue),
      recommended: recommended.map((layer) => pick(layer, backwardValue)),
    });
    this.content.dataset.layers = String(layers.length);
  }

  private forwardCount(): number {
    return Number(this.content.dataset.layers ?? 0);
  }

  /** The table row of a simulated layer (a repeated layer, with the depth multiplier, maps to its original). */
  private rowOf(layer: string) {
    const rows = this.state.model?.rows ?? [];
    return rows.find((row) => row.name === layer) ?? rows.find((row) => layer.endsWith(`.${row.name}`) || layer.startsWith(`${row.name}#`));
  }

  private reveal(layer: string): void {
    const model = this.state.model;
    const row = this.rowOf(layer);
    if (model && row) {
      this.host.post({ type: 'reveal', uri: model.uri, layer: row.name });
    }
  }

  /** What the conversion and the resolution assumed or left out, grouped by reason (each note once). */
  private showNotes(notes: readonly string[]): void {
    const groups = groupNotes(notes.filter((note) => !isCoverageNote(note)));
    replaceChildren(
      this.notes,
      ...groups.map((group) =>
        h(
          'li',
          { class: 'note-group', 'data-group': group.heading },
          h('p', { class: 'note-group-heading' }, t(group.heading)),
          h('ul', {}, ...group.lines.map((line) => h('li', {}, line))),
        ),
      ),
    );
    this.notesSection.hidden = groups.length === 0;
  }

  /** The coverage line at the top: how many of the model's layers are simulated, and which are not. */
  private showCoverage(model: PreviewModel): void {
    const { simulated, total, leftOut } = model.coverage;
    const named = leftOut.slice(0, LEFT_OUT_NAMED).join(', ');
    const more = leftOut.length > LEFT_OUT_NAMED ? `, ${t('moreLeftOut', formatCount(leftOut.length - LEFT_OUT_NAMED))}` : '';
    const line = t('coverage', formatCount(simulated), formatCount(total));
    this.coverage.textContent = leftOut.length > 0 ? `${line}; ${t('coverageLeftOut', named + more)}` : line;
    this.coverage.title = leftOut.join(', ');
    this.coverage.classList.toggle('coverage--partial', leftOut.length > 0);
  }

  /** Too few layers simulated for a curve: the charts give way to a message (the table and notes stay). */
  private isTooLittle(model: PreviewModel): boolean {
    const tooLittle = model.coverage.simulated < MIN_SIMULATED_LAYERS;
    this.tooLittle.hidden = !tooLittle;
    this.charts.hidden = tooLittle;
    this.tooLittle.textContent = tooLittle ? t('tooLittle', model.model, formatCount(model.coverage.simulated), formatCount(model.coverage.total)) : '';
    if (tooLittle) {
      this.showNotes(model.notes);
      this.status.setIdle('');
    }
    return tooLittle;
  }

  private onThemeChange(): void {
    this.theme = readChartTheme();
    applyChartDefaults(this.theme);
    this.forward.applyTheme(this.theme);
    this.backward.applyTheme(this.theme);
    this.histogram.applyTheme(this.theme);
  }

  private save(): void {
    this.host.saveState(this.state);
  }
}

function chartSection(headingId: string, heading: string, hint: string, chart: HTMLElement): HTMLElement {
  return h('section', { class: 'chart-section', 'aria-labelledby': headingId }, h('h2', { id: headingId }, heading), h('p', { class: 'hint' }, hint), chart);
}

function lastPositive(values: (number | null)[]): number | undefined {
  return values.filter((value): value is number => value !== null && value > 0).at(-1);
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
