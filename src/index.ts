/**
 * liftpool — LiftPool (Zhao & Snoek, ICLR 2021) for TensorFlow.js.
 *
 * The package root runs in browsers and in Node: the lifting core, the layers, the model builders,
 * the backend choice, the project's wasm kernels and the packed Adam optimizer. Nothing reachable from here imports Node's
 * built-ins (a test bundles it with esbuild for the browser). File IO, datasets, checkpoints,
 * training runners and wasm threads in Node are in `liftpool/node` (./node.ts).
 */
export { VERSION } from './version.js';
export * from './lifting/index.js';
export * from './layers/index.js';
export {
  useBestBackend, backendInfo, registerWasmTrainingKernels, WASM_TRAINING_KERNELS,
  type BackendPreference, type BackendInfo, type BackendOptions, type WasmBinaryFile,
} from './backend/index.js';
export * from './models/index.js';
export { PackedAdamOptimizer } from './train/packed-adam.js';
