/** Input validation shared by the lifting ops. Every error names the op and the problem. */
import type * as tf from '@tensorflow/tfjs';
import type { LiftAxis, PadMode, WaveletName } from './types.js';

export const PAD_MODES: readonly PadMode[] = ['reflect', 'symmetric', 'edge', 'zero'];
export const WAVELETS: readonly WaveletName[] = ['haar', 'cdf53', 'cdf97'];
export const AXES: readonly LiftAxis[] = ['height', 'width'];

export function assertImageTensor(op: string, name: string, x: tf.Tensor): asserts x is tf.Tensor4D {
  if (x == null || typeof (x as tf.Tensor).rank !== 'number') {
    throw new TypeError(`${op}: ${name} must be a tf.Tensor, got ${String(x)}`);
  }
  if (x.rank !== 4) {
    throw new Error(`${op}: ${name} must be rank 4 (NHWC), got rank ${x.rank} with shape [${x.shape.join(',')}]`);
  }
  if (x.dtype !== 'float32') {
    throw new Error(`${op}: ${name} must have dtype float32, got ${x.dtype}`);
  }
  const zero = x.shape.findIndex((s) => s === 0);
  if (zero >= 0) {
    const axisName = ['batch', 'height', 'width', 'channels'][zero];
    throw new Error(`${op}: ${name} has a zero-size ${axisName} axis (shape [${x.shape.join(',')}])`);
  }
}

export function assertPadMode(op: string, mode: string): asserts mode is PadMode {
  if (!PAD_MODES.includes(mode as PadMode)) {
    throw new Error(`${op}: unknown pad mode '${mode}'; expected one of ${PAD_MODES.join(', ')}`);
  }
}

export function assertAxis(op: string, axis: string): asserts axis is LiftAxis {
  if (!AXES.includes(axis as LiftAxis)) {
    throw new Error(`${op}: unknown axis '${axis}'; expected 'height' or 'width'`);
  }
}

export function isWaveletName(x: unknown): x is WaveletName {
  return typeof x === 'string' && WAVELETS.includes(x as WaveletName);
}

export function assertWavelet(op: string, name: string): asserts name is WaveletName {
  if (!isWaveletName(name)) {
    throw new Error(`${op}: unknown wavelet '${name}'; expected one of ${WAVELETS.join(', ')}`);
  }
}

export function assertKernelSize(op: string, k: number): void {
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) {
    throw new Error(`${op}: kernel size must be an odd integer >= 1, got ${k}`);
  }
}

/** Index of a spatial axis in an NHWC tensor. */
export function axisIndex(axis: LiftAxis): 1 | 2 {
  return axis === 'height' ? 1 : 2;
}

/** `${op}: ${name} must be an odd integer >= 1, got ${k}` unless `k` is one. */
export function assertOddSize(op: string, name: string, k: unknown): asserts k is number {
  if (!Number.isInteger(k) || (k as number) < 1 || (k as number) % 2 === 0) {
    throw new Error(`${op}: ${name} must be an odd integer >= 1, got ${String(k)}`);
  }
}

/** `${op}: unknown ${name} '${value}'; expected one of …` unless `value` is in `allowed`. */
export function assertOneOf<T extends string>(op: string, name: string, value: unknown, allowed: readonly T[], hint = `one of ${allowed.join(', ')}`): asserts value is T {
  if (!allowed.includes(value as T)) throw new Error(`${op}: unknown ${name} '${String(value)}'; expected ${hint}`);
}

/** `${op}: ${name} must be a finite number >= 0, got ${v}` unless `v` is one. */
export function assertNonNegative(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${op}: ${name} must be a finite number >= 0, got ${String(v)}`);
}
