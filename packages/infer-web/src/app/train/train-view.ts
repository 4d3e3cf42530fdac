import { PRESET_NAMES } from '@mnist-onnx/train/browser';
import { el } from '../view/dom.js';
import { TRAINING_BACKEND_CHOICES, type StartedBackend, type TrainingBackendChoice } from './training-backend.js';
import type { EpochResult, StepProgress } from './page-trainer.js';
import type { PageVerification } from './page-verify.js';

/** Where the panel is; also `data-state` on the panel, which the browser tests wait on. */
export type TrainState = 'idle' | 'loading' | 'training' | 'stopped' | 'exporting' | 'done' | 'failed' | 'error';

const BACKEND_LABELS: Record<TrainingBackendChoice, string> = {
  auto: 'Auto: WebGPU on a hardware GPU, else WebAssembly',
  webgpu: 'WebGPU',
  wasm: 'WebAssembly (wasm)',
  webgl: 'WebGL',
};

export interface TrainSettings {
  preset: string;
  epochs: number;
  backend: TrainingBackendChoice;
  /** Batches per epoch at most; null for the whole training split. */
  maxBatches: number | null;
  /** The learning rate (peak, for one-cycle); null for the preset's. */
  lr: number | null;
}

const number = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

function field(label: string, control: HTMLElement, id: string): HTMLElement {
  const wrapper = el('div', 'field');
  const text = el('label', undefined, label);
  text.htmlFor = id;
  control.id = id;
  wrapper.append(text, control);
  return wrapper;
}

function select(options: readonly string[], labels: (o: string) => string): HTMLSelectElement {
  const element = el('select');
  for (const option of options) element.append(new Option(labels(option), option));
  return element;
}

/** The Train panel's controls and read-outs, built into the `#train` section of index.html. */
export class TrainView {
  readonly preset = select(PRESET_NAMES, (p) => (p === 'default' ? 'default (AdamW, one-cycle, shifts)' : 'seed (the PyTorch recipe: SGD 0.01)'));
  readonly epochs = el('input');
  readonly backend = select(TRAINING_BACKEND_CHOICES, (b) => BACKEND_LABELS[b as TrainingBackendChoice]);
  readonly maxBatches = el('input');
  readonly lr = el('input');
  readonly trainButton = el('button', undefined, 'Train');
  readonly stopButton = el('button', undefined, 'Stop');
  readonly download = el('a', 'button', 'Download the .onnx');
  readonly chart = el('div', 'train-chart');
  readonly #status = el('p', 'train-status');
  readonly #progress = el('progress');
  readonly #backendLine = el('p', 'hint');
  readonly #message = el('div', 'train-message');
  readonly #result = el('p', 'train-result');

