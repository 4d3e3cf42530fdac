import { deviceChoices, type SkippedDevice } from '@mnist-onnx/devices';
import { ORT_NODE_PROVIDERS, type OrtNodeProviderName } from '@mnist-onnx/devices/node';

// The execution providers, their order and their detections live in the device policy
// (@mnist-onnx/devices/node); this package only names them for its flags and reports.

export type ExecutionProviderName = OrtNodeProviderName;

/** What `--ep` accepts: `auto`, then each provider in the order auto tries them. */
export const DEVICES = deviceChoices(ORT_NODE_PROVIDERS) as readonly ('auto' | ExecutionProviderName)[];
export type Device = (typeof DEVICES)[number];

/** A provider `auto` passed over, and why. */
export type SkippedProvider = SkippedDevice;
