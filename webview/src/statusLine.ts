/**
 * The run status: a polite live region (screen readers hear "Monte Carlo done in 0.8 s"), a
 * determinate progress bar and the Cancel button while a Monte-Carlo pass runs.
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import { h } from './dom';
import { t } from './l10n';

export class StatusLine {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly progress: VscodeProgressBar;
  private readonly cancelButton: VscodeButton;

  constructor(onCancel: () => void) {
    this.text = h('span', { class: 'status-text', role: 'status', 'aria-live': 'polite' });
    this.progress = h('vscode-progress-bar', { 'aria-label': t('progressLabel'), max: 1 });
    this.cancelButton = h('vscode-button', { secondary: true, title: t('cancelTitle') }, t('cancel'));
    this.cancelButton.addEventListener('click', onCancel);
    this.element = h('div', { class: 'status' }, h('div', { class: 'status-row' }, this.text, this.cancelButton), this.progress);
    this.setIdle('');
  }

  /** A Monte-Carlo pass is running, `fraction` done. */
  setRunning(message: string, fraction: number): void {
    this.text.textContent = message;
    this.progress.hidden = false;
    this.progress.value = Math.max(0, Math.min(1, fraction));
    this.cancelButton.hidden = false;
    this.element.dataset.state = 'running';
  }

  setIdle(message: string, isError = false): void {
    this.text.textContent = message;
    this.text.classList.toggle('status-text--error', isError);
    this.progress.hidden = true;
    this.cancelButton.hidden = true;
    this.element.dataset.state = isError ? 'error' : 'idle';
  }
}
