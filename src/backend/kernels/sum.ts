/** `Sum` (replaces the wasm backend's for reductions over leading or middle axes; see ./reduce-by-pooling.ts). */
import type * as tf from '@tensorflow/tfjs';
import { reduceByPooling } from './reduce-by-pooling.js';
import { WASM } from './shared.js';

export const sumConfig: tf.KernelConfig = { kernelName: 'Sum', backendName: WASM, kernelFunc: reduceByPooling('Sum', false) };
