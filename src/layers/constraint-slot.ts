/**
 * Holds the weighted constraint loss `λ_u·ΣL_u + λ_p·ΣL_p` of a LiftDownPool layer's latest
 * training-mode call. The loss is kept alive past the caller's tidy scopes (`model.apply` runs the
 * graph inside `tf.tidy`, `model.fit` reads layer losses after the forward pass) and the previous
 * one is released, so at most one scalar is held per layer; inference calls release it.
 */
import * as tf from '@tensorflow/tfjs';

export class ConstraintLossSlot {
  private loss: tf.Scalar | null = null;

  /** The recorded loss, or null. */
  get value(): tf.Scalar | null {
    return this.loss;
  }

  /** Record `λ_u·lossU + λ_p·lossP` (or nothing when `record` is false) and dispose the inputs. */
  update(record: boolean, lossU: tf.Scalar, lossP: tf.Scalar, lambdaU: number, lambdaP: number): void {
    this.set(record ? (tf.add(tf.mul(lossU, lambdaU), tf.mul(lossP, lambdaP)) as tf.Scalar) : null);
    tf.dispose([lossU, lossP]);
  }

  /** Release the held loss. */
  release(): void {
    this.set(null);
  }

  private set(loss: tf.Scalar | null): void {
    const prev = this.loss;
    this.loss = loss == null ? null : tf.keep(loss);
    if (prev != null && prev !== loss && !prev.isDisposed) prev.dispose();
  }
}
