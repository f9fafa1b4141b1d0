/**
 * `--output-format json-lines`: one compact JSON object per finding (and per unused suppression),
 * one per line, written as each file is done. Nothing else on stdout.
 */
import { findingJson, unusedJson } from './findingJson';
import type { CheckReporter } from './reporter';

/** JSON lines on `out`. */
export function jsonLinesReporter(out: (text: string) => void): CheckReporter {
  return {
    file(result) {
      let text = '';
      for (const finding of result.analysis.advice.findings) {
        text += `${JSON.stringify(findingJson(result.file, finding))}\n`;
      }
      for (const entry of result.unused) {
        text += `${JSON.stringify(unusedJson(entry))}\n`;
      }
      if (text) {
        out(text);
      }
    },
    end() {
      // Every line was written with its file.
    },
  };
}
