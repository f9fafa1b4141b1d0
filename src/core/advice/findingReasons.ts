/**
 * The reasons a finding states after its verdict (issue 10): a layer's message is its verdict and
 * then its reasons; a finding merged from several instances of one source range keeps the lead's
 * verdict on its first line and states each distinct reason once, on a line of its own, with the
 * instances it applies to, so no instance's reason is lost behind the lead's.
 */
import { instanceSummary, type LayerInstance } from './instances';
import { plain, strong, type TextBlock } from './markdown';
import type { Finding, FindingReason } from './types';

/** Most instances a reason line names one by one; past that it names the first and the last. */
const NAMED_INSTANCES = 4;

/** A layer's message: its verdict, then each reason's sentence. */
export function withReasons(verdict: string, reasons: readonly FindingReason[]): string {
  return [verdict, ...reasons.map((reason) => reason.text)].join(' ');
}

/** The finding's message without the reasons it states: what its instances can be compared on. */
export function verdictOf(finding: Finding): string {
  let message = finding.message;
  for (const reason of finding.reasons ?? []) {
    // A layer's reason follows its verdict on the same line; a merged finding's is a line of its own.
    message = message.replace(` ${reason.text}`, '').replace(`\n${reason.text}`, '');
  }
  return message;
}

/** Each distinct reason of a group of findings once, with the instances it applies to, in the order first stated. */
export function mergedReasons(group: readonly Finding[]): FindingReason[] {
  const byWords = new Map<string, LayerInstance[]>();
  for (const finding of group) {
    for (const reason of finding.reasons ?? []) {
      const instances = byWords.get(reason.shared) ?? [];
      instances.push({ model: finding.model, layer: finding.layer });
      byWords.set(reason.shared, instances);
    }
  }
  return [...byWords].map(([shared, instances]) => ({ text: `${instanceList(instances)}: ${shared}`, shared, instances }));
}

/** `model.2, model.5, model.8`, `conv1 in A, conv1 in B`, or a summary past a few. */
function instanceList(instances: readonly LayerInstance[]): string {
  if (instances.length > NAMED_INSTANCES) {
    return instanceSummary(instances);
  }
  const oneModel = new Set(instances.map((instance) => instance.model)).size === 1;
  return instances.map((instance) => (oneModel ? instance.layer : `${instance.layer} in ${instance.model}`)).join(', ');
}

/** The hover's lines for a finding's reasons (none when it states none). */
export function reasonDetails(finding: Finding): TextBlock[] {
  return (finding.reasons ?? []).map((reason) => ({
    bullet: true,
    runs: reason.instances ? [strong(instanceList(reason.instances)), plain(`: ${reason.shared}`)] : [plain(reason.text)],
  }));
}
