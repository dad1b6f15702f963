/**
 * Training kernels missing from the TF.js `wasm` backend (4.22).
 *
 * Out of the box the wasm backend has forward kernels for every op a small CNN
 * needs and several gradient kernels (Conv2DBackpropInput, MaxPoolGrad,
 * AvgPoolGrad, ...), but not the following ones, found by running training
 * steps of conv / depthwise / pooling / batch-norm / dense / gather models:
 *
 * - `Conv2DBackpropFilter`               (gradient of conv2d w.r.t. its filter)
 * - `DepthwiseConv2dNativeBackpropInput`  (gradient of depthwiseConv2d w.r.t. x)
 * - `DepthwiseConv2dNativeBackpropFilter` (gradient of depthwiseConv2d w.r.t. filter)
 * - `UnsortedSegmentSum`                  (used by the gradient of gather)
 *
 * Each one is expressed through existing, fast (XNNPACK-backed) wasm kernels
 * instead of scalar JavaScript loops. The kernel functions run ordinary tf ops
 * on the active backend; the engine does not record ops executed inside a
 * kernel on the gradient tape, and every intermediate is freed by a tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { makeConcatKernel, makeIdentityKernel, makeSliceKernel, makeSplitVKernel, makeTileKernel, makeReverseKernel } from './wasm-copy-kernels.js';
import { LIFT_FILTER, LIFT_FILTER_GRAD, liftFilterGradKernel, liftFilterKernel, liftFilterKernelsWanted } from './wasm-lift-filter.js';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;
type Pair = [number, number];
type KernelArgs = Parameters<tf.KernelFunc>[0];

const BACKEND = 'wasm';

/** Wraps a kernel input (a TensorInfo) as a Tensor usable by tf ops. */
function asTensor<T extends tf.Tensor>(info: tf.TensorInfo): T {
  if (info instanceof tf.Tensor) return info as T;
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}

/** Slice [start, end) of axis 1 and 2 of a 4-D tensor, only when needed. */
function crop4(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  const [n, h, w, c] = x.shape;
  return tf.slice(x, [0, top, left, 0], [n, h - top - bottom, w - left - right, c]);
}

/**
 * Pads (positive amounts) and crops (negative amounts) axes 1 and 2 of a 4-D
 * tensor. Returns the tensor and the non-negative explicit padding that still
 * has to be applied (so it can be folded into a convolution's padding).
 */
function cropNegative(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): { x: tf.Tensor4D; pad: [[number, number], [number, number], [number, number], [number, number]] } {
  const c = crop4(x, Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right));
  return {
    x: c,
    pad: [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ],
  };
}

// ---------------------------------------------------------------------------
// Conv2DBackpropFilter
// ---------------------------------------------------------------------------

/**
 * dW[kh,kw,ci,co] = sum_{n,i,j} x[n, i*sh + kh - pt, j*sw + kw - pl, ci] * dy[n,i,j,co]
 *
 * Computed as one convolution in which the input channels play the role of the
 * batch, the batch plays the role of the channels and dy is the filter (with
 * dilation = the forward stride):
 *   transpose(x, [3,1,2,0]) [Ci,H,W,N]  (*)  transpose(dy, [1,2,0,3]) [Ho,Wo,N,Co]
 *   -> [Ci,KH,KW,Co] -> transpose [KH,KW,Ci,Co].
 */
export function conv2dBackpropFilterNHWC(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: RoundingMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      1,
      pad as 'same',
      dimRoundingMode,
      false,
      'channelsLast',
    );
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

function conv2DBackpropFilterKernel({ inputs, attrs }: KernelArgs): tf.Tensor {
  const a = attrs as unknown as {
    strides: number | Pair;
    pad: Pad;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: RoundingMode;
    filterShape: [number, number, number, number];
  };
  const x = asTensor<tf.Tensor4D>(inputs.x as tf.TensorInfo);
  const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo);
  return tf.tidy(() => {
    if (a.dataFormat === 'NCHW') {
      return conv2dBackpropFilterNHWC(
        tf.transpose(x, [0, 2, 3, 1]),
        tf.transpose(dy, [0, 2, 3, 1]),
        a.filterShape,
        a.strides,
        a.pad,
        a.dimRoundingMode,
      );
    }
    return conv2dBackpropFilterNHWC(x, dy, a.filterShape, a.strides, a.pad, a.dimRoundingMode);
  });
}

