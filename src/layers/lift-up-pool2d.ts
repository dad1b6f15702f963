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
import { liftUp2d, type BandName, type LiftWeights2d, type WaveletName } from '../lifting/index.js';
import type { LiftDownPoolBase } from './lift-down-base.js';
import { LiftUpPoolBase, type LiftUpPoolBaseArgs } from './lift-up-base.js';
import { unpooledShape } from './shapes.js';

/** What LiftUpPool2D reads from its paired LiftDownPool2D (which imports this file, not the other way). */
export interface PairedDown2D extends LiftDownPoolBase {
  readonly outputMode: string;
  readonly bands: BandName[];
  channels: number | null;
  inputSize: [number | null, number | null];
  liftingSpec(): LiftWeights2d | WaveletName;
}

export type LiftUpPool2DArgs = LiftUpPoolBaseArgs<PairedDown2D, 'auto' | 'll'>;

export class LiftUpPool2D extends LiftUpPoolBase<PairedDown2D, 'auto' | 'll'> {
  static className = 'LiftUpPool2D';

  constructor(args: LiftUpPool2DArgs = {}) {
    super(args, { downClassName: 'LiftDownPool2D', inputNames: ['y', 'lh', 'hl', 'hh'], decoderModes: ['auto', 'll'], rank: 4 });
  }

  protected pairedChannels(down: PairedDown2D): number | null {
    return down.channels;
  }

  protected override checkShapes(shapes: (number | null)[][]): void {
    const [y, ...details] = shapes;
    details.forEach((d, i) => {
      for (const ax of [1, 2, 3]) {
        if (d[ax] != null && y[ax] != null && d[ax] !== y[ax]) {
          throw new Error(`LiftUpPool2D: detail band ${['lh', 'hl', 'hh'][i]} has shape [${d.join(',')}] but the decoder input has shape [${y.join(',')}]`);
        }
      }
    });
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [y, lh, hl, hh] = inputs as tf.Tensor4D[];
    const down = this.paired!;
    return tf.tidy(() => {
      const ll = this.toLL(y, { lh, hl, hh });
      const [h0, w0] = down.inputSize;
      const size: [number, number] = [h0 ?? 2 * y.shape[1], w0 ?? 2 * y.shape[2]];
      return liftUp2d({ ll, lh, hl, hh, size }, down.liftingSpec(), { padMode: down.padMode });
    });
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

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return unpooledShape(inputShape, this.paired?.inputSize);
  }
}
tf.serialization.registerClass(LiftUpPool2D);
