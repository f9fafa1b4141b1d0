/**
 * The histogram of post-activation values at one layer from the Monte-Carlo pass: the finite-width
 * spread (dead ReLUs, saturated tanh) that the analytic curve cannot show.
 */
import { Chart } from './chartSetup';
import { h } from './dom';
import { formatMoment } from './format';
import { t } from './l10n';
import { type ChartTheme, GRID_ALPHA, withAlpha } from './theme';

export interface Histogram {
  layer: string;
  /** Bin edges, one more than the counts. */
  edges: number[];
  counts: number[];
}

type BarChart = Chart<'bar', number[], string>;

export class HistogramChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly chart: BarChart;
  private edges: number[] = [];
  private seriesLabel = '';

  constructor(theme: ChartTheme) {
    this.canvas = h('canvas', { role: 'img', 'aria-label': t('histogramLabel') });
    this.element = h('div', { class: 'chart-box chart-box--histogram' }, this.canvas);
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: '', data: [], borderWidth: 0, barPercentage: 1, categoryPercentage: 1 }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => (items.length > 0 ? this.binLabel(items[0].dataIndex) : ''),
              label: (item) => `${this.seriesLabel}: ${item.parsed.y} values`,
            },
          },
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    this.applyTheme(theme);
  }

  /** Shows `histogram`, described as `seriesLabel` (e.g. `fc2 · current init`). */
  update(histogram: Histogram, seriesLabel: string): void {
    this.edges = histogram.edges;
    this.seriesLabel = seriesLabel;
    const centres = histogram.counts.map((_, index) => (histogram.edges[index] + histogram.edges[index + 1]) / 2);
    this.chart.data.labels = centres.map((centre) => formatAxisValue(centre, histogram.edges));
    this.chart.data.datasets[0].data = histogram.counts;
    this.chart.data.datasets[0].label = seriesLabel;
    this.canvas.setAttribute('aria-label', t('histogramLabelAt', seriesLabel, histogram.counts.length));
    this.chart.update();
    this.canvas.dataset.pointCount = String(this.chart.getDatasetMeta(0).data.length);
  }

  applyTheme(theme: ChartTheme): void {
    const dataset = this.chart.data.datasets[0];
    dataset.backgroundColor = theme.highContrast ? theme.recommended : withAlpha(theme.recommended, 0.7);
    dataset.hoverBackgroundColor = theme.recommended;
    const scales = this.chart.options.scales ?? {};
    for (const scale of [scales.x, scales.y]) {
      if (scale) {
        scale.ticks = { ...scale.ticks, color: theme.muted };
        scale.border = { ...scale.border, color: theme.grid };
      }
    }
    if (scales.y) {
      scales.y.grid = { color: withAlpha(theme.grid, GRID_ALPHA) };
    }
    const tooltip = this.chart.options.plugins?.tooltip;
    if (tooltip) {
      Object.assign(tooltip, {
        backgroundColor: theme.background,
        titleColor: theme.foreground,
        bodyColor: theme.foreground,
        borderColor: theme.grid,
        borderWidth: 1,
      });
    }
    this.chart.update();
  }

  destroy(): void {
    this.chart.destroy();
  }

  private binLabel(index: number): string {
    const low = this.edges[index];
    const high = this.edges[index + 1];
    return low === undefined || high === undefined ? '' : `[${formatMoment(low)}, ${formatMoment(high)})`;
  }
}

/** A bin centre with as many decimals as the bin width calls for (`0.09`, not `0.09316`). */
function formatAxisValue(value: number, edges: number[]): string {
  const width = edges.length > 1 ? Math.abs(edges[edges.length - 1] - edges[0]) / (edges.length - 1) : Math.abs(value);
  if (width === 0 || !Number.isFinite(width)) {
    return formatMoment(value);
  }
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(width))));
  return value.toFixed(decimals).replace(/^-0(\.0*)?$/, '0$1');
}
