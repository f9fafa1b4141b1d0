/**
 * The check every framework's fixes must pass: applied, a fix gives Python that parses, keeps the
 * file's line endings and every model and layer, and re-analysed the finding is gone with no
 * further fix for the layer (complete and idempotent).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../../src/core/advice/types';
import { analyzeFile, type FileAnalysis } from '../../../src/core/engine';
import { parsePython } from '../../../src/core/python/parser';
import { applyEdits } from './edits';

const ROOT = path.join(__dirname, '..', '..', '..');

/** The `.py` files of the folders (paths from the repository root), sorted, as name and text. */
export function pythonSources(folders: readonly string[]): { name: string; text: string }[] {
  return folders.flatMap((folder) => {
    const dir = path.join(ROOT, folder);
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f) => ({ name: path.relative(ROOT, path.join(dir, f)), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
  });
}

export function hasSyntaxError(text: string): boolean {
  const tree = parsePython(text);
  assert.ok(tree, 'the parser gives a tree');
  try {
    return tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

/** Per model, its layer names in order. */
export function layerNames(analysis: FileAnalysis): Record<string, string[]> {
  return Object.fromEntries(analysis.graph.models.map((model) => [model.name, model.layers.map((layer) => layer.name)]));
}

/** Applies one finding's fix, checks it (see the file comment) and returns the fixed text. */
export function checkFix(text: string, label: string, before: FileAnalysis, finding: Finding): string {
  const where = `${label}: ${finding.rule} on ${finding.model}.${finding.layer}`;
  const fix = finding.fix!;
  assert.ok(fix.edits.length > 0, `${where}: the fix has edits`);
  assert.ok(fix.title.trim().length > 0, `${where}: the fix has a title`);
  const fixed = applyEdits(text, fix.edits);
  assert.notEqual(fixed, text, `${where}: the fix changes the text`);
  assert.equal(hasSyntaxError(fixed), false, `${where}: the fixed text parses without error:\n${fixed}`);
  if (text.includes('\r\n')) {
    assert.ok(!/(^|[^\r])\n/.test(fixed), `${where}: the fix keeps CRLF line endings`);
  } else {
    assert.ok(!fixed.includes('\r'), `${where}: the fix keeps LF line endings`);
  }
  const after = analyzeFile(fixed, label);
  assert.deepEqual(layerNames(after), layerNames(before), `${where}: the fix keeps every model and layer`);
  const same = after.advice.findings.filter((f) => f.model === finding.model && f.layer === finding.layer && f.rule === finding.rule);
  assert.deepEqual(
    same.map((f) => f.message),
    [],
    `${where}: the re-analysed text has no ${finding.rule} finding for the layer (applied: ${JSON.stringify(fix.edits.map((e) => e.newText))})`,
  );
  const again = after.advice.findings.filter((f) => f.model === finding.model && f.layer === finding.layer && f.fix);
  assert.deepEqual(
    again.map((f) => f.fix!.title),
    [],
    `${where}: the re-analysed text offers no further fix for the layer`,
  );
  return fixed;
}

/** The same file with CRLF line endings and with tab indentation (4 spaces → 1 tab). */
export function variants(text: string): { suffix: string; text: string }[] {
  return [
    { suffix: '', text },
    { suffix: ' (CRLF)', text: text.replace(/\n/g, '\r\n') },
    { suffix: ' (tabs)', text: text.replace(/^(?: {4})+/gm, (indent) => '\t'.repeat(indent.length / 4)) },
  ];
}
