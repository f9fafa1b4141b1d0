/** The output formats of `check` by name, and the one `--statistics` replaces them with. */
import { githubReporter } from './githubReporter';
import { jsonLinesReporter } from './jsonLinesReporter';
import { jsonReporter } from './jsonReporter';
import type { CheckReporter } from './reporter';
import { sarifReporter } from './sarifReporter';
import { statisticsReporter } from './statisticsReporter';
import { textReporter } from './textReporter';

/** The values `--output-format` takes. */
export const CHECK_FORMATS = ['text', 'json', 'sarif', 'github', 'json-lines'] as const;

/** An output format of `check`. */
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** True when `value` names an output format. */
export function isCheckFormat(value: string): value is CheckFormat {
  return (CHECK_FORMATS as readonly string[]).includes(value);
}

/** The reporter for a format; `--statistics` prints counts instead (JSON for `json`, text otherwise, as Ruff does). */
export function reporterFor(
  format: CheckFormat,
  out: (text: string) => void,
  options: { quiet?: boolean; statistics?: boolean; reportUnused?: boolean } = {},
): CheckReporter {
  if (options.statistics) {
    return statisticsReporter(out, format === 'json');
  }
  switch (format) {
    case 'json':
      return jsonReporter(out);
    case 'json-lines':
      return jsonLinesReporter(out);
    case 'sarif':
      return sarifReporter(out, options.reportUnused ?? false);
    case 'github':
      return githubReporter(out);
    default:
      return textReporter(out, options.quiet ?? false);
  }
}
