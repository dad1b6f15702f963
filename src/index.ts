/**
 * liftpool — LiftPool (Zhao & Snoek, ICLR 2021) for TensorFlow.js.
 */
export { VERSION } from './version.js';
export * from './lifting/index.js';
