/**
 * `DepthwiseConv2dNativeBackpropFilter` (missing from the wasm backend):
 *
 *   dF[kh,kw,c,m] = sum_{n,i,j} x[n, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] * dy[n,i,j,c*M+m]
 *
 * For every filter tap the matching (strided) window of the padded input is cut out with one
 * slice, multiplied by dy and reduced over n,i,j: KH*KW elementwise passes, no per-element JS.
 */
import * as tf from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropFilterAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, cropToWindows, inputsOf, padsSpatially, tensorKernel } from './shared.js';

export function depthwiseBackpropFilterNHWC(x: tf.Tensor4D, dy: tf.Tensor4D, a: DepthwiseConv2dNativeBackpropFilterAttrs): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(x.shape, a.filterShape, a.strides, a.dilations ?? 1, a.pad as 'same', a.dimRoundingMode, true, 'channelsLast');
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight: ho, outWidth: wo } = info;
    const [kh, kw, c, m] = a.filterShape;
    const n = x.shape[0];
    const { x: xc, pad: p } = cropToWindows(x, info);
    const xp = padsSpatially(p) ? tf.pad(xc, p) : xc;
    const dyr = m === 1 ? dy : tf.reshape(dy, [n, ho, wo, c, m]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const win = sh === 1 && sw === 1
          ? tf.slice(xp, [0, i * dh, j * dw, 0], [n, ho, wo, c])
          : (tf.stridedSlice(xp, [0, i * dh, j * dw, 0], [n, i * dh + (ho - 1) * sh + 1, j * dw + (wo - 1) * sw + 1, c], [1, sh, sw, 1]) as tf.Tensor4D);
        const prod = m === 1 ? tf.mul(win, dyr) : tf.mul(tf.reshape(win, [n, ho, wo, c, 1]), dyr);
        taps.push(tf.sum(prod, [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, m]) as tf.Tensor4D;
  });
}

export const depthwiseBackpropFilterConfig = tensorKernel('DepthwiseConv2dNativeBackpropFilter', (args) =>
  depthwiseBackpropFilterNHWC(asTensor<tf.Tensor4D>(inputsOf(args).x), asTensor<tf.Tensor4D>(inputsOf(args).dy), attrsOf<DepthwiseConv2dNativeBackpropFilterAttrs>(args)),
);
