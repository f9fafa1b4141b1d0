/**
 * One per-layer variance chart (forward or backward) on a log axis: today's init against the
 * recommended one, with the ideal band behind. Hovering names the layer and its init; a click on a
 * layer's column reports the layer (the panel then reveals it in the editor).
 */
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import { Chart } from './chartSetup';
import { h } from './dom';
import { formatMoment } from './format';
import { t } from './l10n';
import { bandAround, idealBandPlugin } from './idealBand';
import { type ChartTheme, GRID_ALPHA, withAlpha } from './theme';

/** What a tooltip says about a layer besides its value. */
export interface LayerLabel {
  activation: string;
  initNow: string;
  initRecommended: string;
}

export interface VarianceSeries {
  /** Layer names, one per point. */
  layers: string[];
  current: (number | null)[];
  recommended: (number | null)[];
  /** The variance the band is centred on (input variance forward, output-gradient variance backward). */
  reference: number;
  /** Names the series in the legend and the tooltips: `analytic` or `Monte Carlo`. */
  method: string;
}

export interface VarianceChartOptions {
  /** Accessible name of the chart (the table below is its text form). */
  label: string;
  onLayerClick(layer: string): void;
  describeLayer(layer: string): LayerLabel | undefined;
}

type LineChart = Chart<'line', (number | null)[], string>;

/** Room above and below the band on the axis, so its edges read as edges. */
const BAND_MARGIN = 1.5;

/** Log axes cannot show 0 or negatives: such values are left out (a gap), never drawn as a fake value. */
function loggable(values: (number | null)[]): (number | null)[] {
  return values.map((value) => (value !== null && Number.isFinite(value) && value > 0 ? value : null));
}

