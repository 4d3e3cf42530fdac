import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ArtifactError,
  exportReportContract,
  inferenceReportContract,
  parseArtifact,
  serializeArtifact,
  trainingRecordContract,
  type ArtifactContract,
  type ExportReport,
} from '../src/artifacts/index.js';
import { artifactPaths, readArtifact, readArtifactIfPresent, writeArtifact } from '../src/node/index.js';

const fixture = (name: string) => new URL(`./fixtures/artifacts-v0/${name}`, import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'artifacts-test-'));

/** An export report as a v0 file (written before the envelope existed) holds it: a real one. */
const legacyExportReport = async (): Promise<Record<string, unknown>> => JSON.parse(await readFile(fixture('export-report.json'), 'utf8'));

async function readFails(contract: ArtifactContract<unknown>, name: string, content: unknown): Promise<ArtifactError> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  const error = await readArtifact(contract, file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ArtifactError);
  const artifactError = error as ArtifactError;
  expect(artifactError.message).not.toContain('\n');
  expect(artifactError.file).toBe(file);
  return artifactError;
}

describe('artifact contracts: files written before format/version existed', () => {
  it.each([
    ['training-record.json', trainingRecordContract],
    ['export-report.json', exportReportContract],
    ['infer-report.json', inferenceReportContract],
  ] as const)('%s of the earlier pnpm start reads as version 1', async (name, contract) => {
    const body = await readArtifact(contract as ArtifactContract<unknown>, fileURLToPath(fixture(name)));
    expect(body).toEqual(JSON.parse(await readFile(fixture(name), 'utf8')));
  });
});

describe('artifact contracts: write then read', () => {
  it('writes the envelope first and reads back the same body', async () => {
    const body = (await legacyExportReport()) as ExportReport;
    const file = join(dir, 'round-trip', 'export-report.json');
    await writeArtifact(exportReportContract, file, body);
    const text = await readFile(file, 'utf8');
    expect(Object.keys(JSON.parse(text)).slice(0, 2)).toEqual(['format', 'version']);
    expect(JSON.parse(text)).toMatchObject({ format: 'mnist-onnx-export-report', version: 1 });
    expect(await readArtifact(exportReportContract, file)).toEqual(body);
    // Atomic write: nothing but the file is left in the folder.
    expect(await readdir(join(dir, 'round-trip'))).toEqual(['export-report.json']);
  });

  it('refuses to write a body its readers would reject, and writes nothing', async () => {
    const body = { ...(await legacyExportReport()), exportedAt: 42 } as unknown as ExportReport;
    const file = join(dir, 'refused', 'export-report.json');
    await expect(writeArtifact(exportReportContract, file, body)).rejects.toThrow(`${file}: exportedAt: expected a string, got 42`);
    await expect(readdir(join(dir, 'refused'))).rejects.toThrow(/ENOENT/);
  });

  it('serialises what parses: serializeArtifact ∘ parseArtifact is the identity on a body', async () => {
    const body = await readArtifact(trainingRecordContract, fileURLToPath(fixture('training-record.json')));
    expect(parseArtifact(trainingRecordContract, serializeArtifact(trainingRecordContract, body, 'x'), 'x')).toEqual(body);
  });
});

describe('artifact contracts: a bad or foreign file is one line naming the file and the first bad field', () => {
  it('a field of the wrong type', async () => {
    const report = await legacyExportReport();
    const bad = { ...report, verification: { ...(report.verification as object), maxAbsDiff: 'x' } };
    const error = await readFails(exportReportContract, 'wrong-type.json', bad);
    expect(error.message).toBe(`${join(dir, 'wrong-type.json')}: verification.maxAbsDiff: expected a number, got "x"`);
    expect(error).toMatchObject({ code: 'ARTIFACT_FIELD', problem: 'field', detail: 'verification.maxAbsDiff: expected a number, got "x"' });
  });

  it('a missing field, and a field inside an array', async () => {
    const record = JSON.parse(await readFile(fixture('training-record.json'), 'utf8'));
    const { backend: _dropped, ...withoutBackend } = record;
    expect((await readFails(trainingRecordContract, 'missing.json', withoutBackend)).detail).toBe('backend: missing (expected a string)');
    record.history[1].testCorrect = 12.5;
    expect((await readFails(trainingRecordContract, 'fraction.json', record)).detail).toBe('history[1].testCorrect: expected an integer, got 12.5');
  });

  it('a value outside the allowed ones', async () => {
    const report = JSON.parse(await readFile(fixture('infer-report.json'), 'utf8'));
    expect((await readFails(inferenceReportContract, 'mode.json', { ...report, mode: 'batch' })).detail).toBe('mode: expected "test-set" or "images", got "batch"');
    report.model.outputKind = 'scores';
    expect((await readFails(inferenceReportContract, 'kind.json', report)).detail).toBe('model.outputKind: expected "logits", "probabilities" or "unknown", got "scores"');
  });

  it('another of our files: named by its format', async () => {
    const error = await readFails(inferenceReportContract, 'swapped.json', { format: 'mnist-onnx-export-report', version: 1 });
    expect(error.code).toBe('ARTIFACT_FOREIGN');
    expect(error.detail).toBe('not an inference report: its format is "mnist-onnx-export-report", expected "mnist-onnx-infer-report"');
  });

  it('someone else\'s JSON: read as an unversioned file, it fails on the first field', async () => {
    const error = await readFails(trainingRecordContract, 'package.json', { name: 'left-pad', version: '1.3.0' });
    expect(error.code).toBe('ARTIFACT_FOREIGN');
    expect(error.detail).toBe('not a training record: its format has no "format" field, expected "mnist-onnx-training-record"');
    const unversioned = await readFails(exportReportContract, 'tsconfig.json', { compilerOptions: {} });
    expect(unversioned.detail).toBe('source: missing (expected an object)');
  });

  it('a newer version than this reader knows', async () => {
    const error = await readFails(exportReportContract, 'future.json', { format: 'mnist-onnx-export-report', version: 2 });
    expect(error).toMatchObject({ code: 'ARTIFACT_VERSION', detail: 'export report version 2 is newer than this reader (1); update mnist-onnx' });
  });

  it('not JSON, JSON that is not an object, no file', async () => {
    expect((await readFails(exportReportContract, 'cut.json', '{"source": ')).detail).toMatch(/^not valid JSON \(.+\)$/);
    expect((await readFails(exportReportContract, 'array.json', [1, 2])).detail).toBe('expected a JSON object (an export report), got an array');
    const missing = join(dir, 'nothing-here.json');
    await expect(readArtifact(exportReportContract, missing)).rejects.toMatchObject({ code: 'ARTIFACT_MISSING', message: `${missing}: no such file` });
    expect(await readArtifactIfPresent(exportReportContract, missing)).toBeUndefined();
    await mkdir(join(dir, 'a-folder.json'));
    await expect(readArtifactIfPresent(exportReportContract, join(dir, 'a-folder.json'))).rejects.toMatchObject({ code: 'ARTIFACT_UNREADABLE' });
  });
});

describe('file names', () => {
  it('are defined once: the paths under the artifacts folder use them', () => {
    expect(artifactPaths.exportReport().endsWith(join('model', 'export-report.json'))).toBe(true);
    expect(artifactPaths.trainingRecord().endsWith(join('model', 'tfjs', 'training-record.json'))).toBe(true);
    expect(artifactPaths.onnxModel().endsWith(join('model', 'mnist-mlp.onnx'))).toBe(true);
  });
});
