// The training record's shape, format and version are a contract of @mnist-onnx/mnist/artifacts:
// train writes it (train.ts, beside model.json), export and the pipeline read it.
export { trainingRecordContract, type EpochStats, type TrainingRecord } from '@mnist-onnx/mnist/artifacts';
