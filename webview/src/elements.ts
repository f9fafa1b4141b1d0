/** The @vscode-elements components the panel uses, imported one by one so the bundle holds only these. */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';

import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { h } from './dom';

let fieldCount = 0;

/** A labelled single-select; `options` are [value, text] pairs. */
export function labelledSelect(
  label: string,
  options: readonly (readonly [string, string])[],
  value: string,
): { field: HTMLElement; select: VscodeSingleSelect } {
  const id = `field-${++fieldCount}`;
  const select = h('vscode-single-select', { id }, ...options.map(([optionValue, text]) => h('vscode-option', { value: optionValue }, text)));
  select.value = value;
  return { field: h('div', { class: 'field' }, h('vscode-label', { for: id }, label), select), select };
}

/**
 * A labelled numeric field: a number input with a spinner for integers; a text field for reals
 * (a number input flags `0.5` as a step mismatch, and `step="any"` is not a number to the component).
 */
export function labelledNumber(
  label: string,
  value: number,
  limits: { min: number; max: number; integer: boolean },
  title?: string,
): { field: HTMLElement; input: VscodeTextfield } {
  const id = `field-${++fieldCount}`;
  const input = limits.integer
    ? h('vscode-textfield', { id, type: 'number', min: limits.min, max: limits.max, step: 1, title })
    : h('vscode-textfield', { id, type: 'text', title });
  input.value = String(value);
  return { field: h('div', { class: 'field' }, h('vscode-label', { for: id }, label), input), input };
}

/** The field's value when it is a number within `limits` (and an integer if asked), else undefined. */
export function readNumber(input: VscodeTextfield, limits: { min: number; max: number }, integer: boolean): number | undefined {
  const text = input.value.trim();
  const value = Number(text);
  const valid = text !== '' && Number.isFinite(value) && value >= limits.min && value <= limits.max && (!integer || Number.isInteger(value));
  input.invalid = !valid;
  return valid ? value : undefined;
}
