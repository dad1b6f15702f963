/** Shared pieces of the model builders: option checks, width scaling, conv–BN–activation blocks. */
import * as tf from '@tensorflow/tfjs';
import type { SeededInit } from './init.js';
import { assertPoolName, type PoolName, type PoolOptions } from './pooling.js';

export interface ClassifierOptions extends PoolOptions {
  /** The downsampling used everywhere the architecture halves the resolution. */
  pool: PoolName;
  /** `[height, width, channels]` of one input image. */
  inputShape: [number, number, number];
  numClasses: number;
  /** Channel width multiplier (default 1); every layer's channels are `max(1, round(c·width))`. */
  width?: number;
  /** Seed of every kernel initialiser: same seed ⇒ identical initial weights. */
  seed: number;
  /** Model name (default: the architecture's). Layer names are prefixed with it. */
  name?: string;
}

/** `max(1, round(c·width))`. */
export function scaleChannels(c: number, width: number): number {
  return Math.max(1, Math.round(c * width));
}

/**
 * Whether one more halving is allowed at spatial size `size`: the result must stay ≥ 2
 * (pooling a 2×2 or 3×3 map down to 1×1 is skipped).
 */
export function canPool(size: [number, number]): boolean {
  return Math.ceil(size[0] / 2) >= 2 && Math.ceil(size[1] / 2) >= 2;
}

export function halve(size: [number, number]): [number, number] {
  return [Math.ceil(size[0] / 2), Math.ceil(size[1] / 2)];
}

export function checkShape(what: string, inputShape: unknown): asserts inputShape is [number, number, number] {
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new Error(`${what}: inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(inputShape)}`);
  }
}

export function checkCommon(what: string, opts: { pool?: unknown; inputShape: unknown; numClasses: unknown; width?: unknown; seed: unknown }, checkPool = true): number {
  if (checkPool) assertPoolName(opts.pool);
  checkShape(what, opts.inputShape);
  if (!Number.isInteger(opts.numClasses) || (opts.numClasses as number) < 1) {
    throw new Error(`${what}: numClasses must be a positive integer, got ${String(opts.numClasses)}`);
  }
  const width = opts.width ?? 1;
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) {
    throw new Error(`${what}: width must be a finite number > 0, got ${String(opts.width)}`);
  }
  if (!Number.isInteger(opts.seed)) throw new Error(`${what}: seed must be an integer, got ${String(opts.seed)}`);
  return width;
}

export type Act = 'relu' | 'relu6' | 'linear';

export function activation(x: tf.SymbolicTensor, act: Act, name: string): tf.SymbolicTensor {
  if (act === 'linear') return x;
  const layer = act === 'relu6' ? tf.layers.reLU({ maxValue: 6, name }) : tf.layers.activation({ activation: 'relu', name });
  return layer.apply(x) as tf.SymbolicTensor;
}

export function batchNorm(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.batchNormalization({ name, axis: -1, momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
}

/** Conv (no bias) → BatchNorm → activation. */
export function convBnAct(
  x: tf.SymbolicTensor, filters: number, kernelSize: number, init: SeededInit, name: string, act: Act = 'relu',
): tf.SymbolicTensor {
  const c = tf.layers.conv2d({
    name: `${name}_conv`, filters, kernelSize, strides: 1, padding: 'same', useBias: false,
    kernelInitializer: act === 'linear' ? init.glorotUniform() : init.heNormal(),
  }).apply(x) as tf.SymbolicTensor;
  return activation(batchNorm(c, `${name}_bn`), act, `${name}_${act}`);
}

/** Global average pooling → dense softmax classifier. */
export function classifierHead(x: tf.SymbolicTensor, numClasses: number, init: SeededInit, name: string): tf.SymbolicTensor {
  const g = tf.layers.globalAveragePooling2d({ name: `${name}_gap` }).apply(x) as tf.SymbolicTensor;
  return tf.layers.dense({ name: `${name}_fc`, units: numClasses, activation: 'softmax', kernelInitializer: init.glorotUniform() }).apply(g) as tf.SymbolicTensor;
}
