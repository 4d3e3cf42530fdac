import { LABELS, NUM_CLASSES } from '@mnist-onnx/mnist';
import type { TestSetResult } from '../test-set/evaluate.js';
import { byId, el } from './dom.js';

/** Test-set mode's results: accuracy, images/s and the confusion matrix as a heat-map table. */
export class TestSetView {
  readonly #panel = byId('test-set');
  readonly #summary = byId('test-summary');
  readonly #progress = byId<HTMLProgressElement>('test-progress');
  readonly #matrix = byId<HTMLTableElement>('confusion');

  running(total: number): void {
    this.#panel.dataset.state = 'running';
    this.#progress.hidden = false;
    this.#progress.max = total;
    this.#progress.value = 0;
    this.#summary.textContent = `Classifying ${total.toLocaleString('en-US')} test digits…`;
  }

  progress(done: number): void {
    this.#progress.value = done;
  }

  failed(message: string): void {
    this.#panel.dataset.state = 'error';
    this.#progress.hidden = true;
    this.#summary.textContent = message;
  }

  /** `form`: which form of the model ran ("int8 dynamic"…), null when its metadata does not say. */
  show(result: TestSetResult, provider: string, form: string | null = null): void {
    const panel = this.#panel;
    panel.dataset.state = 'done';
    panel.dataset.correct = String(result.correct);
    panel.dataset.count = String(result.count);
    panel.dataset.imagesPerSecond = result.imagesPerSecond.toFixed(1);
    panel.dataset.provider = provider;
    panel.dataset.form = form ?? 'unknown';
    panel.dataset.confusion = JSON.stringify(result.confusion);
    this.#progress.hidden = true;
    this.#summary.replaceChildren(
      stat(`${(result.accuracy * 100).toFixed(2)}%`, `accuracy (${result.correct.toLocaleString('en-US')} / ${result.count.toLocaleString('en-US')})${form ? `, ${form} model` : ''}`),
      stat(Math.round(result.imagesPerSecond).toLocaleString('en-US'), `images/s on ${provider} (batch ${result.batchSize}, ${(result.seconds * 1000).toFixed(0)} ms)`),
    );
    this.#renderMatrix(result.confusion);
  }

  #renderMatrix(confusion: number[][]): void {
    const table = this.#matrix;
    table.hidden = false;
    const caption = el('caption', undefined, 'Confusion matrix: rows are the true digit, columns the prediction');
    const head = el('thead');
    const headRow = el('tr');
    headRow.append(el('th', 'corner', 'true \\ predicted'));
    for (let p = 0; p < NUM_CLASSES; p++) headRow.append(Object.assign(el('th', undefined, LABELS[p]), { scope: 'col' }));
    head.append(headRow);
    const body = el('tbody');
    for (let t = 0; t < NUM_CLASSES; t++) {
      const row = el('tr');
      row.append(Object.assign(el('th', undefined, LABELS[t]), { scope: 'row' }));
      const total = confusion[t].reduce((a, b) => a + b, 0) || 1;
      for (let p = 0; p < NUM_CLASSES; p++) {
        const n = confusion[t][p];
        const cell = el('td', t === p ? 'diagonal' : n > 0 ? 'miss' : 'zero', String(n));
        // Shade by the share of that true digit's samples, so rare and common digits compare.
        cell.style.setProperty('--share', (n / total).toFixed(3));
        cell.title = `true ${t}, predicted ${p}: ${n}`;
        row.append(cell);
      }
      body.append(row);
    }
    table.replaceChildren(caption, head, body);
  }
}

function stat(value: string, label: string): HTMLElement {
  const box = el('div', 'stat');
  box.append(el('strong', undefined, value), el('span', undefined, label));
  return box;
}
