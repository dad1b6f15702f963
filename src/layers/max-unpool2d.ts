/**
 * SegNet-style max pooling with recorded switches, and the matching unpooling.
 *
 * `MaxPool2DWithIndices` (2×2 windows, stride 2) outputs `[pooled, switches]`, where `switches`
 * `[N, H/2, W/2, 4C]` is the one-hot position of each window's maximum (channel blocks in window
 * order (0,0), (0,1), (1,0), (1,1); the first maximum wins ties). `MaxUnpool2D` takes `[y, switches]`
 * and puts each value of `y` back at its recorded position, zeros elsewhere. Both are
 * differentiable (the gradient of the pooled value goes to the argmax; unpooling routes gradients
 * back through the same switches).
 *
 * ```ts
 * const [p, sw] = new MaxPool2DWithIndices().apply(x) as tf.SymbolicTensor[];
 * const up = new MaxUnpool2D().apply([decoderFeature, sw]);
 * ```
 * Odd sizes are padded by replicating the last row/column; the unpool layer crops back to the
 * paired pool layer's input size.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { splitEvenOdd, mergeEvenOdd, padToEven, cropAxis } from '../lifting/index.js';
import { resolvePair } from './pairing.js';
import { singleShape, unpooledShape } from './shapes.js';

/** The four 2×2-window positions of x: [x00, x01, x10, x11] (row, column parity). */
function windowParts(x: tf.Tensor4D): tf.Tensor4D[] {
  const { even: colE, odd: colO } = splitEvenOdd(padToEven(x, 'width'), 'width');
  const e = splitEvenOdd(padToEven(colE, 'height'), 'height');
  const o = splitEvenOdd(padToEven(colO, 'height'), 'height');
  return [e.even, o.even, e.odd, o.odd];
}

/** One-hot switches of the window maxima; treated as constants by autodiff. */
const switchesOf = tf.customGrad((...args: unknown[]) => {
  const x = args[0] as tf.Tensor;
  const value = tf.tidy(() => {
    const parts = windowParts(x as tf.Tensor4D);
    const pooled = tf.maximum(tf.maximum(parts[0], parts[1]), tf.maximum(parts[2], parts[3]));
    const masks: tf.Tensor[] = [];
    let taken: tf.Tensor = tf.zeros(pooled.shape, 'bool');
    for (const p of parts) {
      const hit = tf.logicalAnd(tf.equal(p, pooled), tf.logicalNot(taken));
      masks.push(tf.cast(hit, 'float32'));
      taken = tf.logicalOr(taken, hit);
    }
    return tf.concat(masks, 3);
  });
  return { value, gradFunc: () => tf.zerosLike(x) };
});

/** Max pooling 2×2/2 with one-hot switches. Returns `{pooled, switches}`. */
export function maxPoolWithSwitches(x: tf.Tensor4D): { pooled: tf.Tensor4D; switches: tf.Tensor4D } {
  return tf.tidy(() => {
    const parts = windowParts(x);
    const pooled = tf.maximum(tf.maximum(parts[0], parts[1]), tf.maximum(parts[2], parts[3])) as tf.Tensor4D;
    return { pooled, switches: switchesOf(x) as tf.Tensor4D };
  });
}

/** Inverse of {@link maxPoolWithSwitches}: scatter `y` to the recorded positions. */
export function maxUnpoolWithSwitches(y: tf.Tensor4D, switches: tf.Tensor4D, size?: [number, number]): tf.Tensor4D {
  const c = y.shape[3];
  if (switches.shape[3] !== 4 * c || switches.shape[1] !== y.shape[1] || switches.shape[2] !== y.shape[2]) {
    throw new Error(`maxUnpool: switches of shape [${switches.shape.join(',')}] do not match y of shape [${y.shape.join(',')}] (expected [..,${y.shape[1]},${y.shape[2]},${4 * c}])`);
  }
  const [h, w] = size ?? [2 * y.shape[1], 2 * y.shape[2]];
  return tf.tidy(() => {
    const m = tf.split(switches, 4, 3) as tf.Tensor4D[];
    const q = m.map((mi) => tf.mul(y, mi) as tf.Tensor4D);
    const rowsEven = mergeEvenOdd(q[0], q[1], 'width');
    const rowsOdd = mergeEvenOdd(q[2], q[3], 'width');
    const full = mergeEvenOdd(rowsEven, rowsOdd, 'height');
    return cropAxis(cropAxis(full, 'height', h), 'width', w);
  });
}

export class MaxPool2DWithIndices extends tf.layers.Layer {
  static className = 'MaxPool2DWithIndices';
  inputSize: [number | null, number | null] = [null, null];

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = singleShape(inputShape);
    if (s.length !== 4) throw new Error(`MaxPool2DWithIndices expects rank-4 NHWC input, got shape [${s.join(',')}]`);
    this.inputSize = [s[1], s[2]];
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const { pooled, switches } = maxPoolWithSwitches(x);
    return [pooled, switches];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape[] {
    const s = singleShape(inputShape);
    const half = (v: number | null) => (v == null ? null : Math.ceil(v / 2));
    return [
      [s[0], half(s[1]), half(s[2]), s[3]],
      [s[0], half(s[1]), half(s[2]), s[3] == null ? null : 4 * s[3]],
    ];
  }
}
tf.serialization.registerClass(MaxPool2DWithIndices);

export interface MaxUnpool2DArgs extends LayerArgs {
  /** The pooling layer whose switches are used (optional in a functional model). */
  pairedWith?: MaxPool2DWithIndices;
}

export class MaxUnpool2D extends tf.layers.Layer {
  static className = 'MaxUnpool2D';
  private paired: MaxPool2DWithIndices | null;

  constructor(args: MaxUnpool2DArgs = {}) {
    super(args);
    this.paired = args.pairedWith ?? null;
  }

  override apply(inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[], kwargs?: Kwargs): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== 2) throw new Error(`MaxUnpool2D expects 2 inputs [y, switches], got ${list.length}`);
    this.paired = resolvePair('MaxUnpool2D', MaxPool2DWithIndices, this.paired, [list[1]]);
    const [y, sw] = list.map((t) => t.shape);
    if (y[3] != null && sw[3] != null && sw[3] !== 4 * y[3]) {
      throw new Error(`MaxUnpool2D: switches have ${sw[3]} channels, expected 4 × ${y[3]} for the decoder input`);
    }
    return super.apply(inputs, kwargs);
  }

  override build(): void {
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [y, sw] = inputs as tf.Tensor4D[];
    const [h0, w0] = this.paired?.inputSize ?? [null, null];
    return maxUnpoolWithSwitches(y, sw, [h0 ?? 2 * y.shape[1], w0 ?? 2 * y.shape[2]]);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return unpooledShape(inputShape, this.paired?.inputSize);
  }
}
tf.serialization.registerClass(MaxUnpool2D);
