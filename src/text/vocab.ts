/**
 * `CharVocab`: a character vocabulary for character-level language models. Characters (Unicode
 * code points, so a Chinese character is one token) map to ids 0..size-2 in code-point order;
 * the last id is UNK (shown as U+FFFD) for every character outside the vocabulary.
 *
 *   const v = CharVocab.build(text, { maxSize: 96 });   // the 95 most frequent characters + UNK
 *   v.encode('The cat')  -> Int32Array of ids;   v.decode(ids) -> string
 */
import { NablaError } from '../core/errors.js';

export const UNK_CHAR = '\uFFFD';

export interface CharVocabOptions {
  /** at most this many ids, UNK included (default: every character seen, + UNK) */
  maxSize?: number;
  /** drop characters seen fewer than this many times (default 1) */
  minCount?: number;
}

export interface CharVocabJSON {
  /** the kept characters by id; UNK (id = chars.length) is implicit */
  chars: string[];
  unk: number;
}

export class CharVocab {
  /** kept characters by id (UNK not included) */
  readonly chars: readonly string[];
  /** the UNK id (= chars.length) */
  readonly unk: number;
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    const seen = new Set<string>();
    for (const c of chars) {
      if ([...c].length !== 1) throw new NablaError(`CharVocab: every entry must be one character (code point), got ${JSON.stringify(c)}`);
      if (seen.has(c)) throw new NablaError(`CharVocab: duplicate character ${JSON.stringify(c)}`);
      seen.add(c);
    }
    this.chars = [...chars];
    this.unk = chars.length;
    this.index = new Map(chars.map((c, i) => [c, i]));
  }

  /** Number of ids, UNK included. */
  get size(): number {
    return this.chars.length + 1;
  }

  /** The most frequent characters of `text` (ties by code point), sorted by code point. */
  static build(text: string, opts: CharVocabOptions = {}): CharVocab {
    const freq = new Map<string, number>();
    for (const c of text) freq.set(c, (freq.get(c) ?? 0) + 1);
    const minCount = opts.minCount ?? 1;
    let kept = [...freq.entries()].filter(([, n]) => n >= minCount);
    kept.sort((a, b) => b[1] - a[1] || a[0].codePointAt(0)! - b[0].codePointAt(0)!);
    if (opts.maxSize !== undefined) {
      if (!Number.isInteger(opts.maxSize) || opts.maxSize < 2) throw new NablaError(`CharVocab.build: maxSize must be an integer >= 2 (one character + UNK), got ${opts.maxSize}`);
      kept = kept.slice(0, opts.maxSize - 1);
    }
    return new CharVocab(kept.map(([c]) => c).sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  static fromJSON(j: CharVocabJSON): CharVocab {
    if (!j || !Array.isArray(j.chars)) throw new NablaError('CharVocab.fromJSON: expected { chars: string[], unk: number }');
    const v = new CharVocab(j.chars);
    if (j.unk !== undefined && j.unk !== v.unk) throw new NablaError(`CharVocab.fromJSON: unk is ${j.unk} but ${j.chars.length} characters make it ${v.unk}`);
    return v;
  }

  toJSON(): CharVocabJSON {
    return { chars: [...this.chars], unk: this.unk };
  }

  has(c: string): boolean {
    return this.index.has(c);
  }

  /** Ids of the characters of `text` (unknown characters -> UNK). */
  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const c of text) out.push(this.index.get(c) ?? this.unk);
    return Int32Array.from(out);
  }

  /** The text of `ids` (UNK and out-of-range ids -> U+FFFD). */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]!] ?? UNK_CHAR;
    return s;
  }
}
