/** `Slice` (replaces the wasm backend's: heap-to-heap copies, see ./heap-copy.ts); string tensors go to the original. */
import * as tf from '@tensorflow/tfjs';
import type { SliceAttrs } from '@tensorflow/tfjs';
import { copyKernel, sliceOnHeap } from './heap-copy.js';
import { attrsOf, inputsOf } from './shared.js';

export const sliceConfig = copyKernel('Slice', (args, backend) => {
  const x = inputsOf(args).x;
  if (x.dtype === 'string') return null;
  const a = attrsOf<SliceAttrs>(args);
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size);
  return sliceOnHeap(backend, x, begin, size);
});
