/**
 * The simulation controls: method, batch size and seed (Monte Carlo), input variance, depth
 * multiplier, one field per symbolic width or loop count of the model, and "Apply recommended init".
 * Invalid entries are marked and ignored until corrected.
 */
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { PreviewModel, PreviewSymbol } from '../../src/protocol/preview';
import { h, replaceChildren } from './dom';
import { labelledNumber, labelledSelect, readNumber } from './elements';
import { t } from './l10n';
import { type Controls, controlLimits, type SimulationMethod } from './panelState';

export interface ControlsEvents {
  /** Simulation settings changed (validated): the changed fields only. */
  onChange(change: Partial<Controls>): void;
  onApplyFix(): void;
  onSelectModel(model: string): void;
}

export class ControlsPanel {
  readonly element: HTMLElement;
  private controls: Controls;
  private readonly modelSlot = h('div', { class: 'model-picker' });
  private readonly symbolSlot = h('div', { class: 'field-grid' });
  private readonly monteCarloFields: HTMLElement[] = [];
  private readonly applyButton: VscodeButton;
  private readonly methodSelect: VscodeSingleSelect;
  /** Says, under the depth field, why the depth multiplier does not apply to this model. */
  private readonly depthNote = h('p', { class: 'field-note', role: 'status', hidden: true });

  constructor(
    initial: Controls,
    private readonly events: ControlsEvents,
  ) {
    this.controls = { ...initial, symbols: { ...initial.symbols } };
    const method = labelledSelect(
      t('method'),
      [
        ['analytic', t('analytic')],
        ['montecarlo', t('methodMonteCarlo')],
      ],
      initial.method,
    );
    method.select.title = t('methodTitle');
    method.select.addEventListener('change', () => this.chooseMethod(method.select.value === 'montecarlo' ? 'montecarlo' : 'analytic'));
    this.methodSelect = method.select;
    const batch = this.numberField(t('batch'), 'batch', controlLimits.batch, true, t('batchTitle'));
    const seed = this.numberField(t('seed'), 'seed', controlLimits.seed, true, t('seedTitle'));
    this.monteCarloFields.push(batch, seed);
    const inputVariance = this.numberField(t('inputVariance'), 'inputVariance', controlLimits.inputVariance, false, t('inputVarianceTitle'));
    const depth = this.numberField(t('depth'), 'depthMultiplier', controlLimits.depthMultiplier, true, t('depthTitle'));

    this.applyButton = h('vscode-button', {}, t('apply'));
    this.applyButton.addEventListener('click', () => {
      if (!this.applyButton.disabled) {
        this.events.onApplyFix();
      }
    });
    this.element = h(
      'section',
      { class: 'controls', 'aria-label': t('settingsLabel') },
      this.modelSlot,
      h('div', { class: 'field-grid' }, method.field, batch, seed, inputVariance, depth),
      this.depthNote,
      this.symbolSlot,
      h('div', { class: 'actions' }, this.applyButton),
    );
    this.showMethodFields(initial.method);
  }

  /** Rebuilds the parts that depend on the model: the model picker, symbol fields, the apply button. */
  setModel(model: PreviewModel): void {
    if (model.models.length > 1) {
      const picker = labelledSelect(
        t('model'),
        model.models.map((name) => [name, name] as const),
        model.model,
      );
      picker.select.addEventListener('change', () => {
        if (picker.select.value && picker.select.value !== model.model) {
          this.events.onSelectModel(picker.select.value);
        }
      });
      replaceChildren(this.modelSlot, picker.field);
    } else {
      replaceChildren(this.modelSlot);
    }
    replaceChildren(this.symbolSlot, ...model.symbols.map((symbol) => this.symbolField(symbol)));
    this.applyButton.disabled = !model.fixable;
    this.applyButton.title = model.fixable ? t('applyTitle', model.model) : t('applyNothing');
  }

  /** Chooses the method as the method field does (the extension asks for it with `setMethod`). */
  setMethod(method: SimulationMethod): void {
    this.methodSelect.value = method;
    this.chooseMethod(method);
  }

  private chooseMethod(method: SimulationMethod): void {
    this.update({ method });
    this.showMethodFields(method);
  }

  /** Shows why the depth multiplier cannot apply (undefined: it applies, or is 1). */
  setDepthNote(text: string | undefined): void {
    this.depthNote.textContent = text ?? '';
    this.depthNote.hidden = text === undefined;
  }

  private update(change: Partial<Controls>): void {
    this.controls = { ...this.controls, ...change };
    this.events.onChange(change);
  }

  private showMethodFields(method: SimulationMethod): void {
    for (const field of this.monteCarloFields) {
      field.hidden = method !== 'montecarlo';
    }
  }

  private numberField(
    label: string,
    key: 'batch' | 'seed' | 'inputVariance' | 'depthMultiplier',
    limits: { min: number; max: number },
    integer: boolean,
    title: string,
  ): HTMLElement {
    const { field, input } = labelledNumber(label, this.controls[key], { ...limits, integer }, title);
    this.onValidInput(input, limits, integer, (value) => this.update({ [key]: value }));
    return field;
  }

  private symbolField(symbol: PreviewSymbol): HTMLElement {
    const value = this.controls.symbols[symbol.name] ?? symbol.value;
    const { field, input } = labelledNumber(symbol.name, value, { ...controlLimits.symbol, integer: true }, t('symbolTitle', symbol.name, symbol.value));
    field.classList.add('field--symbol');
    this.onValidInput(input, controlLimits.symbol, true, (next) => {
      const symbols = { ...this.controls.symbols };
      if (next === symbol.value) {
        delete symbols[symbol.name];
      } else {
        symbols[symbol.name] = next;
      }
      this.update({ symbols });
    });
    return field;
  }

  private onValidInput(input: VscodeTextfield, limits: { min: number; max: number }, integer: boolean, apply: (value: number) => void): void {
    input.addEventListener('input', () => {
      const value = readNumber(input, limits, integer);
      if (value !== undefined) {
        apply(value);
      }
    });
  }
}
