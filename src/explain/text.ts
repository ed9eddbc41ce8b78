/**
 * Terminal text: each formula, then its values with matrices drawn in brackets and aligned on
 * the decimal point, operators on the middle row:
 *
 *   z⁽¹⁾ = W⁽¹⁾ a⁽⁰⁾ + b⁽¹⁾
 *        = ⎡0.1 0.2⎤ ⎡1.0⎤ + ⎡0.5⎤
 *          ⎣0.3 0.4⎦ ⎣2.0⎦   ⎣0.6⎦
 */
import type { ExplanationData } from './types.js';
import { buildDocument, describeNetwork, resolveRender, type RenderOptions, type Resolved, type Step, type Term } from './doc.js';
import { fmt, shapeText, type TensorSnapshot } from './snapshot.js';

interface Block {
  lines: string[];
  /** the row operators sit on */
  mid: number;
}

const width = (b: Block): number => b.lines.reduce((w, l) => Math.max(w, [...l].length), 0);
const line = (s: string): Block => ({ lines: [s], mid: 0 });

/** One column's numbers aligned on the decimal point. */
function alignColumn(cells: string[]): string[] {
  const split = cells.map((c) => {
    const i = c.search(/[.e]/);
    return i < 0 ? [c, ''] : [c.slice(0, i), c.slice(i)];
  });
  const wi = Math.max(...split.map(([i]) => i!.length));
  const wf = Math.max(...split.map(([, f]) => f!.length));
  return split.map(([i, f]) => i!.padStart(wi) + f!.padEnd(wf));
}

export function summaryText(s: TensorSnapshot, r: Resolved, n = 3): string {
  const head = s.data.slice(0, n).map((v) => fmt(v, Math.min(r.digits, 4)));
  return `[${shapeText(s.shape)}: ${head.join(', ')}${s.data.length > n ? ', …' : ''} ‖·‖=${fmt(s.norm, 4)}]`;
}

function matrixBlock(m: number[][], r: Resolved): Block {
  const rows = m.length;
  const ncol = rows === 0 ? 0 : m[0]!.length;
  const colsText: string[][] = [];
  for (let c = 0; c < ncol; c++) colsText.push(alignColumn(m.map((row) => fmt(row[c]!, r.digits))));
  const body = m.map((_, i) => colsText.map((col) => col[i]!).join('  '));
  if (rows === 1) return line(`[${body[0]}]`);
  const lines = body.map((b, i) => (i === 0 ? `⎡${b}⎤` : i === rows - 1 ? `⎣${b}⎦` : `⎢${b}⎥`));
  return { lines, mid: Math.floor((rows - 1) / 2) };
}

function termBlock(t: Term, r: Resolved): Block {
  switch (t.t) {
    case 'sym':
      return line(t.text);
    case 'words':
      return line(t.text);
    case 'num':
      return line(fmt(t.v, r.digits));
    case 'mat':
      return t.snap.data.length > r.maxElements ? line(summaryText(t.snap, r)) : matrixBlock(t.m, r);
  }
}

/** Places blocks side by side, their middle rows on one line. */
function hjoin(blocks: Block[], sep = ' '): Block {
  const above = Math.max(0, ...blocks.map((b) => b.mid));
  const below = Math.max(0, ...blocks.map((b) => b.lines.length - 1 - b.mid));
  const lines: string[] = [];
  for (let row = -above; row <= below; row++) {
    lines.push(
      blocks
        .map((b) => {
          const w = width(b);
          const s = b.lines[b.mid + row];
          return s === undefined ? ' '.repeat(w) : s + ' '.repeat(w - [...s].length);
        })
        .join(sep)
        .trimEnd(),
    );
  }
  return { lines, mid: above };
}

function joinTerms(ts: Term[], r: Resolved): Block {
  // brackets stick to their contents: σ(…), −[…], ½ ‖…‖², J(…, …)
  const blocks: Block[] = [];
  let glueNext = false;
  let prevFn = false;
  for (const t of ts) {
    const b = termBlock(t, r);
    const text = t.t === 'sym' ? t.text : '';
    const glueLeft = /^[)\],‖]/.test(text) || (text === '(' && prevFn);
    if ((glueNext || glueLeft) && blocks.length > 0) blocks[blocks.length - 1] = hjoin([blocks[blocks.length - 1]!, b], '');
    else blocks.push(b);
    glueNext = /[([‖]$/.test(text);
    prevFn = /^[A-Za-zσ][A-Za-z′]*$/.test(text);
  }
  return hjoin(blocks);
}

function stepText(s: Step, r: Resolved): string[] {
  const lhs = joinTerms(s.lhs, r).lines.join(' ');
  const pad = ' '.repeat([...lhs].length);
  const out: string[] = [];
  const first = hjoin([line(lhs), line(s.assign === true ? ':=' : '='), joinTerms(s.formula, r)]);
  out.push(...first.lines);
  for (const l of s.lines) out.push(...hjoin([line(pad + (s.assign === true ? ' ' : '')), line('='), joinTerms(l, r)]).lines);
  if (s.note !== undefined) out.push(`${pad}   (${s.note})`);
  return out;
}

export function renderText(d: ExplanationData, opts: RenderOptions = {}): string {
  const r = resolveRender(d, opts);
  const out: string[] = [];
  out.push(`nabla explain: one training step, ${describeNetwork(d)}, loss: ${d.loss.name}`);
  for (const n of d.notes) out.push('', `Note: ${n}`);
  for (const sec of buildDocument(d, r)) {
    out.push('', sec.title, '─'.repeat([...sec.title].length));
    if (sec.intro !== undefined) out.push(sec.intro);
    for (const s of sec.steps) out.push('', ...stepText(s, r).map((l) => '  ' + l));
    if (sec.listing !== undefined) out.push(...sec.listing.map((l) => '  ' + l));
  }
  return out.join('\n') + '\n';
}
