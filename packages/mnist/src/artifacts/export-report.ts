import { z } from 'zod';
import { defineArtifact } from './contract.js';

export const exportReportSchema = z.object({
  source: z.object({
    modelJson: z.string(),
    weightsSha256: z.string(),
    generatedBy: z.string().nullable(),
    /** The training record the metadata was taken from (null: the model folder had none). */
    trainingRecord: z.string().nullable(),
  }),
  output: z.object({ file: z.string(), bytes: z.int(), sha256: z.string() }),
  graph: z.object({
    irVersion: z.int(),
    opset: z.int(),
    nodes: z.int(),
    ops: z.record(z.string(), z.int()),
    parameters: z.int(),
    input: z.object({ name: z.string(), shape: z.array(z.union([z.string(), z.int()])) }),
    outputs: z.array(z.string()),
    dtype: z.enum(['float32', 'float16', 'int8']),
    /** How an int8 model computes (null for float models; absent in reports written before int8). */
    quantization: z.enum(['weight-only', 'dynamic']).nullable().optional(),
    normalizationFolded: z.boolean(),
  }),
  verification: z.object({
    dataset: z.string(),
    samples: z.int(),
    executionProvider: z.literal('cpu'),
    /** Images per run in the verification (absent in reports written before int8). */
    batchSize: z.int().optional(),
    tfjsBackend: z.string(),
    /** The ONNX output compared with the tfjs model's output. */
    comparedOutput: z.string(),
    maxAbsDiff: z.number(),
    tolerance: z.number(),
    /** Where the largest |Δ| is: test sample index and class, and both values. */
    worst: z.object({ sample: z.int(), class: z.int(), reference: z.number(), candidate: z.number() }),
    argmaxAgreement: z.int(),
    agreementRate: z.number(),
    minAgreement: z.number(),
    tfjsAccuracy: z.number(),
    onnxAccuracy: z.number(),
    accuracyChange: z.number(),
    tfjsCorrect: z.int(),
    onnxCorrect: z.int(),
    /** Percentage points the file lost against float32 (negative: gained), and the limit it had to meet. */
    accuracyDropPoints: z.number().optional(),
    maxAccuracyDrop: z.number().optional(),
  }),
  /** The ONNX file's metadata_props, as written. */
  metadata: z.record(z.string(), z.string()),
  versions: z.object({ producer: z.string(), tfjs: z.string(), onnxruntimeNode: z.string() }),
  exportedAt: z.string(),
});

/** What `export-report.json` (beside the ONNX file) holds: written by export, read by the report. */
export type ExportReport = z.infer<typeof exportReportSchema>;

export const exportReportContract = defineArtifact<ExportReport>({
  title: 'export report',
  format: 'mnist-onnx-export-report',
  version: 1,
  schema: exportReportSchema,
  readsUnversioned: true,
});
