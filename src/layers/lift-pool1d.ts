/**
 * `LiftDownPool1D` / `LiftUpPool1D`: LiftPool for sequences `[batch, steps, channels]`.
 *
 * One learned (or classical) lifting step along the time axis gives an approximation `s` and a
 * detail `d`, each of `ceil(steps/2)` steps. The down layer outputs `s + d` (`'sum'`, default),
 * `'s'`, `'d'` or `'concat'` (channels), and with `returnDetails: true` also `d`. The paired up
 * layer takes `[y, d]` and inverts the step with the same weights.
 *
 * ```ts
 * const x = tf.input({shape: [100, 8]});
 * const down = new LiftDownPool1D({returnDetails: true});
 * const [p, d] = down.apply(x) as tf.SymbolicTensor[];   // [null, 50, 8] each
 * const y = down.createUpPool().apply([p, d]);           // [null, 100, 8]
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { liftDown1d, liftUp1d, assertOneOf, type LiftStepWeights, type WaveletName } from '../lifting/index.js';
import { LiftDownPoolBase, type Decomposition, type LiftDownPoolBaseArgs } from './lift-down-base.js';
import { addStepVariables, readStepVariables, type AddWeight, type StepVariables } from './step-variables.js';
import { LiftUpPoolBase, type LiftUpPoolBaseArgs } from './lift-up-base.js';
import { singleShape } from './shapes.js';

export type Lift1dOutput = 'sum' | 's' | 'd' | 'concat';
const OUTPUTS_1D: readonly Lift1dOutput[] = ['sum', 's', 'd', 'concat'];

export interface LiftDownPool1DArgs extends LiftDownPoolBaseArgs {
  /** `'sum'` (default: `s + d`), `'s'`, `'d'` or `'concat'` (channels). */
  output?: Lift1dOutput;
  /** Also output the detail: `[pooled, d]` (needed by a paired `LiftUpPool1D`). */
  returnDetails?: boolean;
}

const toImage = (x: tf.Tensor) => tf.expandDims(x, 1) as tf.Tensor4D; // [B,T,C] -> [B,1,T,C]
const fromImage = (x: tf.Tensor) => tf.squeeze(x, [1]) as tf.Tensor3D;

export class LiftDownPool1D extends LiftDownPoolBase {
  static className = 'LiftDownPool1D';
  readonly outputMode: Lift1dOutput;
  private vars: StepVariables | null = null;
  steps: number | null = null;
  channels: number | null = null;

  constructor(args: LiftDownPool1DArgs = {}) {
    super(args);
    this.outputMode = args.output ?? 'sum';
    assertOneOf(LiftDownPool1D.className, 'output', this.outputMode, OUTPUTS_1D, "'sum', 's', 'd' or 'concat'");
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    if (shape.length !== 3) throw new Error(`LiftDownPool1D expects rank-3 [batch, steps, channels] input, got shape [${shape.join(',')}]`);
    const c = shape[2];
    if (c == null) throw new Error('LiftDownPool1D: the channel dimension of the input must be known');
    this.channels = c;
    this.steps = shape[1];
    if (this.learned) {
      const add: AddWeight = (name, shape, init, reg) => this.addWeight(name, shape, 'float32', init, reg, true);
      this.vars = addStepVariables(add, '', 'width', c, this.kernelSize, this.init);
      this.addConstraintLoss();
    }
    this.built = true;
  }

  liftingSpec(): LiftStepWeights | WaveletName {
    if (!this.learned) return this.wavelet as WaveletName;
    if (!this.vars) throw new Error(`${this.name}: layer is not built yet`);
    return readStepVariables(this.vars);
  }

  protected decompose(x: tf.Tensor, withLosses: boolean): Decomposition {
    const r = liftDown1d(toImage(x), this.liftingSpec(), { axis: 'width', padMode: this.padMode, losses: withLosses, constraint: this.constraint });
    const s = fromImage(r.s);
    const d = fromImage(r.d);
    const out = this.outputMode === 'sum' ? tf.add(s, d) : this.outputMode === 's' ? s : this.outputMode === 'd' ? d : tf.concat([s, d], 2);
    return { outputs: this.returnDetails ? [out, d] : out, lossU: r.lossU, lossP: r.lossP };
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    const s = singleShape(inputShape);
    const t = s[1] == null ? null : Math.ceil(s[1] / 2);
    const band: tf.Shape = [s[0], t, s[2]];
    const out: tf.Shape = this.outputMode === 'concat' ? [s[0], t, s[2] == null ? null : 2 * s[2]] : band;
    return this.returnDetails ? [out, band] : out;
  }

  createUpPool(args: Omit<LiftUpPool1DArgs, 'pairedWith'> = {}): LiftUpPool1D {
    return new LiftUpPool1D({ ...args, pairedWith: this });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...this.baseConfig(), output: this.outputMode };
  }
}
tf.serialization.registerClass(LiftDownPool1D);

export type LiftUpPool1DArgs = LiftUpPoolBaseArgs<LiftDownPool1D, 'auto' | 's'>;

/**
 * Inverts a paired `LiftDownPool1D` with its weights. `decoderInput`: `'auto'` (default):
 * `s = y − d` when the down layer outputs `'sum'`, else `s = y`; `'s'`: `s = y`.
 */
export class LiftUpPool1D extends LiftUpPoolBase<LiftDownPool1D, 'auto' | 's'> {
  static className = 'LiftUpPool1D';

  constructor(args: LiftUpPool1DArgs = {}) {
    super(args, { downClassName: 'LiftDownPool1D', inputNames: ['y', 'd'], decoderModes: ['auto', 's'], rank: 3 });
  }

  protected pairedChannels(down: LiftDownPool1D): number | null {
    return down.channels;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [y, d] = inputs as tf.Tensor3D[];
    const down = this.paired!;
    return tf.tidy(() => {
      const s = this.decoderInput === 'auto' && down.outputMode === 'sum' ? tf.sub(y, d) : y;
      const length = down.steps ?? 2 * y.shape[1];
      return fromImage(liftUp1d({ s: toImage(s), d: toImage(d), length }, down.liftingSpec(), { axis: 'width', padMode: down.padMode }));
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const y = singleShape(inputShape);
    return [y[0], this.paired?.steps ?? (y[1] == null ? null : 2 * y[1]), y[2]];
  }
}
tf.serialization.registerClass(LiftUpPool1D);
