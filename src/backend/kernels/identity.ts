/**
 * `Identity` (replaces the wasm backend's; what `tf.clone` and every customGrad `save` run): shares
 * the buffer, as the cpu and webgl backends do, instead of copying it. TF.js never writes into a
 * tensor's buffer after creating it, and the backend's reference count frees it once every sharer
 * is disposed. String tensors go to the original.
 */
import type * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from '../wasm-module.js';
import { inputsOf, WASM, wasmKernel } from './shared.js';

export const identityConfig: tf.KernelConfig = {
  kernelName: 'Identity',
  backendName: WASM,
  kernelFunc: (args) => {
    const x = inputsOf(args).x;
    if (x.dtype === 'string') return wasmKernel('Identity').kernelFunc(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  },
};