// ---------------------------------------------------------------------------
// Conv2DBackpropInput (override, for speed)
// ---------------------------------------------------------------------------

/**
 * Inserts (s-1) zeros after every element of axes 1 and 2 ("dilates" dy by
 * the forward stride), with reshape + pad. Returns the new spatial lengths.
 */
function zeroInsert(d: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return d;
  const [n, ho, wo, c] = d.shape;
  const padded = tf.pad(tf.reshape(d, [n, ho, 1, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(padded, [n, ho * sh, wo * sw, c]);
}

/**
 * dx[n,h,w,ci] = sum_{kh,kw,co} dy[n, (h + pt - kh)/sh, (w + pl - kw)/sw, co] * W[kh,kw,ci,co]
 *
 * The wasm backend's own Conv2DBackpropInput is a plain C++ loop (~6x slower
 * than XNNPACK's convolution); the same result is one XNNPACK conv2d of the
 * stride-dilated dy with the spatially flipped, in/out-transposed filter.
 */
export function conv2dBackpropInputNHWC(
  inputShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: RoundingMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      strides,
      1,
      pad as 'same',
      dimRoundingMode,
      false,
      'channelsLast',
    );
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

function conv2DBackpropInputKernel({ inputs, attrs }: KernelArgs): tf.Tensor {
  const a = attrs as unknown as {
    strides: number | Pair;
    pad: Pad;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: RoundingMode;
    inputShape: [number, number, number, number];
  };
  const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo);
  const filter = asTensor<tf.Tensor4D>(inputs.filter as tf.TensorInfo);
  return tf.tidy(() => {
    if (a.dataFormat === 'NCHW') {
      const [n, c, hh, ww] = a.inputShape;
      const r = conv2dBackpropInputNHWC(
        [n, hh, ww, c],
        tf.transpose(dy, [0, 2, 3, 1]),
        filter,
        a.strides,
        a.pad,
        a.dimRoundingMode,
      );
      return tf.transpose(r, [0, 3, 1, 2]);
    }
    return conv2dBackpropInputNHWC(a.inputShape, dy, filter, a.strides, a.pad, a.dimRoundingMode);
  });
}

// ---------------------------------------------------------------------------
// DepthwiseConv2dNativeBackpropInput
// ---------------------------------------------------------------------------

/**
 * dx[n,h,w,c] = sum_{m,kh,kw} dy[n, (h + pt - kh*dh)/sh, (w + pl - kw*dw)/sw, c*M + m] * f[kh,kw,c,m]
 *
 * dy is first "dilated" by the stride (zeros inserted, via reshape + pad), then
 * correlated with the spatially flipped filter by the wasm depthwise conv
 * (channel multiplier 1 over the C*M channels), and finally the M outputs of
 * each input channel are summed.
 */
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
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape,
      strides,
      dilations,
      pad as 'same',
      dimRoundingMode,
      true,
      'channelsLast',
    );
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const { effectiveFilterHeight: ekh, effectiveFilterWidth: ekw, inHeight: h, inWidth: w } = info;
    const n = dy.shape[0];
    const [kh, kw, c, m] = filter.shape;
    const d = zeroInsert(dy, sh, sw);
    const lh = d.shape[1];
    const lw = d.shape[2];
    const top = ekh - 1 - info.padInfo.top;
    const left = ekw - 1 - info.padInfo.left;
    const bottom = h + ekh - 1 - lh - top;
    const right = w + ekw - 1 - lw - left;
    const { x: dc, pad: p } = cropNegative(d, top, bottom, left, right);
    const fFlip = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const r = tf.depthwiseConv2d(dc, fFlip, 1, p, 'NHWC', [dh, dw]);
    if (m === 1) return r;
    return tf.sum(tf.reshape(r, [n, h, w, c, m]), 4) as tf.Tensor4D;
  });
}

