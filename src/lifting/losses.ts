/**
 * Constraint losses of a lifting step (SPEC 2.1): `L_u = ‖s − x_odd‖₂` keeps the approximation a
 * true low-pass of the signal, `L_p = ‖d‖₂` keeps the details sparse.
 *
 * The L2 norm is computed as `sqrt(Σt² + 1e-12)` so that its gradient stays finite when the
 * argument is exactly zero (e.g. a constant input has zero details); the offset is ≤ 1e-6.
 */
import * as tf from '@tensorflow/tfjs';

const EPS = 1e-12;

/** `‖t‖₂` over the whole tensor, with a finite gradient at 0. */
export function l2Norm(t: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(t)), EPS)) as tf.Scalar);
}

/**
 * Sum of the L2 norms of `parts` equal chunks of `t` along the batch axis: the losses of several
 * branches that were processed together as one batch.
 */
export function l2NormPerChunk(t: tf.Tensor4D, parts: number): tf.Scalar {
  if (parts === 1) return l2Norm(t);
  return tf.tidy(() => tf.sum(tf.sqrt(tf.add(tf.sum(tf.reshape(tf.square(t), [parts, -1]), 1), EPS))) as tf.Scalar);
}

/** `L_u` and `L_p` of one step whose (even, odd) input produced (s, d). */
export function stepLosses(s: tf.Tensor4D, d: tf.Tensor4D, odd: tf.Tensor4D, parts = 1): { lossU: tf.Scalar; lossP: tf.Scalar } {
  return tf.tidy(() => ({ lossU: l2NormPerChunk(tf.sub(s, odd), parts), lossP: l2NormPerChunk(d, parts) }));
}
