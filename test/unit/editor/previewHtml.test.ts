import assert from 'node:assert/strict';
import { makeNonce, previewCsp, previewHtml } from '../../../src/editor/previewHtml';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abc123',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  workerUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviewWorker.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/preview.css',
};

/** The CSP directives of a page, by name. */
function directives(html: string): Map<string, string[]> {
  const content = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.ok(content, 'the page has a CSP meta tag');
  return new Map(
    content
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

describe('previewHtml', () => {
  it('previewHtml(options) denies by default and allows scripts only by nonce', () => {
    const csp = directives(previewHtml(options));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), ["'nonce-abc123'", "'wasm-unsafe-eval'"]);
    assert.deepEqual(csp.get('style-src'), [options.cspSource]);
    assert.deepEqual(csp.get('worker-src'), ['blob:']);
    assert.deepEqual(csp.get('connect-src'), [options.cspSource]);
    assert.equal(csp.has('font-src'), false);
    assert.doesNotMatch(previewHtml(options), /'unsafe-inline'|'unsafe-eval'/);
    // Nothing from the network: every URL is the webview's resource origin.
    assert.doesNotMatch(previewHtml(options), /https?:\/\/(?!file\+\.vscode-resource\.vscode-cdn\.net)/);
  });

  it('previewHtml(options) loads the one script with the nonce and hands it the worker URI', () => {
    const html = previewHtml(options);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], /nonce="abc123"/);
    assert.match(scripts[0], new RegExp(`src="${options.scriptUri.replace(/[.+]/g, '\\$&')}"`));
    assert.match(scripts[0], /data-worker-uri="[^"]*webviewWorker\.js"/);
    assert.match(html, /<link rel="stylesheet" href="[^"]*preview\.css">/);
  });

  it('previewHtml(options) escapes attribute values', () => {
    const html = previewHtml({ ...options, styleUri: 'x"><script>alert(1)</script>' });
    assert.equal([...html.matchAll(/<script\b/g)].length, 1);
    assert.match(html, /href="x&quot;&gt;&lt;script&gt;/);
  });

  it('previewCsp adds font-src only with codicons', () => {
    assert.match(previewCsp({ ...options, codiconsUri: 'https://x/codicon.css' }), /font-src https:\/\/file\+\.vscode-resource\.vscode-cdn\.net/);
  });

  it('makeNonce() gives 32 hex digits, different each call', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => makeNonce()));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) {
      assert.match(nonce, /^[0-9a-f]{32}$/);
    }
  });
});
