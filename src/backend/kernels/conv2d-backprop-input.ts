/**
 * `Conv2DBackpropInput` (replaces the wasm backend's, a plain C++ loop ~6x slower than XNNPACK):
 *
 *   dx[n,h,w,ci] = sum_{kh,kw,co} dy[n, (h + pt - kh)/sh, (w + pl - kw)/sw, co] * W[kh,kw,ci,co]
 *
 * as one XNNPACK conv2d of the stride-dilated dy with the spatially flipped, in/out-transposed filter.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, cropForInputGradient, inputsOf, tensorKernel, zeroInsert } from './shared.js';

/** dx for an NHWC `inputShape` and `dy` (the attrs' inputShape and dataFormat are ignored). */
export function conv2dBackpropInputNHWC(inputShape: [number, number, number, number], dy: tf.Tensor4D, filter: tf.Tensor4D, a: Conv2DBackpropInputAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, a.strides, 1, a.pad as 'same', a.dimRoundingMode, false, 'channelsLast');
    const { x: dc, pad: p } = cropForInputGradient(zeroInsert(dy, info.strideHeight, info.strideWidth), info);
    const wf = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(dc, wf, 1, p);
  });
}

export const conv2DBackpropInputConfig = tensorKernel('Conv2DBackpropInput', (args) => {
  const a = attrsOf<Conv2DBackpropInputAttrs>(args);
  const dy = asTensor<tf.Tensor4D>(inputsOf(args).dy);
  const filter = asTensor<tf.Tensor4D>(inputsOf(args).filter);
  if (a.dataFormat === 'NCHW') {
    const [n, c, hh, ww] = a.inputShape;
    return tf.transpose(conv2dBackpropInputNHWC([n, hh, ww, c], tf.transpose(dy, [0, 2, 3, 1]), filter, a), [0, 3, 1, 2]);
  }
  return conv2dBackpropInputNHWC(a.inputShape, dy, filter, a);
});
