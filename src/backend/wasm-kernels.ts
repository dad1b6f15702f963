/**
 * The kernels this package adds to, or replaces in, the TF.js `wasm` backend (4.22), one file each
 * under ./kernels/ (see ./README.md for why each one exists):
 *
 * - missing for training: `Conv2DBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`,
 *   `DepthwiseConv2dNativeBackpropFilter`, `UnsortedSegmentSum`;
 * - wrong: `MaxPoolGrad`, `OneHot`;
 * - slow: `Conv2DBackpropInput`, `Sum`, `Mean`, `Slice`, `SplitV`, `Concat`, `Identity`, `Tile`, `Reverse`;
 * - the LiftPool kernels of the project's wasm module (./wasm-module.ts, built for both the
 *   single-threaded and the threaded build): the filter's `LiftPoolFilter`, `LiftPoolFilterGrad`
 *   and the whole lifting step's `LiftPoolStep`, `LiftPoolStepGrad`, `LiftPoolOddResidual`,
 *   registered only where they are wanted (see {@link liftFilterKernelsWanted}).
 */
import * as tf from '@tensorflow/tfjs';

import { concatConfig } from './kernels/concat.js';
import { conv2DBackpropFilterConfig } from './kernels/conv2d-backprop-filter.js';
import { conv2DBackpropInputConfig } from './kernels/conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './kernels/depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './kernels/depthwise-backprop-input.js';
import { identityConfig } from './kernels/identity.js';
import { liftFilterGradConfig } from './kernels/lift-filter-grad.js';
import { liftFilterConfig } from './kernels/lift-filter.js';
import { liftOddResidualConfig } from './kernels/lift-odd-residual.js';
import { liftStepGradConfig } from './kernels/lift-step-grad.js';
import { liftStepConfig } from './kernels/lift-step.js';
import { maxPoolGradConfig } from './kernels/max-pool-grad.js';
import { meanConfig } from './kernels/mean.js';
import { oneHotConfig } from './kernels/one-hot.js';
import { reverseConfig } from './kernels/reverse.js';
import { keepOriginal, WASM } from './kernels/shared.js';
import { sliceConfig } from './kernels/slice.js';
import { splitVConfig } from './kernels/split-v.js';
import { sumConfig } from './kernels/sum.js';
import { tileConfig } from './kernels/tile.js';
import { unsortedSegmentSumConfig } from './kernels/unsorted-segment-sum.js';
import { LIFT_FILTER, LIFT_FILTER_GRAD, LIFT_ODD_RESIDUAL, LIFT_STEP, LIFT_STEP_GRAD } from './kernel-names.js';
import { wasmModuleUsable } from './wasm-module.js';

/** Kernels the wasm backend lacks (a kernel someone else registered under the name is left alone). */
const ADDED: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  unsortedSegmentSumConfig,
  liftFilterConfig,
  liftFilterGradConfig,
  liftStepConfig,
  liftStepGradConfig,
  liftOddResidualConfig,
];

/** Kernels that replace the wasm backend's own (kept, see `wasmKernel` in ./kernels/shared.ts). */
const REPLACED: readonly tf.KernelConfig[] = [
  maxPoolGradConfig,
  conv2DBackpropInputConfig,
  sumConfig,
  meanConfig,
  sliceConfig,
  splitVConfig,
  concatConfig,
  identityConfig,
  tileConfig,
  reverseConfig,
  oneHotConfig,
];

/** Names of the kernels this module adds to (or replaces in) the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = [...ADDED, ...REPLACED].map((k) => k.kernelName);

const ours = new Set<tf.KernelFunc>([...ADDED, ...REPLACED].map((k) => k.kernelFunc));
const replaced = new Set(REPLACED);
/** The LiftPool kernels of the project's wasm module: the filter's and the whole lifting step's. */
const LIFT_FILTER_KERNELS = new Set([LIFT_FILTER, LIFT_FILTER_GRAD, LIFT_STEP, LIFT_STEP_GRAD, LIFT_ODD_RESIDUAL]);

/**
 * Whether the LiftPool kernels (filter and lifting step) should be registered at all: not when
 * `LIFTPOOL_WASM_FILTER_KERNELS=0` asks for the backend-kernel path (to compare the two).
 */
export function liftFilterKernelsWanted(): boolean {
  return !(typeof process !== 'undefined' && process.env.LIFTPOOL_WASM_FILTER_KERNELS === '0');
}

/**
 * Whether the filter kernels can run on this wasm backend instance (the project's wasm module
 * instantiates on its memory).
 */
export function liftFilterKernelsUsable(backend: unknown): boolean {
  return wasmModuleUsable(backend);
}

/**
 * Remove the LiftPool kernels (filter and lifting step) from the wasm backend (the filter then
 * runs on the backend's kernels); `registerWasmTrainingKernels()` brings them back where they are wanted.
 */
export function unregisterLiftFilterKernels(): void {
  for (const name of LIFT_FILTER_KERNELS) if (tf.getKernel(name, WASM) != null) tf.unregisterKernel(name, WASM);
}

/**
 * Registers the missing training kernels for the `wasm` backend and the replacements. Idempotent.
 * The replacements only happen once `@tensorflow/tfjs-backend-wasm` has been imported (it
 * registers its kernels on import), so call this again after importing it yourself;
 * `useBestBackend` does. Returns the names of the kernels registered by this call.
 */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = [];
  for (const config of [...ADDED, ...REPLACED]) {
    const name = config.kernelName;
    if (LIFT_FILTER_KERNELS.has(name) && !liftFilterKernelsWanted()) continue;
    const existing = tf.getKernel(name, WASM);
    const replaces = replaced.has(config);
    if (existing != null && (ours.has(existing.kernelFunc) || !replaces)) continue;
    // Replacements need the wasm package's own kernel to be registered first; retried on the next call.
    if (existing == null && replaces) continue;
    if (existing != null) {
      keepOriginal(existing);
      tf.unregisterKernel(name, WASM);
    }
    // Keep the original setup (it binds the wasm function a replacement may fall back to).
    tf.registerKernel({ ...config, setupFunc: existing?.setupFunc, disposeFunc: existing?.disposeFunc });
    added.push(name);
  }
  return added;
}

/** True when the wasm kernel `name` is the one installed by this module. */
export function isOurWasmKernel(name: string): boolean {
  const k = tf.getKernel(name, WASM);
  return k != null && ours.has(k.kernelFunc);
}
