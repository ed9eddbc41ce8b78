/**
 * Number formatting for chart labels, by the d3-format specifier subset the report charts use:
 * `[,][.precision][~][type]` with type `f` (fixed), `e` (exponent), `%` (percent), `s` (SI
 * prefix), `g`/`r` (significant digits), `d` (integer) or none (shortest form, like `~g` with 12
 * digits). `,` groups thousands, `~` trims insignificant trailing zeros. Negative numbers use the
 * typographic minus sign (U+2212), as d3 does. Anything else in a specifier is an error.
 */
import { NablaError } from '../core/errors.js';

const SPEC = /^(,)?(?:\.(\d+))?(~)?([efgrsd%])?$/;
const SI = ['y', 'z', 'a', 'f', 'p', 'n', 'µ', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

function trimZeros(s: string): string {
  // "1.500" -> "1.5", "2.000e-3" -> "2e-3", "10" stays
  return s.replace(/(\.\d*?)0+(?=$|e)/, '$1').replace(/\.(?=$|e)/, '');
}

function group(s: string): string {
  const [int, frac] = s.split('.') as [string, string | undefined];
  if (!/^\d+$/.test(int)) return s;
  const g = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? g : `${g}.${frac}`;
}

/** A formatter for the specifier (see the module comment), e.g. `numberFormat('.1%')(0.953) === '95.3%'`. */
export function numberFormat(spec: string): (v: number) => string {
  const m = SPEC.exec(spec);
  if (!m) throw new NablaError(`numberFormat: unsupported format '${spec}'; use [,][.precision][~][type] with type one of e f g r s d %`);
  const comma = m[1] === ',';
  const precision = m[2] === undefined ? undefined : Number(m[2]);
  const tilde = m[3] === '~';
  const type = m[4] ?? '';
  return (v: number): string => {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
    const neg = v < 0 || Object.is(v, -0);
    const a = Math.abs(v);
    let body: string;
    let suffix = '';
    switch (type) {
      case 'f':
        body = a.toFixed(precision ?? 6);
        break;
      case 'e':
        body = a.toExponential(precision ?? 6);
        break;
      case '%':
        body = (a * 100).toFixed(precision ?? 6);
        suffix = '%';
        break;
      case 'd':
        body = Math.round(a).toString();
        break;
      case 'g':
      case 'r':
        body = a === 0 ? '0' : a.toPrecision(Math.max(1, precision ?? 6));
        if (body.includes('e') && type === 'r') body = a.toFixed(Math.max(0, (precision ?? 6) - 1 - Math.floor(Math.log10(a))));
        break;
      case 's': {
        const p = Math.max(1, precision ?? 6);
        if (a === 0) {
          body = (0).toPrecision(p);
          break;
        }
        // the exponent after rounding to p digits, so 999.9 with p=3 becomes 1.00k
        const rounded = Number(a.toPrecision(p));
        const k = Math.max(-8, Math.min(8, Math.floor(Math.log10(rounded) / 3)));
        body = (rounded / Math.pow(10, 3 * k)).toPrecision(p);
        suffix = SI[k + 8]!;
        break;
      }
      default: {
        // shortest: up to 12 significant digits, trailing zeros trimmed
        body = a === 0 ? '0' : String(Number(a.toPrecision(precision ?? 12)));
      }
    }
    if (tilde || type === '') body = trimZeros(body);
    if (comma) body = group(body);
    // -0.00 prints as 0.00 (d3 drops the sign of a value that rounds to zero)
    const zero = !/[1-9]/.test(body.replace(/e.*$/, ''));
    return (neg && !zero ? '−' : '') + body + suffix;
  };
}
