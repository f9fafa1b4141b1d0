/**
 * Registers only the chart.js parts the panel draws with (line and bar charts, category/linear/log
 * axes, tooltip, legend), so esbuild tree-shakes the rest, and applies the theme's defaults.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ChartTheme } from './theme';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, Tooltip, Legend);

/** Sets chart.js' global font and colours from the theme (charts created afterwards pick them up). */
export function applyChartDefaults(theme: ChartTheme): void {
  Chart.defaults.font.family = theme.fontFamily;
  Chart.defaults.font.size = Math.max(10, theme.fontSize - 2);
  Chart.defaults.color = theme.muted;
  Chart.defaults.borderColor = theme.grid;
  // The panel is a tool: redraw at once on every control change (and respect reduced motion for free).
  Chart.defaults.animation = false;
}

export { Chart };
