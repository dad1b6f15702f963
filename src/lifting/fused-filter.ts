/**
 * Fused predict/update filter `F(z) = tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z)))))` with a
 * hand-written gradient (`tf.customGrad`).
 *
 * The composite version (see `liftFilterComposite` in ./filter.ts) runs ~8 small kernels forward
 * (slice, reverse, concat for the boundary, depthwise conv, matMul, tanh) and ~15 backward. Here:
 *
 * - where the active backend runs the filter as kernels of its own (`LiftPoolFilter` and
 *   `LiftPoolFilterGrad`; ../backend registers them on the single-threaded wasm build: C with wasm
 *   SIMD, native/lift_filter.c), the forward and the whole backward are one kernel call each,
 *   reading the boundary through the pad index map. This module only asks
 *   `liftFilterKernels()` (../backend/lift-filter-dispatch.ts) and calls them by name; it imports
 *   no backend code and names no backend.
 * - everywhere else one path on standard TF.js ops, which stays on the device (no read-back, so
 *   WebGL/WebGPU never stall or see stale data inside a backward):
 *   forward: mirror padding, the backend's fused depthwise conv + bias + ReLU, one matMul for the
 *   1×1 conv with `tanh(x) = 2·sigmoid(2x) − 1`;
 *   backward: `dy·(1−y²)`, two plain matMuls (explicit transposes: some backends' matMul is
 *   several times slower with transpose flags), the ReLU mask, the depthwise input and filter
 *   gradients on the extended input (the backends' `DepthwiseConv2dNativeBackprop*` kernels), and
 *   the boundary samples folded back onto the samples they were copied from (slices and pads).
 *
 * The semantics (pad modes, short-axis fallback) are those of `padAxis`, via the same
 * `effectivePadMode`.
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, LiftFilterWeights, PadMode } from './types.js';
import { effectivePadMode, padAxis } from './pad.js';
import { LIFT_FILTER, LIFT_FILTER_GRAD, liftFilterKernels } from '../backend/lift-filter-dispatch.js';

/**
 * Source index along the axis of each of the `length + 2·amount` samples of the padded signal, or
 * −1 for a zero sample. Mirrors `padAxis` exactly.
 */
export function padIndexMap(length: number, amount: number, mode: PadMode): Int32Array {
  const m = effectivePadMode(mode, length, amount);
  const idx = new Int32Array(length + 2 * amount);
  for (let p = 0; p < idx.length; p++) {
    const q = p - amount;
    let s: number;
    if (q >= 0 && q < length) s = q;
    else if (m === 'zero') s = -1;
    else if (m === 'edge') s = q < 0 ? 0 : length - 1;
    else if (m === 'reflect') s = q < 0 ? -q : 2 * (length - 1) - q;
    else s = q < 0 ? -q - 1 : 2 * length - 1 - q; // symmetric
    idx[p] = s;
  }
  return idx;
}

type FilterFn = (z: tf.Tensor4D, dk: tf.Tensor4D, db: tf.Tensor1D, pk: tf.Tensor4D, pb: tf.Tensor1D) => tf.Tensor4D;

/**
 * Boundary extension for the forward pass only (its gradient is computed by hand below), so the
 * fast `mirrorPad` kernel can be used: TF.js 4.22 computes mirrorPad itself correctly, only its
 * registered gradient is wrong.
 */
function padForward(z: tf.Tensor4D, axis: LiftAxis, amount: number, mode: PadMode): tf.Tensor4D {
  if (amount === 0) return z;
  const ax = axis === 'width' ? 2 : 1;
  const m = effectivePadMode(mode, z.shape[ax], amount);
  const paddings: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
  paddings[ax] = [amount, amount];
  if (m === 'zero') return tf.pad(z, paddings);
  if (m === 'reflect' || m === 'symmetric') return tf.mirrorPad(z, paddings, m);
  return padAxis(z, axis, amount, 'edge');
}

/** `x` sliced along the lifting axis (1 = height, 2 = width). */
function sliceAxis(x: tf.Tensor4D, ax: number, begin: number, size: number): tf.Tensor4D {
  const b = [0, 0, 0, 0];
  const sz = [...x.shape];
  b[ax] = begin;
  sz[ax] = size;
  return tf.slice(x, b, sz);
}

/**
 * The transpose of the boundary extension: the gradient at the extended signal (length
 * `len + 2·amount` along the axis) summed onto the samples each extended sample was copied from
 * (the pad index map; −1 = a zero sample, dropped).
 */
function foldBoundary(dzp: tf.Tensor4D, ax: number, amount: number, len: number, idx: Int32Array): tf.Tensor4D {
  const parts: tf.Tensor4D[] = [sliceAxis(dzp, ax, amount, len)];
  for (let q = 0; q < idx.length; q++) {
    if ((q >= amount && q < amount + len) || idx[q] < 0) continue;
    const paddings: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
    paddings[ax] = [idx[q], len - 1 - idx[q]];
    parts.push(tf.pad(sliceAxis(dzp, ax, q, 1), paddings));
  }
  return parts.length === 1 ? parts[0] : (tf.addN(parts) as tf.Tensor4D);
}

