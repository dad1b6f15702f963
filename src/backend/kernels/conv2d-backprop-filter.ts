/**
 * `Conv2DBackpropFilter` (missing from the wasm backend): the gradient of conv2d w.r.t. its filter,
 *
 *   dW[kh,kw,ci,co] = sum_{n,i,j} x[n, i*sh + kh - pt, j*sw + kw - pl, ci] * dy[n,i,j,co]
 *
 * computed as one XNNPACK convolution in which the input channels play the role of the batch, the
 * batch plays the role of the channels and dy is the filter (with dilation = the forward stride):
 *   transpose(x, [3,1,2,0]) [Ci,H,W,N]  (*)  transpose(dy, [1,2,0,3]) [Ho,Wo,N,Co]
 *   -> [Ci,KH,KW,Co] -> transpose [KH,KW,Ci,Co]   (a plain matmul when the kernel covers the input).
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, cropToWindows, inputsOf, padsSpatially, tensorKernel } from './shared.js';

/** dW for NHWC `x` and `dy` (the attrs' dataFormat is ignored). */
export function conv2dBackpropFilterNHWC(x: tf.Tensor4D, dy: tf.Tensor4D, a: Conv2DBackpropFilterAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, a.filterShape, a.strides, 1, a.pad as 'same', a.dimRoundingMode, false, 'channelsLast');
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, outHeight: ho, outWidth: wo } = info;
    const { x: xc, pad: p } = cropToWindows(x, info);
    if (ho === 1 && wo === 1 && !padsSpatially(p)) {
      // Kernel covers the whole (cropped) input: a plain matmul.
      const n = x.shape[0];
      const ci = x.shape[3];
      const co = dy.shape[3];
      const xm = tf.reshape(tf.transpose(xc, [1, 2, 3, 0]), [kh * kw * ci, n]);
      const dym = tf.reshape(dy, [n, co]);
      return tf.reshape(tf.matMul(xm, dym), [kh, kw, ci, co]);
    }
    const xT = tf.transpose(xc, [3, 1, 2, 0]);
    const dyT = tf.transpose(dy, [1, 2, 0, 3]);
    const r = tf.conv2d(xT, dyT, 1, p, 'NHWC', [sh, sw]);
    return tf.transpose(r, [1, 2, 0, 3]);
  });
}

export const conv2DBackpropFilterConfig = tensorKernel('Conv2DBackpropFilter', (args) => {
  const a = attrsOf<Conv2DBackpropFilterAttrs>(args);
  const x = asTensor<tf.Tensor4D>(inputsOf(args).x);
  const dy = asTensor<tf.Tensor4D>(inputsOf(args).dy);
  if (a.dataFormat === 'NCHW') return conv2dBackpropFilterNHWC(tf.transpose(x, [0, 2, 3, 1]), tf.transpose(dy, [0, 2, 3, 1]), a);
  return conv2dBackpropFilterNHWC(x, dy, a);
});