function depthwiseBackpropInputKernel({ inputs, attrs }: KernelArgs): tf.Tensor {
  const a = attrs as unknown as {
    strides: number | Pair;
    pad: Pad;
    dilations: number | Pair;
    dimRoundingMode?: RoundingMode;
    inputShape: [number, number, number, number];
  };
  const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo);
  const filter = asTensor<tf.Tensor4D>(inputs.filter as tf.TensorInfo);
  return depthwiseBackpropInputNHWC(a.inputShape, dy, filter, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode);
}

// ---------------------------------------------------------------------------
// DepthwiseConv2dNativeBackpropFilter
// ---------------------------------------------------------------------------

/**
 * dF[kh,kw,c,m] = sum_{n,i,j} x[n, i*sh + kh*dh - pt, j*sw + kw*dw - pl, c] * dy[n,i,j,c*M+m]
 *
 * For every filter tap the matching (strided) window of the padded input is
 * cut out with one slice, multiplied by dy and reduced over n,i,j: KH*KW
 * elementwise passes, no per-element JavaScript.
 */
export function depthwiseBackpropFilterNHWC(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number | Pair,
  pad: Pad,
  dilations: number | Pair,
  dimRoundingMode?: RoundingMode,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computeConv2DInfo(
      x.shape,
      filterShape,
      strides,
      dilations,
      pad as 'same',
      dimRoundingMode,
      true,
      'channelsLast',
    );
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const { effectiveFilterHeight: ekh, effectiveFilterWidth: ekw, inHeight: h, inWidth: w } = info;
    const { outHeight: ho, outWidth: wo } = info;
    const [kh, kw, c, m] = filterShape;
    const n = x.shape[0];
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = (ho - 1) * sh + ekh - h - top;
    const right = (wo - 1) * sw + ekw - w - left;
    const { x: xc, pad: p } = cropNegative(x, top, bottom, left, right);
    const xp = p[1][0] + p[1][1] + p[2][0] + p[2][1] > 0 ? tf.pad(xc, p) : xc;
    const dyr = m === 1 ? dy : tf.reshape(dy, [n, ho, wo, c, m]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        let win: tf.Tensor4D;
        if (sh === 1 && sw === 1) {
          win = tf.slice(xp, [0, i * dh, j * dw, 0], [n, ho, wo, c]);
        } else {
          win = tf.stridedSlice(
            xp,
            [0, i * dh, j * dw, 0],
            [n, i * dh + (ho - 1) * sh + 1, j * dw + (wo - 1) * sw + 1, c],
            [1, sh, sw, 1],
          ) as tf.Tensor4D;
        }
        const prod = m === 1 ? tf.mul(win, dyr) : tf.mul(tf.reshape(win, [n, ho, wo, c, 1]), dyr);
        taps.push(tf.sum(prod, [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, m]) as tf.Tensor4D;
  });
}

function depthwiseBackpropFilterKernel({ inputs, attrs }: KernelArgs): tf.Tensor {
  const a = attrs as unknown as {
    strides: number | Pair;
    pad: Pad;
    dilations: number | Pair;
    dimRoundingMode?: RoundingMode;
    filterShape: [number, number, number, number];
  };
  const x = asTensor<tf.Tensor4D>(inputs.x as tf.TensorInfo);
  const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo);
  return depthwiseBackpropFilterNHWC(x, dy, a.filterShape, a.strides, a.pad, a.dilations ?? 1, a.dimRoundingMode);
}

// ---------------------------------------------------------------------------
// UnsortedSegmentSum
// ---------------------------------------------------------------------------

/**
 * out[s, ...] = sum over k with ids[k] == s of x[k, ...]; ids outside
 * [0, numSegments) are dropped (TensorFlow semantics).
 *
 * Uses the wasm ScatterNd kernel, which accumulates duplicate indices; invalid
 * ids are routed to one extra trash row that is sliced away.
 */
