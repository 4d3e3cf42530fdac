import type { Point, Stroke } from './strokes.js';

type Action = { kind: 'stroke' } | { kind: 'clear'; removed: Stroke[] };

/**
 * The drawing as data: the strokes, and the history that undo walks back (a clear is undoable
 * too). `revision` grows with every change, so a prediction can say which drawing it shows.
 */
export class Drawing {
  #strokes: Stroke[] = [];
  #history: Action[] = [];
  #revision = 0;
  readonly #listeners = new Set<() => void>();

  get strokes(): readonly Stroke[] {
    return this.#strokes;
  }

  get revision(): number {
    return this.#revision;
  }

  get isEmpty(): boolean {
    return this.#strokes.length === 0;
  }

  get canUndo(): boolean {
    return this.#history.length > 0;
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  begin(point: Point): void {
    this.#strokes.push([point]);
    this.#history.push({ kind: 'stroke' });
    this.#changed();
  }

  extend(points: readonly Point[]): void {
    const stroke = this.#strokes[this.#strokes.length - 1];
    if (!stroke || points.length === 0) return;
    stroke.push(...points);
    this.#changed();
  }

  undo(): void {
    const action = this.#history.pop();
    if (!action) return;
    if (action.kind === 'stroke') this.#strokes.pop();
    else this.#strokes = action.removed;
    this.#changed();
  }

  clear(): void {
    if (this.#strokes.length === 0) return;
    this.#history.push({ kind: 'clear', removed: this.#strokes });
    this.#strokes = [];
    this.#changed();
  }

  #changed(): void {
    this.#revision++;
    for (const listener of this.#listeners) listener();
  }
}
