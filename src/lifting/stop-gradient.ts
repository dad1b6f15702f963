/**
 * `stopGradient(x)`: the identity in the forward pass, a zero gradient in the backward pass
 * (TF.js has no such op). Used by the `'detached'` constraint form so that the constraint losses
 * train only the predict/update weights, not the layers that produced `x`.
 *
 * ```ts
 * const g = tf.grad((x) => tf.sum(tf.mul(stopGradient(x), x)))(tf.tensor([1, 2])); // [1, 2], not [2, 4]
 * ```
 */
import * as tf from '@tensorflow/tfjs';

const detach = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor>(x: T) => T;

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return detach(x);
}
