/**
 * `LiftDownPool2D`: LiftPool's downsampling layer (Zhao & Snoek, ICLR 2021).
 *
 * Decomposes an NHWC feature map with a learned (or classical) 2D lifting scheme into four
 * half-resolution sub-bands LL, LH, HL, HH and outputs, by default, their sum.
 *
 * ```ts
 * const x = tf.input({shape: [28, 28, 16]});
 * const pooled = new LiftDownPool2D({kernelSize: 5}).apply(x);           // [null, 14, 14, 16]
 * // Encoder–decoder: expose the details and pair an up layer with this down layer.
 * const down = new LiftDownPool2D({returnDetails: true});
 * const [p, lh, hl, hh] = down.apply(x) as tf.SymbolicTensor[];
 * const up = down.createUpPool();
 * const restored = up.apply([p, lh, hl, hh]);                            // [null, 28, 28, 16]
 * ```
 *
 * Constraint losses: in training mode the layer records `λ_u·ΣL_u + λ_p·ΣL_p` of its lifting steps
 * (in the form given by `constraint`, default `'detached'`: they train only the predict/update weights) and registers it with `addLoss`, so
 * `model.fit` and `model.calculateLosses()` include it. Shared arguments and checks live in
 * `LiftDownPoolBase`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  liftDown2d, BAND_NAMES, assertOneOf,
  type BandName, type LiftStepWeights, type LiftWeights2d, type LiftAxis, type WaveletName,
} from '../lifting/index.js';
import { LiftDownPoolBase, type Decomposition, type LiftDownPoolBaseArgs } from './lift-down-base.js';
import { addStepVariables, readStepVariables, type AddWeight, type StepVariables } from './step-variables.js';
import { singleShape } from './shapes.js';
import { LiftUpPool2D, type LiftUpPool2DArgs } from './lift-up-pool2d.js';

/** What the layer outputs: the sum of `bands`, one band, or the channel concatenation of `bands`. */
export type LiftOutput = 'sum' | 'concat' | BandName;

export interface LiftDownPool2DArgs extends LiftDownPoolBaseArgs {
  /** `'sum'` (default), `'concat'`, or a single band `'ll' | 'lh' | 'hl' | 'hh'`. */
  output?: LiftOutput;
  /** Bands summed or concatenated by `'sum'`/`'concat'` (default all four, in LL, LH, HL, HH order). */
  bands?: BandName[];
  /** Separate vertical weights for the L and H branches (default false: shared). */
  separateVertical?: boolean;
  /** Also output the detail bands: `[pooled, lh, hl, hh]` (needed by a paired `LiftUpPool2D`). */
  returnDetails?: boolean;
}

type StepName = 'horizontal' | 'vertical' | 'verticalHigh';

export class LiftDownPool2D extends LiftDownPoolBase {
  static className = 'LiftDownPool2D';
  readonly outputMode: LiftOutput;
  readonly bands: BandName[];
  readonly separateVertical: boolean;
  private stepVars: Partial<Record<StepName, StepVariables>> = {};
  /** `[height, width]` of the input this layer was built for (null entries when dynamic). */
  inputSize: [number | null, number | null] = [null, null];
  channels: number | null = null;

  constructor(args: LiftDownPool2DArgs = {}) {
    super(args);
    const cls = LiftDownPool2D.className;
    this.outputMode = args.output ?? 'sum';
    assertOneOf(cls, 'output', this.outputMode, ['sum', 'concat', ...BAND_NAMES], `'sum', 'concat' or one of ${BAND_NAMES.join(', ')}`);
    this.bands = args.bands ?? [...BAND_NAMES];
    if (!Array.isArray(this.bands) || this.bands.length === 0) {
      throw new Error(`${cls}: bands must be a non-empty list of ${BAND_NAMES.join(', ')}`);
    }
    for (const b of this.bands) assertOneOf(cls, 'band', b, BAND_NAMES);
    if (new Set(this.bands).size !== this.bands.length) throw new Error(`${cls}: bands contain duplicates: ${this.bands.join(', ')}`);
    this.separateVertical = args.separateVertical ?? false;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const cls = LiftDownPool2D.className;
    if (shape.length !== 4) throw new Error(`${cls} expects rank-4 NHWC input, got shape [${shape.join(',')}]`);
    const c = shape[3];
    if (c == null) throw new Error(`${cls}: the channel dimension of the input must be known`);
    this.channels = c;
    this.inputSize = [shape[1], shape[2]];
    if (this.learned) {
      const steps: [StepName, LiftAxis][] = [['horizontal', 'width'], ['vertical', 'height']];
      if (this.separateVertical) steps.push(['verticalHigh', 'height']);
      const add: AddWeight = (name, shape, init, reg) => this.addWeight(name, shape, 'float32', init, reg, true);
      for (const [step, axis] of steps) {
        this.stepVars[step] = addStepVariables(add, `${step}_`, axis, c, this.kernelSize, this.init);
      }
      this.addConstraintLoss();
    }
    this.built = true;
  }

  /** The lifting weights as plain tensors (`LiftWeights2d`), or the wavelet name. */
  liftingSpec(): LiftWeights2d | WaveletName {
    if (!this.learned) return this.wavelet as WaveletName;
    if (!this.built) throw new Error(`${this.name}: layer is not built yet`);
    const read = (step: StepName): LiftStepWeights | undefined => {
      const v = this.stepVars[step];
      return v ? readStepVariables(v) : undefined;
    };
    const w: LiftWeights2d = { horizontal: read('horizontal')!, vertical: read('vertical')! };
    const high = read('verticalHigh');
    if (high) w.verticalHigh = high;
    return w;
  }

  protected decompose(x: tf.Tensor, withLosses: boolean): Decomposition {
    const r = liftDown2d(x as tf.Tensor4D, this.liftingSpec(), { padMode: this.padMode, losses: withLosses, constraint: this.constraint });
    const pooled = this.combine(r);
    return { outputs: this.returnDetails ? [pooled, r.lh, r.hl, r.hh] : pooled, lossU: r.lossU, lossP: r.lossP };
  }

  private combine(r: Record<BandName, tf.Tensor4D>): tf.Tensor4D {
    if (this.outputMode === 'sum') return this.bands.length === 1 ? r[this.bands[0]] : (tf.addN(this.bands.map((b) => r[b])) as tf.Tensor4D);
    if (this.outputMode === 'concat') return this.bands.length === 1 ? r[this.bands[0]] : tf.concat(this.bands.map((b) => r[b]), 3);
    return r[this.outputMode];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const s = singleShape(inputShape);
    const half = (v: number | null) => (v == null ? null : Math.ceil(v / 2));
    const band: tf.Shape = [s[0], half(s[1]), half(s[2]), s[3]];
    const c = s[3];
    const out: tf.Shape = this.outputMode === 'concat' ? [s[0], band[1], band[2], c == null ? null : c * this.bands.length] : band;
    return this.returnDetails ? [out, band, band, band] : out;
  }

  /**
   * A `LiftUpPool2D` that inverts this layer with the same (shared, not copied) weights.
   * Requires `returnDetails: true`.
   */
  createUpPool(args: Omit<LiftUpPool2DArgs, 'pairedWith'> = {}): LiftUpPool2D {
    return new LiftUpPool2D({ ...args, pairedWith: this });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.baseConfig(), output: this.outputMode, bands: [...this.bands], separateVertical: this.separateVertical };
  }
}
tf.serialization.registerClass(LiftDownPool2D);
