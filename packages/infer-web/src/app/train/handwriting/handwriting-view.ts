import { NUM_CLASSES } from '@mnist-onnx/mnist';
import { el } from '../../view/dom.js';
import type { HandwritingExample } from './examples-store.js';

/** "Learn my handwriting": label the drawing, see what is stored, fine-tune, clear. */
export class HandwritingView {
  readonly labelButtons: HTMLButtonElement[] = [];
  readonly fineTuneButton = el('button', undefined, 'Fine-tune on my examples');
  readonly clearButton = el('button', undefined, 'Clear my examples');
  readonly #count = el('p', 'hint');
  readonly #notice = el('p', 'hint');
  readonly #result = el('p', 'train-result');

  constructor(parent: HTMLElement, private readonly panel: HTMLElement) {
    const section = el('div', 'handwriting');
    section.id = 'handwriting';
    const title = el('h3', undefined, 'Learn my handwriting');
    const intro = el('p', 'hint', 'Draw a digit on the pad, then say which it is. Your examples stay in this browser; every third of each digit is held out to measure the fine-tuning.');
    const labels = el('div', 'toolbar');
    labels.append('This is a');
    for (let digit = 0; digit < NUM_CLASSES; digit++) {
      const button = el('button', undefined, String(digit));
      button.type = 'button';
      button.id = `label-${digit}`;
      button.setAttribute('aria-label', `This drawing is a ${digit}`);
      this.labelButtons.push(button);
      labels.append(button);
    }
    this.fineTuneButton.type = 'button';
    this.fineTuneButton.id = 'fine-tune';
    this.clearButton.type = 'button';
    this.clearButton.id = 'clear-examples';
    const actions = el('div', 'toolbar');
    actions.append(this.fineTuneButton, this.clearButton);
    this.#count.id = 'examples-count';
    this.#notice.id = 'examples-notice';
    this.#notice.setAttribute('role', 'status');
    this.#notice.hidden = true;
    this.#result.id = 'fine-tune-result';
    section.append(title, intro, labels, this.#count, this.#notice, actions, this.#result);
    parent.append(section);
  }

  showExamples(examples: HandwritingExample[]): void {
    this.panel.dataset.examples = String(examples.length);
    const perDigit = new Array<number>(NUM_CLASSES).fill(0);
    for (const e of examples) perDigit[e.label]++;
    const counts = perDigit.map((n, d) => (n ? `${d}: ${n}` : '')).filter(Boolean).join(', ');
    this.#count.textContent = examples.length ? `${examples.length} example${examples.length === 1 ? '' : 's'} stored (${counts}).` : 'No examples stored yet.';
  }

  notice(text: string | undefined): void {
    this.#notice.textContent = text ?? '';
    this.#notice.hidden = !text;
  }

  setBusy(busy: boolean): void {
    for (const button of [...this.labelButtons, this.fineTuneButton, this.clearButton]) button.disabled = busy;
  }

  holdout(before: number, after: number, count: number): void {
    Object.assign(this.panel.dataset, { holdoutBefore: String(before), holdoutAfter: String(after), holdoutCount: String(count) });
    this.#result.textContent = `Your held-out drawings: ${before}/${count} read right before fine-tuning, ${after}/${count} after.`;
  }
}
