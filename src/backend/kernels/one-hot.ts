/**
 * `OneHot` (wraps the wasm backend's): the wasm kernel (4.22) always writes int32 values, even when
 * asked for another dtype, so `tf.oneHot(i, d, 1, 0, 'float32')` returns garbage (int bit patterns
 * read as floats). Here it runs as int32, then the result is cast.
 */
import * as tf from '@tensorflow/tfjs';
import type { OneHotAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, WASM, wasmKernel } from './shared.js';

export const oneHotConfig: tf.KernelConfig = {
  kernelName: 'OneHot',
  backendName: WASM,
  kernelFunc: (args) => {
    const original = wasmKernel('OneHot').kernelFunc;
    const { dtype } = attrsOf<OneHotAttrs>(args);
    if (dtype == null || dtype === 'int32') return original(args);
    const ints = original({ ...args, attrs: { ...args.attrs, dtype: 'int32' } }) as tf.TensorInfo;
    return tf.tidy(() => tf.cast(asTensor(ints), dtype));
  },
};
