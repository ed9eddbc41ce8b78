/**
 * The ten class probabilities as horizontal bars (DOM, so the numbers are text a test and a
 * screen reader can read); the most probable class is highlighted.
 */
export class ProbabilityBars {
  private readonly fills: HTMLDivElement[] = [];
  private readonly values: HTMLSpanElement[] = [];
  private readonly rows: HTMLDivElement[] = [];

  constructor(container: HTMLElement, labels: readonly string[]) {
    for (const label of labels) {
      const row = document.createElement('div');
      row.className = 'bar-row';
      const name = document.createElement('span');
      name.className = 'bar-label';
      name.textContent = label;
      const track = document.createElement('div');
      track.className = 'bar-track';
      const fill = document.createElement('div');
      fill.className = 'bar-fill';
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'bar-value';
      row.append(name, track, value);
      container.append(row);
      this.rows.push(row);
      this.fills.push(fill);
      this.values.push(value);
    }
    this.show(null);
  }

  /** Shows the probabilities, or empty bars for null. */
  show(probs: ArrayLike<number> | null): void {
    let best = -1;
    if (probs !== null) for (let i = 0; i < probs.length; i++) if (best < 0 || probs[i]! > probs[best]!) best = i;
    this.fills.forEach((fill, i) => {
      const p = probs === null ? 0 : probs[i]!;
      fill.style.width = `${(100 * p).toFixed(2)}%`;
      this.values[i]!.textContent = probs === null ? '' : `${(100 * p).toFixed(1)} %`;
      this.rows[i]!.classList.toggle('best', i === best);
    });
  }
}
