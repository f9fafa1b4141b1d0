import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../src/core/advice/types';
import { verifyFixes, verifyFixesAsync } from '../../../src/core/verifiedFixes';
import { analyzeFile } from '../../../src/core/engine';
import { loadGrammar } from '../support/python';

const ROOT = path.join(__dirname, '..', '..', '..');
const FILE = 'examples/mlp_default_init.py';

describe('verified fixes', () => {
  before(loadGrammar);
  let text: string;
  let findings: Finding[];
  let analyses: number;
  const analyse = (fixed: string) => {
    analyses += 1;
    return analyzeFile(fixed, FILE).advice.findings;
  };
  before(() => {
    text = fs.readFileSync(path.join(ROOT, FILE), 'utf8');
    findings = analyzeFile(text, FILE).advice.findings;
  });
  beforeEach(() => {
    analyses = 0;
  });

  /** The first fixable finding with its fix replaced by an insertion of `newText` at the top of the file. */
  function withFix(newText: string): Finding {
    const finding = findings.find((f) => f.fix)!;
    const at = { line: 0, column: 0 };
    return { ...finding, fix: { title: 'crafted', edits: [{ range: { start: at, end: at }, newText }] } };
  }

  it('keeps every fix of the example: each parses and clears its finding', () => {
    const fixable = findings.filter((f) => f.fix);
    assert.ok(fixable.length >= 3, 'the example offers fixes');
    const verified = verifyFixes(text, findings, analyse);
    assert.deepEqual(verified.notes, []);
    assert.equal(verified.findings.filter((f) => f.fix).length, fixable.length);
    const distinct = new Set(fixable.map((f) => JSON.stringify(f.fix!.edits))).size;
    assert.equal(analyses, distinct, 'one analysis per distinct fix');
  });

  it('drops a fix that breaks the parse, with a note, before analysing', () => {
    const verified = verifyFixes(text, [withFix('def (:\n')], analyse);
    assert.equal(verified.findings[0]!.fix, null);
    assert.match(verified.notes[0]!, /^fix not offered for init-\w+ on \w+\.[\w.[\]]+: the fixed file would not parse$/);
    assert.equal(analyses, 0);
  });

  it('drops a fix that does not clear its finding, and one whose text was not analysed', async () => {
    const verified = verifyFixes(text, [withFix('# a comment\n')], analyse);
    assert.equal(verified.findings[0]!.fix, null);
    assert.match(verified.notes[0]!, /re-analysed, it does not clear its finding$/);
    const unanalysed = await verifyFixesAsync(text, [findings.find((f) => f.fix)!], () => Promise.resolve(undefined));
    assert.equal(unanalysed.findings[0]!.fix, null);
    assert.match(unanalysed.notes[0]!, /the fixed file was not analysed$/);
  });

  it('checks each distinct fix of a merged finding: a failing one leaves its fixes, the others stay', () => {
    const real = findings.find((f) => f.fix)!;
    const broken = withFix('def (:\n').fix!;
    const inert = withFix('# a comment\n').fix!;
    const merged: Finding = { ...real, fixes: [real.fix!, broken, inert] };
    const verified = verifyFixes(text, [merged], analyse);
    assert.equal(verified.findings[0]!.fix, real.fix, 'the real fix stays first');
    assert.equal(verified.findings[0]!.fixes, undefined, 'one fix left: no list of fixes');
    assert.equal(verified.notes.length, 2);
    assert.match(verified.notes[0]!, /^fix "crafted" not offered for init-\w+ on [\w.[\]]+: the fixed file would not parse$/);
    assert.match(verified.notes[1]!, /^fix "crafted" not offered for .*: re-analysed, it does not clear its finding$/);
    assert.equal(analyses, 2, 'the broken one is not analysed');
  });

  it('keys a merged finding by its instances: a fix clears it when one of the instances it names is gone', () => {
    const [first, second] = findings.filter((f) => f.fix);
    assert.ok(first && second && first.fix!.edits !== second.fix!.edits, 'two fixable layers');
    // Standing for both layers, the first layer's fix clears one instance (the other stays, with its own fix).
    const merged: Finding = { ...first, instances: [first, second].map(({ model, layer }) => ({ model, layer })) };
    assert.deepEqual(verifyFixes(text, [merged], analyse).notes, []);
    const inert: Finding = { ...merged, fix: withFix('# a comment\n').fix };
    assert.match(verifyFixes(text, [inert], analyse).notes[0]!, /does not clear its finding$/);
  });

  it('past the separate checks, checks the other fixes together in one analysis', async () => {
    const fixable = findings.filter((f) => f.fix);
    const distinct = new Set(fixable.map((f) => JSON.stringify(f.fix!.edits))).size;
    assert.ok(distinct >= 3, `${distinct} distinct fixes`);
    const verified = await verifyFixesAsync(text, [...findings, withFix('# a comment\n')], (fixed) => Promise.resolve(analyse(fixed)), 1);
    assert.equal(analyses, 2, 'one separate check, one check of the rest');
    assert.equal(verified.findings.filter((f) => f.fix).length, fixable.length, 'the crafted fix is dropped, the others kept');
    assert.equal(verified.notes.length, 1);
  });
});
