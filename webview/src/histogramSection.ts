/** The Monte-Carlo histogram with its pickers: which layer, and today's init or the recommended one. */
import { h, replaceChildren } from './dom';
import { labelledSelect } from './elements';
import { formatCount } from './format';
import { type Histogram, HistogramChart } from './histogramChart';
import { t } from './l10n';
import type { InitChoice } from './panelState';
import type { ChartTheme } from './theme';

export interface HistogramData {
  current: Histogram[];
  recommended: Histogram[];
}

export class HistogramSection {
  readonly element: HTMLElement;
  private readonly chart: HistogramChart;
  private readonly pickers = h('div', { class: 'field-grid' });
  private readonly caption = h('p', { class: 'hint' });
  private data: HistogramData | undefined;

  constructor(
    theme: ChartTheme,
    private layer: string | null,
    private init: InitChoice,
    private readonly onChoice: (layer: string, init: InitChoice) => void,
  ) {
    this.chart = new HistogramChart(theme);
    this.element = h(
      'section',
      { class: 'histogram', 'aria-labelledby': 'histogram-heading' },
      h('h2', { id: 'histogram-heading' }, t('histogramHeading')),
      this.pickers,
      this.chart.element,
      this.caption,
    );
  }

  /** Shows the histograms of a finished run (or hides the section when there is none). */
  update(data: HistogramData | undefined, batch: number): void {
    this.data = data;
    this.element.hidden = !data || data.current.length === 0;
    if (!data || data.current.length === 0) {
      return;
    }
    const layers = data.current.map((histogram) => histogram.layer);
    if (this.layer === null || !layers.includes(this.layer)) {
      this.layer = layers[Math.min(layers.length - 1, Math.floor(layers.length / 2))];
    }
    const layerPicker = labelledSelect(
      t('histogramLayer'),
      layers.map((name) => [name, name] as const),
      this.layer,
    );
    const initPicker = labelledSelect(
      t('histogramInit'),
      [
        ['current', t('current')],
        ['recommended', t('recommended')],
      ],
      this.init,
    );
    const onChange = () => {
      this.layer = layerPicker.select.value || this.layer;
      this.init = initPicker.select.value === 'recommended' ? 'recommended' : 'current';
      this.draw();
      if (this.layer !== null) {
        this.onChoice(this.layer, this.init);
      }
    };
    layerPicker.select.addEventListener('change', onChange);
    initPicker.select.addEventListener('change', onChange);
    replaceChildren(this.pickers, layerPicker.field, initPicker.field);
    this.caption.textContent = t('histogramCaption', formatCount(batch));
    this.draw();
  }

  applyTheme(theme: ChartTheme): void {
    this.chart.applyTheme(theme);
  }

  private draw(): void {
    const histograms = this.data?.[this.init] ?? [];
    const histogram = histograms.find((candidate) => candidate.layer === this.layer) ?? histograms[0];
    if (histogram) {
      this.chart.update(histogram, t('histogramSeries', histogram.layer, this.init === 'current' ? t('currentInit') : t('recommendedInit')));
    }
  }
}
