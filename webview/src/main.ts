/**
 * Entry of the variance-preview webview (bundled to dist/webview.js). Restores the saved state,
 * tells the extension it is ready (the extension waits for this before posting), and routes the
 * extension's messages to the panel.
 */
import './elements';
import { parseExtensionMessage } from './extensionMessages';
import { loadL10n } from './l10n';
import { restorePanelState } from './panelState';
import { PreviewPanel } from './previewPanel';
import { connectToHost } from './vscodeApi';

function start(): void {
  const host = connectToHost();
  const root = document.getElementById('app');
  // previewHtml puts the worker bundle's webview URI on the script tag.
  const script = document.querySelector<HTMLScriptElement>('script[data-worker-uri]');
  const workerUri = script?.dataset.workerUri;
  loadL10n(script?.dataset.l10n);
  if (!root || !workerUri) {
    throw new Error('Init Lens preview: the page lacks #app or the worker URI.');
  }
  const panel = new PreviewPanel(root, host, restorePanelState(host.loadState()), workerUri);
  panel.restore();
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseExtensionMessage(event.data);
    if (message?.type === 'model') {
      panel.showModel(message.model);
    } else if (message?.type === 'empty') {
      panel.showEmpty(message.reason);
    } else if (message?.type === 'setMethod') {
      panel.setMethod(message.method);
    }
  });
  host.post({ type: 'ready' });
}

start();
