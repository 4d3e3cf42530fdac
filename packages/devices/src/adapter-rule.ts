import { available, unavailable, type AdapterInfo, type Detection, type RequestMode } from './device.js';

/** What a WebGPU adapter says about itself (GPUAdapterInfo, in the browser and in Dawn alike). */
export interface AdapterIdentity {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Set by the browser or Dawn for a fallback (software) adapter. */
  isFallbackAdapter?: boolean;
}

// Software rasterisers that do not always set isFallbackAdapter: SwiftShader, Mesa's llvmpipe
// and lavapipe, softpipe, Windows' WARP ("Microsoft Basic Render Driver").
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** Hardware or software, and a readable name: the same answer in Node and in the page. */
export function classifyAdapter(identity: AdapterIdentity): AdapterInfo {
  const description = [identity.vendor, identity.architecture, identity.description].filter((part) => part && part.length > 0).join(' / ') || 'unnamed adapter';
  const named = [identity.vendor, identity.architecture, identity.device, identity.description].join(' ');
  const software = identity.isFallbackAdapter === true || SOFTWARE_NAMES.test(named);
  return { kind: software ? 'software' : 'hardware', description };
}

/**
 * The one software-adapter rule. A software adapter runs WebGPU on the CPU, far slower than
 * the CPU's own path (SwiftShader: ~100 ms per prediction against ~2 ms on wasm), so `auto`
 * never takes one; named explicitly it runs, with a note saying what to expect.
 */
export function adapterDetection(adapter: AdapterInfo, mode: RequestMode, fasterAlternative: string): Detection {
  if (adapter.kind === 'hardware') return available({ adapter, notes: [`WebGPU adapter: ${adapter.description}`] });
  if (mode === 'auto') {
    return unavailable(`only a software adapter (${adapter.description}); ${fasterAlternative} is faster`, 'use a machine or browser with a GPU, or name webgpu explicitly to run on it anyway');
  }
  return available({ adapter, notes: [`WebGPU on a software adapter (${adapter.description}): expect it to be slower than ${fasterAlternative}`] });
}
