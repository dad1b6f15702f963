/**
 * SegNet-style encoder–decoder with pluggable down/up sampling pairs, for the segmentation
 * experiment (per-pixel classes on synthetic scenes).
 *
 * Encoder stage i (i = 0…depth−1, channels Cᵢ = [64, 128, 256, 512][i]·width): two 3×3
 * conv–BN–ReLU, then the down-pooling. Decoder stage i (deepest first): the matching upsampling of
 * a Cᵢ-channel map, then 3×3 conv–BN–ReLU to Cᵢ and to Cᵢ₋₁ (C₀ for the last stage), so each
 * upsampling sees the channel count of the pooling it mirrors. Head: 1×1 conv to `numClasses`
 * with a per-pixel softmax (or logits with `activation: 'linear'`).
 *
 * | `downUp`          | down                                  | up                                                  |
 * |-------------------|---------------------------------------|-----------------------------------------------------|
 * | `max-maxunpool`   | `MaxPool2DWithIndices` (2×2)          | `MaxUnpool2D` with that encoder stage's switches    |
 * | `max-bilinear`    | 2×2 max pooling                       | `upSampling2d` ×2, bilinear                          |
 * | `max-transposed`  | 2×2 max pooling                       | `conv2dTranspose` 2×2 stride 2 (Cᵢ filters, learned) |
 * | `lift-liftup`     | `LiftDownPool2D` (sum, `returnDetails`) | its paired `LiftUpPool2D` (`createUpPool()`) fed with the encoder's LH, HL, HH |
 * | `blur-bilinear`   | MaxBlurPool (Zhang 2019)              | `upSampling2d` ×2, bilinear                          |
 *
 * Input height and width must be divisible by 2^depth (so every upsampling restores the encoder
 * size exactly, for all variants).
 */
import * as tf from '@tensorflow/tfjs';
import { MaxPool2DWithIndices, MaxUnpool2D } from '../layers/index.js';
import { SeededInit } from './init.js';
import { makeLiftDown, maxBlurPool, type PoolOptions } from './pooling.js';
import { checkCommon, convBnAct, scaleChannels } from './common.js';

export type DownUpName = 'max-maxunpool' | 'max-bilinear' | 'max-transposed' | 'lift-liftup' | 'blur-bilinear';
export const DOWN_UP_NAMES: readonly DownUpName[] = ['max-maxunpool', 'max-bilinear', 'max-transposed', 'lift-liftup', 'blur-bilinear'];

/** Encoder stage widths (before the width multiplier). */
export const SEGNET_STAGES: readonly number[] = [64, 128, 256, 512];

export interface SegNetOptions extends Pick<PoolOptions, 'liftKernelSize' | 'liftConstraint' | 'lambdaU' | 'lambdaP'> {
  downUp: DownUpName;
  /** Default `[64, 64, 1]`. */
  inputShape?: [number, number, number];
  /** Default 11 (10 item classes + background). */
  numClasses?: number;
  /** Channel width multiplier (default 1). */
  width?: number;
  /** Number of down-poolings, 1–4 (default 3). */
  depth?: number;
  seed: number;
  /** `'softmax'` (default): per-pixel class probabilities; `'linear'`: logits. */
  activation?: 'softmax' | 'linear';
  /** Model name (default `segnet`); layer names are prefixed with it. */
  name?: string;
}

export function assertDownUpName(v: unknown): asserts v is DownUpName {
  if (typeof v !== 'string' || !(DOWN_UP_NAMES as readonly string[]).includes(v)) {
    throw new Error(`unknown downUp '${String(v)}'; expected one of: ${DOWN_UP_NAMES.join(', ')}`);
  }
}

