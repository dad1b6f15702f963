/**
 * The learned predict/update filter of a lifting step (SPEC 2.1):
 * `F(z) = tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z)))))`, applied along one spatial axis.
 *
 * ```ts
 * const w = initLiftStepWeights(8, 5, 'width', 1).predict;
 * const y = liftFilter(tf.randomNormal([2, 4, 4, 8]), w, 'width', 'reflect'); // [2, 4, 4, 8]
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, LiftFilterWeights, LiftStepWeights, PadMode } from './types.js';
import { padAxis } from './pad.js';
import { liftFilterFused } from './fused-filter.js';
import { assertKernelSize } from './validate.js';

/** Kernel size K of a filter's depthwise kernel along `axis`. */
export function filterKernelSize(w: LiftFilterWeights, axis: LiftAxis): number {
  return axis === 'width' ? w.depthwiseKernel.shape[1] : w.depthwiseKernel.shape[0];
}

function shapeStr(t: tf.Tensor | undefined): string {
  return t == null ? 'missing' : `[${t.shape.join(',')}]`;
}

/** Check one filter's tensors against the axis and channel count; throws a message naming the tensor. */
export function validateFilterWeights(op: string, where: string, w: LiftFilterWeights, axis: LiftAxis, channels: number): void {
  if (w == null) throw new Error(`${op}: ${where} weights are missing`);
  const dk = w.depthwiseKernel;
  if (dk == null || dk.rank !== 4) {
    throw new Error(`${op}: ${where}.depthwiseKernel must be rank 4, got ${shapeStr(dk)}`);
  }
  const k = axis === 'width' ? dk.shape[1] : dk.shape[0];
  const other = axis === 'width' ? dk.shape[0] : dk.shape[1];
  const expected = axis === 'width' ? `[1,K,${channels},1]` : `[K,1,${channels},1]`;
  if (other !== 1 || dk.shape[3] !== 1) {
    throw new Error(`${op}: ${where}.depthwiseKernel for the ${axis} axis must have shape ${expected}, got ${shapeStr(dk)}`);
  }
  assertKernelSize(`${op}: ${where}.depthwiseKernel`, k);
  if (dk.shape[2] !== channels) {
    throw new Error(`${op}: channel mismatch: input has ${channels} channels but ${where}.depthwiseKernel has shape ${shapeStr(dk)} (expected ${expected})`);
  }
  const checks: [string, tf.Tensor | undefined, number[]][] = [
    ['depthwiseBias', w.depthwiseBias, [channels]],
    ['pointwiseKernel', w.pointwiseKernel, [1, 1, channels, channels]],
    ['pointwiseBias', w.pointwiseBias, [channels]],
  ];
  for (const [name, t, shape] of checks) {
    if (t == null || !tf.util.arraysEqual(t.shape, shape)) {
      throw new Error(`${op}: ${where}.${name} must have shape [${shape.join(',')}] for ${channels} input channels, got ${shapeStr(t)}`);
    }
  }
  for (const [name, t] of Object.entries(w) as [string, tf.Tensor][]) {
    if (t.dtype !== 'float32') throw new Error(`${op}: ${where}.${name} must be float32, got ${t.dtype}`);
  }
}

export function validateStepWeights(op: string, where: string, w: LiftStepWeights, axis: LiftAxis, channels: number): void {
  if (w == null || typeof w !== 'object') throw new Error(`${op}: ${where} weights are missing`);
  validateFilterWeights(op, `${where}.predict`, w.predict, axis, channels);
  validateFilterWeights(op, `${where}.update`, w.update, axis, channels);
}

let useFused = true;

/**
 * Choose the implementation of {@link liftFilter}: the fused one (default; ./fused-filter.ts) or
 * the composite of standard tf ops. Both compute the same function and gradients; this exists for
 * benchmarks and cross-checks. Returns the previous setting.
 */
export function setFusedLiftFilter(on: boolean): boolean {
  const prev = useFused;
  useFused = on;
  return prev;
}

/** Whether {@link liftFilter} runs the fused filter (see {@link setFusedLiftFilter}). */
export function fusedLiftFilterOn(): boolean {
  return useFused;
}

/** Apply a learned predict/update filter along `axis`. Shapes are assumed validated. */
export function liftFilter(z: tf.Tensor4D, w: LiftFilterWeights, axis: LiftAxis, padMode: PadMode): tf.Tensor4D {
  return useFused ? liftFilterFused(z, w, axis, padMode) : liftFilterComposite(z, w, axis, padMode);
}

/** {@link liftFilter} as a composite of standard tf ops (pad, depthwise conv, matMul, tanh). */
export function liftFilterComposite(z: tf.Tensor4D, w: LiftFilterWeights, axis: LiftAxis, padMode: PadMode): tf.Tensor4D {
  return tf.tidy(() => {
    const k = filterKernelSize(w, axis);
    const [n, h, wd, c] = z.shape;
    const padded = padAxis(z, axis, (k - 1) / 2, padMode);
    const hidden = tf.fused.depthwiseConv2d({
      x: padded,
      filter: w.depthwiseKernel,
      strides: 1,
      pad: 'valid',
      bias: w.depthwiseBias,
      activation: 'relu',
    });
    const flat = tf.reshape(hidden, [n * h * wd, c]);
    const out = tf.fused.matMul({
      a: flat,
      b: tf.reshape(w.pointwiseKernel, [c, c]),
      bias: w.pointwiseBias,
    });
    return tf.reshape(tf.tanh(out), [n, h, wd, c]);
  });
}

/** Glorot-uniform limit for the given fan-in and fan-out. */
function glorotLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}

/**
 * Freshly initialised weights of one learned filter: Glorot-uniform kernels, zero biases.
 * Deterministic for a given seed.
 */
export function initLiftFilterWeights(channels: number, kernelSize: number, axis: LiftAxis, seed: number): LiftFilterWeights {
  assertKernelSize('initLiftFilterWeights', kernelSize);
  if (!Number.isInteger(channels) || channels < 1) {
    throw new Error(`initLiftFilterWeights: channels must be a positive integer, got ${channels}`);
  }
  const dShape: [number, number, number, number] =
    axis === 'width' ? [1, kernelSize, channels, 1] : [kernelSize, 1, channels, 1];
  const dl = glorotLimit(kernelSize, kernelSize);
  const pl = glorotLimit(channels, channels);
  return {
    depthwiseKernel: tf.randomUniform(dShape, -dl, dl, 'float32', seed),
    depthwiseBias: tf.zeros([channels]),
    pointwiseKernel: tf.randomUniform([1, 1, channels, channels], -pl, pl, 'float32', seed + 1),
    pointwiseBias: tf.zeros([channels]),
  };
}

/** Initialised predict and update filters of one learned step along `axis`. */
export function initLiftStepWeights(channels: number, kernelSize: number, axis: LiftAxis, seed: number): LiftStepWeights {
  return {
    predict: initLiftFilterWeights(channels, kernelSize, axis, seed),
    update: initLiftFilterWeights(channels, kernelSize, axis, seed + 2),
  };
}
