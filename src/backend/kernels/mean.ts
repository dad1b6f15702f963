/** `Mean` (replaces the wasm backend's for reductions over leading or middle axes; see ./reduce-by-pooling.ts). */
import type * as tf from '@tensorflow/tfjs';
import { reduceByPooling } from './reduce-by-pooling.js';
import { WASM } from './shared.js';

export const meanConfig: tf.KernelConfig = { kernelName: 'Mean', backendName: WASM, kernelFunc: reduceByPooling('Mean', true) };
