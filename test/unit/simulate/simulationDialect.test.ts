/**
 * The simulation dialects the framework registry hands the simulator, and the neutral folders'
 * independence of the frameworks (advice, init and simulate import none).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ADAPTERS, dialectFor } from '../../../src/core/frameworks/registry';
import type { Model } from '../../../src/core/graph';
import { networkFromModel } from '../../../src/core/simulate/fromGraph';

const CORE = path.join(__dirname, '..', '..', '..', 'src', 'core');

describe('simulation dialects', () => {
  it('dialectFor(framework) is the dialect of that framework, PyTorch for a model without one', () => {
    for (const adapter of ADAPTERS) {
      assert.equal(dialectFor(adapter.id).framework, adapter.id);
    }
    assert.equal(dialectFor(undefined).framework, 'pytorch');
  });

  it('networkFromModel refuses another framework’s dialect instead of reading the layers wrongly', () => {
    const model = { name: 'Net', framework: 'keras', layers: [] } as unknown as Model;
    assert.throws(() => networkFromModel(model, { init: 'current', dialect: dialectFor('pytorch') }), /Net is keras, the dialect is pytorch's/);
    assert.doesNotThrow(() => networkFromModel(model, { init: 'current', dialect: dialectFor('keras') }));
  });

  for (const folder of ['advice', 'init', 'simulate']) {
    it(`src/core/${folder} imports no framework`, () => {
      const offenders = readdirSync(path.join(CORE, folder))
        .filter((file) => file.endsWith('.ts'))
        .filter((file) => /from '\.\.\/frameworks\//.test(readFileSync(path.join(CORE, folder, file), 'utf8')));
      assert.deepEqual(offenders, []);
    });
  }
});
