/**
 * Fused predict/update filter `F(z) = tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z)))))` with a
 * hand-written gradient (`tf.customGrad`).
 *
 * The composite version (see `liftFilterComposite` in ./filter.ts) runs ~8 small kernels forward
 * (slice, reverse, concat for the boundary, depthwise conv, matMul, tanh) and ~15 backward, each a
 * full pass over memory; on the wasm backend several of them are slow (Reverse, the depthwise
 * backprop kernels, matMul with transposed operands). Here:
 *
 * - where the backend has the kernels `LiftPoolFilter` and `LiftPoolFilterGrad` (registered on the
 *   single-threaded wasm backend by ../backend: C with wasm SIMD, native/lift_filter.c), the
 *   forward and the whole backward are one kernel call each, reading the boundary through the pad
 *   index map. This module only asks the kernel registry for them; it imports no backend code.
 *   Otherwise, on the backend's standard kernels:
 * - forward: mirror padding, the backend's fused depthwise conv + bias + ReLU, one matMul for the
 *   1×1 conv with `tanh(x) = 2·sigmoid(2x) − 1`;
 * - backward: `dy·(1−y²)`, two plain matMuls (explicit transposes: the wasm backend's matMul is
 *   ~8× slower with transpose flags), the ReLU mask, then the depthwise gradients. On wasm (threaded
 *   build) these run on the backend's kernels (a 9-tap depthwise correlation for the input gradient whose
 *   boundary samples one JS pass folds back onto their sources; one product + sum per tap for the
 *   kernel gradient), because XNNPACK is ~4–15× faster than a JS loop over typed arrays there. On
 *   the other backends one JS pass computes both depthwise gradients and the boundary scatter.
 *
 * On wasm without the filter kernels the K-tap depthwise kernel runs zero-extended to 9 taps (see
 * `wasmDepthwiseTaps`).
 *
 * The semantics (pad modes, short-axis fallback) are those of `padAxis`, via the same
 * `effectivePadMode`. Works on every backend that can `dataSync` (cpu, wasm, tensorflow).
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, LiftFilterWeights, PadMode } from './types.js';
import { effectivePadMode, padAxis } from './pad.js';
import { LIFT_FILTER, LIFT_FILTER_GRAD } from '../backend/kernel-names.js';

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

/** `v` (length C) repeated to length `inner` (a multiple of C), per kernel tap when `taps` > 1. */
function expandChannels(v: Float32Array | Int32Array | Uint8Array, taps: number, c: number, inner: number): Float32Array {
  const out = new Float32Array(taps * inner);
  for (let k = 0; k < taps; k++) {
    for (let j = 0; j < inner; j++) out[k * inner + j] = v[k * c + (j % c)];
  }
  return out;
}

