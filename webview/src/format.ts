/** Number formats shared by the charts' tooltips, the table and the status line. */

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
    return String(Number(value.toPrecision(3)));
  }
  return value.toExponential(2);
}

/** A per-layer factor as `×0.17`; `?` when it does not resolve. */
export function formatFactor(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '?' : `×${value >= 100 || value < 0.01 ? value.toExponential(1) : value.toFixed(2)}`;
}

/** A duration in ms as `35 ms` or `1.2 s`. */
export function formatDuration(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}
