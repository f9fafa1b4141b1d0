/**
 * Chart colours and fonts from VS Code's theme variables (canvas cannot use CSS variables, so they
 * are read with getComputedStyle), re-read when the theme changes: VS Code then swaps the body's
 * `vscode-light`/`vscode-dark`/`vscode-high-contrast` class and rewrites the variables on <html>.
 * The series use the theme's chart tokens (`charts.*`), meant for exactly this: today's init in
 * `charts.red` (the one to look at), the recommended one in `charts.blue`, the band in
 * `charts.green`, text in `charts.foreground`, grid lines in `charts.lines`. A theme whose series
 * colour is too faint on its background gets the chart foreground instead.
 */

export interface ChartTheme {
  foreground: string;
  muted: string;
  grid: string;
  /** Today's init. */
  current: string;
  recommended: string;
  /** The ideal band and in-band marks. */
  band: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  /** High-contrast themes get thicker lines and no translucent fills. */
  highContrast: boolean;
}

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

/** The current theme's chart palette (fallbacks are VS Code's Dark Modern values). */
export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const highContrast = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const fontSize = Number.parseFloat(variable(style, '--vscode-font-size', '13px'));
  const foreground = variable(style, '--vscode-charts-foreground', variable(style, '--vscode-foreground', '#cccccc'));
  const background = variable(style, '--vscode-sideBar-background', variable(style, '--vscode-editor-background', '#181818'));
  return {
    foreground,
    muted: variable(style, '--vscode-descriptionForeground', '#9d9d9d'),
    grid: variable(style, '--vscode-charts-lines', variable(style, '--vscode-editorWidget-border', '#454545')),
    current: visibleOn(variable(style, '--vscode-charts-red', '#f14c4c'), background, foreground),
    recommended: visibleOn(variable(style, '--vscode-charts-blue', '#3794ff'), background, foreground),
    band: variable(style, '--vscode-charts-green', '#89d185'),
    background,
    fontFamily: variable(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
    highContrast,
  };
}

/** Grid lines stay faint (charts.lines is the text colour at half opacity): the series must stand out. */
export const GRID_ALPHA = 0.25;

/** Below this contrast ratio (WCAG's for graphics) a series would be hard to see. */
const MIN_GRAPHIC_CONTRAST = 3;

/** `color`, or `fallback` when `color` is too faint on `background` (colours it cannot parse are kept). */
export function visibleOn(color: string, background: string, fallback: string): string {
  const ratio = contrastRatio(color, background);
  return ratio !== undefined && ratio < MIN_GRAPHIC_CONTRAST ? fallback : color;
}

/** WCAG contrast ratio of two opaque #rgb/#rrggbb/rgb() colours, undefined if either does not parse. */
export function contrastRatio(first: string, second: string): number | undefined {
  const [a, b] = [relativeLuminance(first), relativeLuminance(second)];
  if (a === undefined || b === undefined) {
    return undefined;
  }
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

function relativeLuminance(color: string): number | undefined {
  const rgba = /^rgba\(([\d.]+), ([\d.]+), ([\d.]+)/.exec(withAlpha(color, 1));
  if (!rgba) {
    return undefined;
  }
  const [r, g, b] = [rgba[1], rgba[2], rgba[3]].map((channel) => {
    const value = Number(channel) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** `color` with opacity `alpha`, for #rgb, #rrggbb(aa) and rgb()/rgba() colours; other syntaxes are returned as is. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim());
  if (hex) {
    let digits = hex[1];
    if (digits.length === 3 || digits.length === 4) {
      digits = [...digits].map((digit) => digit + digit).join('');
    }
    const [r, g, b] = [0, 2, 4].map((start) => Number.parseInt(digits.slice(start, start + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(color.trim());
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

/** Calls `onChange` whenever VS Code switches theme; returns a disposer. */
export function observeThemeChanges(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
