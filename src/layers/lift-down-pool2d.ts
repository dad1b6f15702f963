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
 * and registers it with `addLoss`, so `model.fit` and `model.calculateLosses()` include it.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import {
  liftDown2d, BAND_NAMES, PAD_MODES, WAVELETS,
  type BandName, type LiftStepWeights, type LiftWeights2d, type LiftAxis, type PadMode, type WaveletName,
} from '../lifting/index.js';
import {
  toInitializer, toRegularizer, serializeObject, type InitializerSpec, type RegularizerSpec,
} from './config-utils.js';
import { ConstraintLossSlot } from './constraint-slot.js';
import { addStepVariables, readStepVariables, type AddWeight, type StepVariables } from './step-variables.js';
import { LiftUpPool2D, registerDownClass, type LiftUpPool2DArgs } from './lift-up-pool2d.js';

/** What the layer outputs: the sum of `bands`, one band, or the channel concatenation of `bands`. */
export type LiftOutput = 'sum' | 'concat' | BandName;

export interface LiftDownPool2DArgs extends LayerArgs {
  /** Depthwise kernel length K of the predict/update filters (odd, default 5). */
  kernelSize?: number;
  /** `'sum'` (default), `'concat'`, or a single band `'ll' | 'lh' | 'hl' | 'hh'`. */
  output?: LiftOutput;
  /** Bands summed or concatenated by `'sum'`/`'concat'` (default all four, in LL, LH, HL, HH order). */
  bands?: BandName[];
  /** Pad mode of the learned filters (default `'reflect'`). */
  padMode?: PadMode;
  /** `'learned'` (default) or a fixed classical wavelet (no weights). */
  wavelet?: 'learned' | WaveletName;
  /** Separate vertical weights for the L and H branches (default false: shared). */
  separateVertical?: boolean;
  /** Weight of the update constraint `L_u` (default 0.01; 0 disables). */
  lambdaU?: number;
  /** Weight of the predict constraint `L_p` (default 0.1; 0 disables). */
  lambdaP?: number;
  /** Also output the detail bands: `[pooled, lh, hl, hh]` (needed by a paired `LiftUpPool2D`). */
  returnDetails?: boolean;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
}

type StepName = 'horizontal' | 'vertical' | 'verticalHigh';

export class LiftDownPool2D extends tf.layers.Layer {
  static className = 'LiftDownPool2D';
  readonly kernelSize: number;
  readonly outputMode: LiftOutput;
  readonly bands: BandName[];
  readonly padMode: PadMode;
  readonly wavelet: 'learned' | WaveletName;
  readonly separateVertical: boolean;
  readonly lambdaU: number;
  readonly lambdaP: number;
  readonly returnDetails: boolean;
  private readonly depthwiseInitializer;
  private readonly pointwiseInitializer;
  private readonly biasInitializer;
  private readonly kernelRegularizer;
  private readonly biasRegularizer;
  private stepVars: Partial<Record<StepName, StepVariables>> = {};
  private readonly constraint = new ConstraintLossSlot();
  /** `[height, width]` of the input this layer was built for (null entries when dynamic). */
  inputSize: [number | null, number | null] = [null, null];
  channels: number | null = null;

  constructor(args: LiftDownPool2DArgs = {}) {
    super(args);
    const cls = (this.constructor as typeof LiftDownPool2D).className;
    this.kernelSize = args.kernelSize ?? 5;
    if (!Number.isInteger(this.kernelSize) || this.kernelSize < 1 || this.kernelSize % 2 === 0) {
      throw new Error(`${cls}: kernelSize must be an odd integer >= 1, got ${args.kernelSize}`);
    }
    this.outputMode = args.output ?? 'sum';
    if (!['sum', 'concat', ...BAND_NAMES].includes(this.outputMode)) {
      throw new Error(`${cls}: unknown output '${this.outputMode}'; expected 'sum', 'concat' or one of ${BAND_NAMES.join(', ')}`);
    }
    this.bands = args.bands ?? [...BAND_NAMES];
    if (!Array.isArray(this.bands) || this.bands.length === 0) {
      throw new Error(`${cls}: bands must be a non-empty list of ${BAND_NAMES.join(', ')}`);
    }
    for (const b of this.bands) {
      if (!BAND_NAMES.includes(b)) throw new Error(`${cls}: unknown band '${b}'; expected one of ${BAND_NAMES.join(', ')}`);
    }
    if (new Set(this.bands).size !== this.bands.length) throw new Error(`${cls}: bands contain duplicates: ${this.bands.join(', ')}`);
    this.padMode = args.padMode ?? 'reflect';
    if (!PAD_MODES.includes(this.padMode)) {
      throw new Error(`${cls}: unknown padMode '${this.padMode}'; expected one of ${PAD_MODES.join(', ')}`);
    }
    this.wavelet = args.wavelet ?? 'learned';
    if (this.wavelet !== 'learned' && !WAVELETS.includes(this.wavelet)) {
      throw new Error(`${cls}: unknown wavelet '${this.wavelet}'; expected 'learned' or one of ${WAVELETS.join(', ')}`);
    }
    this.separateVertical = args.separateVertical ?? false;
    this.lambdaU = args.lambdaU ?? 0.01;
    this.lambdaP = args.lambdaP ?? 0.1;
    for (const [k, v] of [['lambdaU', this.lambdaU], ['lambdaP', this.lambdaP]] as const) {
      if (!Number.isFinite(v) || v < 0) throw new Error(`${cls}: ${k} must be a finite number >= 0, got ${v}`);
    }
    this.returnDetails = args.returnDetails ?? false;
    this.depthwiseInitializer = toInitializer(args.depthwiseInitializer, 'glorotUniform');
    this.pointwiseInitializer = toInitializer(args.pointwiseInitializer, 'glorotUniform');
    this.biasInitializer = toInitializer(args.biasInitializer, 'zeros');
    this.kernelRegularizer = toRegularizer(args.kernelRegularizer);
    this.biasRegularizer = toRegularizer(args.biasRegularizer);
    this.supportsMasking = false;
  }

