import assert from 'node:assert/strict';
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

/**
 * Finite differences at a few coordinates of every input of `f` against `tf.grads` (float32, step
 * 1e-3). ReLU kinks inside the step make a central difference disagree with the exact gradient at
 * the point, so the analytic value must match the central, the forward or the backward difference
 * (one of the two one-sided ones is kink-free); tolerance 2e-3 absolute + 3e-2 relative.
 */
export function checkGrads(f: (...xs: tf.Tensor[]) => tf.Scalar, inputs: tf.Tensor[], names: string[], perTensor = 4): void {
  const analytic = tf.grads(f)(inputs);
  const eps = 1e-3;
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  inputs.forEach((t, k) => {
    const g = analytic[k].dataSync();
    const base = t.dataSync();
    for (let j = 0; j < Math.min(perTensor, t.size); j++) {
      const idx = Math.floor(rand() * t.size);
      const evalAt = (delta: number) => {
        const v = Float32Array.from(base);
        v[idx] += delta;
        return tf.tidy(() => {
          const moved = tf.tensor(v, t.shape);
          const args = inputs.map((u, m) => (m === k ? moved : u));
          return f(...args).dataSync()[0];
        });
      };
      const [fp, f0, fm] = [evalAt(eps), evalAt(0), evalAt(-eps)];
      const candidates = [(fp - fm) / (2 * eps), (fp - f0) / eps, (f0 - fm) / eps];
      const tol = 2e-3 + 3e-2 * Math.abs(g[idx]);
      assert.ok(
        candidates.some((fd) => Math.abs(fd - g[idx]) <= tol),
        `${names[k]}[${idx}]: analytic ${g[idx]} vs finite differences ${candidates.map((c) => c.toFixed(5)).join(', ')}`,
      );
    }
  });
  tf.dispose(analytic);
}
