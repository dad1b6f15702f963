/**
 * Pluggable downsampling for the model builders: one factory, `downsample`, that halves the spatial
 * resolution of a symbolic NHWC tensor with the pooling named by `PoolName`.
 *
 * | name       | what it is                                                                          | params |
 * |------------|-------------------------------------------------------------------------------------|--------|
 * | `max`      | 2×2 max pooling, stride 2                                                           | 0 |
 * | `avg`      | 2×2 average pooling, stride 2                                                       | 0 |
 * | `skip`     | 3×3 convolution, stride 2, same number of channels, with bias, linear (no BN/act.): the "strided convolution" / skip-subsampling baseline | 9C²+C |
 * | `blur`     | MaxBlurPool (Zhang 2019): 2×2 max pooling stride 1 `'same'`, then `BlurPool2D` (3×3 binomial, stride 2) | 0 |
 * | `wavelet`  | `WaveletPool2D` — fixed classical lifting (`waveletName`, default Haar; output `waveletOutput`, default LL) | 0 |
 * | `lift`     | `LiftDownPool2D`, learned, output = LL+LH+HL+HH                                      | 4·(C² + (K+2)·C): P and U, each depthwise K + 1×1 conv with biases, for the horizontal and the vertical step |
 * | `lift-ll` … `lift-hh` | `LiftDownPool2D` outputting only that sub-band                            | same as `lift` |
 *
 * All poolings give `ceil(H/2) × ceil(W/2)` (max/avg use `'same'` padding so that odd sizes such
 * as 7 → 4 agree with the lifting layers, which pad odd inputs by edge replication).
 */
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, BlurPool2D, WaveletPool2D } from '../layers/index.js';
import type { BandName, ConstraintForm, WaveletName } from '../lifting/index.js';
import type { SeededInit } from './init.js';

export type PoolName = 'max' | 'avg' | 'skip' | 'blur' | 'wavelet' | 'lift' | 'lift-ll' | 'lift-lh' | 'lift-hl' | 'lift-hh';

export const POOL_NAMES: readonly PoolName[] = ['max', 'avg', 'skip', 'blur', 'wavelet', 'lift', 'lift-ll', 'lift-lh', 'lift-hl', 'lift-hh'];

/** Options of the poolings that builders pass through unchanged. */
export interface PoolOptions {
  /** Depthwise kernel length of the learned LiftPool predict/update filters (default 5). */
  liftKernelSize?: number;
  /** LiftPool constraint form (default: the layer's, `'detached'`). */
  liftConstraint?: ConstraintForm;
  /** LiftPool update-constraint weight λ_u (default: the layer's, 0.01). */
  lambdaU?: number;
  /** LiftPool predict-constraint weight λ_p (default: the layer's, 0.1). */
  lambdaP?: number;
  /** Wavelet of the `wavelet` pooling (default `'haar'`). */
  waveletName?: WaveletName;
  /** Output of the `wavelet` pooling (default `'ll'`). */
  waveletOutput?: 'll' | 'sum';
}

export interface PoolContext extends PoolOptions {
  /** Seed-derived initialisers; the `skip` conv and learned lifting filters draw from it. */
  init: SeededInit;
  /** Prefix of the created layers' names (they must be unique within a model). */
  name: string;
  /** Channels of `x` (default: read from `x.shape`). */
  channels?: number;
}

export function assertPoolName(pool: unknown): asserts pool is PoolName {
  if (typeof pool !== 'string' || !(POOL_NAMES as readonly string[]).includes(pool)) {
    throw new Error(`unknown pooling '${String(pool)}'; expected one of: ${POOL_NAMES.join(', ')}`);
  }
}

/** Whether the pooling has trainable weights (`skip` and the learned `lift*` variants). */
export function poolHasWeights(pool: PoolName): boolean {
  return pool === 'skip' || pool.startsWith('lift');
}

/** A `LiftDownPool2D` configured from a context (seeded initialisers, kernel size, λs). */
export function makeLiftDown(ctx: PoolContext, extra: { output?: 'sum' | BandName; returnDetails?: boolean; name?: string } = {}): LiftDownPool2D {
  return new LiftDownPool2D({
    name: extra.name ?? `${ctx.name}_lift`,
    kernelSize: ctx.liftKernelSize ?? 5,
    output: extra.output ?? 'sum',
    returnDetails: extra.returnDetails ?? false,
    ...(ctx.liftConstraint != null ? { constraint: ctx.liftConstraint } : {}),
    ...(ctx.lambdaU != null ? { lambdaU: ctx.lambdaU } : {}),
    ...(ctx.lambdaP != null ? { lambdaP: ctx.lambdaP } : {}),
    depthwiseInitializer: ctx.init.glorotUniform(),
    pointwiseInitializer: ctx.init.glorotUniform(),
  });
}

/** Zhang 2019 MaxBlurPool: dense 2×2 max (stride 1, `'same'`) then 3×3 binomial blur with stride 2. */
export function maxBlurPool(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  const m = tf.layers.maxPooling2d({ name: `${name}_maxpool_s1`, poolSize: 2, strides: 1, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  return new BlurPool2D({ name: `${name}_blurpool`, filterSize: 3, strides: 2 }).apply(m) as tf.SymbolicTensor;
}

/** Halves the resolution of `x` (→ `ceil(H/2) × ceil(W/2)`, same channels) with the named pooling. */
export function downsample(x: tf.SymbolicTensor, pool: PoolName, ctx: PoolContext): tf.SymbolicTensor {
  assertPoolName(pool);
  const name = ctx.name;
  switch (pool) {
    case 'max':
      return tf.layers.maxPooling2d({ name: `${name}_maxpool`, poolSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    case 'avg':
      return tf.layers.averagePooling2d({ name: `${name}_avgpool`, poolSize: 2, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
    case 'skip': {
      const c = ctx.channels ?? x.shape[3];
      if (c == null) throw new Error(`downsample '${pool}': the channel dimension of the input must be known`);
      return tf.layers.conv2d({
        name: `${name}_skipconv`, filters: c, kernelSize: 3, strides: 2, padding: 'same', useBias: true,
        kernelInitializer: ctx.init.glorotUniform(),
      }).apply(x) as tf.SymbolicTensor;
    }
    case 'blur':
      return maxBlurPool(x, name);
    case 'wavelet':
      return new WaveletPool2D({ name: `${name}_wavelet`, wavelet: ctx.waveletName ?? 'haar', output: ctx.waveletOutput ?? 'll' }).apply(x) as tf.SymbolicTensor;
    case 'lift':
      return makeLiftDown(ctx).apply(x) as tf.SymbolicTensor;
    case 'lift-ll':
    case 'lift-lh':
    case 'lift-hl':
    case 'lift-hh': {
      const band = pool.slice(5) as BandName;
      return makeLiftDown(ctx, { output: band, name: `${name}_lift_${band}` }).apply(x) as tf.SymbolicTensor;
    }
    default: {
      const never: never = pool;
      throw new Error(`unknown pooling '${String(never)}'`);
    }
  }
}