  /** True when the layer has trainable lifting weights. */
  get learned(): boolean {
    return this.wavelet === 'learned';
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cls = (this.constructor as typeof LiftDownPool2D).className;
    if (shape.length !== 4) throw new Error(`${cls} expects rank-4 NHWC input, got shape [${shape.join(',')}]`);
    const c = shape[3];
    if (c == null) throw new Error(`${cls}: the channel dimension of the input must be known`);
    this.channels = c;
    this.inputSize = [shape[1], shape[2]];
    if (this.learned) {
      const steps: [StepName, LiftAxis][] = [['horizontal', 'width'], ['vertical', 'height']];
      if (this.separateVertical) steps.push(['verticalHigh', 'height']);
      const add: AddWeight = (name, shape, init, reg) => this.addWeight(name, shape, 'float32', init, reg, true);
      const init = { depthwise: this.depthwiseInitializer, pointwise: this.pointwiseInitializer, bias: this.biasInitializer, kernelRegularizer: this.kernelRegularizer, biasRegularizer: this.biasRegularizer };
      for (const [step, axis] of steps) {
        this.stepVars[step] = addStepVariables(add, `${step}_`, axis, c, this.kernelSize, init);
      }
      this.addLoss(() => this.constraint.value ?? tf.scalar(0));
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

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.constraint.release();
    return super.dispose();
  }

  /**
   * The weighted constraint loss `λ_u·ΣL_u + λ_p·ΣL_p` recorded by the last training-mode call, or
   * null. The layer keeps only the latest one alive.
   */
  get constraintLoss(): tf.Scalar | null {
    return this.constraint.value;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const training = kwargs?.training === true;
    const wantLoss = training && this.learned && (this.lambdaU > 0 || this.lambdaP > 0);
    const r = liftDown2d(x, this.liftingSpec(), { padMode: this.padMode, losses: wantLoss });
    this.constraint.update(wantLoss, r.lossU, r.lossP, this.lambdaU, this.lambdaP);
    const pooled = this.combine(r);
    return this.returnDetails ? [pooled, r.lh, r.hl, r.hh] : pooled;
  }

  private combine(r: Record<BandName, tf.Tensor4D>): tf.Tensor4D {
    if (this.outputMode === 'sum') return this.bands.length === 1 ? r[this.bands[0]] : (tf.addN(this.bands.map((b) => r[b])) as tf.Tensor4D);
    if (this.outputMode === 'concat') return this.bands.length === 1 ? r[this.bands[0]] : tf.concat(this.bands.map((b) => r[b]), 3);
    return r[this.outputMode];
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
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
    const config: tf.serialization.ConfigDict = {
      kernelSize: this.kernelSize,
      output: this.outputMode,
      bands: [...this.bands],
      padMode: this.padMode,
      wavelet: this.wavelet,
      separateVertical: this.separateVertical,
      lambdaU: this.lambdaU,
      lambdaP: this.lambdaP,
      returnDetails: this.returnDetails,
      depthwiseInitializer: serializeObject(this.depthwiseInitializer),
      pointwiseInitializer: serializeObject(this.pointwiseInitializer),
      biasInitializer: serializeObject(this.biasInitializer),
      kernelRegularizer: serializeObject(this.kernelRegularizer),
      biasRegularizer: serializeObject(this.biasRegularizer),
    };
    return { ...super.getConfig(), ...config };
  }
}
tf.serialization.registerClass(LiftDownPool2D);
registerDownClass(LiftDownPool2D);
