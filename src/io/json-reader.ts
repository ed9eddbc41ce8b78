/**
 * A cursor over JSON text (RFC 8259) for readers that know the schema they expect. Instead of
 * building a value tree and inspecting it afterwards (`JSON.parse`), a reader asks for what the
 * schema allows next (an object, a string, an integer) and rejects anything else on the spot. So
 * the cost of a hostile document is bounded by the schema: nesting deeper than the schema allows
 * is rejected at its first level, and nothing is allocated for values the schema does not want.
 *
 * Syntax errors and unexpected values are reported through `fail`, with a short preview of the
 * offending text (never the whole of a huge value).
 */

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const PREVIEW = 40;

/** Character codes of JSON's structural characters. */
export const Ch = {
  Quote: 0x22,
  Comma: 0x2c,
  Colon: 0x3a,
  LBracket: 0x5b,
  RBracket: 0x5d,
  LBrace: 0x7b,
  RBrace: 0x7d,
} as const;

export class JsonReader {
  /** index of the next unread character */
  i = 0;

  constructor(
    readonly text: string,
    private readonly fail: (what: string) => never,
  ) {}

  /** A syntax error at the cursor. */
  syntax(what: string): never {
    const at = this.i >= this.text.length ? 'at the end of the header' : `at character ${this.i} (${this.preview()})`;
    return this.fail(`the header is not valid JSON: ${what} ${at}`);
  }

  /** Skips whitespace and returns the next character code without consuming it (-1 at the end). */
  peek(): number {
    const s = this.text;
    let i = this.i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.i = i;
        return c;
      }
    }
    this.i = i;
    return -1;
  }

  /** Consumes `ch` (after whitespace), or fails naming what was expected. */
  expect(ch: number, what: string): void {
    if (this.peek() !== ch) this.syntax(`expected ${what}`);
    this.i++;
  }

  /** Consumes `[` or `{` (the caller has peeked it); returns false if the container is empty. */
  open(close: number): boolean {
    this.i++;
    if (this.peek() === close) {
      this.i++;
      return false;
    }
    return true;
  }

  /** After a member or element: consumes `,` and returns true, or consumes `close` and returns false. */
  more(close: number): boolean {
    const c = this.peek();
    if (c === Ch.Comma) {
      this.i++;
      return true;
    }
    if (c === close) {
      this.i++;
      return false;
    }
    return this.syntax(`expected ',' or '${String.fromCharCode(close)}'`);
  }

  /** An object key and its colon. */
  key(): string {
    if (this.peek() !== Ch.Quote) this.syntax('expected a string key');
    const k = this.string();
    this.expect(Ch.Colon, "':'");
    return k;
  }

  /** Reads a string (the cursor is at its opening quote), decoding escapes. */
  string(): string {
    const s = this.text;
    let i = this.i + 1;
    let out = '';
    for (;;) {
      // the next quote, backslash or control character
      let j = i;
      let c = 0;
      for (; j < s.length; j++) {
        c = s.charCodeAt(j);
        if (c === Ch.Quote || c === 0x5c || c < 0x20) break;
      }
      if (j === s.length) {
        this.i = s.length;
        return this.syntax('unterminated string');
      }
      if (c === Ch.Quote) {
        this.i = j + 1;
        return out + s.slice(i, j);
      }
      if (c !== 0x5c) {
        this.i = j;
        return this.syntax(`control character U+${c.toString(16).padStart(4, '0')} in a string (it must be escaped)`);
      }
      out += s.slice(i, j);
      this.i = j;
      const e = s.charCodeAt(j + 1);
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i = j + 2;
        continue;
      }
      if (e !== 0x75) return this.syntax('invalid escape in a string');
      const u = this.hex4(j + 2);
      if (u >= 0xdc00 && u <= 0xdfff) return this.syntax('unpaired low surrogate escape in a string (not valid Unicode)');
      if (u >= 0xd800 && u <= 0xdbff) {
        const lo = s.charCodeAt(j + 6) === 0x5c && s.charCodeAt(j + 7) === 0x75 ? this.hex4(j + 8) : -1;
        if (lo < 0xdc00 || lo > 0xdfff) return this.syntax('unpaired high surrogate escape in a string (not valid Unicode)');
        out += String.fromCharCode(u, lo);
        i = j + 12;
      } else {
        out += String.fromCharCode(u);
        i = j + 6;
      }
    }
  }

  private hex4(at: number): number {
    const h = this.text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) return this.syntax('\\u must be followed by four hex digits');
    return parseInt(h, 16);
  }

  /** Reads a number token (validated against JSON's grammar) and returns its text. */
  number(): string {
    const s = this.text;
    const start = this.i;
    let j = start;
    while (j < s.length && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
    // fast path: a plain integer without a leading zero
    if (j > start && (s.charCodeAt(start) !== 0x30 || j === start + 1)) {
      const c = j < s.length ? s.charCodeAt(j) : -1;
      if (c !== 0x2e && c !== 0x65 && c !== 0x45) {
        this.i = j;
        return s.slice(start, j);
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.syntax('invalid number');
    this.i += m[0].length;
    return m[0];
  }

  /** Consumes the literal `word` (null, true, false) at the cursor. */
  literal(word: string): void {
    if (!this.text.startsWith(word, this.i)) this.syntax(`expected ${word}`);
    this.i += word.length;
  }

  /** Consumes whitespace up to the end, or fails if anything else follows. */
  end(): void {
    if (this.peek() !== -1) this.syntax('unexpected text after the end of the JSON object');
  }

  /**
   * A short description of the value at the cursor for messages: the token itself if it is
   * short, else its first characters followed by '…'.
   */
  preview(): string {
    const s = this.text;
    const c = this.peek();
    if (c === -1) return 'nothing';
    let stop: number;
    if (c === Ch.Quote) {
      stop = this.i + 1;
      while (stop < s.length && stop - this.i <= PREVIEW && s.charCodeAt(stop) !== Ch.Quote) stop += s.charCodeAt(stop) === 0x5c ? 2 : 1;
      stop++;
    } else if (c === Ch.LBrace || c === Ch.LBracket) {
      // up to the matching bracket if it comes soon (strings are not tracked: this is a preview)
      let depth = 0;
      for (stop = this.i; stop < s.length && stop - this.i <= PREVIEW; stop++) {
        const d = s.charCodeAt(stop);
        if (d === Ch.LBrace || d === Ch.LBracket) depth++;
        else if ((d === Ch.RBrace || d === Ch.RBracket) && --depth === 0) break;
      }
      stop = depth === 0 ? stop + 1 : s.length;
    } else {
      stop = this.i;
      while (stop < s.length && !WS.has(s.charCodeAt(stop)) && !',]}'.includes(s[stop]!)) stop++;
    }
    const text = s.slice(this.i, Math.min(stop, this.i + PREVIEW)).replace(/\s+/g, ' ');
    return stop > this.i + PREVIEW ? `${text}…` : text;
  }

  /** True if the character after the scalar token at the cursor (and whitespace) is `ch`. */
  followedBy(ch: number): boolean {
    const s = this.text;
    let j = this.i;
    if (s.charCodeAt(j) === Ch.Quote) {
      j++;
      while (j < s.length && s.charCodeAt(j) !== Ch.Quote) j += s.charCodeAt(j) === 0x5c ? 2 : 1;
      j++;
    } else while (j < s.length && !WS.has(s.charCodeAt(j)) && !',]}'.includes(s[j]!)) j++;
    while (j < s.length && WS.has(s.charCodeAt(j))) j++;
    return s.charCodeAt(j) === ch;
  }
}

const ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };
