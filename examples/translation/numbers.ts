/**
 * Rule-generated number names for the translation example, 0 <= n < 100,000:
 *
 * English, British style: "zero", "forty-two", "three hundred and five", "three thousand and
 * forty-two", "twelve thousand three hundred", "ninety-nine thousand nine hundred and ninety-nine"
 * ("and" before the last part when it is below 100 and something precedes it).
 *
 * Chinese numerals (standard): digit + unit (万 千 百 十) for each non-zero digit; one 零 for each
 * run of zeros between non-zero digits (三千零四十二, 一万零五, 一千零五十); trailing zeros are
 * silent (三千); 10..19 start with a bare 十 (十五) but 一十 is written inside a longer number
 * (一百一十五, 一万零一十).
 */
const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const ZH_UNITS = ['', '十', '百', '千', '万'];

export const MAX_NUMBER = 100_000;

function checkRange(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= MAX_NUMBER) throw new RangeError(`number names: n must be an integer in [0, ${MAX_NUMBER}), got ${n}`);
}

function below100(n: number): string {
  if (n < 20) return ONES[n]!;
  return TENS[Math.floor(n / 10)]! + (n % 10 ? `-${ONES[n % 10]}` : '');
}

function below1000(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  if (h === 0) return below100(r);
  return `${ONES[h]} hundred` + (r ? ` and ${below100(r)}` : '');
}

/** English words for n, e.g. 3042 -> "three thousand and forty-two". */
export function english(n: number): string {
  checkRange(n);
  if (n < 1000) return below1000(n);
  const th = Math.floor(n / 1000);
  const r = n % 1000;
  const head = `${below100(th)} thousand`;
  if (r === 0) return head;
  return r < 100 ? `${head} and ${below100(r)}` : `${head} ${below1000(r)}`;
}

/** Chinese numerals for n, e.g. 3042 -> "三千零四十二". */
export function chinese(n: number): string {
  checkRange(n);
  if (n === 0) return ZH_DIGITS[0]!;
  const digits = String(n).split('').map(Number);
  let out = '';
  let pendingZero = false;
  digits.forEach((d, i) => {
    const unit = digits.length - 1 - i;
    if (d === 0) {
      pendingZero = out.length > 0;
      return;
    }
    if (pendingZero) out += ZH_DIGITS[0];
    pendingZero = false;
    // 10..19: a bare 十 at the very start
    out += (d === 1 && unit === 1 && out.length === 0 ? '' : ZH_DIGITS[d]) + ZH_UNITS[unit];
  });
  return out;
}

/** English words as tokens: words, with a hyphen as its own token ("forty-two" -> forty, -, two). */
export function englishTokens(s: string): string[] {
  return s.split(' ').flatMap((w) => w.split(/(-)/)).filter((t) => t.length > 0);
}

/** Tokens back to English text (inverse of englishTokens). */
export function joinEnglish(tokens: readonly string[]): string {
  return tokens.join(' ').replace(/ - /g, '-');
}

/** Chinese numerals as tokens: one per character. */
export function chineseTokens(s: string): string[] {
  return [...s];
}
