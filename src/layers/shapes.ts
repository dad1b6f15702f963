/** Shape helpers shared by the layers. */
import type * as tf from '@tensorflow/tfjs';

/** The first shape of a layer's input shape(s): `inputShape` itself, or `inputShape[0]` for a list. */
export function singleShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
}
