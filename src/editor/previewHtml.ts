/**
 * The variance-preview webview's HTML and Content Security Policy. Pure (no `vscode` import), so
 * the browser test serves exactly the page the extension shows.
 *
 * CSP, directive by directive:
 * - `default-src 'none'`: nothing that is not allowed below (no network, no frames, no objects).
 * - `script-src 'nonce-…' 'wasm-unsafe-eval'`: only the bundle tag carrying this page's nonce, no
 *   inline script, no JS eval; 'wasm-unsafe-eval' lets the Monte-Carlo worker (which inherits this
 *   policy) compile its WebAssembly SIMD matrix kernel (src/core/simulate/wasmGemm.ts, bytes built in
 *   code, nothing fetched); without it the core falls back to the slower JS kernel.
 * - `style-src <cspSource>`: the stylesheet from the extension (media/preview.css). @vscode-elements (Lit)
 *   styles its shadow roots with constructable stylesheets (`adoptedStyleSheets`), which CSP does
 *   not govern, and chart.js sizes its canvas through the CSSOM (`element.style`), also allowed:
 *   no 'unsafe-inline' (the browser test fails on any violation).
 * - `connect-src <cspSource>` and `worker-src blob:`: the Monte-Carlo worker. A Worker must be
 *   same-origin, and webview resources are served from another origin than the page, so the page
 *   fetches dist/webviewWorker.js and starts it from a blob: URL (webview/src/monteCarloClient.ts).
 * - `font-src <cspSource>`: only when a codicon font is linked.
 * - `base-uri 'none'; form-action 'none'`: not covered by default-src.
 */

import { PREVIEW_STRINGS, type PreviewL10n } from '../protocol/previewStrings';

export interface PreviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** Webview URIs (`webview.asWebviewUri`) of dist/webview.js, dist/webviewWorker.js, media/preview.css. */
  scriptUri: string;
  workerUri: string;
  styleUri: string;
  /** Codicons stylesheet, if the page uses codicons (its font comes from cspSource). */
  codiconsUri?: string;
  /** The panel's strings in the user's language and the locale for numbers (English when absent). */
  l10n?: PreviewL10n;
}

/** The Content-Security-Policy value for the page. */
export function previewCsp(options: Pick<PreviewHtmlOptions, 'cspSource' | 'nonce' | 'codiconsUri'>): string {
  const { cspSource, nonce } = options;
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `style-src ${cspSource}`,
    `connect-src ${cspSource}`,
    `worker-src blob:`,
    ...(options.codiconsUri ? [`font-src ${cspSource}`] : []),
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The full HTML document of the preview webview. */
export function previewHtml(options: PreviewHtmlOptions): string {
  const l10n = options.l10n ?? { locale: 'en', strings: PREVIEW_STRINGS };
  const codicons = options.codiconsUri ? `\n    <link rel="stylesheet" id="vscode-codicon-stylesheet" href="${escapeAttribute(options.codiconsUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(l10n.locale)}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(previewCsp(options))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">${codicons}
    <title>${escapeText(l10n.strings.pageTitle)}</title>
  </head>
  <body>
    <main id="app" aria-label="${escapeAttribute(l10n.strings.pageLabel)}"></main>
    <script nonce="${escapeAttribute(options.nonce)}" src="${escapeAttribute(options.scriptUri)}" data-worker-uri="${escapeAttribute(options.workerUri)}" data-l10n="${escapeAttribute(JSON.stringify(l10n))}"></script>
  </body>
</html>
`;
}

/** A fresh nonce: 128 random bits from the platform's CSPRNG, as 32 hex digits. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
