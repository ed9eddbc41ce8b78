/**
 * A small LaTeX-to-MathML converter for the formulas `explain` writes, so its HTML needs no
 * typesetting package: browsers draw MathML Core natively (Chromium 109+, Firefox, Safari).
 *
 * The subset: letters, digits, operators and fences; groups `{...}`; `^` and `_`; `\frac`,
 * `\tfrac`; `\sum` (limits under and over it in display style); `\text`, `\mathrm`; Greek letters;
 * `\partial \nabla \odot \times \cdot \star \ldots \cdots \top`; function names (`\ln \tanh
 * \exp \log \sin \cos`); `\left X ... \right Y` (with `.` for no delimiter), `\big \Big \bigg`;
 * `\lVert \rVert`; spaces `\, \: \; \  \quad \qquad \!`; `\scriptstyle`; and the environments
 * `aligned` (columns right/left, rows by `\\`, optional `\\[4pt]`) and `bmatrix`/`pmatrix`.
 * Anything else is an error naming the command, so a formula never renders half-understood.
 */
import { NablaError } from '../core/errors.js';

const GREEK: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η', theta: 'θ', vartheta: 'ϑ',
  iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', upsilon: 'υ',
  phi: 'ϕ', varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω',
  Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ', Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
};
/** Symbols that read as identifiers. */
const IDENT: Record<string, string> = { partial: '∂', nabla: '∇', infty: '∞', ell: 'ℓ', top: '⊤' };
/** Symbols that read as operators. */
const OPS: Record<string, string> = {
  odot: '⊙', times: '×', cdot: '⋅', star: '⋆', ldots: '…', cdots: '⋯', pm: '±', mp: '∓', leq: '≤', le: '≤', geq: '≥', ge: '≥',
  neq: '≠', ne: '≠', approx: '≈', to: '→', rightarrow: '→', leftarrow: '←', in: '∈', circ: '∘', mid: '∣',
  lVert: '‖', rVert: '‖', Vert: '‖', lvert: '|', rvert: '|', vert: '|', langle: '⟨', rangle: '⟩', '{': '{', '}': '}', '|': '‖',
};
const LARGE_OPS: Record<string, string> = { sum: '∑', prod: '∏', int: '∫' };
const FUNCS = new Set(['ln', 'log', 'exp', 'tanh', 'sinh', 'cosh', 'sin', 'cos', 'tan', 'max', 'min', 'arg', 'det']);
const SPACES: Record<string, string> = { ',': '0.1667em', ':': '0.2222em', ';': '0.2778em', ' ': '0.25em', quad: '1em', qquad: '2em' };
const SIZES: Record<string, string> = { big: '1.2em', Big: '1.8em', bigg: '2.4em', Bigg: '3em' };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type Tok = { k: 'cmd'; v: string } | { k: 'ch'; v: string };

