/**
 * The findings a file reports, one per source range (issue 10 item 4), after advice has judged
 * every model. Two steps, neutral to the framework and to where the findings are shown (editor,
 * CLI, counts):
 * - a model another model composes (./composition.ts) reports nothing of its own: its layers are
 *   judged in the models that build them, so a stand-alone finding and a composed one never both appear;
 * - findings of one rule on one range (a layer written once, built 18 times in a loop or in three
 *   models) become one, which names its instances and offers one fix per distinct edit.
 */
import type { FileGraph } from '../graph';
import { composedModels } from './composition';
import { mergedReasons, verdictOf } from './findingReasons';
import { instanceSummary, type LayerInstance } from './instances';
import { layerRangeKey } from './layerUses';
import type { Finding, Fix, Severity } from './types';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, information: 1, hint: 0 };

/** The findings of the models in use, merged per rule and range, in the order of their first finding. */
export function findingsByRange(findings: readonly Finding[], graph: FileGraph): Finding[] {
  // Only the models that have findings are asked about (a file has hundreds of models, few with findings).
  const named = new Set(findings.map((finding) => finding.model));
  const withFindings = new Set(graph.models.filter((model) => named.has(model.name)));
  const composed = new Set([...composedModels(graph.models, withFindings)].map((model) => model.name));
  // A name two models share cannot tell them apart: such findings are kept rather than lost.
  const shared = new Set(graph.models.map((model) => model.name).filter((name, index, all) => all.indexOf(name) !== index));
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (composed.has(finding.model) && !shared.has(finding.model)) {
      continue;
    }
    // An imported layer is placed at a range of this file that layers of other definitions may share: its definition counts too.
    const key = `${finding.rule}@${layerRangeKey(finding.range)}@${finding.definedAt ? layerRangeKey(finding.definedAt) : ''}`;
    const group = groups.get(key);
    if (group) {
      group.push(finding);
    } else {
      groups.set(key, [finding]);
    }
  }
  return [...groups.values()].map(merged);
}

/** One finding for a group of one rule on one range. */
function merged(group: Finding[]): Finding {
  if (group.length === 1) {
    return group[0]!;
  }
  // The most severe instance speaks for all; its numbers are the ones the message gives.
  const top = Math.max(...group.map((finding) => SEVERITY_RANK[finding.severity]));
  const lead = group.find((finding) => SEVERITY_RANK[finding.severity] === top)!;
  const instances: LayerInstance[] = group.map(({ model, layer }) => ({ model, layer }));
  const summary = instanceSummary(instances);
  // Instances are compared on their verdicts: their reasons are stated below, each once.
  const sameWords = group.every((finding) => verdictOf(finding).split(finding.layer).join('\u0000') === verdictOf(lead).split(lead.layer).join('\u0000'));
  const models = new Set(instances.map((instance) => instance.model));
  const whose = models.size > 1 ? `${lead.layer} in ${lead.model}` : lead.layer;
  const reasons = mergedReasons(group);
  const message = [`${verdictOf(lead)} (${summary}${sameWords ? '' : `; the numbers are those of ${whose}`})`, ...reasons.map((reason) => reason.text)].join(
    '\n',
  );
  const fixes = distinctFixes(group, lead);
  return { ...lead, message, instances, ...(reasons.length > 0 ? { reasons } : {}), fix: fixes[0] ?? null, ...(fixes.length > 1 ? { fixes } : {}) };
}

/** One fix per distinct set of edits, the lead's first; a fix several instances share says so when its title names one layer. */
function distinctFixes(group: Finding[], lead: Finding): Fix[] {
  const byEdits = new Map<string, { fix: Fix; layer: string; count: number; models: Set<string> }>();
  for (const finding of [lead, ...group.filter((f) => f !== lead)]) {
    if (!finding.fix) {
      continue;
    }
    const key = JSON.stringify(finding.fix.edits);
    const entry = byEdits.get(key);
    if (entry) {
      entry.count++;
      entry.models.add(finding.model);
    } else {
      byEdits.set(key, { fix: finding.fix, layer: finding.layer, count: 1, models: new Set([finding.model]) });
    }
  }
  // A title naming one layer would undersell an edit that serves them all; one that already counts
  // the models sharing the class (one layer each, ./fixScope.ts) says it once.
  return [...byEdits.values()].map(({ fix, layer, count, models }) =>
    count > 1 && fix.title.includes(layer) && !(count === models.size && fix.title.includes(` used by ${count} models`))
      ? { ...fix, title: `${fix.title} (all ${count} layers built here)` }
      : fix,
  );
}

/** True when the finding stands for a layer of this model with this name (itself, or one of the instances it names); an absent one matches any. */
export function findingCovers(finding: Finding, model: string | undefined, layer?: string): boolean {
  return instancesOf(finding).some((instance) => (model === undefined || instance.model === model) && (layer === undefined || instance.layer === layer));
}

/** The layer instances a finding stands for: those it names, or its own layer. */
export function instancesOf(finding: Finding): LayerInstance[] {
  return finding.instances ?? [{ model: finding.model, layer: finding.layer }];
}

/** Every fix a finding offers: one per distinct edit. */
export function fixesOf(finding: Finding): Fix[] {
  return finding.fixes ?? (finding.fix ? [finding.fix] : []);
}
