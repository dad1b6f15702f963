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
import { asTensor, attrsOf, cropForInputGradient, inputsOf, tensorKernel, zeroInsert } from './shared.js';

export function depthwiseBackpropInputNHWC(dy: tf.Tensor4D, filter: tf.Tensor4D, a: DepthwiseConv2dNativeBackpropInputAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape, a.strides, a.dilations ?? 1, a.pad as 'same', a.dimRoundingMode, true, 'channelsLast');
    const [kh, kw, c, m] = filter.shape;
    const { x: dc, pad: p } = cropForInputGradient(zeroInsert(dy, info.strideHeight, info.strideWidth), info);
    const fFlip = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const r = tf.depthwiseConv2d(dc, fFlip, 1, p, 'NHWC', [info.dilationHeight, info.dilationWidth]);
    if (m === 1) return r;
    return tf.sum(tf.reshape(r, [dy.shape[0], info.inHeight, info.inWidth, c, m]), 4) as tf.Tensor4D;
  });
}

export const depthwiseBackpropInputConfig = tensorKernel('DepthwiseConv2dNativeBackpropInput', (args) =>
  depthwiseBackpropInputNHWC(asTensor<tf.Tensor4D>(inputsOf(args).dy), asTensor<tf.Tensor4D>(inputsOf(args).filter), attrsOf<DepthwiseConv2dNativeBackpropInputAttrs>(args)),
);