function f32(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
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

/**
 * Depthwise-conv backward along the axis, through the boundary extension, in one JS pass:
 * `dz[src(i+t)] += w[t]·g[i]` and `dw[t] += g[i]·z[src(i+t)]`, where `src` is the pad index map.
 * `g` is the gradient at the depthwise output (after the ReLU mask). Layout [outer, len, inner].
 */
function depthwiseBackward(
  g: Float32Array, z: Float32Array, wExp: Float32Array, idx: Int32Array,
  outer: number, len: number, inner: number, k: number,
): { dz: Float32Array; dwExp: Float64Array } {
  const dz = new Float32Array(g.length);
  const dwExp = new Float64Array(k * inner);
  for (let o = 0; o < outer; o++) {
    const ob = o * len;
    for (let i = 0; i < len; i++) {
      const row = (ob + i) * inner;
      for (let t = 0; t < k; t++) {
        const s = idx[i + t];
        if (s < 0) continue;
        const src = (ob + s) * inner;
        const wo = t * inner;
        for (let j = 0; j < inner; j++) {
          const v = g[row + j];
          dz[src + j] += wExp[wo + j] * v;
          dwExp[wo + j] += v * z[src + j];
        }
      }
    }
  }
  return { dz, dwExp };
}

type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/** Explicit padding of `before`/`after` along the lifting axis only. */
function axisPadding(axis: LiftAxis, before: number, after: number): Explicit {
  const p: Explicit = [[0, 0], [0, 0], [0, 0], [0, 0]];
  p[axis === 'width' ? 2 : 1] = [before, after];
  return p;
}

/**
 * Number of taps to run a K-tap 1-D depthwise kernel with on the wasm backend. XNNPACK (which
 * the wasm backend uses) has fast depthwise micro-kernels for 3, 4, 9 and 25 taps; other tap
 * counts take a generic path that is 3–6× slower (1×5 on 64×28×18×16: ~6–10 ms, the same
 * kernel zero-extended to 1×9: ~1–3 ms). So K = 5…8 runs as 9 taps, K = 10…24 as 25.
 */
export function wasmDepthwiseTaps(k: number): number {
  if (k <= 4) return k;
  if (k <= 9) return 9;
  if (k <= 25) return 25;
  return k;
}

/**
 * `ReLU(depthwise(zp, kernel) + bias)` along the axis, 'valid' on the already-extended input `zp`.
 * On wasm the kernel is zero-extended at its end to a fast tap count, with as many extra zeros
 * appended to the input (by the convolution's own padding): same result, faster kernel.
 */
function depthwiseAlong(zp: tf.Tensor4D, dk: tf.Tensor4D, axis: LiftAxis, onWasm: boolean, bias: tf.Tensor1D): tf.Tensor4D {
  const k = axis === 'width' ? dk.shape[1] : dk.shape[0];
  const kk = onWasm ? wasmDepthwiseTaps(k) : k;
  if (kk === k) return tf.fused.depthwiseConv2d({ x: zp, filter: dk, strides: 1, pad: 'valid', bias, activation: 'relu' });
  const kernel = tf.pad(dk, axis === 'width' ? [[0, 0], [0, kk - k], [0, 0], [0, 0]] : [[0, kk - k], [0, 0], [0, 0], [0, 0]]) as tf.Tensor4D;
  // The fused op accepts explicit padding at run time (conv_util), its typings do not.
  return tf.fused.depthwiseConv2d({ x: zp, filter: kernel, strides: 1, pad: axisPadding(axis, 0, kk - k) as unknown as 'valid', bias, activation: 'relu' });
}

/**
 * The depthwise-conv backward of the fused filter through the backend's kernels (used on wasm,
 * where they are fast and plain JS loops are not):
 *
 * - input gradient: the full correlation of `g` with the flipped kernel gives the gradient at the
 *   extended input (length len + K − 1); one JS pass folds its boundary samples back onto the
 *   samples they were copied from (the pad index map);
 * - kernel gradient: `dk[t,c] = Σ g[r,c]·zp[r+t,c]`, one product and one sum per tap (a sum over
 *   leading axes is an average pooling on wasm, see ../backend/wasm-kernels.ts). Computing it as
 *   a depthwise convolution with `g` as the kernel is exact too but ~3× slower (XNNPACK is built
 *   for small kernels).
 */
function depthwiseBackwardKernels(
  g: tf.Tensor4D, zp: tf.Tensor4D, dk: tf.Tensor4D, axis: LiftAxis, idx: Int32Array,
  outer: number, len: number, inner: number,
): { dz: tf.Tensor4D; ddk: tf.Tensor4D } {
  const [n, h, w, c] = g.shape;
  const k = axis === 'width' ? dk.shape[1] : dk.shape[0];
  const amount = (k - 1) / 2;
  const kk = wasmDepthwiseTaps(k);
  // Flipped kernel, zero-extended to kk taps.
  const wk = f32(dk);
  const flipped = new Float32Array(kk * c);
  for (let t = 0; t < k; t++) for (let j = 0; j < c; j++) flipped[t * c + j] = wk[(k - 1 - t) * c + j];
  const fk = tf.tensor4d(flipped, axis === 'width' ? [1, kk, c, 1] : [kk, 1, c, 1]);
  const dzpT = tf.depthwiseConv2d(g, fk, 1, axisPadding(axis, k - 1, k - 1 + kk - k));
  fk.dispose();
  const dzp = f32(dzpT);
  dzpT.dispose();
  // Fold: dz[src(q)] += dzp[q] along the axis; rows of `inner` contiguous values.
  const plen = len + 2 * amount;
  const dz = new Float32Array(n * h * w * c);
  for (let o = 0; o < outer; o++) {
    const pb = o * plen * inner;
    const zb = o * len * inner;
    dz.set(dzp.subarray(pb + amount * inner, pb + (amount + len) * inner), zb);
    for (let q = 0; q < plen; q++) {
      if (q >= amount && q < amount + len) continue;
      const s = idx[q];
      if (s < 0) continue;
      const src = pb + q * inner;
      const dst = zb + s * inner;
      for (let j = 0; j < inner; j++) dz[dst + j] += dzp[src + j];
    }
  }
  const ddk = tf.tidy(() => {
    const taps: tf.Tensor[] = [];
    for (let t = 0; t < k; t++) {
      const begin = axis === 'width' ? [0, 0, t, 0] : [0, t, 0, 0];
      taps.push(tf.sum(tf.mul(g, tf.slice(zp, begin, [n, h, w, c])), [0, 1, 2]));
    }
    return tf.reshape(tf.stack(taps), dk.shape) as tf.Tensor4D;
  });
  return { dz: tf.tensor4d(dz, [n, h, w, c]), ddk };
}

const fused = new Map<string, FilterFn>();

/** The fused filter for one axis and pad mode (cached: customGrad functions are reusable). */
function fusedFilterFn(axis: LiftAxis, padMode: PadMode): FilterFn {
  const key = `${axis}/${padMode}`;
  let fn = fused.get(key);
  if (fn) return fn;
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
    const onWasm = tf.getBackend() === 'wasm';
    // Where the backend has them (wasm, see ../backend; registered and removed as a pair), the
    // forward and the whole backward run as one kernel each, reading the boundary through the pad
    // index map.
    const kernels = tf.getKernel(LIFT_FILTER_GRAD, tf.getBackend()) != null;
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
      hid = tf.reshape(depthwiseAlong(zp, dk, axis, onWasm, db), [m, c]);
      const sig = tf.fused.matMul({ a: hid, b: tf.mul(pk2, 2), bias: tf.mul(pb, 2), activation: 'sigmoid' });
      y = tf.reshape(tf.sub(tf.mul(sig, 2), 1), [n, h, w, c]) as tf.Tensor4D;
      // The wasm backward on backend kernels needs the extended input (saving shares the buffer,
      // no copy); the JS backward of the other backends reads the boundary through the index map.
      save(onWasm ? [z, hid, y, dk, pk2, zp] : [z, hid, y, dk, pk2]);
    }

    const gradFunc = (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
      // The sixth saved tensor: the index map (kernel path) or the extended input (wasm fallback).
      const [zs, hids, ys, dks, pk2s, extra] = saved as [tf.Tensor4D, tf.Tensor2D, tf.Tensor4D, tf.Tensor4D, tf.Tensor2D, tf.Tensor | undefined];
      if (kernels) {
        const [dz, ddk, ddb, dpk, dpb] = tf.engine().runKernel(
          LIFT_FILTER_GRAD, { dy, y: ys, hid: hids, z: zs, dk: dks, pk: pk2s, idx: extra! }, { outer, len, inner },
        ) as tf.Tensor[];
        const dpk4 = tf.reshape(dpk, [1, 1, c, c]);
        dpk.dispose();
        return [dz, ddk, ddb, dpk4, dpb];
      }
      const [gPre, dpk, dpb, ddb] = tf.tidy(() => {
        // g = dy·(1 − y²) at the pointwise output; plain matMuls (transposes done explicitly: the
        // wasm backend's matMul is several times slower with transpose flags).
        const g = tf.reshape(tf.mul(dy, tf.sub(1, tf.square(ys))), [m, c]);
        const dHid = tf.matMul(g, tf.transpose(pk2s));
        const gp = tf.mul(dHid, tf.step(hids));
        return [gp, tf.reshape(tf.matMul(tf.transpose(hids), g), [1, 1, c, c]), tf.sum(g, 0), tf.sum(gp, 0)];
      });
      if (onWasm) {
        const g4 = tf.reshape(gPre, [n, h, w, c]) as tf.Tensor4D;
        const { dz, ddk } = depthwiseBackwardKernels(g4, extra as tf.Tensor4D, dks, axis, idx, outer, len, inner);
        tf.dispose([gPre, g4]);
        return [dz, ddk, ddb, dpk, dpb];
      }
      const wExp = expandChannels(f32(dks), k, c, inner);
      const { dz, dwExp } = depthwiseBackward(f32(gPre), f32(zs), wExp, idx, outer, len, inner, k);
      gPre.dispose();
      const ddk = new Float32Array(k * c);
      for (let t = 0; t < k; t++) {
        for (let j = 0; j < inner; j++) ddk[t * c + (j % c)] += dwExp[t * inner + j];
      }
      return [tf.tensor4d(dz, [n, h, w, c]), tf.tensor(ddk, dks.shape), ddb, dpk, dpb];
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