export function buildSegNet(opts: SegNetOptions): tf.LayersModel {
  assertDownUpName(opts.downUp);
  const inputShape = opts.inputShape ?? [64, 64, 1];
  const numClasses = opts.numClasses ?? 11;
  const width = checkCommon('buildSegNet', { inputShape, numClasses, width: opts.width, seed: opts.seed }, false);
  const depth = opts.depth ?? 3;
  if (!Number.isInteger(depth) || depth < 1 || depth > SEGNET_STAGES.length) {
    throw new Error(`buildSegNet: depth must be an integer from 1 to ${SEGNET_STAGES.length}, got ${String(opts.depth)}`);
  }
  const f = 2 ** depth;
  if (inputShape[0] % f !== 0 || inputShape[1] % f !== 0) {
    throw new Error(`buildSegNet: input height and width must be divisible by 2^depth = ${f}, got ${inputShape[0]}×${inputShape[1]}`);
  }
  const act = opts.activation ?? 'softmax';
  if (act !== 'softmax' && act !== 'linear') throw new Error(`buildSegNet: activation must be 'softmax' or 'linear', got '${String(act)}'`);
  const init = new SeededInit(opts.seed);
  const name = opts.name ?? 'segnet';
  const ch = SEGNET_STAGES.slice(0, depth).map((c) => scaleChannels(c, width));
  const [down, up] = opts.downUp.split('-') as ['max' | 'lift' | 'blur', 'maxunpool' | 'bilinear' | 'transposed' | 'liftup'];

  const input = tf.input({ shape: inputShape, name: `${name}_input` });
  let h: tf.SymbolicTensor = input;
  // What each encoder stage leaves for its decoder stage (switches, or the paired lift layer + details).
  const memo: { switches?: tf.SymbolicTensor; pool?: MaxPool2DWithIndices; details?: tf.SymbolicTensor[]; lift?: ReturnType<typeof makeLiftDown> }[] = [];
  for (let i = 0; i < depth; i++) {
    const n = `${name}_enc${i + 1}`;
    h = convBnAct(h, ch[i], 3, init, `${n}_a`);
    h = convBnAct(h, ch[i], 3, init, `${n}_b`);
    if (up === 'maxunpool') {
      const pool = new MaxPool2DWithIndices({ name: `${n}_maxpool_idx` });
      const [p, sw] = pool.apply(h) as tf.SymbolicTensor[];
      memo.push({ switches: sw, pool });
      h = p;
    } else if (down === 'lift') {
      const lift = makeLiftDown({ ...opts, init, name: n }, { returnDetails: true });
      const [p, ...details] = lift.apply(h) as tf.SymbolicTensor[];
      memo.push({ lift, details });
      h = p;
    } else if (down === 'blur') {
      h = maxBlurPool(h, n);
      memo.push({});
    } else {
      h = tf.layers.maxPooling2d({ name: `${n}_maxpool`, poolSize: 2, strides: 2 }).apply(h) as tf.SymbolicTensor;
      memo.push({});
    }
  }
  for (let i = depth - 1; i >= 0; i--) {
    const n = `${name}_dec${i + 1}`;
    const m = memo[i];
    switch (up) {
      case 'maxunpool':
        h = new MaxUnpool2D({ name: `${n}_maxunpool`, pairedWith: m.pool }).apply([h, m.switches!]) as tf.SymbolicTensor;
        break;
      case 'liftup':
        h = m.lift!.createUpPool({ name: `${n}_liftup` }).apply([h, ...m.details!]) as tf.SymbolicTensor;
        break;
      case 'bilinear':
        h = tf.layers.upSampling2d({ name: `${n}_bilinear`, size: [2, 2], interpolation: 'bilinear' }).apply(h) as tf.SymbolicTensor;
        break;
      case 'transposed':
        h = tf.layers.conv2dTranspose({
          name: `${n}_transposed`, filters: ch[i], kernelSize: 2, strides: 2, padding: 'same', kernelInitializer: init.glorotUniform(),
        }).apply(h) as tf.SymbolicTensor;
        break;
    }
    h = convBnAct(h, ch[i], 3, init, `${n}_a`);
    h = convBnAct(h, ch[Math.max(0, i - 1)], 3, init, `${n}_b`);
  }
  const out = tf.layers.conv2d({
    name: `${name}_classifier`, filters: numClasses, kernelSize: 1, activation: act, kernelInitializer: init.glorotUniform(),
  }).apply(h) as tf.SymbolicTensor;
  return tf.model({ name, inputs: input, outputs: out });
}
