import { MnistOnnxError } from '../errors.js';

/** What is wrong with an artifact file; the message says it in words. */
export type ArtifactProblem =
  /** The file is not there. */
  | 'missing'
  /** It is there but cannot be read (permissions, a folder…). */
  | 'unreadable'
  /** Not JSON, or JSON that is not an object. */
  | 'not-json'
  /** Another kind of file: its `format` names something else. */
  | 'foreign'
  /** This kind of file, but a version this reader does not know. */
  | 'version'
  /** The right kind and version, with a field that is missing or of the wrong type. */
  | 'field';

const CODES: Record<ArtifactProblem, string> = {
  missing: 'ARTIFACT_MISSING',
  unreadable: 'ARTIFACT_UNREADABLE',
  'not-json': 'ARTIFACT_NOT_JSON',
  foreign: 'ARTIFACT_FOREIGN',
  version: 'ARTIFACT_VERSION',
  field: 'ARTIFACT_FIELD',
};

/**
 * A training record, export report or inference report that cannot be read as what it claims
 * to be. The message is one line: the file, then the first bad field and what is wrong, e.g.
 * `artifacts/model/export-report.json: verification.maxAbsDiff: expected a number, got "x"`.
 * `code` is stable per problem: ARTIFACT_MISSING, ARTIFACT_UNREADABLE, ARTIFACT_NOT_JSON,
 * ARTIFACT_FOREIGN, ARTIFACT_VERSION, ARTIFACT_FIELD.
 */
export class ArtifactError extends MnistOnnxError {
  readonly file: string;
  readonly problem: ArtifactProblem;
  /** The message without the file name (for callers that wrap it in their own error). */
  readonly detail: string;
  constructor(file: string, problem: ArtifactProblem, detail: string, options?: { cause?: unknown }) {
    super(CODES[problem], `${file}: ${detail}`, options);
    this.file = file;
    this.problem = problem;
    this.detail = detail;
  }
}