const fused = new Map<string, FilterFn>();

/** The fused filter for one axis and pad mode (cached: customGrad functions are reusable). */
function fusedFilterFn(axis: LiftAxis, padMode: PadMode): FilterFn {
  const key = `${axis}/${padMode}`;
  let fn = fused.get(key);
  if (fn) return fn;
  const ax = axis === 'width' ? 2 : 1;
  const body = (z: tf.Tensor4D, dk: tf.Tensor4D, db: tf.Tensor1D, pk: tf.Tensor4D, pb: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const [n, h, w, c] = z.shape;
    const k = axis === 'width' ? dk.shape[1] : dk.shape[0];
    const amount = (k - 1) / 2;
    const m = n * h * w;
    const pk2 = tf.reshape(pk, [c, c]);
    const outer = axis === 'width' ? n * h : n;
    const len = axis === 'width' ? w : h;
    const inner = axis === 'width' ? c : w * c;
    const idx = padIndexMap(len, amount, padMode);
    // Asked once per call, so that forward and backward always run the same path.
    const kernels = liftFilterKernels();
    let hid: tf.Tensor2D;
    let y: tf.Tensor4D;
    if (kernels) {
      // The index map goes to the backend once and is saved for the backward kernel.
      const idxT = tf.tensor1d(idx, 'int32');
      [hid, y] = tf.engine().runKernel(LIFT_FILTER, { z, dk, db, pk: pk2, pb, idx: idxT }, { outer, len, inner }) as [tf.Tensor2D, tf.Tensor4D];
      save([z, hid, y, dk, pk2, idxT]);
    } else {
      // The backend's fast kernels: pad, depthwise+bias+ReLU, then the 1×1 conv with
      // tanh(x) = 2·sigmoid(2x) − 1 fused into the matMul (the backends' tanh is ~5× slower).
      const zp = padForward(z, axis, amount, padMode);
      hid = tf.reshape(tf.fused.depthwiseConv2d({ x: zp, filter: dk, strides: 1, pad: 'valid', bias: db, activation: 'relu' }), [m, c]);
      const sig = tf.fused.matMul({ a: hid, b: tf.mul(pk2, 2), bias: tf.mul(pb, 2), activation: 'sigmoid' });
      y = tf.reshape(tf.sub(tf.mul(sig, 2), 1), [n, h, w, c]) as tf.Tensor4D;
      // The extended input is saved for the depthwise filter gradient (saving shares the buffer).
      save([z, hid, y, dk, pk2, zp]);
    }

    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      // The sixth saved tensor: the index map (kernel path) or the extended input.
      const [zs, hids, ys, dks, pk2s, extra] = saved as [tf.Tensor4D, tf.Tensor2D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D, tf.Tensor];
      if (kernels) {
        const [dz, ddk, ddb, dpk, dpb] = tf.engine().runKernel(
          LIFT_FILTER_GRAD, { dy, y: ys, hid: hids, z: zs, dk: dks, pk: pk2s, idx: extra }, { outer, len, inner },
        ) as tf.Tensor[];
        const dpk4 = tf.reshape(dpk, [1, 1, c, c]);
        dpk.dispose();
        return [dz, ddk, ddb, dpk4, dpb];
      }
      return tf.tidy(() => {
        // g = dy·(1 − y²) at the pointwise output; plain matMuls with explicit transposes.
        const g = tf.reshape(tf.mul(dy, tf.sub(1, tf.square(ys))), [m, c]);
        const gp = tf.mul(tf.matMul(g, tf.transpose(pk2s)), tf.step(hids));
        const gp4 = tf.reshape(gp, [n, h, w, c]) as tf.Tensor4D;
        const zp = extra as tf.Tensor4D;
        const conv = { strides: [1, 1], pad: 'valid', dilations: [1, 1] };
        const ddk = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: zp, dy: gp4 }, { ...conv, filterShape: dks.shape }) as tf.Tensor4D;
        const dzp = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: gp4, filter: dks }, { ...conv, inputShape: zp.shape }) as tf.Tensor4D;
        const dz = foldBoundary(dzp, ax, amount, len, idx);
        return [dz, ddk, tf.sum(gp, 0), tf.reshape(tf.matMul(tf.transpose(hids), g), [1, 1, c, c]), tf.sum(g, 0)];
      });
    };
    return { value: y, gradFunc };
  };
  fn = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as FilterFn;
  fused.set(key, fn);
  return fn;
}

/** Apply the fused filter. Shapes are assumed validated. */
export function liftFilterFused(z: tf.Tensor4D, w: LiftFilterWeights, axis: LiftAxis, padMode: PadMode): tf.Tensor4D {
  return fusedFilterFn(axis, padMode)(z, w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias);
}
