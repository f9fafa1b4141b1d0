/**
 * What the variance panel is sent for a model: the models the picker lists (entry points included),
 * the coverage line kept apart from the notes, and the panel's strings through a translation.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import type { Model } from '../../../src/core/graph';
import { coverageOf, previewModelOf } from '../../../src/editor/previewModel';
import { isCoverageNote } from '../../../src/protocol/preview';
import { formatString, PREVIEW_STRINGS, translatedPreviewStrings } from '../../../src/protocol/previewStrings';
import { groupNotes } from '../../../webview/src/noteGroups';
import { loadGrammar } from '../support/python';

const fixtures = path.join(__dirname, '..', '..', 'fixtures', 'pytorch');
const file = (name: string) => ({ uri: `file:///${name}`, fileName: name });

describe('variance preview model', () => {
  before(loadGrammar);

  it("lists a script's networks by the names it gives them (netG, netD), with their coverage", () => {
    const name = 'dcgan_argparse_script.py';
    const analysis = analyzeFile(fs.readFileSync(path.join(fixtures, name), 'utf8'), name);
    const preview = previewModelOf(analysis, 'netD', file(name));
    assert.ok(preview);
    assert.deepEqual(preview.models, ['netG', 'netD']);
    const netD = analysis.graph.models.find((model) => model.name === 'netD') as Model;
    assert.equal(preview.coverage.total, netD.layers.filter((layer) => !/dropout/i.test(layer.type)).length);
    assert.equal(preview.coverage.simulated + preview.coverage.leftOut.length, preview.coverage.total);
    assert.ok(!preview.notes.some(isCoverageNote), preview.notes.join('\n'));
  });

  it('lists factory functions as models (resnet18, resnet50) and counts every layer of resnet50', () => {
    const name = 'resnet_factory_weights.py';
    const analysis = analyzeFile(fs.readFileSync(path.join(fixtures, name), 'utf8'), name);
    const preview = previewModelOf(analysis, 'resnet50', file(name));
    assert.ok(preview);
    assert.deepEqual(preview.models, ['resnet18', 'resnet50']);
    assert.deepEqual(preview.coverage, { simulated: 107, total: 107, leftOut: [] });
  });

  it('counts the coverage itself when the network carries none', () => {
    const name = 'resnet_factory_weights.py';
    const analysis = analyzeFile(fs.readFileSync(path.join(fixtures, name), 'utf8'), name);
    const preview = previewModelOf(analysis, 'resnet18', file(name));
    const model = analysis.graph.models.find((candidate) => candidate.name === 'resnet18') as Model;
    assert.ok(preview);
    const { coverage: _given, ...network } = preview.current;
    assert.deepEqual(coverageOf(model, network), preview.coverage);
    assert.deepEqual(coverageOf(model, { ...network, layers: [] }), { simulated: 0, total: 41, leftOut: model.layers.map((layer) => layer.name) });
  });
});

describe('variance preview strings', () => {
  it('fills placeholders and leaves a missing argument as written', () => {
    assert.equal(formatString('Simulated {0} of {1} layers', 3, '4'), 'Simulated 3 of 4 layers');
    assert.equal(formatString('{0} and {1}', 'a'), 'a and {1}');
  });

  it('translates every string, keeping English where a translation is missing or loses a placeholder', () => {
    const strings = translatedPreviewStrings((message) =>
      message === PREVIEW_STRINGS.coverage
        ? '{0} von {1} Schichten simuliert'
        : message === PREVIEW_STRINGS.cancel
          ? 'Abbrechen'
          : message === PREVIEW_STRINGS.reveal
            ? 'Zeigen'
            : '',
    );
    assert.equal(strings.coverage, '{0} von {1} Schichten simuliert');
    assert.equal(strings.cancel, 'Abbrechen');
    assert.equal(strings.reveal, PREVIEW_STRINGS.reveal, 'a translation that drops {0} is not used');
    assert.equal(strings.notes, 'Notes');
    assert.deepEqual(Object.keys(strings).sort(), Object.keys(PREVIEW_STRINGS).sort());
  });
});

describe('variance preview notes', () => {
  it('groups notes by reason and merges layers left out for the same reason', () => {
    const groups = groupNotes([
      'a (Conv2D) left out: this layer type is not simulated',
      'input: 3×224×224 (an ImageNet-style model; give --input-shape / set it in the panel to change it)',
      'b (Conv2D) left out: this layer type is not simulated',
      'c: activation swish is not simulated; treated as linear',
      '2 sizes the analysis cannot resolve (d, e) start at 256: set them in the panel',
      'something else',
      'a (Conv2D) left out: this layer type is not simulated',
    ]);
    assert.deepEqual(groups, [
      { heading: 'notesLeftOut', lines: ['Conv2D: this layer type is not simulated (a, b)'] },
      { heading: 'notesInput', lines: ['input: 3×224×224 (an ImageNet-style model; give --input-shape / set it in the panel to change it)'] },
      { heading: 'notesSizes', lines: ['2 sizes the analysis cannot resolve (d, e) start at 256: set them in the panel'] },
      { heading: 'notesAssumptions', lines: ['c: activation swish is not simulated; treated as linear'] },
      { heading: 'notesOther', lines: ['something else'] },
    ]);
  });
});
