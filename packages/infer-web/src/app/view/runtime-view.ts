import { describedNetwork, modelForm } from '@mnist-onnx/mnist';
import type { ClassifierInfo } from '../model/web-classifier.js';
import { byId } from './dom.js';

const PROVIDER_NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'WebAssembly (wasm)' };

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** Which model runs where, why a provider was skipped, and errors the user should see. */
export class RuntimeView {
  readonly #root = document.documentElement;
  readonly #provider = byId('active-provider');
  readonly #skipped = byId('skipped-providers');
  readonly #model = byId('model-info');
  readonly #message = byId('message');

  loading(what: string): void {
    this.#root.dataset.busy = 'true';
    this.#provider.textContent = what;
  }

  show(info: ClassifierInfo): void {
    const root = this.#root;
    root.dataset.ready = 'true';
    root.dataset.provider = info.provider;
    delete root.dataset.busy;
    this.#provider.textContent = `${PROVIDER_NAMES[info.provider]} · ${info.providerDetail} · session ${info.sessionCreateMs.toFixed(0)} ms`;
    this.#provider.title = `onnxruntime loaded and the session created in ${info.sessionCreateMs.toFixed(0)} ms; first run ${info.firstRunMs.toFixed(1)} ms`;
    this.#provider.dataset.firstRunMs = info.firstRunMs.toFixed(3);
    this.#skipped.replaceChildren(
      ...info.skipped.map((s) => {
        const li = document.createElement('li');
        li.dataset.provider = s.name;
        li.textContent = `${PROVIDER_NAMES[s.name as keyof typeof PROVIDER_NAMES]} skipped: ${s.reason}`;
        return li;
      }),
    );
    this.#skipped.hidden = info.skipped.length === 0;
    const { signature: sig, model } = info;
    const rows: [string, string][] = [
      ['file', `${info.file} (${kb(info.bytes)})`],
      ['producer', `${model.producer || 'unknown'}${model.opsetVersion ? `, opset ${model.opsetVersion}` : ''}`],
      ['input', `${sig.inputName} [${sig.inputShape.join(', ')}]`],
      ['pixels', info.input.source],
      ['output', `${sig.outputName} [${sig.outputShape.join(', ')}]${sig.outputKind ? `, ${sig.outputKind}` : ''}`],
    ];
    const network = describedNetwork(model.metadata);
    if (network.architecture) rows.splice(2, 0, ['network', network.architecture]);
    // Which form runs (float32, float16, int8 weight-only, int8 dynamic), as export recorded it.
    const form = modelForm(model.metadata);
    rows.push(['weights', form.name ? `${form.name} (${form.detail})` : form.detail]);
    this.#model.dataset.form = form.name ?? 'unknown';
    if (network.trainingTestAccuracy !== undefined) rows.push(['trained to', `${(network.trainingTestAccuracy * 100).toFixed(2)}% test accuracy`]);
    this.#model.replaceChildren(
      ...rows.flatMap(([key, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = key;
        const dd = document.createElement('dd');
        dd.textContent = value;
        return [dt, dd];
      }),
    );
    this.#model.dataset.file = info.file;
  }

  /** An error the page survives: shown until the next successful action. */
  error(message: string): void {
    delete this.#root.dataset.busy;
    this.#message.hidden = false;
    this.#message.textContent = message;
    this.#message.dataset.kind = 'error';
  }

  clearMessage(): void {
    this.#message.hidden = true;
    this.#message.textContent = '';
    delete this.#message.dataset.kind;
  }
}
