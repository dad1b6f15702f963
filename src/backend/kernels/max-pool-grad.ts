/** `MaxPoolGrad` (replaces the wasm backend's, which is wrong and slow; see maxPoolGradNHWC). */
import * as tf from '@tensorflow/tfjs';
import type { MaxPoolGradAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, cropNegative, cropToWindows, inputsOf, padsSpatially, tensorKernel, zeroInsert } from './shared.js';

/**
 * The wasm MaxPoolGrad kernel (4.22) starts its running maximum at FLT_MIN
 * (the smallest *positive* float) instead of -inf, so windows whose maximum is
 * <= 0 get no gradient at all (harmless right after a ReLU, wrong anywhere
 * else, e.g. after batch norm or a lifting step), and it keeps the last rather
 * than the first maximum on ties.
 *
 * It is also slow (a scalar loop: ~150 ms for 64x28x28x16). Replacement:
 *
 * Non-overlapping windows (pool size == stride, the usual case) use only fast
 * elementwise ops, maxPool and reshapes: with rank = T..1 numbering the T taps
 * of a window in scan order, score = relu((x - y) * 2^100 + rank) equals rank
 * at the window maxima and 0 elsewhere; the window max of score is the rank
 * of the first maximum, and relu(score - best + 1) is 1 exactly there and 0
 * elsewhere (ranks are integers). dx = that mask * dy broadcast over the
 * window. This matches the cpu backend / TensorFlow rule (first maximum wins,
 * ties included); it could only differ for windows whose values are within
 * T * 2^-100 of each other but not equal (magnitudes below ~1e-22), and +inf
 * inputs are not supported.
 *
 * Overlapping windows: one strided slice of the padded input per tap; dy is
 * routed tap by tap, in scan order, to the first tap equal to the window max
 * (ties go to the first), and each tap's part is placed back on the input grid.
 */
export function maxPoolGradNHWC(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  a: MaxPoolGradAttrs,
  /** The forward maxPool output; recomputed when absent. */
  output?: tf.Tensor4D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const { filterSize, strides, dimRoundingMode } = a;
    const pad = a.pad as 'same';
    const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
    const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
    const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo, inChannels: c } = info;
    const n = x.shape[0];
    const hp = (ho - 1) * sh + kh;
    const wp = (wo - 1) * sw + kw;
    const { x: xc, pad: p } = cropToWindows(x, info);
    const padded = padsSpatially(p);
    const tiled = kh === sh && kw === sw;
    const hc = xc.shape[1];
    const wc = xc.shape[2];
    // Gradient on the padded grid -> gradient on x's grid.
    const uncrop = (gp: tf.Tensor4D): tf.Tensor4D => {
      let dx: tf.Tensor4D = padded ? tf.slice(gp, [0, p[1][0], p[2][0], 0], [n, hc, wc, c]) : gp;
      if (hc < h || wc < w) {
        dx = tf.pad(dx, [
          [0, 0],
          [0, h - hc],
          [0, w - wc],
          [0, 0],
        ]);
      }
      return dx;
    };
    const xp = padded ? tf.pad(xc, p, -Infinity) : xc;
    const t = kh * kw;
    if (tiled) {
      const y = output ?? tf.maxPool(x, filterSize, strides, pad, dimRoundingMode);
      // Windows tile the padded grid: [n, hp, wp, c] is [n, ho, kh, wo, kw, c].
      const x6 = tf.reshape(xp, [n, ho, kh, wo, kw, c]);
      const y6 = tf.reshape(y, [n, ho, 1, wo, 1, c]);
      // rank = t..1 over the taps of a window, in scan order.
      const rank = tf.tensor(
        Array.from({ length: t }, (_, i) => t - i),
        [1, 1, kh, 1, kw, 1],
        'float32',
      );
      // x - y is 0 at the window maxima and < 0 elsewhere; scaled by 2^100 it
      // is <= -t unless |x - y| < t * 2^-100 (only possible for values below
      // ~1e-22): score = rank at maxima, 0 elsewhere.
      const score = tf.relu(tf.add(tf.mul(tf.sub(x6, y6), 2 ** 100), rank));
      const best = tf.reshape(
        tf.maxPool(tf.reshape(score, [n, hp, wp, c]) as tf.Tensor4D, [kh, kw], [kh, kw], 'valid'),
        [n, ho, 1, wo, 1, c],
      );
      // Integer ranks: 1 exactly at the first maximum of each window, 0 elsewhere.
      const first = tf.relu(tf.add(tf.sub(score, best), 1));
      const g = tf.reshape(tf.mul(first, tf.reshape(dy, [n, ho, 1, wo, 1, c])), [n, hp, wp, c]) as tf.Tensor4D;
      return uncrop(g);
    }
    const list: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        list.push(
          tf.stridedSlice(xp, [0, i, j, 0], [n, i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1, c], [1, sh, sw, 1]),
        );
      }
    }
    // Route dy to the first maximum of each window, tap by tap in scan order (as argMax would:
    // ties go to the first tap). Kept per tap as [n, ho, wo, c] tensors: stacking the taps on a
    // new innermost axis and unstacking them again (argMax + oneHot) made 1-float runs that cost
    // seconds per step on wasm (Pack/Unpack), e.g. for BlurPool's stride-1 max pool.
    const y = output ?? tf.maxPool(x, filterSize, strides, pad, dimRoundingMode);
    let open: tf.Tensor = tf.onesLike(y);
    const parts: tf.Tensor[] = list.map((tap) => {
      const hit = tf.mul(tf.cast(tf.equal(tap, y), 'float32'), open);
      open = tf.sub(open, hit);
      return tf.mul(hit, dy);
    });
    const placed: tf.Tensor4D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const d = zeroInsert(parts[i * kw + j] as tf.Tensor4D, sh, sw);
        // Trailing rows/cols past the padded grid are inserted zeros only.
        const { x: dc, pad: pp } = cropNegative(d, i, hp - i - d.shape[1], j, wp - j - d.shape[2]);
        placed.push(tf.pad(dc, pp));
      }
    }
    const dxp = tf.addN(placed);
    return uncrop(dxp);
  });
}


export const maxPoolGradConfig = tensorKernel('MaxPoolGrad', (args) => {
  const { dy, input, output } = inputsOf(args);
  const y = output == null ? undefined : asTensor<tf.Tensor4D>(output);
  return maxPoolGradNHWC(asTensor<tf.Tensor4D>(dy), asTensor<tf.Tensor4D>(input), attrsOf<MaxPoolGradAttrs>(args), y);
});