export function unsortedSegmentSumImpl(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    const k = segmentIds.size;
    const rest = x.shape.slice(segmentIds.rank);
    const ids = tf.cast(tf.reshape(segmentIds, [k]), 'int32');
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
    const safe = tf.where(valid, ids, tf.fill([k], numSegments, 'int32'));
    const updates = tf.reshape(x, [k, ...rest]);
    const out = tf.scatterND(tf.reshape(safe, [k, 1]), updates, [numSegments + 1, ...rest]);
    return tf.slice(out, 0, numSegments);
  });
}

function unsortedSegmentSumKernel({ inputs, attrs }: KernelArgs): tf.Tensor {
  const { numSegments } = attrs as unknown as { numSegments: number };
  const x = asTensor(inputs.x as tf.TensorInfo);
  const ids = asTensor(inputs.segmentIds as tf.TensorInfo);
  return unsortedSegmentSumImpl(x, ids, numSegments);
}

// ---------------------------------------------------------------------------
// MaxPoolGrad (override)
// ---------------------------------------------------------------------------

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
 * Overlapping windows: the window values are gathered into a trailing "tap"
 * axis (one strided slice per tap), the first maximum of each window is found
 * with ArgMax, dy is routed to it with a one-hot product, and the taps are
 * folded back onto the input grid.
 */
export function maxPoolGradNHWC(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  filterSize: number | Pair,
  strides: number | Pair,
  pad: Pad,
  dimRoundingMode?: RoundingMode,
  /** The forward maxPool output; recomputed when absent. */
  output?: tf.Tensor4D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = tf.backend_util.computePool2DInfo(
      x.shape,
      filterSize,
      strides,
      1,
      pad as 'same',
      dimRoundingMode,
    );
    const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
    const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo, inChannels: c } = info;
    const n = x.shape[0];
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const hp = (ho - 1) * sh + kh;
    const wp = (wo - 1) * sw + kw;
    const bottom = hp - h - top;
    const right = wp - w - left;
    const { x: xc, pad: p } = cropNegative(x, top, bottom, left, right);
    const padded = p[1][0] + p[1][1] + p[2][0] + p[2][1] > 0;
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
      const y = output ?? tf.maxPool(x, filterSize, strides, pad as 'same', dimRoundingMode);
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
    const y = output ?? tf.maxPool(x, filterSize, strides, pad as 'same', dimRoundingMode);
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

function maxPoolGradKernel({ inputs, attrs }: KernelArgs): tf.Tensor {
  const a = attrs as unknown as {
    filterSize: number | Pair;
    strides: number | Pair;
    pad: Pad;
    dimRoundingMode?: RoundingMode;
  };
  const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo);
  const x = asTensor<tf.Tensor4D>(inputs.input as tf.TensorInfo);
  const y = inputs.output == null ? undefined : asTensor<tf.Tensor4D>(inputs.output as tf.TensorInfo);
  return maxPoolGradNHWC(dy, x, a.filterSize, a.strides, a.pad, a.dimRoundingMode, y);
}

// ---------------------------------------------------------------------------
// OneHot (override)
// ---------------------------------------------------------------------------

/**
 * The wasm OneHot kernel (4.22) always writes int32 values, even when asked for
 * another dtype, so `tf.oneHot(i, d, 1, 0, 'float32')` returns garbage (int
 * bit patterns read as floats). Wrap it: run it as int32, then cast.
 */
function makeOneHotKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { dtype } = args.attrs as unknown as { dtype?: tf.DataType };
    if (dtype == null || dtype === 'int32') return original(args);
    const ints = original({ ...args, attrs: { ...args.attrs, dtype: 'int32' } }) as tf.TensorInfo;
    return tf.tidy(() => tf.cast(asTensor(ints), dtype));
  };
}

// ---------------------------------------------------------------------------
// Sum / Mean over leading or middle axes (override, for speed)
// ---------------------------------------------------------------------------

