import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failWithUsageError, runCli } from '@mnist-onnx/mnist/node';
import { BACKEND_CHOICES } from './backends/registry.js';
import { ACTIVATIONS, FINAL_ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, SCHEDULES, type Hyperparameters } from './hyperparameters.js';
import { PRESET_NAMES } from './presets.js';
import { createReporter } from './reporter.js';
import { train } from './train.js';

/** `pnpm train`: a thin layer over `train()`. */
export async function main(argv: string[] = hideBin(process.argv)): Promise<void> {
  const args = await yargs(argv)
    .scriptName('pnpm train')
    .usage('$0 [options]\n\nTrains the 784-200-200-10 MLP with TensorFlow.js and writes a tfjs LayersModel.')
    .options({
      preset: { type: 'string', choices: PRESET_NAMES, default: 'default', describe: 'default: best recipe found; seed: the seed project exactly' },
      epochs: { type: 'number', describe: 'Epochs (preset: 10)' },
      'batch-size': { type: 'number', describe: 'Batch size' },
      lr: { type: 'number', describe: 'Learning rate (peak for one-cycle)' },
      optimizer: { type: 'string', choices: OPTIMIZERS, describe: 'Optimizer' },
      momentum: { type: 'number', describe: 'Momentum, or Adam beta1' },
      'weight-decay': { type: 'number', describe: 'Decoupled weight decay (adamw)' },
      schedule: { type: 'string', choices: SCHEDULES, describe: 'Learning-rate schedule' },
      loss: { type: 'string', choices: LOSSES, describe: 'Loss on the outputs' },
      'label-smoothing': { type: 'number', describe: 'Label smoothing (0 = none)' },
      activation: { type: 'string', choices: ACTIVATIONS, describe: 'Hidden-layer activation' },
      'leaky-alpha': { type: 'number', describe: 'Negative slope of leaky-relu' },
      'final-activation': { type: 'string', choices: FINAL_ACTIVATIONS, describe: 'Activation on the logits (the seed: relu)' },
      init: { type: 'string', choices: INITS, describe: 'Weight initialisation' },
      'max-shift': { type: 'number', describe: 'Random shift augmentation, ±pixels (0 = none)' },
      seed: { type: 'number', describe: 'Seed for weights, shuffling and augmentation' },
      data: { type: 'string', default: 'embedded', describe: 'embedded | mnist | DIR with the four IDX files' },
      out: { type: 'string', describe: 'Model folder (default: artifacts/model/tfjs)' },
      'checkpoint-dir': { type: 'string', describe: 'Checkpoint folder (default: checkpoints beside the model folder)' },
      backend: { type: 'string', choices: BACKEND_CHOICES, default: 'auto', describe: 'auto takes the first that starts: tensorflow-gpu, webgpu (not software), tensorflow, wasm, cpu' },
      resume: { type: 'boolean', default: false, describe: 'Continue from the last complete epoch' },
      json: { type: 'boolean', default: false, describe: 'Print one JSON object per epoch on stdout, nothing else' },
      'train-limit': { type: 'number', describe: 'Train on N samples spread evenly over the training set' },
      'test-limit': { type: 'number', describe: 'Evaluate on N samples spread evenly over the test set' },
      'max-batches': { type: 'number', describe: 'Stop each epoch after N batches' },
      'log-interval': { type: 'number', default: 10, describe: 'Print the loss every N batches' },
    })
    .strict()
    .fail(failWithUsageError)
    .version(false)
    .help()
    .parseAsync();

  const overrides: Partial<Hyperparameters> = {
    epochs: args.epochs,
    batchSize: args['batch-size'],
    lr: args.lr,
    optimizer: args.optimizer as Hyperparameters['optimizer'] | undefined,
    momentum: args.momentum,
    weightDecay: args['weight-decay'],
    schedule: args.schedule as Hyperparameters['schedule'] | undefined,
    loss: args.loss as Hyperparameters['loss'] | undefined,
    labelSmoothing: args['label-smoothing'],
    activation: args.activation as Hyperparameters['activation'] | undefined,
    leakyAlpha: args['leaky-alpha'],
    finalActivation: args['final-activation'] as Hyperparameters['finalActivation'] | undefined,
    init: args.init as Hyperparameters['init'] | undefined,
    maxShift: args['max-shift'],
    seed: args.seed,
  };
  const reporter = createReporter({ json: args.json, stdout: process.stdout, stderr: process.stderr });
  const result = await train({
    preset: args.preset,
    overrides,
    data: args.data,
    out: args.out,
    checkpointDir: args['checkpoint-dir'],
    backend: args.backend,
    resume: args.resume,
    trainLimit: args['train-limit'],
    testLimit: args['test-limit'],
    maxBatches: args['max-batches'],
    logInterval: args['log-interval'],
  }, reporter);
  reporter.finish(result);
  result.model.dispose();
}

await runCli(() => main());
