import { entropyBits, IMAGE_SIDE, LABELS, NUM_CLASSES, PIXELS } from '@mnist-onnx/mnist';
import { byId, el } from './dom.js';

/**
 * The prediction panel: the top digit, the entropy in bits, one bar per digit and the 28×28
 * input the model saw. Values also go into data-* attributes, which the tests read.
 * It runs once per frame while a person draws, so it writes only what changed: an unchanged
 * text or bar left alone costs the browser no style, layout or paint work.
 */
export class PredictionView {
  readonly #panel = byId('prediction');
  readonly #top = byId('top-digit');
  readonly #confidence = byId('top-confidence');
  readonly #entropy = byId('entropy');
  readonly #preview = byId<HTMLCanvasElement>('input-preview');
  readonly #bars: { row: HTMLElement; fill: HTMLElement; value: HTMLElement }[] = [];
  readonly #previewContext: CanvasRenderingContext2D | null;
  readonly #previewImage: ImageData | undefined;
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
    this.#previewContext = this.#preview.getContext('2d');
    this.#previewImage = this.#previewContext?.createImageData(IMAGE_SIDE, IMAGE_SIDE);
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
    delete panel.dataset.provider;
    delete panel.dataset.probabilities;
    setText(this.#top, '·');
    setText(this.#confidence, 'Draw a digit');
    setText(this.#entropy, '–');
    for (const bar of this.#bars) {
      setBar(bar.fill, '0');
      setText(bar.value, '–');
      bar.row.classList.remove('top');
    }
    this.#previewContext?.clearRect(0, 0, IMAGE_SIDE, IMAGE_SIDE);
  }

  /** `provider` (data-provider) says which execution provider computed it: after a switch, the panel shows the old one's result until the new one has run. */
  show(probabilities: Float32Array, pixels: Float32Array, revision: number, provider: string): void {
    let top = 0;
    for (let d = 1; d < NUM_CLASSES; d++) if (probabilities[d] > probabilities[top]) top = d;
    const entropy = entropyBits(probabilities.subarray(0, NUM_CLASSES))[0];
    const panel = this.#panel;
    panel.dataset.state = 'predicted';
    panel.dataset.revision = String(revision);
    panel.dataset.provider = provider;
    panel.dataset.digit = String(top);
    panel.dataset.probabilities = JSON.stringify(Array.from(probabilities.subarray(0, NUM_CLASSES)));
    panel.dataset.entropy = entropy.toFixed(6);
    setText(this.#top, LABELS[top]);
    setText(this.#confidence, `${(probabilities[top] * 100).toFixed(1)}% sure`);
    setText(this.#entropy, `${entropy.toFixed(2)} bits`);
    this.#bars.forEach((bar, d) => {
      // Three decimals are finer than the bar's pixels; more would only restart its transition.
      setBar(bar.fill, probabilities[d].toFixed(3));
      setText(bar.value, `${(probabilities[d] * 100).toFixed(1)}%`);
      if (bar.row.classList.contains('top') !== (d === top)) bar.row.classList.toggle('top', d === top);
    });
    this.#drawPreview(pixels);
  }

  #drawPreview(pixels: Float32Array): void {
    const image = this.#previewImage;
    if (!image) return;
    const { data } = image;
    for (let i = 0, o = 0; i < PIXELS; i++, o += 4) {
      data[o] = data[o + 1] = data[o + 2] = pixels[i] * 255;
      data[o + 3] = 255;
    }
    this.#previewContext!.putImageData(image, 0, 0);
  }
}

/** Sets an element's text only when it differs: the same text written again still costs a relayout. */
function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** Sets a bar's length (the --p custom property, 0..1) only when it differs. */
function setBar(fill: HTMLElement, p: string): void {
  if (fill.style.getPropertyValue('--p') !== p) fill.style.setProperty('--p', p);
}
