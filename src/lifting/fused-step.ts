/**
 * A learned lifting step as whole-step kernels of the active backend (where it has them; see
 * `liftStepKernels` in ../backend/lift-filter-dispatch.ts), each a `tf.customGrad` op calling the
 * kernels by name (`LiftPoolStep`, `LiftPoolStepGrad`, `LiftPoolOddResidual`,
 * `LiftPoolOddResidualGrad`; on wasm native/lift_step.c). They read the even and odd samples of
 * the un-split input with strides, so the even/odd split copies (and their concatenating
 * gradients) and the separate subtract/add launches around the predict/update filter go away:
 *
 * - `predictStep(r)`: `d = x_odd − P(x_even)`; backward: dx_even = P's input gradient for −dd,
 *   dx_odd = dd;
 * - `updateStep(r, d)`: `s = x_even + U(d)`; backward: dd = U's input gradient, dx_even = ds,
 *   dx_odd = −0;
 * - `oddResidual(s, r)`: `u = s − x_odd` (for the constraint `L_u`); backward: ds = du,
 *   dx_even = −0, dx_odd = −du.
 *
 * `r` is the input, even along the axis, reshaped so that each row holds an even sample followed
 * by its odd one ({@link stepInput}); it is consumed by these ops only, so TF.js sums their
 * contributions to its gradient before anything else sees it. The filter arithmetic is that of
 * the filter kernels, the subtract/add those of the split path, and −0 is the additive identity,
 * so values and gradients equal the split path's bit for bit. No backend is named here.
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, LiftFilterWeights, PadMode } from './types.js';
import { padIndexMap } from './fused-filter.js';
import { LIFT_ODD_RESIDUAL, LIFT_ODD_RESIDUAL_GRAD, LIFT_STEP, LIFT_STEP_GRAD } from '../backend/lift-filter-dispatch.js';

/**
 * The input `x` (even length along the axis) seen as rows of an even sample followed by the odd
 * one: [n, h, w/2, 2c] along width, [n, h/2, 2w, c] along height (a reshape, no copy).
 */
export function stepInput(x: tf.Tensor4D, axis: LiftAxis): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return axis === 'width' ? tf.reshape(x, [n, h, w / 2, 2 * c]) : tf.reshape(x, [n, h / 2, 2 * w, c]);
}

interface Geometry {
  outer: number;
  len: number;
  inner: number;
  /** The band shape [n, h, w, c]. */
  shape: [number, number, number, number];
}

function geometry(r: tf.Tensor4D, axis: LiftAxis): Geometry {
  const [n, a, b, q] = r.shape;
  if (axis === 'width') return { outer: n * a, len: b, inner: q / 2, shape: [n, a, b, q / 2] };
  return { outer: n, len: a, inner: (b / 2) * q, shape: [n, a, b / 2, q] };
}

type Weights = [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D];
type PredictFn = (r: tf.Tensor4D, ...w: Weights) => tf.Tensor4D;
type UpdateFn = (r: tf.Tensor4D, d: tf.Tensor4D, ...w: Weights) => tf.Tensor4D;
type ResidualFn = (s: tf.Tensor4D, r: tf.Tensor4D) => tf.Tensor4D;

/** The kernels' attributes and the pad index map (on the backend) of one call. */
function prepare(r: tf.Tensor4D, dk: tf.Tensor4D, axis: LiftAxis, padMode: PadMode, step: 'predict' | 'update') {
  const geo = geometry(r, axis);
  const k = axis === 'width' ? dk.shape[1] : dk.shape[0];
  const idx = tf.tensor1d(padIndexMap(geo.len, (k - 1) / 2, padMode), 'int32');
  return { attrs: { ...geo, step } as unknown as tf.NamedAttrMap, idx, c: geo.shape[3] };
}

/** Runs the step's backward kernel; the pointwise kernel's gradient back in its [1,1,c,c] shape. */
function stepGrad(inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap, c: number): tf.Tensor[] {
  const out = tf.engine().runKernel(LIFT_STEP_GRAD, inputs, attrs) as tf.Tensor[];
  const dpk = out[out.length - 2];
  out[out.length - 2] = tf.reshape(dpk, [1, 1, c, c]);
  dpk.dispose();
  return out;
}

const cache = new Map<string, unknown>();

