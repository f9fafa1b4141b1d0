/**
 * Number formatting shared by the messages, hints and the preview: 3 significant digits.
 */

/** Short number formatting for messages: 3 significant digits, `?` for what is unknown or not finite. */
export function fmt(value: number | null): string {
  if (value === null || !Number.isFinite(value)) {
    return '?';
  }
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e4)) {
    return value.toExponential(2);
  }
  return Number(value.toPrecision(3)).toString();
}
