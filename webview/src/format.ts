/** Number formats shared by the charts' tooltips, the table and the status line, in the user's locale. */
import { userLocale } from './l10n';

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(userLocale(), options);
}

/** A count (`1,024` in English, `1.024` in German). */
export function formatCount(value: number): string {
  return numberFormat({ maximumFractionDigits: 0 }).format(value);
}

/** A variance or second moment: 3 significant digits, exponent notation outside [1e-3, 1e4). */
export function formatMoment(value: number | null): string {
  if (value === null || !Number.isFinite(value)) {
    return value === null ? 'n/a' : String(value);
  }
  if (value === 0) {
    return '0';
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) {
    return numberFormat({ maximumSignificantDigits: 3, useGrouping: false }).format(value);
  }
  return exponential(value, 2);
}

/** `value.toExponential(digits)` with the mantissa in the user's locale (`1.23e-4`, German `1,23e-4`). */
function exponential(value: number, digits: number): string {
  const [mantissa, exponent] = value.toExponential(digits).split('e');
  return `${numberFormat({ minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(Number(mantissa))}e${exponent}`;
}

/** A per-layer factor as `×0.17`; `?` when it does not resolve. */
export function formatFactor(value: number | null): string {
  if (value === null || !Number.isFinite(value)) {
    return '?';
  }
  return value >= 100 || value < 0.01
    ? `×${exponential(value, 1)}`
    : `×${numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: false }).format(value)}`;
}

/** A duration in ms as `35 ms` or `1.2 s`. */
export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000
    ? `${numberFormat({ maximumFractionDigits: 0 }).format(milliseconds)} ms`
    : `${numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(milliseconds / 1000)} s`;
}
