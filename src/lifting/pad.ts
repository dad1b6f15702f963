/**
 * Boundary extension along one spatial axis, and the replicate-to-even padding used for odd sizes.
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, PadMode } from './types.js';
import { axisIndex } from './validate.js';

/**
 * The pad mode actually used for an axis of `length` samples padded by `amount` on each side:
 * `reflect` needs `amount < length`, `symmetric` needs `amount <= length`; otherwise `edge`.
 */
export function effectivePadMode(mode: PadMode, length: number, amount: number): PadMode {
  if (mode === 'reflect' && amount >= length) return 'edge';
  if (mode === 'symmetric' && amount > length) return 'edge';
  return mode;
}

/** Pad `amount` samples on both sides of `axis` with the given mode (short-axis fallback to `edge`). */
export function padAxis(x: tf.Tensor4D, axis: LiftAxis, amount: number, mode: PadMode): tf.Tensor4D {
  if (amount === 0) return x;
  const ax = axisIndex(axis);
  const length = x.shape[ax];
  const m = effectivePadMode(mode, length, amount);
  

  switch (m) {
    case 'zero': {
      const paddings: [number, number][] = [[0, 0], [0, 0], [0, 0], [0, 0]];
      paddings[ax] = [amount, amount];
      return tf.pad(x, paddings);
    }
    // tf.mirrorPad's gradient in TF.js 4.22 drops the contributions of the mirrored copies, so
    // reflect/symmetric are built from slice + reverse + concat, whose gradients are exact.
    case 'reflect':
      return tf.tidy(() =>
        tf.concat([tf.reverse(sliceAxis(x, ax, 1, amount), ax), x, tf.reverse(sliceAxis(x, ax, length - 1 - amount, amount), ax)], ax),
      );
    case 'symmetric':
      return tf.tidy(() =>
        tf.concat([tf.reverse(sliceAxis(x, ax, 0, amount), ax), x, tf.reverse(sliceAxis(x, ax, length - amount, amount), ax)], ax),
      );
    case 'edge':
      return tf.tidy(() => {
        const first = sliceAxis(x, ax, 0, 1);
        const last = sliceAxis(x, ax, length - 1, 1);
        const reps = [1, 1, 1, 1];
        reps[ax] = amount;
        return tf.concat([tf.tile(first, reps), x, tf.tile(last, reps)], ax);
      });
  }
}

/** `size` samples of `x` starting at `begin` along axis index `ax`. */
export function sliceAxis(x: tf.Tensor4D, ax: 1 | 2, begin: number, size: number): tf.Tensor4D {
  const b = [0, 0, 0, 0];
  const s = [-1, -1, -1, -1];
  b[ax] = begin;
  s[ax] = size;
  return tf.slice(x, b, s);
}

/** Replicate the last sample once along `axis` when its length is odd. */
export function padToEven(x: tf.Tensor4D, axis: LiftAxis): tf.Tensor4D {
  const ax = axisIndex(axis);
  const length = x.shape[ax];
  if (length % 2 === 0) return x;
  return tf.tidy(() => tf.concat([x, sliceAxis(x, ax, length - 1, 1)], ax));
}

/** Keep the first `length` samples along `axis` (inverse of {@link padToEven}). */
export function cropAxis(x: tf.Tensor4D, axis: LiftAxis, length: number): tf.Tensor4D {
  const ax = axisIndex(axis);
  if (x.shape[ax] === length) return x;
  if (x.shape[ax] < length) {
    throw new Error(`cropAxis: cannot crop ${axis} of length ${x.shape[ax]} to ${length}`);
  }
  return sliceAxis(x, ax, 0, length);
}
