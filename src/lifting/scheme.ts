/**
 * A lifting scheme as a list of predict/update stages plus an optional final scaling, and its
 * forward and inverse application to (even, odd) sample pairs. Learned LiftPool steps and the
 * classical wavelets (SPEC 2.3) are both instances.
 *
 * Forward, per stage: `d = xo − P(xe)`, `s = xe + U(d)` (then `xe ← s`, `xo ← d`); finally
 * `s ← ζ·s`, `d ← d/ζ`. The inverse runs the same stages backwards, so it is exact for any P and U.
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, Lifting1dSpec, LiftStepWeights, PadMode, WaveletName } from './types.js';
import { liftFilter, validateStepWeights } from './filter.js';
import { sliceAxis } from './pad.js';
import { axisIndex, isWaveletName } from './validate.js';

type Op = (z: tf.Tensor4D) => tf.Tensor4D;

export interface LiftingScheme {
  stages: { predict: Op; update: Op }[];
  /** Final scaling ζ (s·ζ, d/ζ); 1 when absent. */
  zeta?: number;
  /** A learned step's weights (its one stage runs these filters), for the whole-step kernels. */
  learned?: { weights: LiftStepWeights; axis: LiftAxis; padMode: PadMode };
}

/** `z[n+1]` along the axis, repeating the last sample at the end (symmetric extension of the signal). */
function next(z: tf.Tensor4D, ax: 1 | 2): tf.Tensor4D {
  const n = z.shape[ax];
  if (n === 1) return z;
  return tf.concat([sliceAxis(z, ax, 1, n - 1), sliceAxis(z, ax, n - 1, 1)], ax);
}

/** `z[n−1]` along the axis, repeating the first sample at the start. */
function prev(z: tf.Tensor4D, ax: 1 | 2): tf.Tensor4D {
  const n = z.shape[ax];
  if (n === 1) return z;
  return tf.concat([sliceAxis(z, ax, 0, 1), sliceAxis(z, ax, 0, n - 1)], ax);
}

/** `a·(z[n] + z[n+1])` — a 2-tap predict on the even samples. */
const pairNext = (a: number, ax: 1 | 2): Op => (z) => tf.mul(tf.add(z, next(z, ax)), a);
/** `a·(z[n−1] + z[n])` — a 2-tap update on the detail samples. */
const pairPrev = (a: number, ax: 1 | 2): Op => (z) => tf.mul(tf.add(prev(z, ax), z), a);

/** CDF 9/7 lifting constants (Daubechies & Sweldens 1998). */
export const CDF97 = {
  alpha: -1.586134342,
  beta: -0.05298011854,
  gamma: 0.8829110762,
  delta: 0.4435068522,
  zeta: 1.149604398,
} as const;

/**
 * Classical wavelet as a fixed lifting scheme along `axis`. The boundary is the whole-sample
 * symmetric extension of the signal, which for the polyphase components means repeating the
 * first/last sample.
 */
export function waveletScheme(name: WaveletName, axis: LiftAxis): LiftingScheme {
  const ax = axisIndex(axis);
  switch (name) {
    case 'haar':
      // d = xo − xe, s = xe + d/2
      return { stages: [{ predict: (z) => z, update: (d) => tf.mul(d, 0.5) }] };
    case 'cdf53':
      // d[n] = xo[n] − (xe[n] + xe[n+1])/2, s[n] = xe[n] + (d[n−1] + d[n])/4
      return { stages: [{ predict: pairNext(0.5, ax), update: pairPrev(0.25, ax) }] };
    case 'cdf97':
      // d1 = xo + α(xe[n]+xe[n+1]) ⇒ P = −α(...); s1 = xe + β(d1[n−1]+d1[n]); likewise γ, δ; then ζ.
      return {
        stages: [
          { predict: pairNext(-CDF97.alpha, ax), update: pairPrev(CDF97.beta, ax) },
          { predict: pairNext(-CDF97.gamma, ax), update: pairPrev(CDF97.delta, ax) },
        ],
        zeta: CDF97.zeta,
      };
  }
}

/**
 * Build the scheme for a spec (learned weights or a wavelet name), validating learned weights
 * against the axis and the channel count of the input.
 */
export function schemeFor(op: string, where: string, spec: Lifting1dSpec, axis: LiftAxis, channels: number, padMode: PadMode): LiftingScheme {
  if (typeof spec === 'string') {
    if (!isWaveletName(spec)) {
      throw new Error(`${op}: unknown wavelet '${spec}'; expected one of haar, cdf53, cdf97 or learned weights`);
    }
    return waveletScheme(spec, axis);
  }
  validateStepWeights(op, where, spec, axis, channels);
  return {
    stages: [
      {
        predict: (z) => liftFilter(z, spec.predict, axis, padMode),
        update: (z) => liftFilter(z, spec.update, axis, padMode),
      },
    ],
    learned: { weights: spec, axis, padMode },
  };
}

/** Forward lifting of polyphase components: returns approximation `s` and detail `d`. */
export function liftForward(even: tf.Tensor4D, odd: tf.Tensor4D, scheme: LiftingScheme): { s: tf.Tensor4D; d: tf.Tensor4D } {
  return tf.tidy(() => {
    let s = even;
    let d = odd;
    for (const stage of scheme.stages) {
      d = tf.sub(d, stage.predict(s));
      s = tf.add(s, stage.update(d));
    }
    if (scheme.zeta !== undefined) {
      s = tf.mul(s, scheme.zeta);
      d = tf.div(d, scheme.zeta);
    }
    return { s, d };
  });
}

/** Inverse of {@link liftForward}: recovers the even and odd samples exactly. */
export function liftInverse(s: tf.Tensor4D, d: tf.Tensor4D, scheme: LiftingScheme): { even: tf.Tensor4D; odd: tf.Tensor4D } {
  return tf.tidy(() => {
    let e = s;
    let o = d;
    if (scheme.zeta !== undefined) {
      e = tf.div(e, scheme.zeta);
      o = tf.mul(o, scheme.zeta);
    }
    for (let i = scheme.stages.length - 1; i >= 0; i--) {
      const stage = scheme.stages[i];
      e = tf.sub(e, stage.update(o));
      o = tf.add(o, stage.predict(e));
    }
    return { even: e, odd: o };
  });
}
