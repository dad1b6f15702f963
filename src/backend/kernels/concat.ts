/**
 * `Concat` (replaces the wasm backend's) for numeric tensors: heap-to-heap row copies, short runs
 * with one native strided copy per input (./heap-copy.ts); empty and string inputs go to the original.
 */
import * as tf from '@tensorflow/tfjs';
import type { ConcatAttrs } from '@tensorflow/tfjs';
import { wasmCopyRuns } from '../wasm-module.js';
import { copyKernel, copyRun, heapView, SHORT_RUN } from './heap-copy.js';
import { attrsOf } from './shared.js';

export const concatConfig = copyKernel('Concat', (args, backend) => {
  const inputs = args.inputs as unknown as tf.TensorInfo[];
  const list = Array.isArray(inputs) ? inputs : Object.values(inputs as Record<string, tf.TensorInfo>);
  if (list.length < 2 || list.some((t) => t.dtype === 'string' || tf.util.sizeFromShape(t.shape) === 0)) return null;
  const axis = tf.util.parseAxisParam(attrsOf<ConcatAttrs>(args).axis, list[0].shape)[0];
  const shapes = list.map((t) => t.shape);
  tf.backend_util.assertParamsConsistent(shapes, axis);
  const outShape = tf.backend_util.computeOutShape(shapes, axis);
  const out = backend.makeOutput(outShape, list[0].dtype);
  const { heap, at: outAt } = heapView(backend, out);
  const outer = tf.util.sizeFromShape(list[0].shape.slice(0, axis));
  const inner = list.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const rowLen = inner.reduce((a, b) => a + b, 0);
  const at = list.map((t) => heapView(backend, t).at);
  const copier = inner.some((n) => n < SHORT_RUN) && outer > 1 ? wasmCopyRuns(backend) : null;
  if (copier) {
    // One native strided copy per input: `outer` runs of inner[i] into rows of rowLen.
    const bytes = heap.BYTES_PER_ELEMENT;
    let off = 0;
    for (let i = 0; i < list.length; i++) {
      copier((outAt + off) * bytes, at[i] * bytes, outer, inner[i] * bytes, inner[i] * bytes, rowLen * bytes);
      off += inner[i];
    }
    return out;
  }
  for (let b = 0; b < outer; b++) {
    let dst = outAt + b * rowLen;
    for (let i = 0; i < list.length; i++) {
      copyRun(heap, dst, at[i] + b * inner[i], inner[i]);
      dst += inner[i];
    }
  }
  return out;
});