function tokenize(tex: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tex.length; ) {
    const c = tex[i]!;
    if (c === '\\') {
      const m = /^[a-zA-Z]+/.exec(tex.slice(i + 1));
      if (m) {
        out.push({ k: 'cmd', v: m[0] });
        i += 1 + m[0].length;
      } else {
        if (i + 1 >= tex.length) throw new NablaError(`mathml: a lone backslash at the end of '${tex}'`);
        out.push({ k: 'cmd', v: tex[i + 1]! });
        i += 2;
      }
    } else {
      out.push({ k: 'ch', v: c });
      i++;
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly src: string,
  ) {}

  private fail(what: string): never {
    throw new NablaError(`mathml: ${what} in '${this.src}'`);
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  private isCh(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.k === 'ch' && t.v === v;
  }

  private isCmd(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.k === 'cmd' && t.v === v;
  }

  private skipSpace(): void {
    while (this.isCh(' ') || this.isCh('\n') || this.isCh('\t')) this.i++;
  }

  /** Raw text up to the matching `}` (for \text and environment names). */
  private rawGroup(): string {
    this.skipSpace();
    if (!this.isCh('{')) this.fail('expected {');
    this.i++;
    let depth = 1;
    let s = '';
    while (this.i < this.toks.length) {
      const t = this.toks[this.i++]!;
      if (t.k === 'ch' && t.v === '{') depth++;
      if (t.k === 'ch' && t.v === '}' && --depth === 0) return s;
      s += t.k === 'cmd' ? (/^[a-zA-Z]/.test(t.v) ? `\\${t.v}` : t.v) : t.v;
    }
    return this.fail('an unclosed {');
  }

  /** Items up to one of the stop conditions; returns the MathML of each item. */
  list(stop: (p: Parser) => boolean, display: boolean): string[] {
    const items: string[] = [];
    let style: string | null = null;
    for (;;) {
      this.skipSpace();
      if (this.i >= this.toks.length || stop(this)) break;
      if (this.isCmd('scriptstyle')) {
        this.i++;
        style = 'scriptstyle';
        continue;
      }
      const next = this.peek()!;
      const fn = next.k === 'cmd' && FUNCS.has(next.v);
      let base = this.atom(display);
      if (base === null) continue;
      // scripts
      let sub: string | null = null;
      let sup: string | null = null;
      for (;;) {
        this.skipSpace();
        if (this.isCh('_') && sub === null) {
          this.i++;
          sub = this.argument(false);
        } else if (this.isCh('^') && sup === null) {
          this.i++;
          sup = this.argument(false);
        } else if (this.isCh("'")) {
          this.i++;
          sup = (sup ?? '') + '<mo>′</mo>';
        } else break;
      }
      if (sub !== null || sup !== null) {
        const limits = display && base.includes('largeop="true"');
        const tag = limits ? (sub !== null && sup !== null ? 'munderover' : sub !== null ? 'munder' : 'mover') : sub !== null && sup !== null ? 'msubsup' : sub !== null ? 'msub' : 'msup';
        base = `<${tag}>${base}${sub !== null ? wrap(sub) : ''}${sup !== null ? wrap(sup) : ''}</${tag}>`;
      }
      items.push(base);
      // a thin space between a function name and its argument (tanh c), none before a bracket
      this.skipSpace();
      const after = this.peek();
      if (fn && after !== undefined && !(after.k === 'ch' && '()[]{}|'.includes(after.v)) && !(after.k === 'cmd' && ['left', 'big', 'Big', 'bigg', 'Bigg'].includes(after.v))) {
        items.push('<mspace width="0.1667em"></mspace>');
      }
    }
    if (style === 'scriptstyle') return [`<mstyle displaystyle="false" scriptlevel="1">${items.join('')}</mstyle>`];
    return items;
  }

  /** One argument of a command or script: a group or a single token. */
  argument(display: boolean): string {
    this.skipSpace();
    if (this.isCh('{')) {
      this.i++;
      const inner = this.list((p) => p.isCh('}'), display);
      if (!this.isCh('}')) this.fail('an unclosed {');
      this.i++;
      return `<mrow>${inner.join('')}</mrow>`;
    }
    const a = this.atom(display);
    if (a === null) this.fail('a missing argument');
    return a;
  }

  /** A delimiter after \left, \right or \big: returns its character ('' for `.`). */
  private delimiter(): string {
    this.skipSpace();
    const t = this.toks[this.i++];
    if (t === undefined) return this.fail('a missing delimiter');
    if (t.k === 'ch') return t.v === '.' ? '' : t.v;
    if (OPS[t.v] !== undefined) return OPS[t.v]!;
    if (t.v === '{' || t.v === '}') return t.v;
    return this.fail(`'\\${t.v}' is not a delimiter`);
  }

  atom(display: boolean): string | null {
    const t = this.toks[this.i++]!;
    if (t.k === 'ch') {
      const c = t.v;
      if (c === '{') {
        this.i--;
        return this.argument(display);
      }
      if (c === '}') this.fail('an unmatched }');
      if (c === '&' || c === '^' || c === '_') this.fail(`'${c}' out of place`);
      if (/[0-9.]/.test(c)) {
        let s = c;
        while (this.peek()?.k === 'ch' && /[0-9.]/.test(this.peek()!.v)) s += this.toks[this.i++]!.v;
        return `<mn>${s}</mn>`;
      }
      if (/[a-zA-Z]/.test(c)) return `<mi>${c}</mi>`;
      if (c === '-') return '<mo>−</mo>';
      if (c === '~') return '<mspace width="0.25em"></mspace>';
      if (c === '(' || c === ')' || c === '[' || c === ']' || c === '|') return `<mo stretchy="false">${c}</mo>`;
      return `<mo>${esc(c)}</mo>`;
    }
    const name = t.v;
    if (GREEK[name] !== undefined) return `<mi>${GREEK[name]}</mi>`;
    if (IDENT[name] !== undefined) return `<mi>${IDENT[name]}</mi>`;
    if (LARGE_OPS[name] !== undefined) return `<mo largeop="true" movablelimits="true">${LARGE_OPS[name]}</mo>`;
    if (OPS[name] !== undefined) return `<mo>${esc(OPS[name]!)}</mo>`;
    if (FUNCS.has(name)) return `<mi mathvariant="normal">${name}</mi>`;
    if (SPACES[name] !== undefined) return `<mspace width="${SPACES[name]}"></mspace>`;
    if (name === '!') return null;
    if (name === '\\') this.fail('a line break outside an environment');
    switch (name) {
      case 'frac':
      case 'tfrac':
      case 'dfrac': {
        const num = this.argument(display);
        const den = this.argument(display);
        const f = `<mfrac>${num}${den}</mfrac>`;
        return name === 'tfrac' ? `<mstyle displaystyle="false">${f}</mstyle>` : name === 'dfrac' ? `<mstyle displaystyle="true">${f}</mstyle>` : f;
      }
      case 'text':
      case 'textrm':
      case 'mbox':
        return `<mtext>${esc(this.rawGroup().replace(/\\([{}%$&_#])/g, '$1'))}</mtext>`;
      case 'mathrm':
      case 'operatorname': {
        const raw = this.rawGroup();
        return `<mi mathvariant="normal">${esc(raw)}</mi>`;
      }
      case 'left': {
        const open = this.delimiter();
        const inner = this.list((p) => p.isCmd('right'), display);
        if (!this.isCmd('right')) this.fail('\\left without \\right');
        this.i++;
        const close = this.delimiter();
        const fence = (d: string, form: string): string => (d === '' ? '' : `<mo fence="true" form="${form}" stretchy="true" symmetric="true">${esc(d)}</mo>`);
        return `<mrow>${fence(open, 'prefix')}${inner.join('')}${fence(close, 'postfix')}</mrow>`;
      }
      case 'right':
        return this.fail('\\right without \\left');
      case 'big':
      case 'Big':
      case 'bigg':
      case 'Bigg':
      case 'bigl':
      case 'bigr':
      case 'Bigl':
      case 'Bigr': {
        const d = this.delimiter();
        const size = SIZES[name.replace(/[lr]$/, '')]!;
        return d === '' ? null : `<mo fence="true" stretchy="true" symmetric="true" minsize="${size}" maxsize="${size}">${esc(d)}</mo>`;
      }
      case 'begin':
        return this.environment(this.rawGroup());
      case 'end':
        return this.fail('\\end without \\begin');
      default:
        return this.fail(`unsupported command \\${name}`);
    }
  }

  /** `aligned`, `bmatrix`, `pmatrix`, `matrix`: cells by `&`, rows by `\\` (an optional `[4pt]` after it). */
  private environment(env: string): string {
    if (!['aligned', 'bmatrix', 'pmatrix', 'matrix'].includes(env)) this.fail(`unsupported environment ${env}`);
    const rows: { cells: string[]; gap: string | null }[] = [];
    let cells: string[] = [];
    for (;;) {
      const cell = this.list((p) => p.isCh('&') || p.isCmd('\\') || p.isCmd('end'), true);
      cells.push(cell.join(''));
      if (this.isCh('&')) {
        this.i++;
        continue;
      }
      if (this.isCmd('\\')) {
        this.i++;
        let gap: string | null = null;
        if (this.isCh('[')) {
          let s = '';
          this.i++;
          while (this.i < this.toks.length && !this.isCh(']')) s += this.toks[this.i++]!.v;
          this.i++;
          gap = s.trim();
        }
        rows.push({ cells, gap });
        cells = [];
        continue;
      }
      if (this.isCmd('end')) {
        this.i++;
        const name = this.rawGroup();
        if (name !== env) this.fail(`\\begin{${env}} ended by \\end{${name}}`);
        rows.push({ cells, gap: null });
        break;
      }
      this.fail(`\\begin{${env}} without \\end{${env}}`);
    }
    const aligned = env === 'aligned';
    const trs = rows.map((r, ri) => {
      const pad = ri > 0 && rows[ri - 1]!.gap ? `padding-top:calc(0.25em + ${esc(rows[ri - 1]!.gap!)});` : '';
      const tds = r.cells.map((c, ci) => {
        // aligned: columns alternate right and left, with no space between the pair
        const style = aligned ? `text-align:${ci % 2 === 0 ? 'right' : 'left'};padding-left:${ci % 2 === 0 && ci > 0 ? '1em' : '0'};padding-right:0;${pad}` : `padding:0.2em 0.5em;${pad}`;
        return `<mtd style="${style}">${c}</mtd>`;
      });
      return `<mtr>${tds.join('')}</mtr>`;
    });
    const table = `<mtable${aligned ? ' displaystyle="true"' : ''}>${trs.join('')}</mtable>`;
    if (env === 'bmatrix') return `<mrow><mo fence="true" stretchy="true">[</mo>${table}<mo fence="true" stretchy="true">]</mo></mrow>`;
    if (env === 'pmatrix') return `<mrow><mo fence="true" stretchy="true">(</mo>${table}<mo fence="true" stretchy="true">)</mo></mrow>`;
    return table;
  }
}

const wrap = (s: string): string => (s.startsWith('<mrow>') ? s : `<mrow>${s}</mrow>`);

/**
 * The MathML `<math>` element for a LaTeX formula (see the module comment for the subset).
 * `display: true` (default) typesets it in display style (big fractions, limits under sums), as
 * `$$...$$` would; `block: true` also makes the element a centred block, while by default it is
 * inline, so the caller places it (explain left-aligns its steps). The LaTeX is kept in an
 * `<annotation>`, so copying the formula gives it back.
 */
export function texToMathML(tex: string, opts: { display?: boolean; block?: boolean } = {}): string {
  const display = opts.display ?? true;
  const p = new Parser(tokenize(tex), tex);
  const items = p.list(() => false, display);
  const body = `<mrow>${items.join('')}</mrow>`;
  const attrs = opts.block ? ' display="block"' : display ? ' displaystyle="true"' : '';
  return `<math xmlns="http://www.w3.org/1998/Math/MathML"${attrs}>` + `<semantics>${body}<annotation encoding="application/x-tex">${esc(tex)}</annotation></semantics></math>`;
}
