/**
 * Multi-level decomposition (a wavelet pyramid): `liftDown2d` applied repeatedly to LL, and its
 * exact inverse.
 *
 * ```ts
 * const pyr = liftPyramidDown(x, 'cdf97', 3);   // pyr.ll: 1/8 resolution; pyr.details[0]: finest level
 * const y = liftPyramidUp(pyr, 'cdf97');         // equals x
 * ```
 * Learned weights may be one structure shared by all levels or one per level (same channels).
 */
import * as tf from '@tensorflow/tfjs';
import type { Lift2dOptions, Lifting2dSpec } from './types.js';
import { liftDown2d, liftUp2d } from './lift2d.js';
import { assertImageTensor } from './validate.js';

/** Detail bands and input size of one pyramid level. */
export type PyramidLevel = {
  lh: tf.Tensor4D;
  hl: tf.Tensor4D;
  hh: tf.Tensor4D;
  size: [number, number];
};

export interface Pyramid {
  /** Coarsest approximation. */
  ll: tf.Tensor4D;
  /** Details, finest level first. */
  details: PyramidLevel[];
  /** Constraint losses summed over all levels. */
  lossU: tf.Scalar;
  lossP: tf.Scalar;
}

function specAt(op: string, spec: Lifting2dSpec | Lifting2dSpec[], level: number, levels: number): Lifting2dSpec {
  if (!Array.isArray(spec)) return spec;
  if (spec.length !== levels) throw new Error(`${op}: got ${spec.length} weight sets for ${levels} levels`);
  return spec[level];
}

export function liftPyramidDown(x: tf.Tensor4D, weights: Lifting2dSpec | Lifting2dSpec[], levels: number, opts: Lift2dOptions = {}): Pyramid {
  const op = 'liftPyramidDown';
  assertImageTensor(op, 'x', x);
  if (!Number.isInteger(levels) || levels < 1) throw new Error(`${op}: levels must be a positive integer, got ${levels}`);
  return tf.tidy(() => {
    let ll = x;
    const details: PyramidLevel[] = [];
    let lossU: tf.Scalar = tf.scalar(0);
    let lossP: tf.Scalar = tf.scalar(0);
    for (let i = 0; i < levels; i++) {
      const r = liftDown2d(ll, specAt(op, weights, i, levels), opts);
      details.push({ lh: r.lh, hl: r.hl, hh: r.hh, size: r.size });
      lossU = tf.add(lossU, r.lossU);
      lossP = tf.add(lossP, r.lossP);
      ll = r.ll;
    }
    return { ll, details, lossU, lossP };
  });
}

export function liftPyramidUp(pyramid: { ll: tf.Tensor4D; details: PyramidLevel[] }, weights: Lifting2dSpec | Lifting2dSpec[], opts: Lift2dOptions = {}): tf.Tensor4D {
  const op = 'liftPyramidUp';
  if (pyramid == null || !Array.isArray(pyramid.details) || pyramid.details.length === 0) {
    throw new Error(`${op}: pyramid {ll, details[]} with at least one level is required`);
  }
  const levels = pyramid.details.length;
  return tf.tidy(() => {
    let ll = pyramid.ll;
    for (let i = levels - 1; i >= 0; i--) {
      const d = pyramid.details[i];
      ll = liftUp2d({ ll, lh: d.lh, hl: d.hl, hh: d.hh, size: d.size }, specAt(op, weights, i, levels), opts);
    }
    return ll;
  });
}
