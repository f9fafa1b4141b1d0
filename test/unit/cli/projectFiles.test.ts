import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { projectFiles } from '../../../src/node/projectFiles';
import { loadGrammar } from '../support/python';

const WORKSPACES = path.join(__dirname, '..', '..', 'fixtures', 'workspace');

describe('CLI project files: imports from the disk', () => {
  before(loadGrammar);

  it('reads each file once per run, whether it is analysed or imported', () => {
    const project = projectFiles(path.join(WORKSPACES, 'torch_two'));
    const blocks = path.join(WORKSPACES, 'torch_two', 'blocks.py');
    const model = path.join(WORKSPACES, 'torch_two', 'model.py');
    const first = project.files.readSource(blocks);
    analyzeFile(project.files.readSource(model).text, model, { imports: project.imports });
    assert.equal(project.files.readSource(blocks), first, 'the same read');
    assert.equal(project.files.read(blocks.split(path.sep).join('/')), first.text);
  });

  it('searches imports from --root: its src/ layout is found, and a file outside it resolves nothing there', () => {
    const train = path.join(WORKSPACES, 'torchsrc', 'train.py');
    const rooted = projectFiles(path.join(WORKSPACES, 'torchsrc'));
    const text = rooted.files.readSource(train).text;
    assert.equal(analyzeFile(text, train, { imports: rooted.imports }).graph.models[0]!.layers.length, 3);
    const elsewhere = projectFiles(path.join(WORKSPACES, 'torch_two'));
    const alone = analyzeFile(text, train, { imports: elsewhere.imports });
    assert.equal(alone.graph.models[0]!.layers.length, 1);
    assert.equal(alone.graph.dependencies, undefined);
  });
});
