/**
 * The core's notes (what the analysis and the simulation's conversion attach: budgets, layers left out,
 * unknown activations, assumptions) stay in English in every UI language, as CONTRIBUTING.md says why:
 * the panel shows them verbatim under headings that are translated, and in German the notes' heading
 * says the lines below are English. Nothing is half-translated.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../../src/core/engine';
import { previewModelOf } from '../../../src/editor/previewModel';
import { PREVIEW_STRINGS } from '../../../src/protocol/previewStrings';
import { groupNotes } from '../../../webview/src/noteGroups';
import { loadGrammar } from '../support/python';

const ROOT = path.join(__dirname, '..', '..', '..');
const german = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.de.json'), 'utf8')) as Record<string, string>;

describe('the core notes in a translated UI', () => {
  before(loadGrammar);

  it('shows every note of a real model verbatim in the panel, under headings the German bundle translates', () => {
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'pytorch', 'dcgan.py'), 'utf8');
    const analysis = analyzeFile(text, 'dcgan.py');
    const notes = analysis.graph.models.flatMap(
      (model) => previewModelOf(analysis, model.name, { uri: 'file:///dcgan.py', fileName: 'dcgan.py' })?.notes ?? [],
    );
    assert.ok(notes.length > 0, 'the fixture has notes');
    const groups = groupNotes(notes);
    const shown = groups.flatMap((group) => group.lines).join('\n');
    for (const note of notes) {
      // A left-out layer is merged into one line per reason: its reason is still there, word for word.
      const reason = / left out: (.+)$/.exec(note)?.[1] ?? note;
      assert.ok(shown.includes(reason), `shown verbatim: ${note}`);
    }
    for (const group of groups) {
      assert.ok(german[PREVIEW_STRINGS[group.heading]], `German heading for ${group.heading}`);
    }
  });

  it('says in German that the notes are in English', () => {
    assert.match(german[PREVIEW_STRINGS.notes]!, /Englisch/);
  });
});