/**
 * The wasm Sum/Mean kernels reduce only innermost axes and transpose the input
 * first otherwise, which is slow (a bias gradient, sum over [0,1,2] of
 * 64x28x28x16, takes ~4 ms; the same as a matmul takes ~0.5 ms). A float32
 * reduction over a contiguous block of axes that excludes the last one is
 * computed as one average pooling of x[P,R,C] (viewed as [P, R/b, b, C]) with
 * a window covering R, times R for a sum; anything else goes to the wasm
 * kernel. (A matmul `ones[1,R] @ x[R,C]` is fast only when x is reused: the
 * wasm matmul packs its right operand, ~2.4 ms for a fresh 25088×16, 67 ms
 * for 65536×64, against 0.3 ms and 3 ms for the pooling.)
 */
/** The largest divisor of `n` that is ≤ `limit` (≥ 1). */
function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.max(1, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

function makeReduceKernel(original: tf.KernelConfig | undefined, mean: boolean): tf.KernelFunc {
  if (original == null) throw new Error('wasm reduction kernel missing');
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const shape = x.shape;
    const rank = shape.length;
    const axes = tf.util.parseAxisParam(axis, shape).slice().sort((a, b) => a - b);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && last - first + 1 === axes.length && new Set(axes).size === axes.length;
    if (x.dtype !== 'float32' || !contiguous || last === rank - 1 || tf.util.sizeFromShape(shape) === 0) {
      return original.kernelFunc(args);
    }
    const p = tf.util.sizeFromShape(shape.slice(0, first));
    const r = tf.util.sizeFromShape(shape.slice(first, last + 1));
    const c = tf.util.sizeFromShape(shape.slice(last + 1));
    const outShape = keepDims
      ? shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : shape.filter((_, i) => i < first || i > last);
    // One XNNPACK average pooling whose window covers the reduced block (as rows × cols), called
    // directly on the backend (no engine bookkeeping: this runs for every bias gradient).
    const backend = args.backend as unknown as DirectBackend;
    const rows = largestDivisorAtMost(r, Math.floor(Math.sqrt(r)));
    const pooled = callKernel('AvgPool', { x: { dataId: x.dataId, shape: [p, r / rows, rows, c], dtype: 'float32' } }, backend, {
      filterSize: [r / rows, rows], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined,
    });
    if (mean) return { dataId: pooled.dataId, shape: outShape, dtype: 'float32' };
    const scale = backend.makeOutput([], 'float32', undefined, new Float32Array([r]));
    const out = callKernel('Multiply', { a: pooled, b: scale }, backend, {});
    backend.disposeData(pooled.dataId);
    backend.disposeData(scale.dataId);
    return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
  };
}

/** What {@link callKernel} needs of the wasm backend. */
interface DirectBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Run the wasm backend's registered kernel `name` directly (inputs are only read). */
function callKernel(name: string, inputs: Record<string, tf.TensorInfo>, backend: DirectBackend, attrs: Record<string, unknown>): tf.TensorInfo {
  const k = tf.getKernel(name, BACKEND);
  if (k == null) throw new Error(`wasm ${name} kernel missing`);
  return k.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
}

// ---------------------------------------------------------------------------
// Registration
// ---------------------------------------------------------------------------

interface KernelSpec {
  kernelName: string;
  /** Builds the kernel function; `original` is the wasm backend's own kernel for overrides. */
  make: (original: tf.KernelConfig | undefined) => tf.KernelFunc;
  /** Replace a kernel the wasm backend already has (because it is wrong). */
  override?: boolean;
}

/** Runs a tensor-returning kernel in a tidy, so wrapped inputs and intermediates are freed. */
const fn =
  (f: (args: KernelArgs) => tf.Tensor): (() => tf.KernelFunc) =>
  () =>
  (args) =>
    tf.tidy(() => f(args));

function required(k: tf.KernelConfig | undefined, name: string): tf.KernelFunc {
  if (k == null) throw new Error(`wasm ${name} kernel missing`);
  return k.kernelFunc;
}

