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
import { asTensor, attrsOf, cropNegative, inputsOf, tensorKernel, type Pad, type Pair, type RoundingMode } from './shared.js';

export function conv2dBackpropFilterNHWC(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: RoundingMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad as 'same', dimRoundingMode, false, 'channelsLast');
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
    const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    // Padded extent actually read by the forward convolution.
    const bottom = (ho - 1) * sh + kh - h - top;
    const right = (wo - 1) * sw + kw - w - left;
    const { x: xc, pad: p } = cropNegative(x, top, bottom, left, right);
    if (ho === 1 && wo === 1 && p[1][0] === 0 && p[1][1] === 0 && p[2][0] === 0 && p[2][1] === 0) {
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
  if (a.dataFormat === 'NCHW') {
    return conv2dBackpropFilterNHWC(tf.transpose(x, [0, 2, 3, 1]), tf.transpose(dy, [0, 2, 3, 1]), a.filterShape, a.strides, a.pad, a.dimRoundingMode);
  }
  return conv2dBackpropFilterNHWC(x, dy, a.filterShape, a.strides, a.pad, a.dimRoundingMode);
});
