/**
 * Even/odd split and its inverse (interleaving merge) along a spatial axis of an NHWC tensor.
 *
 * Implemented with reshape + slice/concat (all differentiable in TF.js; `tf.stridedSlice` has no
 * gradient) and with tensors of rank ≤ 4, which every backend supports.
 *
 * ```ts
 * const x = tf.tensor4d([0, 1, 2, 3], [1, 1, 4, 1]);
 * const {even, odd} = splitEvenOdd(x, 'width');   // even: [0, 2], odd: [1, 3]
 * mergeEvenOdd(even, odd, 'width');                // back to [0, 1, 2, 3]
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis } from './types.js';
import { assertAxis, assertImageTensor } from './validate.js';

export function splitEvenOdd(x: tf.Tensor4D, axis: LiftAxis): { even: tf.Tensor4D; odd: tf.Tensor4D } {
  assertImageTensor('splitEvenOdd', 'x', x);
  assertAxis('splitEvenOdd', axis);
  const [n, h, w, c] = x.shape;
  return tf.tidy(() => {
    if (axis === 'width') {
      if (w % 2 !== 0) throw new Error(`splitEvenOdd: width must be even, got ${w} (pad to even first)`);
      // w = 2j + p  ⇒  memory layout [n, h, j, p, c] = [n, h, j, p*C + c]
      const r = tf.reshape(x, [n, h, w / 2, 2 * c]);
      const [even, odd] = tf.split(r, 2, 3) as tf.Tensor4D[];
      return { even, odd };
    }
    if (h % 2 !== 0) throw new Error(`splitEvenOdd: height must be even, got ${h} (pad to even first)`);
    // h = 2i + p  ⇒  layout [n, i, p, w, c] = [n, i, p*W*C + w*C + c]
    const r = tf.reshape(x, [n, h / 2, 2 * w * c]);
    const [e, o] = tf.split(r, 2, 2);
    return { even: tf.reshape(e, [n, h / 2, w, c]), odd: tf.reshape(o, [n, h / 2, w, c]) };
  });
}

export function mergeEvenOdd(even: tf.Tensor4D, odd: tf.Tensor4D, axis: LiftAxis): tf.Tensor4D {
  assertImageTensor('mergeEvenOdd', 'even', even);
  assertImageTensor('mergeEvenOdd', 'odd', odd);
  assertAxis('mergeEvenOdd', axis);
  if (!tf.util.arraysEqual(even.shape, odd.shape)) {
    throw new Error(`mergeEvenOdd: even and odd must have the same shape, got [${even.shape.join(',')}] and [${odd.shape.join(',')}]`);
  }
  const [n, h, w, c] = even.shape;
  return tf.tidy(() => {
    if (axis === 'width') {
      return tf.reshape(tf.concat([even, odd], 3), [n, h, 2 * w, c]);
    }
    const e = tf.reshape(even, [n, h, w * c]);
    const o = tf.reshape(odd, [n, h, w * c]);
    return tf.reshape(tf.concat([e, o], 2), [n, 2 * h, w, c]);
  });
}
