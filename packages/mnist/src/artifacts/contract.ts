import type { z } from 'zod';
import { ArtifactError } from './artifact-error.js';

/**
 * A JSON file one package writes and others read. On disk it is the body with an envelope in
 * front: `{ "format": "mnist-onnx-training-record", "version": 1, …body }`. The body's type is
 * inferred from `schema`, so the type and the validation cannot drift apart.
 */
export interface ArtifactContract<Body> {
  /** What the file is, in words: "training record". */
  readonly title: string;
  /** Names the kind of file, so that another JSON file is recognised as foreign. */
  readonly format: string;
  /** The version this code writes. Older versions a reader still accepts are listed in `reads`. */
  readonly version: number;
  readonly schema: z.ZodType<Body>;
  /**
   * Files written before the envelope existed carry neither `format` nor `version`; when true
   * they are read as version 1. (Every contract's version 1 body is what was written then.)
   */
  readonly readsUnversioned: boolean;
}

export function defineArtifact<Body>(contract: ArtifactContract<Body>): ArtifactContract<Body> {
  return Object.freeze({ ...contract });
}

/**
 * The same file read for part of its content: same format and version, a narrower schema.
 * A reader that needs three fields validates those three, and still rejects a foreign file.
 */
export function artifactView<Body>(contract: ArtifactContract<unknown>, schema: z.ZodType<Body>): ArtifactContract<Body> {
  return defineArtifact({ ...contract, schema });
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `a number`, `an array`, `"x"`, `null`…: how a JSON value is named in a message. */
export function describeJsonValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

/** `a, b or c`. */
const orList = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1)}` : (items[0] ?? 'nothing'));

/** `a training record`, `an export report`. */
const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** `history[2].testLoss`: the path of a field the way it reads in JS. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One zod issue as `field: what is wrong`, in the words of a person, not of zod. */
function describeIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const where = fieldPath(issue.path);
  const got = valueAt(root, issue.path);
  const prefix = where ? `${where}: ` : '';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return got === undefined ? `${prefix}missing (expected ${expected})` : `${prefix}expected ${expected}, got ${describeJsonValue(got)}`;
    }
    case 'invalid_value':
      return `${prefix}expected ${orList(issue.values.map((v) => describeJsonValue(v)))}, got ${describeJsonValue(got)}`;
    case 'invalid_union': {
      // A discriminated union names its allowed tags; a plain one lists what each branch expected.
      const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map((v) => describeJsonValue(v)) : undefined;
      const branches = issue.errors.map((branch) => branch[0]).filter((first) => first?.code === 'invalid_type' && first.path.length === 0);
      const expected = options ?? (branches.length === issue.errors.length ? branches.map((b) => EXPECTED[(b as { expected: string }).expected] ?? 'something else') : undefined);
      if (!expected) return `${prefix}${describeJsonValue(got)} matches none of the allowed shapes`;
      return got === undefined ? `${prefix}missing (expected ${orList(expected)})` : `${prefix}expected ${orList(expected)}, got ${describeJsonValue(got)}`;
    }
    default:
      return `${prefix}${issue.message}`;
  }
}

/** Checks `value` against the contract's schema; throws ArtifactError naming the first bad field. */
export function validateBody<Body>(contract: ArtifactContract<Body>, value: unknown, file: string): Body {
  const result = contract.schema.safeParse(value);
  if (result.success) return result.data;
  throw new ArtifactError(file, 'field', describeIssue(result.error.issues[0], value));
}

/**
 * Reads the text of an artifact file: JSON, an object, this contract's format, a version this
 * reader knows, and a body that matches the schema. Returns the body (without the envelope).
 * `file` is only used in messages.
 */
export function parseArtifact<Body>(contract: ArtifactContract<Body>, text: string, file: string): Body {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(file, 'not-json', `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(json)) throw new ArtifactError(file, 'not-json', `expected a JSON object (${withArticle(contract.title)}), got ${describeJsonValue(json)}`);
  const { format, version, ...body } = json;
  if (format === undefined && version === undefined && contract.readsUnversioned) return validateBody(contract, body, file);
  if (format !== contract.format) {
    const what = format === undefined ? 'has no "format" field' : `is ${describeJsonValue(format)}`;
    throw new ArtifactError(file, 'foreign', `not ${withArticle(contract.title)}: its format ${what}, expected "${contract.format}"`);
  }
  if (version !== contract.version) {
    const newer = typeof version === 'number' && version > contract.version;
    throw new ArtifactError(
      file,
      'version',
      newer
        ? `${contract.title} version ${version} is newer than this reader (${contract.version}); update mnist-onnx`
        : `version: expected ${contract.version}, got ${describeJsonValue(version)}`,
    );
  }
  return validateBody(contract, body, file);
}

/**
 * The file's text: envelope, then the body, pretty-printed. The body is validated first, so a
 * producer never writes what its readers would reject (`file` names it if that happens).
 */
export function serializeArtifact<Body>(contract: ArtifactContract<Body>, body: Body, file: string): string {
  validateBody(contract, body, file);
  return `${JSON.stringify({ format: contract.format, version: contract.version, ...(body as object) }, null, 2)}\n`;
}
