/**
 * The table of layers: name, activation, init in force, recommended init and the forward factor per
 * layer with each. It is the accessible form of the charts; a layer name is a button that reveals
 * the layer in the editor (keyboard reachable, unlike a chart point).
 */
import type { PreviewLayerRow } from '../../src/protocol/preview';
import { h, replaceChildren } from './dom';
import { formatCount, formatFactor } from './format';
import { t } from './l10n';

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
    this.caption = h('caption', {}, t('layers'));
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
          header(t('columnLayer')),
          header(t('columnActivation')),
          header(t('columnInit'), t('columnInitTitle')),
          header(t('columnRecommended'), t('columnRecommendedTitle')),
          header(t('columnFactor'), t('columnFactorTitle')),
        ),
      ),
      this.body,
    );
  }

  /** Shows `rows` of model `model`. */
  update(model: string, rows: readonly PreviewLayerRow[]): void {
    this.caption.textContent = t('layerCaption', formatCount(rows.length), model);
    replaceChildren(this.body, ...rows.map((row) => this.row(row)));
  }

  private row(row: PreviewLayerRow): HTMLTableRowElement {
    const mismatch = row.initNow !== row.initRecommended;
    const revealButton = h('button', { type: 'button', class: 'link-button', title: t('reveal', row.name) }, ...breakableName(row.name));
    revealButton.addEventListener('click', () => this.onReveal(row.name));
    const factor = h(
      'td',
      { class: 'numeric' },
      h('span', { class: isOff(row.factorNow) ? 'factor factor--off' : 'factor' }, formatFactor(row.factorNow)),
      mismatch ? h('span', { class: 'arrow', 'aria-label': t('recommended') }, ' → ') : null,
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