function cached<T>(key: string, make: () => T): T {
  let fn = cache.get(key) as T | undefined;
  if (fn === undefined) {
    fn = make();
    cache.set(key, fn);
  }
  return fn;
}

const customGrad = <T>(body: unknown): T => tf.customGrad(body as Parameters<typeof tf.customGrad>[0]) as unknown as T;

function predictFn(axis: LiftAxis, padMode: PadMode): PredictFn {
  return cached(`predict/${axis}/${padMode}`, () => customGrad<PredictFn>(
    (r: tf.Tensor4D, dk: tf.Tensor4D, db: tf.Tensor1D, pk: tf.Tensor4D, pb: tf.Tensor1D, save: tf.GradSaveFunc) => {
      const { attrs, idx, c } = prepare(r, dk, axis, padMode, 'predict');
      const pk2 = tf.reshape(pk, [c, c]);
      const [hid, y, d] = tf.engine().runKernel(LIFT_STEP, { x: r, dk, db, pk: pk2, pb, idx }, attrs) as tf.Tensor[];
      save([r, hid, y, dk, pk2, idx]);
      const gradFunc = (dd: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [rs, hids, ys, dks, pk2s, idxs] = saved;
        return stepGrad({ g: dd, y: ys, hid: hids, x: rs, dk: dks, pk: pk2s, idx: idxs }, attrs, c);
      };
      return { value: d, gradFunc };
    }));
}

function updateFn(axis: LiftAxis, padMode: PadMode): UpdateFn {
  return cached(`update/${axis}/${padMode}`, () => customGrad<UpdateFn>(
    (r: tf.Tensor4D, d: tf.Tensor4D, dk: tf.Tensor4D, db: tf.Tensor1D, pk: tf.Tensor4D, pb: tf.Tensor1D, save: tf.GradSaveFunc) => {
      const { attrs, idx, c } = prepare(r, dk, axis, padMode, 'update');
      const pk2 = tf.reshape(pk, [c, c]);
      const [hid, y, s] = tf.engine().runKernel(LIFT_STEP, { x: r, d, dk, db, pk: pk2, pb, idx }, attrs) as tf.Tensor[];
      save([r, d, hid, y, dk, pk2, idx]);
      const gradFunc = (ds: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
        const [rs, dSaved, hids, ys, dks, pk2s, idxs] = saved;
        return stepGrad({ g: ds, y: ys, hid: hids, x: rs, d: dSaved, dk: dks, pk: pk2s, idx: idxs }, attrs, c);
      };
      return { value: s, gradFunc };
    }));
}

function residualFn(axis: LiftAxis): ResidualFn {
  return cached(`residual/${axis}`, () => customGrad<ResidualFn>((s: tf.Tensor4D, r: tf.Tensor4D, save: tf.GradSaveFunc) => {
    const { outer, len, inner } = geometry(r, axis);
    const attrs = { rows: outer * len, inner };
    const u = tf.engine().runKernel(LIFT_ODD_RESIDUAL, { s, x: r }, attrs) as tf.Tensor4D;
    save([r]);
    const gradFunc = (du: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const dr = tf.engine().runKernel(LIFT_ODD_RESIDUAL_GRAD, { g: du, x: saved[0] }, attrs) as tf.Tensor;
      return [tf.reshape(du, s.shape), dr];
    };
    return { value: u, gradFunc };
  }));
}

const weightsOf = (w: LiftFilterWeights): Weights => [w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias];

/** `d = x_odd − P(x_even)` for `r = stepInput(x, axis)`. Shapes are assumed validated. */
export function predictStep(r: tf.Tensor4D, w: LiftFilterWeights, axis: LiftAxis, padMode: PadMode): tf.Tensor4D {
  return predictFn(axis, padMode)(r, ...weightsOf(w));
}

/** `s = x_even + U(d)` for `r = stepInput(x, axis)`. */
export function updateStep(r: tf.Tensor4D, d: tf.Tensor4D, w: LiftFilterWeights, axis: LiftAxis, padMode: PadMode): tf.Tensor4D {
  return updateFn(axis, padMode)(r, d, ...weightsOf(w));
}

/** `u = s − x_odd` for `r = stepInput(x, axis)`. */
export function oddResidual(s: tf.Tensor4D, r: tf.Tensor4D, axis: LiftAxis): tf.Tensor4D {
  return residualFn(axis)(s, r);
}
