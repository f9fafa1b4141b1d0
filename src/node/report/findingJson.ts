/**
 * A finding and an unused suppression as the machine-readable formats (`json`, `json-lines`)
 * give them: 1-based positions, the rule's documentation link, the numbers and the fix.
 */
import { ruleDocUrl } from '../../core/advice/rules';
import type { Finding } from '../../core/advice/types';
import type { UnusedInFile } from './reporter';

/** The code unused suppressions are reported under (not a rule of the registry: it checks comments, not models). */
export const UNUSED_SUPPRESSION = 'unused-suppression';

/** The message for an unused suppression. */
export function unusedMessage({ unused }: UnusedInFile): string {
  if (unused.codes.length === 0) {
    return 'unused suppression: no finding on its line to silence';
  }
  const unknown = unused.unknown.length > 0 ? `; not a rule of Init Lens: ${unused.unknown.join(', ')}` : '';
  return `unused suppression of ${unused.codes.join(', ')}: no such finding on its line${unknown}`;
}

/** An unused suppression as JSON. */
export function unusedJson(entry: UnusedInFile) {
  return {
    file: entry.file,
    line: entry.unused.directive.line + 1,
    column: entry.unused.directive.column + 1,
    rule: UNUSED_SUPPRESSION,
    directive: entry.unused.directive.kind,
    codes: entry.unused.codes,
    unknownCodes: entry.unused.unknown,
    message: unusedMessage(entry),
  };
}

/** A finding as JSON. */
export function findingJson(file: string, finding: Finding) {
  return {
    file,
    line: finding.range.start.line + 1,
    column: finding.range.start.column + 1,
    rule: finding.rule,
    url: ruleDocUrl(finding.rule),
    severity: finding.severity,
    model: finding.model,
    layer: finding.layer,
    message: finding.message,
    numbers: {
      varianceNow: finding.signal.varianceNow,
      varianceWanted: finding.signal.varianceWanted,
      forwardFactor: finding.signal.forwardFactor,
      backwardFactor: finding.signal.backwardFactor,
      forwardDrift: finding.signal.forwardDrift,
      backwardDrift: finding.signal.backwardDrift,
      depth: finding.signal.depth,
    },
    recommendation: finding.signal.recommendation,
    fix: finding.fix,
    // One finding per source range: the layer instances it stands for and its distinct fixes, when several.
    ...(finding.instances ? { instances: finding.instances } : {}),
    ...(finding.fixes ? { fixes: finding.fixes } : {}),
  };
}
