/**
 * Environments that decide which Vulkan driver Dawn (tfjs-webgpu in Node, onnxruntime-node's
 * WebGPU EP) may see. VK_ICD_FILENAMES replaces the loader's own driver search, so these give
 * the same situation on a CPU-only machine and on one with a GPU.
 */

/** Only SwiftShader, the software Vulkan driver Debian's chromium ships: a software adapter. */
export const SWIFTSHADER_ENV = {
  VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json',
  // Chromium's folder also holds a Vulkan loader, for machines without the libvulkan1 package.
  LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  XDG_RUNTIME_DIR: '/tmp',
};

/** No Vulkan driver at all: with a loader installed Dawn finds no adapter; without one, no loader. */
export const NO_VULKAN_DRIVER_ENV = {
  VK_ICD_FILENAMES: '/nonexistent/vulkan-icd.json',
  XDG_RUNTIME_DIR: '/tmp',
};

/** Variables a test runner may have inherited that would change which Vulkan drivers Dawn finds. */
export const GPU_ENV_KEYS = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'] as const;
