import * as tf from '@tensorflow/tfjs';
import { DeviceUnavailableError } from '@mnist-onnx/devices';
import type { Dataset } from '@mnist-onnx/mnist';
import { importClassifierOnnx, withMetadata, withVerification, type ImportedClassifier } from '@mnist-onnx/export/browser';
import { DivergenceError, PRESET_NAMES, presetHyperparameters, type Hyperparameters, type PresetName } from '@mnist-onnx/train/browser';
import { loadTestSet } from '../test-set/test-set.js';
import { CurvesChart } from './curves-chart.js';
import { deviceLost } from './device-loss.js';
import { clearExamples, examplePixels, loadExamples, saveExamples, splitHoldout, type HandwritingExample } from './handwriting/examples-store.js';
import { fineTuneHyperparameters, fineTuneSet, holdoutCorrect } from './handwriting/fine-tune-data.js';
import { HandwritingView } from './handwriting/handwriting-view.js';
import { exportPageModel } from './page-export.js';
import { trainInPage, type PageTrainingRun, type TrainedModel } from './page-trainer.js';
import { verifyInPage } from './page-verify.js';
import { startTrainingBackend, type StartedBackend } from './training-backend.js';
import { loadTrainSet } from './train-set.js';
import { TrainView, type TrainSettings } from './train-view.js';

/** What the panel needs from the page around it. */
export interface TrainPanelHost {
  /** wasm threads of the page's onnxruntime-web (the verification runs on it). */
  threads: number;
  /** Makes `bytes` the page's classifier without a reload; true when it loaded and is in use. */
  useModel(bytes: Uint8Array, file: string): Promise<boolean>;
  /** The drawing on the pad as the classifier reads it (784 values in [0,1]); undefined when empty. */
  currentDigit(): Float32Array | undefined;
  /** The ONNX bytes and file name of the model in use; undefined while none has loaded. */
  currentModel(): { bytes: Uint8Array; file: string } | undefined;
}

/** The file name the page gives the model it trained (and the download). */
export const PAGE_MODEL_FILE = 'mnist-mlp-page.onnx';

/** Where fine-tuning starts from: the model this panel last trained and put in use, or the model in use read back from its ONNX bytes. */
interface PageModel {
  hp: Hyperparameters;
  preset: string;
  weights: Float32Array[];
  /** The bytes the panel put in use (absent for an imported model). */
  bytes?: Uint8Array;
}

/**
 * The network an imported file describes, on the hyperparameters of the preset its metadata
 * names (else `default`): the architecture and activations come from the file itself.
 */
function importedStart(imported: ImportedClassifier): PageModel {
  const preset = (PRESET_NAMES as string[]).includes(imported.preset) ? (imported.preset as PresetName) : 'default';
  const base = presetHyperparameters(preset);
  const hp: Hyperparameters = {
    ...base,
    inputUnits: imported.inputUnits,
    outputUnits: imported.outputUnits,
    hiddenUnits: imported.hiddenUnits,
    activation: imported.activation,
    leakyAlpha: imported.leakyAlpha ?? base.leakyAlpha,
    finalActivation: imported.finalActivation,
  };
  return { hp, preset, weights: imported.weights };
}

interface Data {
  train: Dataset;
  test: Dataset;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function checkSettings(settings: TrainSettings): string | undefined {
  if (!Number.isInteger(settings.epochs) || settings.epochs < 1 || settings.epochs > 100) return `Epochs: "${settings.epochs}" is not a whole number from 1 to 100`;
  if (settings.maxBatches !== null && (!Number.isInteger(settings.maxBatches) || settings.maxBatches < 1)) return `Batches per epoch: "${settings.maxBatches}" is not a whole number ≥ 1 (leave it empty for all)`;
  if (settings.lr !== null && !(Number.isFinite(settings.lr) && settings.lr > 0)) return `Learning rate: "${settings.lr}" is not a number > 0 (leave it empty for the preset's)`;
  return undefined;
}

/**
 * The Train panel: train (or fine-tune) → export → verify → swap → download, all in the page.
 * This module is the chunk's entry point, imported by main.ts only when the user opens the
 * panel, so tfjs, its backends and ECharts never weigh on reading a digit.
 */
export class TrainPanel {
  readonly #view: TrainView;
  readonly #handwriting: HandwritingView;
  readonly #chart: CurvesChart;
  #data: Promise<Data> | undefined;
  #stopRequested = false;
  #current: PageModel | undefined;
  #examples: HandwritingExample[];

