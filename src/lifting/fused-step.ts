/**
 * A learned lifting step as whole-step kernels of the active backend (where it has them; see
 * `liftStepKernels` in ../backend/lift-filter-dispatch.ts), each a `tf.customGrad` op calling the
 * kernels by name (`LiftPoolStep`, `LiftPoolStepGrad`, `LiftPoolOddResidual`; on wasm
 * native/lift_step.c). They read the even and odd samples of the un-split input with strides, so
 * the even/odd split copies (and their concatenating gradients) and the separate subtract/add
 * launches around the predict/update filter go away:
 *
 * - predict: `d = x_odd − P(x_even)`;
 * - update: `s = x_even + U(d)`;
 * - residual (for the constraint `L_u`): `u = s − x_odd`.
 *
 * `r` is the input, even along the axis, reshaped so that each row holds an even sample followed
 * by its odd one ({@link stepInput}). Only the predict op takes `r` as an input of the gradient
 * tape; the update and residual ops read it from their closure and leave the gradients of s and u
 * (TF.js runs their backward first: they come later on the tape) for the predict op's backward,
 * whose kernel writes the whole gradient of `r` in one pass: even samples `dz_P + ds`, odd ones
 * `−du + dd`, the two-term sums the split path forms per half, in the same float operations. So
 * no zero-filled contributions and no full-size additions of them, and values and gradients equal
 * the split path's bit for bit. (The gradients are left for one backward pass of one forward
 * call; differentiating the same recorded forward twice, which TF.js does not do for customGrad
 * ops, is not supported.) No backend is named here.
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, LiftFilterWeights, PadMode } from './types.js';
import { padIndexMap } from './fused-filter.js';
import { LIFT_ODD_RESIDUAL, LIFT_STEP, LIFT_STEP_GRAD } from '../backend/lift-filter-dispatch.js';

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

type FilterOp = (z: tf.Tensor4D, dk: tf.Tensor4D, db: tf.Tensor1D, pk: tf.Tensor4D, pb: tf.Tensor1D) => tf.Tensor4D;
const customGrad = <T>(body: unknown): T => tf.customGrad(body as Parameters<typeof tf.customGrad>[0]) as unknown as T;

/** Gradients of the update and residual outputs, left by their backward for the predict op's. */
interface Pending {
  ds?: tf.Tensor;
  du?: tf.Tensor;
}

/**
 * One filter op of the step (`predict`: its input is r; `update`: its input is d, r read from the
 * closure): the kernel forward and the backward kernel, the pointwise kernel's gradient back in
 * its [1,1,c,c] shape.
 */
function filterOp(r: tf.Tensor4D, axis: LiftAxis, padMode: PadMode, step: 'predict' | 'update', pending: Pending): FilterOp {
  const geo = geometry(r, axis);
  const attrs = { ...geo, step } as unknown as tf.NamedAttrMap;
  const c = geo.shape[3];
  return customGrad<FilterOp>((z: tf.Tensor4D, dk: tf.Tensor4D, db: tf.Tensor1D, pk: tf.Tensor4D, pb: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const k = axis === 'width' ? dk.shape[1] : dk.shape[0];
    const idx = tf.tensor1d(padIndexMap(geo.len, (k - 1) / 2, padMode), 'int32');
    const pk2 = tf.reshape(pk, [c, c]);
    const inputs: tf.NamedTensorMap = step === 'predict' ? { x: z, dk, db, pk: pk2, pb, idx } : { x: r, d: z, dk, db, pk: pk2, pb, idx };
    const run = () => tf.engine().runKernel(LIFT_STEP, inputs, attrs) as tf.Tensor[];
    const [hid, y, out] = forwards ? forwards.forward(step, geo.shape, dk, run) : run();
    save([z, hid, y, dk, pk2, idx]);
    const gradFunc = (g: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [zs, hids, ys, dks, pk2s, idxs] = saved;
      const grad: tf.NamedTensorMap = { g, y: ys, hid: hids, dk: dks, pk: pk2s, idx: idxs };
      if (step === 'update') {
        grad.d = zs;
        pending.ds = g;
      } else {
        grad.x = zs;
        if (pending.ds) grad.gs = pending.ds;
        if (pending.du) grad.gu = pending.du;
        pending.ds = pending.du = undefined;
      }
      const res = tf.engine().runKernel(LIFT_STEP_GRAD, grad, attrs) as tf.Tensor[];
      const dpk = res[3];
      res[3] = tf.reshape(dpk, [1, 1, c, c]);
      dpk.dispose();
      return res;
    };
    return { value: out, gradFunc };
  });
}

