/**
 * `--output-format json`: one document `{"findings": [...], "unusedSuppressions": [...]}`, written
 * a finding at a time as each file is done (byte for byte what `JSON.stringify(document, null, 2)`
 * gives), so the run never holds the whole document.
 */
import { findingJson, unusedJson } from './findingJson';
import type { CheckReporter, UnusedInFile } from './reporter';

/** `value` as an item of a top-level array of a 2-space-indented document. */
function item(value: unknown): string {
  return `    ${JSON.stringify(value, null, 2).replace(/\n/g, '\n    ')}`;
}

/** The JSON document on `out`; unused suppressions (few) are kept for the end, after the findings. */
export function jsonReporter(out: (text: string) => void): CheckReporter {
  let count = 0;
  const unused: UnusedInFile[] = [];
  out('{\n  "findings": [');
  return {
    file(result) {
      let text = '';
      for (const finding of result.analysis.advice.findings) {
        text += `${count === 0 ? '\n' : ',\n'}${item(findingJson(result.file, finding))}`;
        count += 1;
      }
      if (text) {
        out(text);
      }
      unused.push(...result.unused);
    },
    end() {
      let text = count === 0 ? ']' : '\n  ]';
      if (unused.length > 0) {
        text += `,\n  "unusedSuppressions": [\n${unused.map((entry) => item(unusedJson(entry))).join(',\n')}\n  ]`;
      }
      out(`${text}\n}\n`);
    },
  };
}
