/**
 * A canvas to draw on with a mouse, a pen or a finger (pointer events): it keeps the strokes as
 * points in CSS pixels (what the preprocessing reads) and paints them with a round pen (what the
 * user sees). `onChange` runs at most once per animation frame while drawing, and on clear.
 */
import type { Point } from './preprocess.js';

const INK = '#f4f4f4';
const PAPER = '#15171c';

export class DrawingPad {
  readonly strokes: Point[][] = [];
  private drawing: number | null = null;
  private pending = false;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly onChange: (strokes: readonly Point[][]) => void) {
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('digit page: the drawing canvas has no 2-D context');
    this.ctx = ctx;
    this.resize();
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(type, (e) => this.up(e));
  }

  clear(): void {
    this.strokes.length = 0;
    this.drawing = null;
    this.paint();
    this.onChange(this.strokes);
  }

  /** The pen's width in CSS pixels: a tenth of the pad, about MNIST's stroke in its 20 px box. */
  private get penWidth(): number {
    return this.canvas.clientWidth / 10;
  }

  /** Matches the canvas's pixels to its CSS size times the device pixel ratio. */
  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(this.canvas.clientWidth * dpr);
    this.canvas.height = Math.round(this.canvas.clientHeight * dpr);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.paint();
  }

  private point(e: PointerEvent): Point {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private down(e: PointerEvent): void {
    if (e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.drawing = e.pointerId;
    this.strokes.push([this.point(e)]);
    this.paint();
    this.changed();
  }

  private move(e: PointerEvent): void {
    if (this.drawing !== e.pointerId) return;
    const stroke = this.strokes[this.strokes.length - 1]!;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const c of events.length > 0 ? events : [e]) stroke.push(this.point(c));
    this.paint();
    this.changed();
  }

  private up(e: PointerEvent): void {
    if (this.drawing !== e.pointerId) return;
    this.drawing = null;
    this.onChange(this.strokes);
  }

  private changed(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.onChange(this.strokes);
    });
  }

  private paint(): void {
    const { ctx } = this;
    const w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.lineWidth = this.penWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of this.strokes) {
      if (s.length === 1) {
        ctx.beginPath();
        ctx.arc(s[0]!.x, s[0]!.y, this.penWidth / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(s[0]!.x, s[0]!.y);
      for (let k = 1; k < s.length; k++) ctx.lineTo(s[k]!.x, s[k]!.y);
      ctx.stroke();
    }
  }
}
