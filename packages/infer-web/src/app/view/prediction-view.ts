import { entropyBits, IMAGE_SIDE, LABELS, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import { byId, el } from './dom.js';

/**
 * The prediction panel: the top digit, the entropy in bits, one bar per digit and the 28×28
 * input the model saw. Values also go into data-* attributes, which the tests read.
 */
export class PredictionView {
  readonly #panel = byId('prediction');
  readonly #top = byId('top-digit');
  readonly #confidence = byId('top-confidence');
  readonly #entropy = byId('entropy');
  readonly #latency = byId('latency');
  readonly #preview = byId<HTMLCanvasElement>('input-preview');
  readonly #bars: { row: HTMLElement; fill: HTMLElement; value: HTMLElement }[] = [];
  readonly #latencies: number[] = [];
  #runs = 0;

  constructor() {
    const list = byId('probabilities');
    for (let digit = 0; digit < NUM_CLASSES; digit++) {
      const row = el('li', 'bar-row');
      row.setAttribute('aria-label', `digit ${LABELS[digit]}`);
      const label = el('span', 'bar-label', LABELS[digit]);
      const track = el('span', 'bar-track');
      const fill = el('span', 'bar-fill');
      track.append(fill);
      const value = el('span', 'bar-value', '–');
      row.append(label, track, value);
      list.append(row);
      this.#bars.push({ row, fill, value });
    }
    this.#preview.width = this.#preview.height = IMAGE_SIDE;
    this.showEmpty(0);
  }

  /** Counts prediction passes (data-runs), so a test can check they happen once per frame at most. */
  countRun(): void {
    this.#panel.dataset.runs = String(++this.#runs);
  }

  /** No ink: no prediction, no error. */
  showEmpty(revision: number): void {
    const panel = this.#panel;
    panel.dataset.state = 'empty';
    panel.dataset.revision = String(revision);
    delete panel.dataset.digit;
    delete panel.dataset.probabilities;
    this.#top.textContent = '·';
    this.#confidence.textContent = 'Draw a digit';
    this.#entropy.textContent = '–';
    for (const bar of this.#bars) {
      bar.fill.style.setProperty('--p', '0');
      bar.value.textContent = '–';
      bar.row.classList.remove('top');
    }
    this.#preview.getContext('2d')?.clearRect(0, 0, IMAGE_SIDE, IMAGE_SIDE);
  }

  show(probabilities: Float32Array, pixels: Float32Array, revision: number, latencyMs: number): void {
    let top = 0;
    for (let d = 1; d < NUM_CLASSES; d++) if (probabilities[d] > probabilities[top]) top = d;
    const entropy = entropyBits(probabilities.subarray(0, NUM_CLASSES))[0];
    const panel = this.#panel;
    panel.dataset.state = 'predicted';
    panel.dataset.revision = String(revision);
    panel.dataset.digit = String(top);
    panel.dataset.probabilities = JSON.stringify(Array.from(probabilities.subarray(0, NUM_CLASSES)));
    panel.dataset.entropy = entropy.toFixed(6);
    this.#top.textContent = LABELS[top];
    this.#confidence.textContent = `${(probabilities[top] * 100).toFixed(1)}% sure`;
    this.#entropy.textContent = `${entropy.toFixed(2)} bits`;
    this.#bars.forEach((bar, d) => {
      bar.fill.style.setProperty('--p', probabilities[d].toFixed(4));
      bar.value.textContent = `${(probabilities[d] * 100).toFixed(1)}%`;
      bar.row.classList.toggle('top', d === top);
    });
    this.#drawPreview(pixels);
    this.#recordLatency(latencyMs);
  }

  #drawPreview(pixels: Float32Array): void {
    const ctx = this.#preview.getContext('2d');
    if (!ctx) return;
    const image = ctx.createImageData(IMAGE_SIDE, IMAGE_SIDE);
    for (let i = 0; i < PIXELS; i++) {
      const v = Math.round(pixels[i] * 255);
      image.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(image, 0, 0);
  }

  /** The median of the last 50 predictions: one slow frame does not make the figure jump. */
  #recordLatency(ms: number): void {
    this.#latencies.push(ms);
    if (this.#latencies.length > 50) this.#latencies.shift();
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    this.#latency.textContent = `${ms.toFixed(1)} ms (median ${median.toFixed(1)} ms of ${sorted.length})`;
    this.#latency.dataset.lastMs = ms.toFixed(3);
    this.#latency.dataset.medianMs = median.toFixed(3);
    this.#latency.dataset.count = String(sorted.length);
  }
}