  constructor(private readonly panel: HTMLElement) {
    this.preset.value = 'default';
    this.epochs.type = 'number';
    this.epochs.min = '1';
    this.epochs.max = '100';
    this.epochs.value = '10';
    this.maxBatches.type = 'number';
    this.maxBatches.min = '1';
    this.maxBatches.placeholder = 'all';
    this.lr.type = 'text';
    this.lr.inputMode = 'decimal';
    this.lr.placeholder = 'the preset\'s';
    this.trainButton.type = 'button';
    this.stopButton.type = 'button';
    this.stopButton.disabled = true;
    this.trainButton.id = 'train-start';
    this.stopButton.id = 'train-stop';
    this.download.id = 'train-download';
    this.download.hidden = true;
    this.chart.id = 'train-chart';
    this.#status.id = 'train-status';
    this.#status.setAttribute('aria-live', 'polite');
    this.#progress.id = 'train-progress';
    this.#progress.hidden = true;
    this.#backendLine.id = 'train-backend';
    this.#message.id = 'train-message';
    this.#message.setAttribute('role', 'alert');
    this.#message.hidden = true;
    this.#result.id = 'train-result';
    const fields = el('div', 'train-fields');
    fields.append(field('Preset', this.preset, 'train-preset'), field('Epochs', this.epochs, 'train-epochs'), field('Backend', this.backend, 'train-backend-choice'), field('Batches per epoch', this.maxBatches, 'train-max-batches'), field('Learning rate', this.lr, 'train-lr'));
    const toolbar = el('div', 'toolbar');
    toolbar.append(this.trainButton, this.stopButton, this.#progress, this.download);
    panel.append(fields, toolbar, this.#status, this.#backendLine, this.#message, this.chart, this.#result);
    this.setState('idle');
  }

  /** Forgets the last run's read-outs (the panel's data-* too) as a new one starts. */
  reset(): void {
    for (const key of ['backend', 'epoch', 'batch', 'steps', 'samplesPerSecond', 'loss', 'testAccuracyTfjs', 'epochSamplesPerSecond', 'epochDone', 'maxAbsDiff', 'agreement', 'samples', 'onnxCorrect', 'onnxAccuracy']) delete this.panel.dataset[key];
    this.#result.textContent = '';
    this.#backendLine.textContent = '';
    this.clearMessage();
  }

  settings(): TrainSettings {
    const limit = this.maxBatches.value.trim();
    const lr = this.lr.value.trim();
    return {
      preset: this.preset.value,
      epochs: Number(this.epochs.value),
      backend: this.backend.value as TrainingBackendChoice,
      maxBatches: limit === '' ? null : Number(limit),
      lr: lr === '' ? null : Number(lr),
    };
  }

  setState(state: TrainState): void {
    this.panel.dataset.state = state;
    const busy = state === 'loading' || state === 'training' || state === 'exporting';
    this.trainButton.disabled = busy;
    this.stopButton.disabled = state !== 'training';
    for (const control of [this.preset, this.epochs, this.backend, this.maxBatches, this.lr]) control.disabled = busy;
    this.#progress.hidden = state !== 'training';
  }

  status(text: string): void {
    this.#status.textContent = text;
  }

  /** An error or a refusal, with what to do; cleared by clearMessage. */
  message(text: string): void {
    this.#message.textContent = text;
    this.#message.hidden = false;
  }

  clearMessage(): void {
    this.#message.hidden = true;
    this.#message.textContent = '';
  }

  showBackend(started: StartedBackend): void {
    this.panel.dataset.backend = started.name;
    this.panel.dataset.backendDetail = started.detail;
    this.#backendLine.replaceChildren(`Training on ${started.name}${started.detail ? ` · ${started.detail}` : ''}`);
    for (const skipped of started.skipped) this.#backendLine.append(el('br'), `${skipped.name} skipped: ${skipped.reason}`);
  }

  step(progress: StepProgress): void {
    const { dataset } = this.panel;
    dataset.epoch = String(progress.epoch);
    dataset.batch = String(progress.batch);
    dataset.steps = String(progress.step);
    dataset.samplesPerSecond = progress.samplesPerSecond.toFixed(0);
    if (progress.loss !== undefined) dataset.loss = String(progress.loss);
    this.#progress.max = progress.batches * progress.epochs;
    this.#progress.value = (progress.epoch - 1) * progress.batches + progress.batch;
    const loss = dataset.loss ? ` · loss ${Number(dataset.loss).toFixed(4)}` : '';
    this.status(`Epoch ${progress.epoch}/${progress.epochs} · batch ${progress.batch}/${progress.batches} · ${number(progress.samplesPerSecond)} samples/s${loss}`);
  }

  epoch(result: EpochResult): void {
    this.panel.dataset.testAccuracyTfjs = String(result.testAccuracy);
    // The epoch's own speed (training steps only, the test-set pass excluded): what the web bench reads.
    this.panel.dataset.epochSamplesPerSecond = result.samplesPerSecond.toFixed(0);
    this.panel.dataset.epochDone = String(result.epoch);
    this.#result.textContent = `Epoch ${result.epoch}: test accuracy ${percent(result.testAccuracy)} (${result.testCorrect}/${result.testCount}), test loss ${result.testLoss.toFixed(4)}, ${number(result.samplesPerSecond)} samples/s`;
  }

  verified(check: PageVerification, file: string): void {
    const { dataset } = this.panel;
    dataset.maxAbsDiff = String(check.maxAbsDiff);
    dataset.agreement = String(check.agreement);
    dataset.samples = String(check.samples);
    dataset.onnxCorrect = String(check.onnxCorrect);
    dataset.onnxAccuracy = String(check.onnxCorrect / check.samples);
    this.#result.textContent = `${file}: test accuracy ${percent(check.onnxCorrect / check.samples)} (${check.onnxCorrect}/${check.samples}) in onnxruntime-web · against tfjs: max |Δlogit| ${check.maxAbsDiff.toExponential(2)}, argmax agreement ${check.agreement}/${check.samples}`;
  }

  offer(bytes: Uint8Array, file: string): void {
    if (this.download.href) URL.revokeObjectURL(this.download.href);
    this.download.href = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/octet-stream' }));
    this.download.download = file;
    this.download.hidden = false;
  }

  withdraw(): void {
    if (this.download.href) URL.revokeObjectURL(this.download.href);
    this.download.removeAttribute('href');
    this.download.hidden = true;
  }
}
