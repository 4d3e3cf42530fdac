// `node --import tsx bench/forms.ts`: the model-forms table of `pnpm bench` on its own (no
// PyTorch needed): size, accuracy and onnxruntime-node images/s of float32, float16 and both
// int8 forms of artifacts/model/tfjs, taken alternately in one session.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadDataset, runCli, UsageError } from '@mnist-onnx/mnist/node';
import { benchModelForms, formatModelForms, formatModelFormsMarkdown } from './model-forms.js';

function positive(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a positive number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' }, threads: { type: 'string' } } });
  const load = loadavg();
  const { test } = await loadDataset('embedded');
  const forms = await benchModelForms(test, {
    rounds: Math.round(positive('rounds', values.rounds, 2)),
    seconds: positive('seconds', values.seconds, 1),
    threads: Math.round(positive('threads', values.threads, 1)),
    spin: false,
    batches: [1, 200, 'all'],
  });
  console.log(formatModelForms(forms));
  console.log(`\nload average ${load.map((l) => l.toFixed(2)).join(' ')} at the start, ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end\n`);
  console.log(formatModelFormsMarkdown(forms));
}

await runCli(main);
