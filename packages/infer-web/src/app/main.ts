import { modelForm, preprocessDigit, type Dataset } from '@mnist-onnx/mnist';
import { ASSET_PATHS } from './asset-paths.js';
import { Drawing } from './draw/drawing.js';
import { DrawingCanvas } from './draw/drawing-canvas.js';
import { FrameScheduler } from './draw/frame-scheduler.js';
import { fetchBytes } from './fetch-bytes.js';
import { WebClassifier } from './model/web-classifier.js';
import { PhaseClock } from './predict/phase-clock.js';
import { PROVIDER_ORDER, type ProviderChoice } from './runtime/create-session.js';
import { loadOrt, planThreads } from './runtime/ort.js';
import { probeWebGpu } from './runtime/webgpu-probe.js';
import { evaluateTestSet } from './test-set/evaluate.js';
import { loadTestSet } from './test-set/test-set.js';
import { byId } from './view/dom.js';
import { LatencyView } from './view/latency-view.js';
import { PredictionView } from './view/prediction-view.js';
import { RuntimeView } from './view/runtime-view.js';
import { TestSetView } from './view/test-set-view.js';

// Start the model download and the WebGPU adapter probe at once. The performance marks
// (digit-page:*) let a profile see where the time to ready goes.
const modelBytes = fetchBytes(new URL(ASSET_PATHS.model, document.baseURI).href);
void modelBytes.then(() => performance.mark('digit-page:model-fetched'), () => undefined);
void probeWebGpu().then(() => performance.mark('digit-page:webgpu-probed'));

// `?ep=webgpu|wasm|auto` preselects the provider, `?threads=N` the wasm thread count (default 1).
const params = new URLSearchParams(location.search);
const { threads, reason: threadNote } = planThreads(Number(params.get('threads')) || 1);
byId('isolation').textContent = `WebAssembly runs with ${threadNote}.`;

const drawing = new Drawing();
const pad = new DrawingCanvas(byId<HTMLCanvasElement>('pad'), drawing);
const prediction = new PredictionView();
const latency = new LatencyView();
const runtime = new RuntimeView();
const testView = new TestSetView();
const undoButton = byId<HTMLButtonElement>('undo');
const clearButton = byId<HTMLButtonElement>('clear');
const providerSelect = byId<HTMLSelectElement>('provider');
const requestedProvider = params.get('ep');
if (requestedProvider && ['auto', ...PROVIDER_ORDER].includes(requestedProvider)) providerSelect.value = requestedProvider;
// The wasm build's script (50 KB; its 14 MB runtime loads only with a session) is what Auto
// runs unless the probe finds a hardware GPU: import it while the model and the probe are pending.
if (providerSelect.value !== 'webgpu') void loadOrt('wasm', threads).catch(() => undefined);
const testButton = byId<HTMLButtonElement>('run-test-set');

let classifier: WebClassifier | undefined;
/** The ONNX bytes behind each classifier: the Train panel fine-tunes the model in use from them. */
const classifierBytes = new WeakMap<WebClassifier, Uint8Array>();
let testSet: Promise<Dataset> | undefined;
let testRunning = false;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** One live prediction of the current drawing; the scheduler runs it at most once a frame. */
async function predict(): Promise<void> {
  prediction.countRun();
  const revision = drawing.revision;
  const current = classifier;
  if (drawing.isEmpty || !current) {
    prediction.showEmpty(revision);
    return;
  }
  const clock = new PhaseClock();
  const image = pad.modelImage();
  clock.lap('image');
  const digit = preprocessDigit(image);
  clock.lap('preprocess');
  if (!digit) {
    prediction.showEmpty(revision);
    return;
  }
  try {
    const probabilities = await current.classify(digit.pixels, 1);
    clock.lap('model');
    prediction.show(probabilities, digit.pixels, revision, current.info.provider);
    clock.lap('show');
    latency.record(clock);
  } catch (error) {
    runtime.error(`Prediction failed on ${current.info.provider}: ${errorText(error)}`);
  }
}

const scheduler = new FrameScheduler(predict);

function updateControls(): void {
  undoButton.disabled = !drawing.canUndo;
  clearButton.disabled = drawing.isEmpty;
  testButton.disabled = !classifier || testRunning;
}

drawing.onChange(() => {
  updateControls();
  scheduler.request();
});

