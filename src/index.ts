/**
 * liftpool — LiftPool (Zhao & Snoek, ICLR 2021) for TensorFlow.js.
 */
export { VERSION } from './version.js';
export * from './lifting/index.js';
export * from './layers/index.js';
export { fileIO } from './io/file-io.js';
export { useBestBackend, backendInfo, registerWasmTrainingKernels, type BackendPreference, type BackendInfo } from './backend/index.js';
export * from './models/index.js';
export * from './data/index.js';
export * from './train/index.js';
