/**
 * `BlurPool2D` (Zhang, "Making Convolutional Networks Shift-Invariant Again", ICML 2019):
 * a fixed binomial low-pass filter applied per channel, then subsampling by `strides`.
 *
 * ```ts
 * // Anti-aliased max pooling as in the paper: dense max, then blur-and-subsample.
 * let y = tf.layers.maxPooling2d({poolSize: 2, strides: 1, padding: 'same'}).apply(x);
 * y = new BlurPool2D({filterSize: 3}).apply(y);                 // half resolution
 * ```
 * The input is reflect-padded by `(filterSize−1)/2`, so the output has `ceil(H/strides)` rows.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import { padAxis } from '../lifting/index.js';
import { singleShape } from './shapes.js';

export interface BlurPool2DArgs extends LayerArgs {
  /** Binomial filter size: 3 (`[1,2,1]`) or 5 (`[1,4,6,4,1]`); default 3. */
  filterSize?: 3 | 5;
  /** Subsampling factor (default 2). */
  strides?: number;
}

const BINOMIAL: Record<3 | 5, number[]> = { 3: [1, 2, 1], 5: [1, 4, 6, 4, 1] };

/** The normalised 2D binomial filter as a flat row-major `size × size` array. */
export function binomialFilter2d(size: 3 | 5): Float32Array {
  const a = BINOMIAL[size];
  const total = a.reduce((s, v) => s + v, 0) ** 2;
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] = (a[i] * a[j]) / total;
  return out;
}

export class BlurPool2D extends tf.layers.Layer {
  static className = 'BlurPool2D';
  readonly filterSize: 3 | 5;
  readonly strides: number;
  private filter: tf.Tensor4D | null = null;

  constructor(args: BlurPool2DArgs = {}) {
    super(args);
    this.filterSize = args.filterSize ?? 3;
    if (this.filterSize !== 3 && this.filterSize !== 5) {
      throw new Error(`BlurPool2D: filterSize must be 3 or 5, got ${String(args.filterSize)}`);
    }
    this.strides = args.strides ?? 2;
    if (!Number.isInteger(this.strides) || this.strides < 1) throw new Error(`BlurPool2D: strides must be a positive integer, got ${args.strides}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = singleShape(inputShape);
    if (s.length !== 4) throw new Error(`BlurPool2D expects rank-4 NHWC input, got shape [${s.join(',')}]`);
    const c = s[3];
    if (c == null) throw new Error('BlurPool2D: the channel dimension of the input must be known');
    const k = this.filterSize;
    const base = binomialFilter2d(k);
    const data = new Float32Array(k * k * c);
    for (let i = 0; i < k * k; i++) data.fill(base[i], i * c, (i + 1) * c);
    this.filter = tf.keep(tf.tensor4d(data, [k, k, c, 1]));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const p = (this.filterSize - 1) / 2;
      const padded = padAxis(padAxis(x, 'height', p, 'reflect'), 'width', p, 'reflect');
      return tf.depthwiseConv2d(padded, this.filter!, this.strides, 'valid');
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = singleShape(inputShape);
    const f = (v: number | null) => (v == null ? null : Math.ceil(v / this.strides));
    return [s[0], f(s[1]), f(s[2]), s[3]];
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const r = super.dispose();
    if (r.refCountAfterDispose === 0 && this.filter) {
      this.filter.dispose();
      this.filter = null;
    }
    return r;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filterSize: this.filterSize, strides: this.strides };
  }
}
tf.serialization.registerClass(BlurPool2D);