/**
 * Swaps in a new classifier only once it has loaded: a file that is not a model, or a
 * provider that fails, leaves the page predicting with what it had.
 */
async function useClassifier(what: string, load: () => Promise<WebClassifier>): Promise<void> {
  runtime.loading(what);
  try {
    const next = await load();
    const previous = classifier;
    classifier = next;
    runtime.clearMessage();
    runtime.show(next.info);
    performance.mark('digit-page:ready');
    await previous?.dispose();
    scheduler.request();
  } catch (error) {
    runtime.error(errorText(error));
    if (classifier) runtime.show(classifier.info);
    else document.documentElement.dataset.ready = 'error';
  } finally {
    updateControls();
  }
}

const choice = (): ProviderChoice => providerSelect.value as ProviderChoice;

/** WebClassifier.load on the chosen provider, remembering the bytes it was loaded from. */
async function loadClassifier(bytes: Uint8Array, file: string): Promise<WebClassifier> {
  const loaded = await WebClassifier.load(bytes, file, choice(), threads);
  classifierBytes.set(loaded, bytes);
  return loaded;
}

async function openModelFile(file: File): Promise<void> {
  await useClassifier(`loading ${file.name}…`, async () => loadClassifier(new Uint8Array(await file.arrayBuffer()), file.name));
}

providerSelect.addEventListener('change', () => {
  const current = classifier;
  if (current) {
    void useClassifier('switching…', async () => {
      const next = await current.reload(choice(), threads);
      const bytes = classifierBytes.get(current);
      if (bytes) classifierBytes.set(next, bytes);
      return next;
    });
  }
});

const fileInput = byId<HTMLInputElement>('model-file');
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (file) void openModelFile(file);
});

// Drop a model anywhere on the page.
const overlay = byId('drop-overlay');
window.addEventListener('dragover', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  overlay.hidden = false;
});
window.addEventListener('dragleave', (e) => {
  if (e.relatedTarget === null) overlay.hidden = true;
});
window.addEventListener('drop', (e) => {
  e.preventDefault();
  overlay.hidden = true;
  const file = e.dataTransfer?.files[0];
  if (file) void openModelFile(file);
});

undoButton.addEventListener('click', () => drawing.undo());
clearButton.addEventListener('click', () => drawing.clear());
document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) return;
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    drawing.undo();
  } else if (e.key === 'Escape' || e.key === 'Delete' || (e.key === 'Backspace' && !e.ctrlKey && !e.metaKey)) {
    e.preventDefault();
    drawing.clear();
  }
});

testButton.addEventListener('click', async () => {
  const current = classifier;
  if (!current || testRunning) return;
  testRunning = true;
  updateControls();
  try {
    testSet ??= loadTestSet();
    const test = await testSet.catch((error: unknown) => {
      testSet = undefined;
      throw error;
    });
    testView.running(test.count);
    const result = await evaluateTestSet(current, test, (done) => testView.progress(done));
    testView.show(result, current.info.provider, modelForm(current.info.model.metadata).name);
  } catch (error) {
    testView.failed(`Test set failed: ${errorText(error)}`);
  } finally {
    testRunning = false;
    updateControls();
  }
});

// The Train panel (train/): tfjs, its backends and the charts are chunks of their own, imported
// only when the user opens it, so reading a digit never waits for them.
const openTrain = byId<HTMLButtonElement>('open-train');
openTrain.addEventListener('click', () => {
  openTrain.disabled = true;
  import('./train/train-panel.js').then(({ openTrainPanel }) => {
    openTrain.parentElement!.remove();
    openTrainPanel(byId('train'), {
      threads,
      async useModel(bytes, file) {
        const before = classifier;
        await useClassifier(`loading ${file}…`, () => loadClassifier(bytes, file));
        return classifier !== before && classifier?.info.file === file;
      },
      currentModel() {
        const bytes = classifier && classifierBytes.get(classifier);
        return classifier && bytes ? { bytes, file: classifier.info.file } : undefined;
      },
      currentDigit: () => (drawing.isEmpty ? undefined : preprocessDigit(pad.modelImage())?.pixels),
    });
  }, (error: unknown) => {
    openTrain.disabled = false;
    runtime.error(`The Train panel did not load: ${errorText(error)}`);
  });
});

void useClassifier('loading the model…', async () => loadClassifier(await modelBytes, ASSET_PATHS.model));
