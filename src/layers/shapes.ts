/** Shape helpers shared by the layers. */
import type * as tf from '@tensorflow/tfjs';

/** The first shape of a layer's input shape(s): `inputShape` itself, or `inputShape[0]` for a list. */
export function singleShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}

/**
 * Output shape of an unpooling layer (2× up along height and width) whose first input has shape
 * `inputShape`: the paired pool layer's input size `[h, w]` where known (it undoes odd sizes),
 * else twice the input's (null stays null).
 */
export function unpooledShape(inputShape: tf.Shape | tf.Shape[], pairedInputSize?: [number | null, number | null] | null): tf.Shape {
  const y = singleShape(inputShape);
  const dbl = (v: number | null) => (v == null ? null : 2 * v);
  return [y[0], pairedInputSize?.[0] ?? dbl(y[1]), pairedInputSize?.[1] ?? dbl(y[2]), y[3]];
}
