/**
 * The LiftPool constraint losses of a model, for custom training loops.
 *
 * `model.fit` adds them automatically (every LiftDownPool layer registers its weighted
 * `λ_u·ΣL_u + λ_p·ΣL_p` with `addLoss`). A hand-written loop calls the model in training mode
 * inside the gradient tape and adds this:
 *
 * ```ts
 * const {value, grads} = tf.variableGrads(() => {
 *   const logits = model.apply(xs, {training: true}) as tf.Tensor;
 *   return tf.add(tf.losses.softmaxCrossEntropy(ys, logits), liftConstraintLoss(model));
 * });
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D } from './lift-down-pool2d.js';
import { LiftDownPool1D } from './lift-pool1d.js';

/** Sum of the constraint losses recorded by the LiftDownPool layers of `model` in its last training-mode call. */
export function liftConstraintLoss(model: tf.LayersModel): tf.Scalar {
  return tf.tidy(() => {
    const parts: tf.Scalar[] = [];
    for (const layer of model.layers) {
      if (layer instanceof LiftDownPool2D || layer instanceof LiftDownPool1D) {
        const l = layer.constraintLoss;
        if (l != null && !l.isDisposed) parts.push(l);
      }
    }
    return parts.length === 0 ? tf.scalar(0) : (tf.addN(parts) as tf.Scalar);
  });
}
