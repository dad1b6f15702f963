/**
 * `SplitV` (replaces the wasm backend's, which calls its own `Slice` directly): one heap-to-heap
 * slice per part (./heap-copy.ts); string tensors go to the original.
 */
import * as tf from '@tensorflow/tfjs';
import type { SplitVAttrs } from '@tensorflow/tfjs';
import { copyKernel, sliceOnHeap } from './heap-copy.js';
import { attrsOf, inputsOf } from './shared.js';

export const splitVConfig = copyKernel('SplitV', (args, backend) => {
  const x = inputsOf(args).x;
  if (x.dtype === 'string') return null;
  const a = attrsOf<SplitVAttrs>(args);
  const axis = tf.util.parseAxisParam(a.axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, a.numOrSizeSplits, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const out = sliceOnHeap(backend, x, [...begin], size);
    begin[axis] += s;
    return out;
  });
});
