/**
 * The table of layers: name, activation, init in force, recommended init and the forward factor per
 * layer with each. It is the accessible form of the charts; a layer name is a button that reveals
 * the layer in the editor (keyboard reachable, unlike a chart point).
 */
import type { PreviewLayerRow } from '../../src/protocol/preview';
import { h, replaceChildren } from './dom';
import { formatFactor } from './format';

/** A factor per layer this far from 1 either way is flagged (same rule as the ideal band's edges per layer). */
const FACTOR_WARNING = 1.5;

function isOff(factor: number | null): boolean {
  return factor !== null && (factor > FACTOR_WARNING || factor < 1 / FACTOR_WARNING);
}

export class LayerTable {
  readonly element: HTMLTableElement;
  private readonly caption: HTMLTableCaptionElement;
  private readonly body: HTMLTableSectionElement;

  constructor(private readonly onReveal: (layer: string) => void) {
    this.caption = h('caption', {}, 'Layers');
    this.body = h('tbody');
    const header = (text: string, title?: string) => h('th', { scope: 'col', title }, text);
    this.element = h(
      'table',
      { class: 'layer-table' },
      this.caption,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          header('Layer'),
          header('Activation'),
          header('Init', 'Initializer in force'),
          header('Recommended', 'Initializer the activation calls for'),
          header('×/layer', 'Forward second-moment factor per layer: current → recommended'),
        ),
      ),
      this.body,
    );
  }

  /** Shows `rows` of model `model`. */
  update(model: string, rows: readonly PreviewLayerRow[]): void {
    this.caption.textContent = `${rows.length} layer${rows.length === 1 ? '' : 's'} of ${model}: init in force, recommended init, and the forward factor per layer`;
    replaceChildren(this.body, ...rows.map((row) => this.row(row)));
  }

  private row(row: PreviewLayerRow): HTMLTableRowElement {
    const mismatch = row.initNow !== row.initRecommended;
    const revealButton = h('button', { type: 'button', class: 'link-button', title: `Reveal ${row.name} in the editor` }, ...breakableName(row.name));
    revealButton.addEventListener('click', () => this.onReveal(row.name));
    const factor = h(
      'td',
      { class: 'numeric' },
      h('span', { class: isOff(row.factorNow) ? 'factor factor--off' : 'factor' }, formatFactor(row.factorNow)),
      mismatch ? h('span', { class: 'arrow', 'aria-label': 'recommended' }, ' → ') : null,
      mismatch ? h('span', { class: 'factor' }, formatFactor(row.factorRecommended)) : null,
    );
    return h(
      'tr',
      { class: mismatch ? 'mismatch' : undefined, 'data-layer': row.name },
      h('th', { scope: 'row' }, revealButton, h('span', { class: 'layer-type' }, row.type)),
      h('td', {}, row.activation),
      h('td', { class: mismatch ? 'init init--mismatch' : 'init' }, row.initNow),
      h('td', { class: 'init' }, row.initRecommended),
      factor,
    );
  }
}

/** A qualified name with line-break opportunities after its dots (`block.` / `conv1`, never `block.conv` / `1`). */
function breakableName(name: string): (string | Node)[] {
  return name.split('.').flatMap((part, index, parts) => (index < parts.length - 1 ? [`${part}.`, document.createElement('wbr')] : [part]));
}
