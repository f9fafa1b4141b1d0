import assert from 'node:assert/strict';
import { defaultControls, restorePanelState } from '../../../webview/src/panelState';
import { formatFactor, formatMoment } from '../../../webview/src/format';

describe('webview panel state', () => {
  it('restorePanelState(undefined) is a fresh state with the default controls', () => {
    assert.deepEqual(restorePanelState(undefined), { version: 1, controls: { ...defaultControls, symbols: {} }, model: null, emptyReason: null });
  });

  it('restorePanelState keeps valid saved controls and drops invalid ones field by field', () => {
    const state = restorePanelState({
      version: 1,
      controls: {
        method: 'montecarlo',
        batch: 512,
        seed: -3,
        inputVariance: 'x',
        depthMultiplier: 1000,
        symbols: { n_embd: 768, bad: 0.5, worse: 'x' },
        histogramLayer: 'fc2',
        histogramInit: 'recommended',
      },
      model: { rows: [] },
      emptyReason: 7,
    });
    assert.deepEqual(state.controls, {
      method: 'montecarlo',
      batch: 512,
      seed: defaultControls.seed,
      inputVariance: defaultControls.inputVariance,
      depthMultiplier: defaultControls.depthMultiplier,
      symbols: { n_embd: 768 },
      histogramLayer: 'fc2',
      histogramInit: 'recommended',
    });
    assert.deepEqual(state.model, { rows: [] });
    assert.equal(state.emptyReason, null);
  });

  it('restorePanelState ignores a state of another version', () => {
    assert.equal(restorePanelState({ version: 2, controls: { method: 'montecarlo' } }).controls.method, 'analytic');
  });
});

describe('webview number formats', () => {
  it('formatMoment uses 3 significant digits in [1e-3, 1e4) and exponents outside', () => {
    assert.deepEqual([0, 1, 0.16666, 2.0004, 1234.5, 0.00012345, 123456, null].map(formatMoment), [
      '0',
      '1',
      '0.167',
      '2',
      '1230',
      '1.23e-4',
      '1.23e+5',
      'n/a',
    ]);
  });

  it('formatFactor shows two decimals, exponents for extreme factors, ? when unknown', () => {
    assert.deepEqual([1 / 6, 1, 2.78, 250, 0.001, null].map(formatFactor), ['×0.17', '×1.00', '×2.78', '×2.5e+2', '×1.0e-3', '?']);
  });
});
