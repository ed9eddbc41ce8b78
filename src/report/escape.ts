/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Formats a number for a report: integers as they are (with thousands separators from 10,000),
 * others with 4 significant digits (exponent form below 1e-4 or from 1e6). Strings pass through.
 */
export function formatValue(v: string | number): string {
  if (typeof v === 'string') return v;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v)) return Math.abs(v) >= 10000 ? v.toLocaleString('en-US') : String(v);
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e6) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}