/**
 * The step kernels' forwards of a first lifting pass, recorded in call order and replayed by a
 * second pass over the same values: the `'detached'` constraint form's pass on the stopped-gradient
 * input (same input values, same weights, so the same floats), which then runs no forward kernel.
 * Replayed tensors share the recorded buffers; the backward of both passes is unchanged.
 */
class StepForwards {
  private readonly log: { key: string; outs: tf.Tensor[] }[] = [];
  private next = 0;
  private replaying = false;

  /**
   * The step kernel's [hid, y, out] for this call: in the record pass computed by `run` and kept
   * (hid and y, which the op does not return, as they are; a clone of `out`, the op's value, which
   * belongs to the caller); in the replay pass the recorded ones (a fresh clone of `out`: the op's
   * value must be a tensor of its own). Calls match by step, band shape and the filter's depthwise
   * kernel tensor.
   */
  forward(step: string, shape: number[], dk: tf.Tensor, run: () => tf.Tensor[]): tf.Tensor[] {
    const key = `${step} [${shape.join(',')}] dk#${dk.id}`;
    if (!this.replaying) {
      const [hid, y, out] = run();
      this.log.push({ key, outs: [tf.keep(hid), tf.keep(y), tf.keep(tf.clone(out))] });
      return [hid, y, out];
    }
    const entry = this.log[this.next++];
    if (entry?.key !== key) throw new Error(`liftpool: the second lifting pass asked for ${key}, the first recorded ${entry?.key ?? 'nothing more'}`);
    const [hid, y, out] = entry.outs;
    return [hid, y, tf.clone(out)];
  }

  startReplay(): void {
    this.replaying = true;
  }

  /** Throws unless the replay used every recorded forward. */
  checkDone(): void {
    if (this.next !== this.log.length) throw new Error(`liftpool: the second lifting pass replayed ${this.next} of ${this.log.length} recorded step forwards`);
  }

  dispose(): void {
    for (const e of this.log) tf.dispose(e.outs);
    this.log.length = 0;
  }
}

let forwards: StepForwards | null = null;

/**
 * Runs `first` (a lifting pass) recording its step-kernel forwards, then `second` (a pass over the
 * same input values and weights) replaying them; returns both results. Where no step kernel runs
 * (other backends, wavelets), nothing is recorded and `second` computes as usual.
 */
export function withSharedForwards<A, B>(first: () => A, second: () => B): [A, B] {
  const outer = forwards;
  const f = new StepForwards();
  forwards = f;
  try {
    const a = first();
    f.startReplay();
    const b = second();
    f.checkDone();
    return [a, b];
  } finally {
    forwards = outer;
    f.dispose();
  }
}

export interface LearnedStep {
  s: tf.Tensor4D;
  d: tf.Tensor4D;
  /** `u = s − x_odd`, for the constraint loss `L_u`. */
  residual(): tf.Tensor4D;
}

const weightsOf = (w: LiftFilterWeights) => [w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias] as const;

/**
 * A learned lifting step on `r = stepInput(x, axis)` with the predict/update filters `p`, `u`.
 * Shapes are assumed validated.
 */
export function learnedStep(r: tf.Tensor4D, p: LiftFilterWeights, u: LiftFilterWeights, axis: LiftAxis, padMode: PadMode): LearnedStep {
  const pending: Pending = {};
  const d = filterOp(r, axis, padMode, 'predict', pending)(r, ...weightsOf(p));
  const s = filterOp(r, axis, padMode, 'update', pending)(d, ...weightsOf(u));
  const { outer, len, inner } = geometry(r, axis);
  const residual = customGrad<(s: tf.Tensor4D) => tf.Tensor4D>((sIn: tf.Tensor4D) => {
    const value = tf.engine().runKernel(LIFT_ODD_RESIDUAL, { s: sIn, x: r }, { rows: outer * len, inner }) as tf.Tensor4D;
    const gradFunc = (du: tf.Tensor): tf.Tensor[] => {
      pending.du = du;
      return [tf.reshape(du, sIn.shape)];
    };
    return { value, gradFunc };
  });
  return { s, d, residual: () => residual(s) };
}
