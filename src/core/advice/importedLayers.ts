/**
 * Findings on layers whose code is in another file (a block class imported from the workspace,
 * graph.ts `Range.path`). The finding is this model's (the activation and init in force are those
 * of this model's code), so it is reported with this file, but a position of another file must
 * never be put in this document: the finding is placed at the first of its ranges that lies in
 * this file (where the init is written, the `.apply(fn)` call that brought it, where the activation
 * is applied), else at the model's first line; it names where the layer is defined and offers no fix (an edit of this document
 * cannot change the other file).
 */
import type { Layer, Model, Range } from '../graph';
import { shownFrom } from '../workspace/paths';
import type { Spellers } from './advise';
import type { Finding } from './types';

/** True when any position of the layer is in another file. */
export function isImportedLayer(layer: Layer): boolean {
  return layer.range.path !== undefined || layer.definition?.range.path !== undefined || layer.container?.range.path !== undefined;
}

/** Spellers that give no fix for imported layers (their edits would land in this document at another file's positions). */
export function withoutImportedFixes(spellers: Spellers | undefined): Spellers | undefined {
  if (!spellers) {
    return undefined;
  }
  const residual = spellers.residual;
  return {
    fix: (layer, param, recommendation, title) => (isImportedLayer(layer) ? null : spellers.fix(layer, param, recommendation, title)),
    ...(residual ? { residual: (model, ends, std, title) => (ends.some(isImportedLayer) ? null : residual(model, ends, std, title)) } : {}),
  };
}

/** The findings with every imported layer's finding placed in this file (same order; others unchanged). */
export function placeImportedFindings(findings: Finding[], models: readonly Model[], analysedPath: string): Finding[] {
  return findings.map((finding) => (finding.range.path === undefined ? finding : placed(finding, models, analysedPath)));
}

function placed(finding: Finding, models: readonly Model[], analysedPath: string): Finding {
  const model = models.find((candidate) => candidate.name === finding.model);
  // A model built by imported code (a Keras builder of another file) has no header in this file: the file's start.
  const header: Range =
    model && model.range.path === undefined
      ? { start: model.range.start, end: model.range.start }
      : { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } };
  const layer = model?.layers.find((candidate) => candidate.name === finding.layer);
  const sites = Object.values(layer?.init ?? {}).map((init) => init?.site ?? null);
  const here = [finding.initRange, ...sites, finding.activationRange].find((range): range is Range => range !== null && range?.path === undefined) ?? header;
  const where = `${shownFrom(analysedPath, finding.range.path!)} line ${finding.range.start.line + 1}`;
  return {
    ...finding,
    message: `${finding.message} (the layer is defined in ${where})`,
    range: here,
    initRange: finding.initRange.path === undefined ? finding.initRange : here,
    activationRange: finding.activationRange?.path === undefined ? finding.activationRange : null,
    definedAt: finding.range,
    fix: null,
  };
}
