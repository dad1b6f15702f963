/**
 * `WaveletPool2D`: pooling with a fixed classical wavelet (Haar, CDF 5/3 or CDF 9/7 lifting) and
 * no weights — the wavelet-pooling baseline. Outputs LL (default) or the sum of the four bands.
 *
 * ```ts
 * const y = new WaveletPool2D({wavelet: 'haar'}).apply(x);   // Haar LL = 2×2 average pooling
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, type LiftDownPool2DArgs } from './lift-down-pool2d.js';
import type { WaveletName } from '../lifting/index.js';

export interface WaveletPool2DArgs extends Omit<LiftDownPool2DArgs, 'wavelet' | 'output' | 'kernelSize' | 'separateVertical'> {
  /** Default `'haar'`. */
  wavelet?: WaveletName;
  /** `'ll'` (default) or `'sum'` of the four bands. */
  output?: 'll' | 'sum';
}

export class WaveletPool2D extends LiftDownPool2D {
  static override className = 'WaveletPool2D';

  constructor(args: WaveletPool2DArgs = {}) {
    const wavelet = args.wavelet ?? 'haar';
    if ((wavelet as string) === 'learned') throw new Error("WaveletPool2D: wavelet must be 'haar', 'cdf53' or 'cdf97'; use LiftDownPool2D for learned lifting");
    const output = args.output ?? 'll';
    if (output !== 'll' && output !== 'sum') throw new Error(`WaveletPool2D: output must be 'll' or 'sum', got '${String(output)}'`);
    super({ ...args, wavelet, output });
  }
}
tf.serialization.registerClass(WaveletPool2D);
