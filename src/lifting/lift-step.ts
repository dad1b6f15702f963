/**
 * One forward lifting step of an input that is even along the axis: the even/odd split, the
 * scheme's predict/update stages, and the step's constraint losses (SPEC 2.1).
 *
 * A learned step runs as whole-step kernels where the active backend has them (./fused-step.ts:
 * no split copies, the subtract/add fused into the filter passes), with the same values and
 * gradients bit for bit; otherwise (wavelets, other backends, the composite filter, the
 * `'relative'` constraint form, which needs the odd samples themselves) it splits with
 * {@link splitEvenOdd} and runs {@link liftForward}.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ConstraintForm, LiftAxis } from './types.js';
import { liftForward, type LiftingScheme } from './scheme.js';
import { splitEvenOdd } from './split.js';
import { residualLosses, stepLosses } from './losses.js';
import { fusedLiftFilterOn } from './filter.js';
import { learnedStep, stepInput } from './fused-step.js';
import { liftStepKernels } from '../backend/lift-filter-dispatch.js';

export interface SplitLift {
  /** Approximation (low-pass). */
  s: tf.Tensor4D;
  /** Detail (high-pass). */
  d: tf.Tensor4D;
  /** The step's `L_u`, `L_p` in `form`, over `parts` branches stacked along the batch axis. */
  losses(parts: number, form: ConstraintForm): { lossU: tf.Scalar; lossP: tf.Scalar };
}

/**
 * Split `x` (even length along `axis`) and lift it with `scheme`. `lossForm`: the constraint form
 * the caller will ask `losses` for, or null when it asks for none. Call inside a `tf.tidy`.
 */
export function liftSplit(x: tf.Tensor4D, scheme: LiftingScheme, axis: LiftAxis, lossForm: ConstraintForm | null): SplitLift {
  const learned = scheme.learned;
  if (learned && learned.axis === axis && lossForm !== 'relative' && fusedLiftFilterOn() && liftStepKernels()) {
    const { weights, padMode } = learned;
    const { s, d, residual } = learnedStep(stepInput(x, axis), weights.predict, weights.update, axis, padMode);
    return { s, d, losses: (parts, form) => residualLosses(residual(), d, null, parts, form) };
  }
  const { even, odd } = splitEvenOdd(x, axis);
  const { s, d } = liftForward(even, odd, scheme);
  return { s, d, losses: (parts, form) => stepLosses(s, d, odd, parts, form) };
}