const SPECS: KernelSpec[] = [
  { kernelName: 'Conv2DBackpropFilter', make: fn(conv2DBackpropFilterKernel) },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', make: fn(depthwiseBackpropInputKernel) },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', make: fn(depthwiseBackpropFilterKernel) },
  { kernelName: 'UnsortedSegmentSum', make: fn(unsortedSegmentSumKernel) },
  { kernelName: 'MaxPoolGrad', make: fn(maxPoolGradKernel), override: true },
  { kernelName: 'Conv2DBackpropInput', make: fn(conv2DBackpropInputKernel), override: true },
  { kernelName: 'Sum', make: (orig) => makeReduceKernel(orig, false), override: true },
  { kernelName: 'Mean', make: (orig) => makeReduceKernel(orig, true), override: true },
  { kernelName: 'Slice', make: (orig) => makeSliceKernel(required(orig, 'Slice')), override: true },
  { kernelName: 'SplitV', make: (orig) => makeSplitVKernel(required(orig, 'SplitV')), override: true },
  { kernelName: 'Concat', make: (orig) => makeConcatKernel(required(orig, 'Concat')), override: true },
  { kernelName: 'Identity', make: (orig) => makeIdentityKernel(required(orig, 'Identity')), override: true },
  { kernelName: 'Tile', make: (orig) => makeTileKernel(required(orig, 'Tile')), override: true },
  { kernelName: 'Reverse', make: (orig) => makeReverseKernel(required(orig, 'Reverse')), override: true },
  // The LiftPool filter's forward and whole backward, one wasm call each (kernels of our own).
  { kernelName: LIFT_FILTER, make: () => liftFilterKernel },
  { kernelName: LIFT_FILTER_GRAD, make: () => liftFilterGradKernel },
  {
    kernelName: 'OneHot',
    make: (orig) => {
      if (orig == null) throw new Error('wasm OneHot kernel missing');
      return makeOneHotKernel(orig.kernelFunc);
    },
    override: true,
  },
];

/** Names of the kernels this module adds to (or replaces in) the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = SPECS.map((s) => s.kernelName);

const ours = new Set<tf.KernelFunc>();

/**
 * Registers the missing training kernels for the `wasm` backend, replaces the
 * buggy wasm MaxPoolGrad and OneHot kernels, and the slow Conv2DBackpropInput
 * (and Sum/Mean over non-inner axes). Idempotent; a missing kernel
 * that someone else already registered is left alone. The replacements only
 * happen once `@tensorflow/tfjs-backend-wasm` has been imported (it registers
 * its kernels on import), so call this again after importing it yourself;
 * `useBestBackend` does. Returns the names of
 * the kernels registered by this call.
 */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = [];
  for (const spec of SPECS) {
    if ((spec.kernelName === LIFT_FILTER || spec.kernelName === LIFT_FILTER_GRAD) && !liftFilterKernelsWanted()) continue;
    const existing = tf.getKernel(spec.kernelName, BACKEND);
    if (existing != null && (ours.has(existing.kernelFunc) || !spec.override)) continue;
    // Overrides need the wasm package's own kernel to be registered first
    // (importing @tensorflow/tfjs-backend-wasm does that); retried on the next call.
    if (existing == null && spec.override) continue;
    const kernelFunc = spec.make(existing);
    ours.add(kernelFunc);
    if (existing != null) tf.unregisterKernel(spec.kernelName, BACKEND);
    tf.registerKernel({
      kernelName: spec.kernelName,
      backendName: BACKEND,
      kernelFunc,
      // Keep the original setup (it binds the wasm function an override may call).
      setupFunc: existing?.setupFunc,
      disposeFunc: existing?.disposeFunc,
    });
    added.push(spec.kernelName);
  }
  return added;
}

/** True when the wasm kernel `name` is the one installed by this module. */
export function isOurWasmKernel(name: string): boolean {
  const k = tf.getKernel(name, BACKEND);
  return k != null && ours.has(k.kernelFunc);
}