export class VarianceChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly chart: LineChart;
  private series: VarianceSeries = { layers: [], current: [], recommended: [], reference: 1, method: 'analytic' };
  private theme: ChartTheme;

  constructor(
    theme: ChartTheme,
    private readonly options: VarianceChartOptions,
  ) {
    this.theme = theme;
    this.canvas = h('canvas', { role: 'img', 'aria-label': t('chartLabel', options.label) });
    this.element = h('div', { class: 'chart-box' }, this.canvas);
    this.chart = new Chart(this.canvas, this.configuration());
  }

  update(series: VarianceSeries): void {
    this.series = series;
    const chart = this.chart;
    chart.data.labels = series.layers;
    chart.data.datasets[0].data = loggable(series.current);
    chart.data.datasets[0].label = t('seriesLabel', t('currentInit'), series.method);
    chart.data.datasets[1].data = loggable(series.recommended);
    chart.data.datasets[1].label = t('seriesLabel', t('recommendedInit'), series.method);
    this.keepBandInView(chart.options);
    chart.update();
  }

  applyTheme(theme: ChartTheme): void {
    this.theme = theme;
    // New options replace the old ones wholesale (chart.options reads back the resolved old ones).
    const options = this.configuration().options ?? {};
    this.keepBandInView(options);
    this.chart.options = options;
    this.chart.data.datasets.forEach((dataset, index) => Object.assign(dataset, this.datasetStyle(index === 0 ? theme.current : theme.recommended, index)));
    this.chart.update();
  }

  /** Keeps the whole band in view, so a curve far outside it reads as far outside it. */
  private keepBandInView(options: LineChart['options']): void {
    const band = bandAround(this.series.reference);
    const y = options.scales?.y;
    if (y) {
      y.suggestedMin = band.low / BAND_MARGIN;
      y.suggestedMax = band.high * BAND_MARGIN;
    }
  }

  destroy(): void {
    this.chart.destroy();
  }

  /**
   * Records what chart.js drew (points per dataset and their positions) on the canvas, so the
   * browser test checks the rendering itself rather than the input data.
   */
  private describeDrawnPoints(chart: LineChart): void {
    const points = chart.getDatasetMeta(0).data;
    this.canvas.dataset.pointCount = chart.data.datasets.map((_, index) => chart.getDatasetMeta(index).data.length).join(',');
    this.canvas.dataset.yRange = `${chart.scales.y?.min},${chart.scales.y?.max}`;
    this.canvas.dataset.points = points
      .map((point) => `${Math.round(point.x)},${Math.round(Number.isFinite(point.y) ? point.y : chart.chartArea.top)}`)
      .join(';');
  }

  private datasetStyle(color: string, index: number) {
    const width = this.theme.highContrast ? 3 : 2;
    return {
      borderColor: color,
      backgroundColor: withAlpha(color, 0.25),
      borderWidth: width,
      // Two marks, not only two colours: circles for today's init, triangles and dashes for the fix.
      pointStyle: index === 0 ? ('circle' as const) : ('triangle' as const),
      borderDash: index === 0 ? [] : [6, 3],
      pointRadius: 3,
      pointHoverRadius: 5,
      pointBackgroundColor: color,
      spanGaps: false,
    };
  }

  private configuration(): ChartConfiguration<'line', (number | null)[], string> {
    const theme = this.theme;
    return {
      type: 'line',
      data: {
        labels: [],
        datasets: [
          { label: t('currentInit'), data: [], ...this.datasetStyle(theme.current, 0) },
          { label: t('recommendedInit'), data: [], ...this.datasetStyle(theme.recommended, 1) },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        layout: { padding: { right: 8 } },
        onClick: (_event, elements) => {
          const layer = elements.length > 0 ? this.series.layers[elements[0].index] : undefined;
          if (layer !== undefined) {
            this.options.onLayerClick(layer);
          }
        },
        onHover: (event, elements) => {
          const target = event.native?.target;
          if (target instanceof HTMLElement) {
            target.style.cursor = elements.length > 0 ? 'pointer' : 'default';
          }
        },
        scales: {
          x: {
            ticks: {
              color: theme.muted,
              maxRotation: 0,
              autoSkip: true,
              autoSkipPadding: 8,
              callback: (_value, index) => shortLayerName(this.series.layers[index] ?? ''),
            },
            grid: { display: false },
            border: { color: theme.grid },
          },
          y: {
            type: 'logarithmic',
            // Exactly the data and band range: chart.js' tick rounding on a log axis can drop a low band edge.
            bounds: 'data',
            ticks: {
              color: theme.muted,
              callback: (value, _index, ticks) =>
                formatTick(
                  Number(value),
                  ticks.map((tick) => tick.value),
                ),
            },
            grid: { color: withAlpha(theme.grid, GRID_ALPHA) },
            border: { color: theme.grid },
          },
        },
        plugins: {
          legend: {
            position: 'bottom',
            labels: { color: theme.foreground, usePointStyle: true, boxWidth: 8, boxHeight: 8, padding: 10 },
          },
          tooltip: {
            backgroundColor: theme.background,
            titleColor: theme.foreground,
            bodyColor: theme.foreground,
            borderColor: theme.grid,
            borderWidth: 1,
            usePointStyle: true,
            callbacks: {
              title: (items) => this.tooltipTitle(items),
              label: (item) => this.tooltipLabel(item),
            },
          },
        },
      },
      plugins: [
        // Describe what was drawn after every render, resizes included.
        { id: 'initLensDescribePoints', afterRender: (chart) => this.describeDrawnPoints(chart as LineChart) },
        idealBandPlugin(() => ({
          ...bandAround(this.series.reference),
          color: this.theme.band,
          fillAlpha: this.theme.highContrast ? 0 : 0.12,
        })),
      ],
    };
  }

  private tooltipTitle(items: TooltipItem<'line'>[]): string {
    const layer = items.length > 0 ? this.series.layers[items[0].dataIndex] : undefined;
    if (layer === undefined) {
      return '';
    }
    const label = this.options.describeLayer(layer);
    return label && label.activation !== '—' ? `${layer} → ${label.activation}` : layer;
  }

  private tooltipLabel(item: TooltipItem<'line'>): string {
    const layer = this.series.layers[item.dataIndex];
    const label = layer === undefined ? undefined : this.options.describeLayer(layer);
    const init = label ? (item.datasetIndex === 0 ? label.initNow : label.initRecommended) : undefined;
    const who = item.datasetIndex === 0 ? t('current') : t('recommended');
    return `${who}${init ? ` (${init})` : ''}: ${formatMoment(item.parsed.y)}`;
  }
}

/** The last part of a qualified name (`blocks.3.fc1` → `3.fc1`) keeps axis labels short. */
function shortLayerName(name: string): string {
  const parts = name.split('.');
  return parts.length <= 2 ? name : parts.slice(-2).join('.');
}

/**
 * Log-axis tick labels: powers of ten (`1e-3`, `0.01`, `1`, `100`, `1e4`), and 2× and 5× too when
 * the axis spans under two decades (else a short axis would show a single label).
 */
function formatTick(value: number, all: number[]): string {
  const exponent = Math.floor(Math.log10(value) + 1e-9);
  const mantissa = Math.round(value / 10 ** exponent);
  const positive = all.filter((tick) => tick > 0);
  const decades = positive.length > 1 ? Math.log10(Math.max(...positive) / Math.min(...positive)) : 0;
  const wanted = mantissa === 1 || (decades < 2 && (mantissa === 2 || mantissa === 5));
  if (!wanted || Math.abs(value / 10 ** exponent - mantissa) > 1e-6) {
    return '';
  }
  return Math.abs(exponent) <= 2 ? String(Number(value.toPrecision(1))) : `${mantissa}e${exponent}`;
}
