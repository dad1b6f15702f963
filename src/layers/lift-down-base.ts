/**
 * The shared base of the LiftDownPool layers (1D and 2D), modelled on tfjs-layers' `Pooling2D`:
 * it owns the arguments every LiftDownPool has (kernel size, pad mode, wavelet, constraint form and
 * weights, initialisers, regularisers, `returnDetails`), their checks, the constraint-loss slot and
 * the common part of `getConfig`. A concrete layer declares its weights in `build` and implements
 * the `decompose` hook; the base's `call` runs it under `tf.tidy` and records the constraint loss.
 *
 * Constraint defaults ({@link DEFAULT_CONSTRAINT}, {@link DEFAULT_LAMBDA_U}, {@link DEFAULT_LAMBDA_P})
 * are the same for the layers, the models and the CLI. A saved config without a `constraint` field
 * was written by liftpool 0.1, whose only form was the paper's absolute norms: it loads as
 * `'paper'`, so old models keep their old behaviour.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import {
  CONSTRAINT_FORMS, DEFAULT_CONSTRAINT, PAD_MODES, WAVELETS, assertNonNegative, assertOddSize, assertOneOf,
  type ConstraintForm, type PadMode, type WaveletName,
} from '../lifting/index.js';
import { ConstraintLossSlot } from './constraint-slot.js';
import { serializeObject, toInitializer, toRegularizer, type InitializerSpec, type RegularizerSpec } from './config-utils.js';
import type { StepInit } from './step-variables.js';

/** Default weight of the update constraint `L_u` (layers, models and CLI). */
export const DEFAULT_LAMBDA_U = 0.01;
/** Default weight of the predict constraint `L_p` (layers, models and CLI). */
export const DEFAULT_LAMBDA_P = 0.1;

/** Arguments shared by `LiftDownPool1D` and `LiftDownPool2D`. */
export interface LiftDownPoolBaseArgs extends LayerArgs {
  /** Depthwise kernel length K of the predict/update filters (odd, default 5). */
  kernelSize?: number;
  /** Pad mode of the learned filters (default `'reflect'`). */
  padMode?: PadMode;
  /** `'learned'` (default) or a fixed classical wavelet (no weights). */
  wavelet?: 'learned' | WaveletName;
  /**
   * Form of the constraint losses (default `'detached'`: the paper's norms, training only the
   * predict/update weights; `'paper'` reproduces the paper, whose gradient also reaches the backbone).
   */
  constraint?: ConstraintForm;
  /** Weight of the update constraint `L_u` (default 0.01; 0 disables). */
  lambdaU?: number;
  /** Weight of the predict constraint `L_p` (default 0.1; 0 disables). */
  lambdaP?: number;
  /** Also output the detail band(s), as needed by a paired up layer. */
  returnDetails?: boolean;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec;
  biasRegularizer?: RegularizerSpec;
}

/** What a decomposition hook returns: the layer's output(s) and the step losses (unweighted). */
export interface Decomposition {
  outputs: tf.Tensor | tf.Tensor[];
  lossU: tf.Scalar;
  lossP: tf.Scalar;
}

export abstract class LiftDownPoolBase extends tf.layers.Layer {
  readonly kernelSize: number;
  readonly padMode: PadMode;
  readonly wavelet: 'learned' | WaveletName;
  readonly constraint: ConstraintForm;
  readonly lambdaU: number;
  readonly lambdaP: number;
  readonly returnDetails: boolean;
  protected readonly init: StepInit;
  private readonly slot = new ConstraintLossSlot();

  constructor(args: LiftDownPoolBaseArgs = {}) {
    super(args);
    const cls = (this.constructor as unknown as { className: string }).className;
    this.kernelSize = args.kernelSize ?? 5;
    assertOddSize(cls, 'kernelSize', this.kernelSize);
    this.padMode = args.padMode ?? 'reflect';
    assertOneOf(cls, 'padMode', this.padMode, PAD_MODES);
    this.wavelet = args.wavelet ?? 'learned';
    assertOneOf(cls, 'wavelet', this.wavelet, ['learned', ...WAVELETS], `'learned' or one of ${WAVELETS.join(', ')}`);
    this.constraint = args.constraint ?? DEFAULT_CONSTRAINT;
    assertOneOf(cls, 'constraint', this.constraint, CONSTRAINT_FORMS);
    this.lambdaU = args.lambdaU ?? DEFAULT_LAMBDA_U;
    this.lambdaP = args.lambdaP ?? DEFAULT_LAMBDA_P;
    assertNonNegative(cls, 'lambdaU', this.lambdaU);
    assertNonNegative(cls, 'lambdaP', this.lambdaP);
    this.returnDetails = args.returnDetails ?? false;
    this.init = {
      depthwise: toInitializer(args.depthwiseInitializer, 'glorotUniform'),
      pointwise: toInitializer(args.pointwiseInitializer, 'glorotUniform'),
      bias: toInitializer(args.biasInitializer, 'zeros'),
      kernelRegularizer: toRegularizer(args.kernelRegularizer),
      biasRegularizer: toRegularizer(args.biasRegularizer),
    };
    this.supportsMasking = false;
  }

  /** A config without `constraint` comes from liftpool 0.1 (absolute norms only): load it as `'paper'`. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict,
  ): T {
    return new cls({ constraint: 'paper', ...config });
  }

  /** True when the layer has trainable lifting weights. */
  get learned(): boolean {
    return this.wavelet === 'learned';
  }

  /**
   * The weighted constraint loss `λ_u·ΣL_u + λ_p·ΣL_p` recorded by the last training-mode call, or
   * null. The layer keeps only the latest one alive.
   */
  get constraintLoss(): tf.Scalar | null {
    return this.slot.value;
  }

  /** Register the constraint loss with `addLoss` (call from `build` once the weights exist). */
  protected addConstraintLoss(): void {
    this.addLoss(() => this.slot.value ?? tf.scalar(0));
  }

  /** Run the decomposition; `withLosses` says whether the step losses are wanted. */
  protected abstract decompose(x: tf.Tensor, withLosses: boolean): Decomposition;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const wantLoss = kwargs?.training === true && this.learned && (this.lambdaU > 0 || this.lambdaP > 0);
    // tidy: a direct call (outside model.apply's own tidy) leaves only the outputs and the held loss.
    return tf.tidy(() => {
      const r = this.decompose(x, wantLoss);
      this.slot.update(wantLoss, r.lossU, r.lossP, this.lambdaU, this.lambdaP);
      return r.outputs;
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    this.slot.release();
    return super.dispose();
  }

  /** The config entries every LiftDownPool has (merged with the concrete layer's own). */
  protected baseConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      padMode: this.padMode,
      wavelet: this.wavelet,
      constraint: this.constraint,
      lambdaU: this.lambdaU,
      lambdaP: this.lambdaP,
      returnDetails: this.returnDetails,
      depthwiseInitializer: serializeObject(this.init.depthwise),
      pointwiseInitializer: serializeObject(this.init.pointwise),
      biasInitializer: serializeObject(this.init.bias),
      kernelRegularizer: serializeObject(this.init.kernelRegularizer),
      biasRegularizer: serializeObject(this.init.biasRegularizer),
    };
  }
}
