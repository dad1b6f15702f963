/** Shared test utilities (not a test file). */
import * as tf from '@tensorflow/tfjs';
import type { LiftWeights2d, LiftStepWeights, LiftFilterWeights, LiftAxis } from '../src/index.js';

export function maxAbs(t: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t))).dataSync()[0];
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  if (!tf.util.arraysEqual(a.shape, b.shape)) {
    throw new Error(`shape mismatch [${a.shape}] vs [${b.shape}]`);
  }
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b)))).dataSync()[0];
}

/** Random learned filter weights with non-zero biases and a given scale (so P/U are far from 0). */
export function randomFilter(c: number, k: number, axis: LiftAxis, seed: number, scale = 0.8): LiftFilterWeights {
  return {
    depthwiseKernel: tf.randomNormal(axis === 'width' ? [1, k, c, 1] : [k, 1, c, 1], 0, scale, 'float32', seed),
    depthwiseBias: tf.randomNormal([c], 0, 0.3, 'float32', seed + 1),
    pointwiseKernel: tf.randomNormal([1, 1, c, c], 0, scale, 'float32', seed + 2),
    pointwiseBias: tf.randomNormal([c], 0, 0.3, 'float32', seed + 3),
  };
}

export function randomStep(c: number, k: number, axis: LiftAxis, seed: number): LiftStepWeights {
  return { predict: randomFilter(c, k, axis, seed), update: randomFilter(c, k, axis, seed + 10) };
}

export function randomWeights2d(c: number, k: number, seed: number, separate = false): LiftWeights2d {
  const w: LiftWeights2d = { horizontal: randomStep(c, k, 'width', seed), vertical: randomStep(c, k, 'height', seed + 100) };
  if (separate) w.verticalHigh = randomStep(c, k, 'height', seed + 200);
  return w;
}

/** Every tensor of a weights structure with its path, e.g. `horizontal.predict.depthwiseKernel`. */
export function weightEntries(w: LiftWeights2d | LiftStepWeights): [string, tf.Tensor][] {
  const out: [string, tf.Tensor][] = [];
  const walk = (o: unknown, path: string): void => {
    if (o instanceof tf.Tensor) out.push([path, o]);
    else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(w, '');
  return out;
}
