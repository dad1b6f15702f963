/**
 * One lifting step along an axis, forward (`liftDown1d`) and inverse (`liftUp1d`).
 *
 * ```ts
 * const x = tf.randomNormal([1, 1, 9, 3]) as tf.Tensor4D;
 * const {s, d, length} = liftDown1d(x, 'cdf53', {axis: 'width'});   // s, d: [1, 1, 5, 3]
 * const y = liftUp1d({s, d, length}, 'cdf53', {axis: 'width'});      // equals x
 * ```
 *
 * With learned weights, `weights = {predict, update}` as created by `initLiftStepWeights`.
 * Odd lengths are padded to even by replicating the last sample; pass `length` back to crop.
 */
import * as tf from '@tensorflow/tfjs';
import type { Lift1dOptions, Lift1dResult, Lifting1dSpec } from './types.js';
import { schemeFor, liftInverse } from './scheme.js';
import { mergeEvenOdd } from './split.js';
import { liftSplit } from './lift-step.js';
import { padToEven, cropAxis } from './pad.js';
import { assertConstraintForm } from './losses.js';
import { DEFAULT_CONSTRAINT } from './types.js';
import { stopGradient } from './stop-gradient.js';
import { withSharedForwards } from './fused-step.js';
import { assertAxis, assertImageTensor, assertPadMode, axisIndex } from './validate.js';

export function liftDown1d(x: tf.Tensor4D, weights: Lifting1dSpec, opts: Lift1dOptions): Lift1dResult {
  const op = 'liftDown1d';
  assertImageTensor(op, 'x', x);
  if (opts == null) throw new Error(`${op}: options with an axis ('height' or 'width') are required`);
  assertAxis(op, opts.axis);
  const padMode = opts.padMode ?? 'reflect';
  assertPadMode(op, padMode);
  const scheme = schemeFor(op, 'weights', weights, opts.axis, x.shape[3], padMode);
  const constraint = opts.constraint ?? DEFAULT_CONSTRAINT;
  assertConstraintForm(op, constraint);
  const length = x.shape[axisIndex(opts.axis)];
  return tf.tidy(() => {
    const lossForm = opts.losses === false || constraint === 'detached' ? null : constraint;
    const first = () => liftSplit(padToEven(x, opts.axis), scheme, opts.axis, lossForm);
    if (opts.losses === false || constraint !== 'detached') {
      const step = first();
      const { s, d } = step;
      if (opts.losses === false) return { s, d, length, lossU: tf.scalar(0), lossP: tf.scalar(0) };
      return { s, d, length, ...step.losses(1, constraint) };
    }
    // The constraints of a second pass on the detached input train only the predict/update weights;
    // its forward values equal the first pass's: the step kernels' forwards are reused.
    const [{ s, d }, losses] = withSharedForwards(first, () => liftSplit(padToEven(stopGradient(x), opts.axis), scheme, opts.axis, 'paper').losses(1, 'paper'));
    return { s, d, length, ...losses };
  });
}

export interface Lift1dInput {
  s: tf.Tensor4D;
  d: tf.Tensor4D;
  /** Length to crop back to along the axis; default `2 × s` length. */
  length?: number;
}

export function liftUp1d(input: Lift1dInput, weights: Lifting1dSpec, opts: Lift1dOptions): tf.Tensor4D {
  const op = 'liftUp1d';
  if (input == null) throw new Error(`${op}: input {s, d} is required`);
  assertImageTensor(op, 's', input.s);
  assertImageTensor(op, 'd', input.d);
  if (opts == null) throw new Error(`${op}: options with an axis ('height' or 'width') are required`);
  assertAxis(op, opts.axis);
  if (!tf.util.arraysEqual(input.s.shape, input.d.shape)) {
    throw new Error(`${op}: s and d must have the same shape, got [${input.s.shape.join(',')}] and [${input.d.shape.join(',')}]`);
  }
  const padMode = opts.padMode ?? 'reflect';
  assertPadMode(op, padMode);
  const ax = axisIndex(opts.axis);
  const half = input.s.shape[ax];
  const length = input.length ?? 2 * half;
  if (!Number.isInteger(length) || Math.ceil(length / 2) !== half) {
    throw new Error(`${op}: length ${length} does not match ${half} band samples along ${opts.axis} (expected ${2 * half - 1} or ${2 * half})`);
  }
  const scheme = schemeFor(op, 'weights', weights, opts.axis, input.s.shape[3], padMode);
  return tf.tidy(() => {
    const { even, odd } = liftInverse(input.s, input.d, scheme);
    return cropAxis(mergeEvenOdd(even, odd, opts.axis), opts.axis, length);
  });
}
