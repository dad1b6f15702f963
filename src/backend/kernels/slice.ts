/** `Slice` (replaces the wasm backend's: heap-to-heap copies, see ./heap-copy.ts); string tensors go to the original. */
import * as tf from '@tensorflow/tfjs';
import type { SliceAttrs } from '@tensorflow/tfjs';
import { sliceOnHeap, type WasmBackendLike } from './heap-copy.js';
import { attrsOf, inputsOf, WASM, wasmKernel } from './shared.js';

export const sliceConfig: tf.KernelConfig = {
  kernelName: 'Slice',
  backendName: WASM,
  kernelFunc: (args) => {
    const x = inputsOf(args).x;
    if (x.dtype === 'string') return wasmKernel('Slice').kernelFunc(args);
    const a = attrsOf<SliceAttrs>(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size);
    return sliceOnHeap(args.backend as unknown as WasmBackendLike, x, begin, size);
  },
};
