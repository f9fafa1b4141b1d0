/** The glob matcher behind `initLens.exclude` and `search.exclude` in the workspace scan. */
import * as assert from 'node:assert/strict';
import { matchesAnyGlob } from '../../../src/core/glob';

describe('matchesAnyGlob', () => {
  it('matches ** across folders, * within a name and {a,b} alternatives', () => {
    assert.equal(matchesAnyGlob('env/lib/site-packages/torch/nn.py', ['**/site-packages/**']), true);
    assert.equal(matchesAnyGlob('models/resnet.py', ['**/site-packages/**']), false);
    assert.equal(matchesAnyGlob('.venv/x.py', ['**/.venv/**']), true);
    assert.equal(matchesAnyGlob('a/b/test_model.py', ['**/test_*.py']), true);
    assert.equal(matchesAnyGlob('a/b/model.py', ['**/{build,dist}/**']), false);
    assert.equal(matchesAnyGlob('dist/model.py', ['**/{build,dist}/**']), true);
    assert.equal(matchesAnyGlob('notes.py', ['*.py']), true);
  });

  it('treats a pattern without a folder as matching at any depth, like search.exclude', () => {
    assert.equal(matchesAnyGlob('deep/down/generated.py', ['generated.py']), true);
  });
});
