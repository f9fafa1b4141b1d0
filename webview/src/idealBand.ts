/**
 * A chart.js plugin that shades the range where a layer's variance is healthy, drawn behind the
 * datasets (no external plugin). The band is a factor either way of a reference variance; the
 * default factor 4 is Init Lens' own `initLens.driftThreshold` default, the drift from which a
 * mismatch is reported.
 */
import type { Chart, Plugin } from 'chart.js';

export interface Band {
  low: number;
  high: number;
  color: string;
  /** Opacity of the fill; the edges are drawn at full opacity (high contrast needs them). */
  fillAlpha: number;
}

/** The healthy range around `reference`: [reference/factor, reference·factor]. */
export function bandAround(reference: number, factor = 4): { low: number; high: number } {
  return { low: reference / factor, high: reference * factor };
}

/** A plugin drawing the band returned by `getBand` (read at each draw, so theme changes apply). */
export function idealBandPlugin(getBand: () => Band | null): Plugin {
  return {
    id: 'initLensIdealBand',
    beforeDatasetsDraw(chart: Chart) {
      const band = getBand();
      const scale = chart.scales.y;
      if (!band || !scale) {
        return;
      }
      const { left, right, top, bottom } = chart.chartArea;
      const yHigh = Math.max(top, Math.min(bottom, scale.getPixelForValue(band.high)));
      const yLow = Math.max(top, Math.min(bottom, scale.getPixelForValue(band.low)));
      if (yLow - yHigh <= 0) {
        return;
      }
      const context = chart.ctx;
      context.save();
      context.fillStyle = band.color;
      context.globalAlpha = band.fillAlpha;
      context.fillRect(left, yHigh, right - left, yLow - yHigh);
      context.globalAlpha = 0.6;
      context.strokeStyle = band.color;
      context.setLineDash([3, 3]);
      context.lineWidth = 1;
      context.beginPath();
      for (const y of [yHigh, yLow]) {
        if (y > top && y < bottom) {
          context.moveTo(left, y);
          context.lineTo(right, y);
        }
      }
      context.stroke();
      context.restore();
    },
  };
}
