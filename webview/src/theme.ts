/**
 * Chart colours and fonts from VS Code's theme variables (canvas cannot use CSS variables, so they
 * are read with getComputedStyle), re-read when the theme changes: VS Code then swaps the body's
 * `vscode-light`/`vscode-dark`/`vscode-high-contrast` class and rewrites the variables on <html>.
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
  return {
    foreground: variable(style, '--vscode-foreground', '#cccccc'),
    muted: variable(style, '--vscode-descriptionForeground', '#9d9d9d'),
    grid: variable(style, '--vscode-editorWidget-border', variable(style, '--vscode-panel-border', '#454545')),
    current: variable(style, '--vscode-charts-orange', '#d18616'),
    recommended: variable(style, '--vscode-charts-blue', '#3794ff'),
    band: variable(style, '--vscode-charts-green', '#89d185'),
    background: variable(style, '--vscode-sideBar-background', variable(style, '--vscode-editor-background', '#181818')),
    fontFamily: variable(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
    highContrast,
  };
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
