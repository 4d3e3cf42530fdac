// The input convention is the classifier contract's (@mnist-onnx/mnist, classifier/input-convention.ts).
export { resolveInputConvention, type InputConvention, type Normalization } from '@mnist-onnx/mnist';
