// What `pnpm infer` reports, in either mode. The shape, format and version are the inference
// report contract of @mnist-onnx/mnist/artifacts (one schema for the type and the validating
// read); `--json` prints it and `--report FILE` writes it in that format.
export {
  inferenceReportContract,
  type ClassMetrics,
  type ImageResult,
  type ImagesReport,
  type InferenceReport,
  type RunContext,
  type TestSetReport,
} from '@mnist-onnx/mnist/artifacts';
