/**
 * Base class of every error this project raises on purpose. `code` is stable and machine
 * readable; `message` is one line that names the file or flag and what is wrong, so the CLI
 * edge can print it as it is.
 */
export class MnistOnnxError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An IDX file that is not what it claims to be (magic, type, dimensions, size, labels). */
export class IdxFormatError extends MnistOnnxError {
  readonly file: string;
  constructor(file: string, problem: string) {
    super('IDX_FORMAT', `${file}: ${problem}`);
    this.file = file;
  }
}

/** A dataset that cannot be found or assembled (missing files, mismatched counts). */
export class DatasetError extends MnistOnnxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATASET', message, options);
  }
}
