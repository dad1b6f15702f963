/**
 * `UnsortedSegmentSum` (missing from the wasm backend; gather's gradient):
 * out[s, ...] = sum over k with ids[k] == s of x[k, ...]; ids outside [0, numSegments) are dropped
 * (TensorFlow semantics). Uses the wasm ScatterNd kernel, which accumulates duplicate indices;
 * invalid ids are routed to one extra trash row that is sliced away.
 */
import * as tf from '@tensorflow/tfjs';
import type { UnsortedSegmentSumAttrs } from '@tensorflow/tfjs';
import { asTensor, attrsOf, inputsOf, tensorKernel } from './shared.js';

export function unsortedSegmentSumImpl(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  return tf.tidy(() => {
    const k = segmentIds.size;
    const rest = x.shape.slice(segmentIds.rank);
    const ids = tf.cast(tf.reshape(segmentIds, [k]), 'int32');
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, numSegments));
    const safe = tf.where(valid, ids, tf.fill([k], numSegments, 'int32'));
    const updates = tf.reshape(x, [k, ...rest]);
    const out = tf.scatterND(tf.reshape(safe, [k, 1]), updates, [numSegments + 1, ...rest]);
    return tf.slice(out, 0, numSegments);
  });
}

export const unsortedSegmentSumConfig = tensorKernel('UnsortedSegmentSum', (args) => {
  const { numSegments } = attrsOf<UnsortedSegmentSumAttrs>(args);
  return unsortedSegmentSumImpl(asTensor(inputsOf(args).x), asTensor(inputsOf(args).segmentIds), numSegments);
});
