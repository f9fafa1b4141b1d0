import { strict as assert } from 'node:assert';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';
import { analyzeFixture, describeLayer, fixturePath } from './support';

describe('workspace imports: models built from other files', () => {
  before(loadGrammar);

  it('PyTorch: a model whose blocks are in a sibling module has all 6 layers, each in its own file', () => {
    const { graph } = analyzeFixture('torch_two', 'model.py');
    assert.deepEqual(
      graph.models.map((model) => model.name),
      ['Net'],
      'the imported block classes are the models of their own file',
    );
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'stem.conv Conv2d(27→144) default → relu @blocks.py:7',
      'stem.bn BatchNorm2d(null→null) default → relu @blocks.py:8',
      'body.conv Conv2d(144→288) default → relu @blocks.py:7',
      'body.bn BatchNorm2d(null→null) default → relu @blocks.py:8',
      'head.fc1 Linear(32→64) kaiming_normal → gelu @blocks.py:18',
      'head.fc2 Linear(64→10) default → none @blocks.py:19',
    ]);
    // The init written in model.py is at its place in model.py.
    const fc1 = graph.models[0]!.layers[4]!;
    assert.equal(fc1.init.weight!.range.path, undefined);
    assert.equal(fc1.init.weight!.range.start.line + 1, 12);
    assert.deepEqual(graph.notes, []);
    assert.deepEqual(
      graph.dependencies?.map((dependency) => dependency.path),
      [fixturePath('torch_two/blocks.py')],
    );
    assert.match(graph.dependencies![0]!.hash, /^[0-9a-f]{8}-[0-9a-f]+$/);
  });

  it('without imports, the same file keeps its own layers only and says why', () => {
    const file = fixturePath('torch_two/model.py');
    const { graph } = analyzeFile(require('node:fs').readFileSync(file, 'utf8') as string, file);
    assert.equal(graph.dependencies, undefined);
    assert.ok(graph.models[0]!.layers.length < 6);
    assert.ok(graph.notes.includes('Net: blocks.Head is not known: its call is a symbol'));
  });

  it('Keras: layers made by an imported function and an imported Layer subclass', () => {
    const { graph } = analyzeFixture('keras_two', 'model.py');
    assert.deepEqual(
      graph.models.map((model) => model.name),
      ['build_model'],
    );
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'dense Dense(32→64) he_normal → relu @blocks.py:5',
      'batch_normalization BatchNormalization(null→null) ones → relu @blocks.py:6',
      'dense_1 Dense(64→64) he_normal → relu @blocks.py:5',
      'batch_normalization_1 BatchNormalization(null→null) ones → relu @blocks.py:6',
      'dense_2 Dense(64→16) glorot_uniform → tanh @blocks.py:13',
      'dense_3 Dense(16→10) glorot_uniform → none @here:12',
    ]);
    assert.deepEqual(graph.notes, []);
  });

  it('Flax: an imported linen module used inside a compact method', () => {
    const { graph, advice } = analyzeFixture('flax_two', 'model.py');
    assert.deepEqual(
      graph.models.map((model) => model.name),
      ['Classifier'],
    );
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'MlpBlock_0.Dense_0 Dense(x.shape[-1]→64) lecun_normal → gelu @blocks.py:9',
      'MlpBlock_0.Dense_1 Dense(64→64) lecun_normal → relu @blocks.py:11',
      'Dense_0 Dense(64→10) lecun_normal → none @here:11',
    ]);
    // The finding on the imported Dense_1 is placed in this file and names where the layer is.
    const finding = advice.findings.find((each) => each.layer === 'MlpBlock_0.Dense_1')!;
    assert.equal(finding.range.path, undefined);
    assert.equal(finding.definedAt?.path, fixturePath('flax_two/blocks.py'));
    assert.match(finding.message, /\(the layer is defined in blocks\.py line 11\)$/);
    assert.equal(finding.fix, null);
  });

  it('a package: relative, absolute and star imports, a re-export, a submodule, a cycle, a self-import, a broken and a missing module', () => {
    const { graph, advice } = analyzeFixture('torchpkg', 'mynet/model.py');
    assert.deepEqual(
      graph.models.map((model) => model.name),
      ['Net'],
    );
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      // CB is ConvBlock re-exported by mynet/__init__.py.
      'stem.conv Conv2d(27→144) default → relu @blocks.py:9',
      // Mlp's width comes through the cycle (cycle_a.width() reads cycle_b.WIDTH_B); its act from the star import
      // (layers.py's `if __name__ == "__main__":` block, which empties __all__, does not run when it is imported).
      'mlp.fc1 Linear(16→32) xavier_uniform → gelu @blocks.py:19',
      'mlp.fc2 Linear(32→16) xavier_uniform → none @blocks.py:21',
      // WIDTH from the broken module's well-formed statements; the init from L.init_linear through self.apply.
      'out Linear(16→12) xavier_uniform → none @here:19',
      // SCALE read through the module's import of itself.
      'tiny.fc Linear(4→8) xavier_uniform → unknown @selfimport.py:11',
    ]);
    assert.deepEqual(graph.notes, [
      'broken.py has syntax errors: its statements at lines 6 of that file are not run',
      'line 9: no workspace file holds the module .missing: its names are symbols',
    ]);
    assert.equal(graph.dependencies?.length, 7);
    // The xavier init of the imported mlp.fc1 came through `self.apply(L.init_linear)`: its finding is placed there.
    const finding = advice.findings.find((each) => each.layer === 'mlp.fc1')!;
    assert.equal(finding.range.start.line + 1, 20);
    assert.equal(finding.range.path, undefined);
    assert.match(finding.message, /\(the layer is defined in blocks\.py line 19\)$/);
  });

  it('a src/ layout: a root script imports a package from src/', () => {
    const { graph, advice } = analyzeFixture('torchsrc', 'train.py');
    assert.deepEqual(graph.models[0]!.layers.map(describeLayer), [
      'a.fc Linear(32→32) default → tanh @blocks.py:7',
      'b.fc Linear(32→32) default → tanh @blocks.py:7',
      'out Linear(32→1) default → none @here:11',
    ]);
    // Findings on imported layers are placed at the model's first line in this file, without a fix.
    // a.fc and b.fc are one line of blocks.py built twice: one finding naming both.
    const placed = advice.findings.filter((finding) => finding.definedAt);
    assert.equal(placed.length, 1);
    assert.deepEqual(
      placed[0]!.instances?.map((instance) => instance.layer),
      ['a.fc', 'b.fc'],
    );
    for (const finding of placed) {
      assert.deepEqual(finding.range, { start: { line: 5, column: 0 }, end: { line: 5, column: 0 } });
      assert.equal(finding.fix, null);
    }
  });
});
