/**
 * `Reverse` (replaces the wasm backend's, ~80 ns per element: a 3×3×128×128 filter flip ~12 ms) as
 * heap-to-heap copies of the contiguous runs behind the last reversed axis (a whole `Cin·Cout`
 * block per tap when a conv filter is flipped for the input gradient).
 */
import * as tf from '@tensorflow/tfjs';
import type { ReverseAttrs } from '@tensorflow/tfjs';
import { advance, copyKernel, copyRun, heapView, onHeap } from './heap-copy.js';
import { attrsOf, inputsOf } from './shared.js';

export const reverseConfig = copyKernel('Reverse', (args, backend) => {
  const x = inputsOf(args).x;
  const shape = x.shape;
  const rank = shape.length;
  const total = tf.util.sizeFromShape(shape);
  if (!onHeap(x.dtype) || rank === 0 || total === 0) return null;
  const reversed = new Array<boolean>(rank).fill(false);
  for (const a of tf.util.parseAxisParam(attrsOf<ReverseAttrs>(args).dims, shape)) reversed[a] = true;
  let d = rank - 1; // the last reversed axis: everything after it is one contiguous run
  while (d >= 0 && !reversed[d]) d--;
  const out = backend.makeOutput([...shape], x.dtype);
  const { heap, at: outAt } = heapView(backend, out);
  const xAt = heapView(backend, x).at;
  if (d < 0) {
    copyRun(heap, outAt, xAt, total);
    return out;
  }
  const strides = [...tf.util.computeStrides(shape), 1];
  const run = strides[d];
  const idx = new Array<number>(d + 1).fill(0);
  for (let dst = 0; dst < total; dst += run) {
    let src = 0;
    for (let a = 0; a <= d; a++) src += (reversed[a] ? shape[a] - 1 - idx[a] : idx[a]) * strides[a];
    copyRun(heap, outAt + dst, xAt + src, run);
    advance(idx, shape);
  }
  return out;
});
