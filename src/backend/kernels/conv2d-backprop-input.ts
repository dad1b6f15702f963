/**
 * `Conv2DBackpropInput` (replaces the wasm backend's, a plain C++ loop ~6x slower than XNNPACK):
 *
 *   dx[n,h,w,ci] = sum_{kh,kw,co} dy[n, (h + pt - kh)/sh, (w + pl - kw)/sw, co] * W[kh,kw,ci,co]
 *
 * as one XNNPACK conv2d of the stride-dilated dy with the spatially flipped, in/out-transposed filter.
 */
import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, cropNegative, inputsOf, tensorKernel, zeroInsert, type Pad, type Pair, type RoundingMode } from './shared.js';

export function conv2dBackpropInputNHWC(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: RoundingMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, 1, pad as 'same', dimRoundingMode, false, 'channelsLast');
    const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
    const { inHeight: h, inWidth: w } = info;
    const d = zeroInsert(dy, sh, sw);
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = h + kh - 1 - d.shape[1] - top;
    const right = w + kw - 1 - d.shape[2] - left;
    const { x: dc, pad: p } = cropNegative(d, top, bottom, left, right);
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
    const r = conv2dBackpropInputNHWC([n, hh, ww, c], tf.transpose(dy, [0, 2, 3, 1]), filter, a.strides, a.pad, a.dimRoundingMode);
    return tf.transpose(r, [0, 3, 1, 2]);
  }
  return conv2dBackpropInputNHWC(a.inputShape, dy, filter, a.strides, a.pad, a.dimRoundingMode);
});
