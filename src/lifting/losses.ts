/**
 * Constraint losses of a lifting step (SPEC 2.1): `L_u = ‖s − x_odd‖₂` keeps the approximation a
 * true low-pass of the signal, `L_p = ‖d‖₂` keeps the details sparse.
 *
 * The L2 norm is computed as `sqrt(Σt² + 1e-12)` so that its gradient stays finite when the
 * argument is exactly zero (e.g. a constant input has zero details); the offset is ≤ 1e-6.
 *
 * The norm has a hand-written gradient, `∂‖t‖/∂t = t / ‖t‖`: one multiply by a scalar per chunk
 * instead of the ~5 full passes over `t` that autodiff of sqrt(sum(square(t))) runs (the sum's
 * gradient materialises a tensor of ones, the square's multiplies twice).
 */
import * as tf from '@tensorflow/tfjs';

const EPS = 1e-12;

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

/** `L_u` and `L_p` of one step whose (even, odd) input produced (s, d). */
export function stepLosses(s: tf.Tensor4D, d: tf.Tensor4D, odd: tf.Tensor4D, parts = 1): { lossU: tf.Scalar; lossP: tf.Scalar } {
  return tf.tidy(() => ({ lossU: l2NormPerChunk(tf.sub(s, odd), parts), lossP: l2NormPerChunk(d, parts) }));
}
