/**
 * Constraint losses of a lifting step (SPEC 2.1): `L_u` keeps the approximation a true low-pass of
 * the signal, `L_p` keeps the details sparse. Forms (`ConstraintForm`):
 * - `'paper'`: the paper's absolute norms `L_u = ‖s − x_odd‖₂`, `L_p = ‖d‖₂`. They grow with the
 *   scale of the features, so the cheapest way to lower them is to shrink the features entering the
 *   pool (the gradient reaches the backbone), which can kill ReLUs and collapse training.
 * - `'relative'`: both norms divided by `‖x_odd‖₂`; scaling (s, d, x_odd) by α > 0 leaves them
 *   unchanged, so shrinking the features no longer pays.
 * - `'rms'`: per-element root mean squares `‖t‖₂ / √n` (the paper's norms rescaled by the size).
 * - `'detached'`: the paper's norms of a second pass on `stopGradient(x)`: the constraints train
 *   only the predict/update weights (one more lifting forward/backward per layer).
 *
 * The L2 norm is computed as `sqrt(Σt² + 1e-12)` so that its gradient stays finite when the
 * argument is exactly zero (e.g. a constant input has zero details); the offset is ≤ 1e-6.
 *
 * The norm has a hand-written gradient, `∂‖t‖/∂t = t / ‖t‖`: one multiply by a scalar per chunk
 * instead of the ~5 full passes over `t` that autodiff of sqrt(sum(square(t))) runs (the sum's
 * gradient materialises a tensor of ones, the square's multiplies twice).
 */
import * as tf from '@tensorflow/tfjs';
import { CONSTRAINT_FORMS, type ConstraintForm } from './types.js';

const EPS = 1e-12;

export function assertConstraintForm(op: string, form: unknown): asserts form is ConstraintForm {
  if (!CONSTRAINT_FORMS.includes(form as ConstraintForm)) {
    throw new Error(`${op}: unknown constraint '${String(form)}'; expected one of ${CONSTRAINT_FORMS.join(', ')}`);
  }
}

type ChunkNormFn = (t: tf.Tensor2D) => tf.Tensor1D;

/** Per-row norms of a [parts, n] matrix, with the gradient `t[p,:] · dy[p] / norm[p]`. */
const rowNorms: ChunkNormFn = tf.customGrad(((t: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const norms = tf.sqrt(tf.add(tf.sum(tf.square(t), 1), EPS)) as tf.Tensor1D;
  save([t, norms]);
  return {
    value: norms,
    gradFunc: (dy: tf.Tensor1D, saved: tf.Tensor[]) => {
      const [ts, ns] = saved as [tf.Tensor2D, tf.Tensor1D];
      return tf.mul(ts, tf.reshape(tf.div(dy, ns), [-1, 1]));
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as ChunkNormFn;

/** `‖t‖₂` over the whole tensor, with a finite gradient at 0. */
export function l2Norm(t: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.reshape(rowNorms(tf.reshape(t, [1, -1]) as tf.Tensor2D), []) as tf.Scalar);
}

/**
 * Sum of the L2 norms of `parts` equal chunks of `t` along the batch axis: the losses of several
 * branches that were processed together as one batch.
 */
export function l2NormPerChunk(t: tf.Tensor4D, parts: number): tf.Scalar {
  if (parts === 1) return l2Norm(t);
  return tf.tidy(() => tf.sum(rowNorms(tf.reshape(t, [parts, -1]) as tf.Tensor2D)) as tf.Scalar);
}

/**
 * `L_u` and `L_p` of one step whose (even, odd) input produced (s, d), in `form` (default
 * `'paper'`). With `parts` > 1 the tensors hold that many branches along the batch axis and the
 * losses are summed per branch. `'detached'` is measured here like `'paper'`: the stop-gradient
 * pass is the caller's (liftDown1d/liftDown2d).
 */
export function stepLosses(
  s: tf.Tensor4D, d: tf.Tensor4D, odd: tf.Tensor4D, parts = 1, form: ConstraintForm = 'paper',
): { lossU: tf.Scalar; lossP: tf.Scalar } {
  return tf.tidy(() => residualLosses(tf.sub(s, odd), d, odd, parts, form));
}

/**
 * {@link stepLosses} from the residual `u = s − odd` (computed by the caller, e.g. by a whole-step
 * kernel). `odd` is needed by the `'relative'` form only.
 */
export function residualLosses(
  uT: tf.Tensor4D, d: tf.Tensor4D, odd: tf.Tensor4D | null, parts = 1, form: ConstraintForm = 'paper',
): { lossU: tf.Scalar; lossP: tf.Scalar } {
  return tf.tidy(() => {
    const u = tf.reshape(uT, [parts, -1]) as tf.Tensor2D;
    const p = tf.reshape(d, [parts, -1]) as tf.Tensor2D;
    const nu = rowNorms(u);
    const np = rowNorms(p);
    if (form === 'relative') {
      if (odd == null) throw new Error("residualLosses: the 'relative' form needs the odd samples");
      const no = rowNorms(tf.reshape(odd, [parts, -1]) as tf.Tensor2D);
      return { lossU: tf.sum(tf.div(nu, no)) as tf.Scalar, lossP: tf.sum(tf.div(np, no)) as tf.Scalar };
    }
    const lossU = tf.reshape(tf.sum(nu), []) as tf.Scalar;
    const lossP = tf.reshape(tf.sum(np), []) as tf.Scalar;
    if (form !== 'rms') return { lossU, lossP };
    const scale = 1 / Math.sqrt(u.shape[1]);
    return { lossU: tf.mul(lossU, scale) as tf.Scalar, lossP: tf.mul(lossP, scale) as tf.Scalar };
  });
}
