/**
 * `LiftUpPool2D`: runs a `LiftDownPool2D` backwards with the same weights to upsample.
 *
 * Inputs: `[y, lh, hl, hh]` where `y` is the decoder's low-resolution feature and `lh, hl, hh` are
 * the detail bands recorded by the paired `LiftDownPool2D` (created with `returnDetails: true`).
 * Output: the feature map at the down layer's input resolution (odd sizes come back exactly).
 *
 * `y` is turned into the LL band according to `decoderInput`:
 * - `'auto'` (default): undo the down layer's output mapping where it is invertible — when the down
 *   layer outputs the sum of bands including LL, `ll = y − (sum of the other summed bands)`, so that
 *   `up(down(x)) == x` exactly when the decoder path is the identity; otherwise `ll = y`.
 * - `'ll'`: use `y` as the LL band as is.
 *
 * The layer owns no weights: it reads the paired layer's variables, so training through either
 * layer updates the one shared set and `model.save` stores it once.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { liftUp2d } from '../lifting/index.js';
import type { LiftDownPool2D } from './lift-down-pool2d.js';
import { resolvePair } from './pairing.js';
import { singleShape } from './shapes.js';

export interface LiftUpPool2DArgs extends LayerArgs {
  /** The down layer to invert. Optional in a functional model (found from the detail inputs). */
  pairedWith?: LiftDownPool2D;
  /** How the decoder feature becomes the LL band (default `'auto'`). */
  decoderInput?: 'auto' | 'll';
}

// Set by lift-down-pool2d.ts to avoid a circular import at module load time.
let downClass: (abstract new (...args: never[]) => LiftDownPool2D) | null = null;
export function registerDownClass(cls: abstract new (...args: never[]) => LiftDownPool2D): void {
  downClass = cls;
}

export class LiftUpPool2D extends tf.layers.Layer {
  static className = 'LiftUpPool2D';
  private paired: LiftDownPool2D | null;
  readonly decoderInput: 'auto' | 'll';

  constructor(args: LiftUpPool2DArgs = {}) {
    super(args);
    this.paired = args.pairedWith ?? null;
    this.decoderInput = args.decoderInput ?? 'auto';
    if (this.decoderInput !== 'auto' && this.decoderInput !== 'll') {
      throw new Error(`LiftUpPool2D: unknown decoderInput '${String(this.decoderInput)}'; expected 'auto' or 'll'`);
    }
    if (this.paired != null) {
      if (downClass == null || !(this.paired instanceof downClass)) {
        throw new Error('LiftUpPool2D: pairedWith must be a LiftDownPool2D');
      }
      if (!this.paired.returnDetails) {
        throw new Error(`LiftUpPool2D: the paired LiftDownPool2D '${this.paired.name}' must be created with returnDetails: true, so that its detail bands can be passed to the up layer`);
      }
    }
  }

  /** The paired down layer (after the layer has been applied or when given explicitly). */
  get pairedLayer(): LiftDownPool2D | null {
    return this.paired;
  }

  override apply(inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[], kwargs?: Kwargs): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== 4) {
      throw new Error(`LiftUpPool2D expects 4 inputs [y, lh, hl, hh], got ${list.length}`);
    }
    if (downClass == null) throw new Error('LiftUpPool2D: LiftDownPool2D is not loaded');
    this.paired = resolvePair('LiftUpPool2D', downClass, this.paired, list.slice(1));
    if (this.paired == null) {
      throw new Error('LiftUpPool2D: not paired; create it with downLayer.createUpPool() or pass pairedWith');
    }
    this.checkShapes(list.map((t) => t.shape));
    return super.apply(inputs, kwargs);
  }

  private checkShapes(shapes: (number | null)[][]): void {
    const down = this.paired!;
    const [y, ...details] = shapes;
    for (const s of shapes) {
      if (s.length !== 4) throw new Error(`LiftUpPool2D expects rank-4 NHWC inputs, got shape [${s.join(',')}]`);
    }
    const c = down.channels;
    if (c != null && y[3] != null && y[3] !== c) {
      throw new Error(`LiftUpPool2D: the decoder input has ${y[3]} channels but the paired LiftDownPool2D '${down.name}' works on ${c} channels`);
    }
    details.forEach((d, i) => {
      for (const ax of [1, 2, 3]) {
        if (d[ax] != null && y[ax] != null && d[ax] !== y[ax]) {
          throw new Error(`LiftUpPool2D: detail band ${['lh', 'hl', 'hh'][i]} has shape [${d.join(',')}] but the decoder input has shape [${y.join(',')}]`);
        }
      }
    });
  }

  override build(): void {
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [y, lh, hl, hh] = inputs as tf.Tensor4D[];
    const down = this.paired!;
    const ll = this.toLL(y, { lh, hl, hh });
    const [h, w] = this.targetSize(y);
    return liftUp2d({ ll, lh, hl, hh, size: [h, w] }, down.liftingSpec(), { padMode: down.padMode });
  }

  private toLL(y: tf.Tensor4D, details: { lh: tf.Tensor4D; hl: tf.Tensor4D; hh: tf.Tensor4D }): tf.Tensor4D {
    const down = this.paired!;
    if (this.decoderInput === 'll') return y;
    if (down.outputMode === 'sum' && down.bands.includes('ll')) {
      const others = down.bands.filter((b) => b !== 'll') as ('lh' | 'hl' | 'hh')[];
      if (others.length === 0) return y;
      return tf.sub(y, others.length === 1 ? details[others[0]] : tf.addN(others.map((b) => details[b]))) as tf.Tensor4D;
    }
    return y;
  }

  private targetSize(y: tf.Tensor4D): [number, number] {
    const [h0, w0] = this.paired!.inputSize;
    const h = h0 ?? 2 * y.shape[1];
    const w = w0 ?? 2 * y.shape[2];
    return [h, w];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const y = singleShape(inputShape);
    const [h0, w0] = this.paired?.inputSize ?? [null, null];
    const dbl = (v: number | null) => (v == null ? null : 2 * v);
    return [y[0], h0 ?? dbl(y[1]), w0 ?? dbl(y[2]), y[3]];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), decoderInput: this.decoderInput };
  }
}
tf.serialization.registerClass(LiftUpPool2D);
