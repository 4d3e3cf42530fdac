import { z } from 'zod';
import { defineArtifact } from './contract.js';

const shape = z.array(z.union([z.int(), z.string()]));

/** The model, how it was fed and read, and where it ran: shared by both modes. */
export const runContextSchema = z.object({
  model: z.object({
    path: z.string(),
    bytes: z.int(),
    producer: z.string(),
    opsetVersion: z.int(),
    inputName: z.string(),
    inputShape: shape,
    /** [N, 784] or [N, 1, 28, 28]. */
    inputLayout: z.enum(['flat', 'nchw']),
    outputName: z.string(),
    outputShape: shape,
    /** Logits or probabilities, and how that was established. */
    outputKind: z.enum(['logits', 'probabilities', 'unknown']),
    outputKindSource: z.string(),
    metadata: z.record(z.string(), z.string()),
  }),
  input: z.object({ normalized: z.boolean(), mean: z.number(), std: z.number(), source: z.string() }),
  executionProvider: z.object({
    name: z.string(),
    requested: z.string(),
    skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
    notes: z.array(z.string()),
  }),
  /** Milliseconds to create the ONNX Runtime session. */
  sessionCreateMs: z.number(),
  batchSize: z.int(),
  threads: z.int().nullable(),
  versions: z.object({ node: z.string(), onnxruntime: z.string() }),
});
export type RunContext = z.infer<typeof runContextSchema>;

export const classMetricsSchema = z.object({
  label: z.int(),
  precision: z.number(),
  recall: z.number(),
  /** Test samples of this class. */
  support: z.int(),
});
export type ClassMetrics = z.infer<typeof classMetricsSchema>;

/** Test-set mode: the model scored against labelled IDX files. */
export const testSetReportSchema = runContextSchema.extend({
  mode: z.literal('test-set'),
  data: z.object({ id: z.string(), images: z.string(), labels: z.string(), count: z.int() }),
  accuracy: z.number(),
  correct: z.int(),
  count: z.int(),
  /** Mean cross-entropy (natural log) of the true class. */
  meanLoss: z.number(),
  /** Mean entropy of the predicted distributions, in bits (0 = certain, log2 10 ≈ 3.32 = uniform). */
  meanEntropyBits: z.number(),
  /** confusionMatrix[true][predicted]. */
  confusionMatrix: z.array(z.array(z.int())),
  perClass: z.array(classMetricsSchema),
  /** Wall time of the whole pass (reading, converting, running, scoring). */
  seconds: z.number(),
  imagesPerSecond: z.number(),
  /** Time spent inside the model runs alone. */
  inferenceSeconds: z.number(),
  finishedAt: z.string(),
});
export type TestSetReport = z.infer<typeof testSetReportSchema>;

export const imageResultSchema = z.object({
  file: z.string(),
  /** Null when the image holds no ink at all. */
  prediction: z.int().nullable(),
  probability: z.number().nullable(),
  entropyBits: z.number().nullable(),
  probabilities: z.array(z.number()).nullable(),
  width: z.int(),
  height: z.int(),
  /** True when the image was dark-on-light and got inverted to MNIST's light-on-dark. */
  inverted: z.boolean().nullable(),
});
export type ImageResult = z.infer<typeof imageResultSchema>;

/** Image mode: one prediction per image file. */
export const imagesReportSchema = runContextSchema.extend({
  mode: z.literal('images'),
  images: z.array(imageResultSchema),
  seconds: z.number(),
  finishedAt: z.string(),
});
export type ImagesReport = z.infer<typeof imagesReportSchema>;

export const inferenceReportSchema = z.discriminatedUnion('mode', [testSetReportSchema, imagesReportSchema]);

/** What `infer-report.json` (`pnpm infer --report`, `pnpm start`) holds: either mode. */
export type InferenceReport = z.infer<typeof inferenceReportSchema>;

export const inferenceReportContract = defineArtifact<InferenceReport>({
  title: 'inference report',
  format: 'mnist-onnx-infer-report',
  version: 1,
  schema: inferenceReportSchema,
  readsUnversioned: true,
});