  constructor(container: HTMLElement, private readonly host: TrainPanelHost) {
    this.#view = new TrainView(container);
    this.#chart = new CurvesChart(this.#view.chart);
    this.#handwriting = new HandwritingView(container, container);
    this.#view.trainButton.addEventListener('click', () => void this.train());
    this.#view.stopButton.addEventListener('click', () => {
      this.#stopRequested = true;
      this.#view.status('Stopping after this step…');
    });
    window.addEventListener('resize', () => this.#chart.resize());
    this.#view.status('Pick a preset, epochs and a backend, then Train. The training split (8,004 digits) loads with the first run.');
    const stored = loadExamples();
    this.#examples = stored.examples;
    this.#handwriting.notice(stored.notice);
    this.#handwriting.showExamples(this.#examples);
    this.#handwriting.labelButtons.forEach((button, digit) => button.addEventListener('click', () => this.label(digit)));
    this.#handwriting.clearButton.addEventListener('click', () => {
      clearExamples();
      this.#examples = [];
      this.#handwriting.notice('Your examples were cleared from this browser.');
      this.#handwriting.showExamples(this.#examples);
    });
    this.#handwriting.fineTuneButton.addEventListener('click', () => void this.fineTune());
  }

  /** Stores the drawing on the pad as an example of `digit`. */
  label(digit: number): void {
    const pixels = this.host.currentDigit();
    if (!pixels) {
      this.#handwriting.notice('Draw a digit on the pad first, then say which it is.');
      return;
    }
    this.#examples = [...this.#examples, { label: digit, pixels: examplePixels(pixels) }];
    try {
      saveExamples(this.#examples);
      this.#handwriting.notice(`Stored as a ${digit}.`);
    } catch (error) {
      this.#handwriting.notice(`Kept for this visit only: the browser refused to store it (${errorText(error)}).`);
    }
    this.#handwriting.showExamples(this.#examples);
  }

  /** A fresh model, trained on the embedded training split. */
  async train(): Promise<void> {
    const settings = this.#view.settings();
    const invalid = checkSettings(settings);
    if (invalid) {
      this.#view.message(invalid);
      return;
    }
    const preset = presetHyperparameters(settings.preset);
    const hp = { ...preset, epochs: settings.epochs, lr: settings.lr ?? preset.lr };
    await this.#run(settings, settings.preset, (data) => ({ hp, train: data.train, test: data.test }));
  }

  /** The model in use, fine-tuned on MNIST plus the user's examples; held-out ones measured before and after. */
  async fineTune(): Promise<void> {
    const settings = this.#view.settings();
    const { fit, holdout } = splitHoldout(this.#examples);
    if (fit.length === 0 || holdout.length === 0) {
      this.#view.message('Label at least three drawings of a digit: two to learn from, one held out to measure.');
      return;
    }
    const invalid = checkSettings(settings);
    if (invalid) {
      this.#view.message(invalid);
      return;
    }
    const current = this.#startingPoint();
    if (typeof current === 'string') {
      this.#view.message(current);
      return;
    }
    let before = 0;
    const hp = fineTuneHyperparameters(current.hp, 1);
    await this.#run({ ...settings, maxBatches: null }, current.preset, (data) => ({
      hp,
      train: fineTuneSet(data.train, fit),
      test: data.test,
      initialWeights: current.weights,
      beforeTraining: async (params, config) => {
        before = await holdoutCorrect(params, config, holdout);
      },
    }), async (trained) => {
      this.#handwriting.holdout(before, await holdoutCorrect(trained.params, trained.config, holdout), holdout.length);
    });
  }

  /**
   * What fine-tuning starts from: the model in use. When that is the one this panel trained, its
   * weights as trained; otherwise (the page's default model, a file the user opened) the model
   * read back from its ONNX bytes. A string says why there is nothing to start from.
   */
  #startingPoint(): PageModel | string {
    const inUse = this.host.currentModel();
    if (this.#current && (!inUse || inUse.bytes === this.#current.bytes)) return this.#current;
    if (!inUse) return 'No model is in use yet: wait for the page to load one (or train one here), then fine-tune.';
    try {
      return importedStart(importClassifierOnnx(inUse.bytes, inUse.file));
    } catch (error) {
      return `${errorText(error)}.`;
    }
  }

  /** One run: any failure ends it with a message, and the model in use stays. */
  async #run(settings: TrainSettings, preset: string, plan: (data: Data) => Omit<PageTrainingRun, 'backend' | 'maxBatches' | 'shouldStop'>, afterTraining?: (trained: TrainedModel) => Promise<void>): Promise<void> {
    const view = this.#view;
    view.reset();
    view.setState('loading');
    this.#handwriting.setBusy(true);
    view.status('Loading tfjs, the backend and the training split…');
    this.#stopRequested = false;
    this.#chart.reset();
    let trained: TrainedModel | undefined;
    try {
      const data = await this.#loadData();
      const backend = await startTrainingBackend(settings.backend);
      view.showBackend(backend);
      view.setState('training');
      const run = plan(data);
      const training = trainInPage({
        ...run,
        backend: backend.name,
        maxBatches: settings.maxBatches,
        onStep: (progress) => {
          view.step(progress);
          if (progress.loss !== undefined) this.#chart.addStepLoss(progress.epoch - 1 + progress.batch / progress.batches, progress.loss);
        },
        onEpoch: (result) => {
          view.epoch(result);
          this.#chart.addEpoch(result);
        },
        shouldStop: () => this.#stopRequested,
      });
      try {
        trained = await Promise.race([training, deviceLost()]);
      } catch (error) {
        // A lost device may leave the run waiting on a read-back for ever: it is abandoned, told
        // to stop should it ever wake, and its model freed then.
        this.#stopRequested = true;
        void training.then((late) => late.model.dispose(), () => undefined);
        throw error;
      }
      if (trained.stopped) {
        view.setState('stopped');
        view.status(`Stopped after ${trained.steps} steps on ${backend.name}. The model in use is kept; nothing was exported.`);
        return;
      }
      await afterTraining?.(trained);
      const bytes = await this.#exportAndUse(trained, preset, data.test, backend);
      if (bytes) {
        this.#current = { hp: run.hp, preset, bytes, weights: await Promise.all(trained.variables.map(async (v) => (await v.data()) as Float32Array)) };
      }
    } catch (error) {
      view.setState('error');
      view.status('Training ended with an error. The model in use is kept.');
      if (error instanceof DeviceUnavailableError) view.message(`${errorText(error)}. Pick another backend and train again.`);
      else if (error instanceof DivergenceError) view.message(`${errorText(error)}. The model in use is kept.`);
      else view.message(`Training on ${tf.getBackend() ?? 'tfjs'} failed: ${errorText(error)}. Pick another backend and train again.`);
    } finally {
      trained?.model.dispose();
      this.#handwriting.setBusy(false);
    }
  }

  #loadData(): Promise<Data> {
    this.#data ??= Promise.all([loadTrainSet(), loadTestSet()]).then(([train, test]) => ({ train, test }));
    // A failed download may be retried by the next run.
    this.#data.catch(() => {
      this.#data = undefined;
    });
    return this.#data;
  }

  /** Export, verify, swap, offer: the bytes put in use, or undefined (with the reason shown) when the model is not put in use. */
  async #exportAndUse(trained: TrainedModel, preset: string, test: Dataset, backend: StartedBackend): Promise<Uint8Array | undefined> {
    const view = this.#view;
    view.setState('exporting');
    view.withdraw();
    view.status('Exporting to ONNX and verifying it against tfjs on the test set…');
    const last = trained.history.at(-1)!;
    const onnx = await exportPageModel(trained.model, { file: 'the page', testAccuracy: last.testAccuracy, datasetId: 'embedded', preset, finishedAt: new Date().toISOString() }, `tfjs layers-model (trained in the page on ${backend.name})`);
    const check = await verifyInPage(onnx.built.bytes, trained, test, this.host.threads);
    view.verified(check, PAGE_MODEL_FILE);
    if (!check.passed) {
      view.setState('failed');
      view.status('The exported model was not used or offered.');
      view.message(`${check.failure}. The model in use is kept.`);
      return undefined;
    }
    // What only the verification knows goes into the file's metadata, as pnpm export does.
    const bytes = withMetadata(onnx.built.bytes, withVerification(onnx.metadata, { dataset: 'embedded', samples: check.samples, batchSize: check.samples, accuracy: check.onnxCorrect / check.samples, float32Accuracy: check.tfjsCorrect / check.samples }));
    view.status('Verified. Loading it into the classifier…');
    if (!(await this.host.useModel(bytes, PAGE_MODEL_FILE))) {
      view.setState('failed');
      view.status('The exported model did not load into the classifier (see the runtime panel); it is not offered.');
      return undefined;
    }
    view.offer(bytes, PAGE_MODEL_FILE);
    view.setState('done');
    view.status(`Done: the page now reads digits with the model it trained on ${backend.name}.`);
    return bytes;
  }
}

/** Builds the panel into `container` (main.ts calls this once, on first open). */
export function openTrainPanel(container: HTMLElement, host: TrainPanelHost): TrainPanel {
  return new TrainPanel(container, host);
}
