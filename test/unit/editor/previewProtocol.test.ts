/**
 * The preview's message checks, both ways: the Monte-Carlo report the panel posts to the extension, and
 * the method choice the extension posts to the panel. A malformed message is refused, never half-used.
 */
import * as assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../../src/protocol/preview';
import { parseExtensionMessage } from '../../../webview/src/extensionMessages';

const report = {
  type: 'monteCarloDone',
  uri: 'file:///w/deep_mlp.py',
  model: 'DeepReLUMLP',
  kernel: 'wasm-simd',
  elapsedMs: 123.4,
  layers: [
    { name: 'net.0', current: 0.33, recommended: 2.01 },
    { name: 'net.2', current: null, recommended: null },
  ],
};

describe('variance preview protocol', () => {
  it("accepts the panel's Monte-Carlo report, with null for a variance that is not finite", () => {
    assert.deepEqual(parseWebviewMessage(report), report);
  });

  it('refuses a report with a malformed layer, a missing kernel or a non-finite time', () => {
    assert.equal(parseWebviewMessage({ ...report, layers: [{ name: 'net.0', current: 'big', recommended: 1 }] }), undefined);
    assert.equal(parseWebviewMessage({ ...report, layers: [{ name: 'net.0', current: Infinity, recommended: 1 }] }), undefined);
    assert.equal(parseWebviewMessage({ ...report, layers: [{ current: 1, recommended: 1 }] }), undefined);
    assert.equal(parseWebviewMessage({ ...report, kernel: undefined }), undefined);
    assert.equal(parseWebviewMessage({ ...report, elapsedMs: Number.NaN }), undefined);
    assert.equal(parseWebviewMessage({ ...report, layers: 'net.0' }), undefined);
  });

  it("accepts the panel's Monte-Carlo failure with its message", () => {
    const failed = { type: 'monteCarloFailed', uri: 'file:///w/a.py', model: 'M', message: 'worker failed' };
    assert.deepEqual(parseWebviewMessage(failed), failed);
    assert.equal(parseWebviewMessage({ ...failed, message: 42 }), undefined);
  });

  it('lets the extension choose the simulation method, and nothing else', () => {
    assert.deepEqual(parseExtensionMessage({ type: 'setMethod', method: 'montecarlo' }), { type: 'setMethod', method: 'montecarlo' });
    assert.deepEqual(parseExtensionMessage({ type: 'setMethod', method: 'analytic' }), { type: 'setMethod', method: 'analytic' });
    assert.equal(parseExtensionMessage({ type: 'setMethod', method: 'exact' }), undefined);
  });
});
