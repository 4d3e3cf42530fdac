import { MnistOnnxError } from '../errors.js';

/** A bad command line: unknown flag, missing argument, value out of range. */
export class UsageError extends MnistOnnxError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * The CLI edge: runs `main`, and turns any error into one line on stderr and exit code 1.
 * Errors of our own carry a message written for users; anything else is unexpected, so its
 * class is shown too (set MNIST_ONNX_DEBUG=1 for the stack).
 */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    process.stderr.write(`error: ${describeError(error)}\n`);
    if (process.env.MNIST_ONNX_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof MnistOnnxError) return oneLine(error.message);
  if (error instanceof Error) return oneLine(`${error.name}: ${error.message}`);
  return oneLine(String(error));
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** For yargs' `.fail()`: report usage mistakes as UsageError instead of printing help. */
export function failWithUsageError(message: string | null | undefined, error: Error | undefined): never {
  if (error) throw error instanceof MnistOnnxError ? error : new UsageError(error.message);
  throw new UsageError(message ?? 'invalid command line (see --help)');
}
