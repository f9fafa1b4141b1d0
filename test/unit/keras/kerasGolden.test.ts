/**
 * Golden fixtures (Keras): each test/fixtures/keras/NAME.py against NAME.graph.json, compared as a
 * subset like the PyTorch fixtures (see test/fixtures/keras/README.md).
 */
import * as assert from 'node:assert/strict';
import { describeGoldenFixtures } from '../support/goldenFixtures';

describeGoldenFixtures('keras', {
  title: 'golden fixtures (Keras)',
  minimumPairs: 15,
  checkFile: (file) => {
    assert.equal(file.framework, 'keras');
    assert.ok(
      file.models.every((model) => model.framework === 'keras'),
      'every model is marked keras',
    );
  },
});
