/**
 * `DepthwiseConv2dNativeBackpropInput` (missing from the wasm backend):
 *
 *   dx[n,h,w,c] = sum_{m,kh,kw} dy[n, (h + pt - kh*dh)/sh, (w + pl - kw*dw)/sw, c*M + m] * f[kh,kw,c,m]
 *
 * dy is first "dilated" by the stride (zeros inserted, via reshape + pad), then correlated with the
 * spatially flipped filter by the wasm depthwise conv (channel multiplier 1 over the C*M channels),
 * and finally the M outputs of each input channel are summed.
 */
import * as tf from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropInputAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, cropNegative, inputsOf, tensorKernel, zeroInsert, type Pad, type Pair, type RoundingMode } from './shared.js';

export function depthwiseBackpropInputNHWC(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | Pair,
  pad: Pad,
  dilations: number | Pair,
  dimRoundingMode?: RoundingMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, dilations, pad as 'same', dimRoundingMode, true, 'channelsLast');
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const { effectiveFilterHeight: ekh, effectiveFilterWidth: ekw, inHeight: h, inWidth: w } = info;
    const n = dy.shape[0];
    const [kh, kw, c, m] = filter.shape;
    const d = zeroInsert(dy, sh, sw);
    const top = ekh - 1 - info.padInfo.top;
    const left = ekw - 1 - info.padInfo.left;
    const bottom = h + ekh - 1 - d.shape[1] - top;
    const right = w + ekw - 1 - d.shape[2] - left;
    const { x: dc, pad: p } = cropNegative(d, top, bottom, left, right);
    const fFlip = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const r = tf.depthwiseConv2d(dc, fFlip, 1, p, 'NHWC', [dh, dw]);
    if (m === 1) return r;
    return tf.sum(tf.reshape(r, [n, h, w, c, m]), 4) as tf.Tensor4D;
  });
}

export const depthwiseBackpropInputConfig = tensorKernel('DepthwiseConv2dNativeBackpropInput', (args) => {
  const a = attrsOf<DepthwiseConv2dNativeBackpropInputAttrs>(args);
  const dy = asTensor<tf.Tensor4D>(inputsOf(args).dy);
  const filter = asTensor<tf.Tensor4D>(inputsOf(args).filter);
  return depthwiseBackpropInputNHWC(a.inputShape, dy, filter, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode);
});
