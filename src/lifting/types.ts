/**
 * Shared types of the functional lifting core.
 *
 * Tensors are NHWC float32. A *lifting step* splits a feature map along one spatial axis into even
 * and odd samples and turns them into an approximation `s` (low-pass) and a detail `d` (high-pass).
 */
import type * as tf from '@tensorflow/tfjs';

/** Spatial axis of an NHWC tensor a 1D lifting step runs along. */
export type LiftAxis = 'height' | 'width';

/**
 * Boundary extension used before the depthwise convolution of a learned predict/update filter.
 * When the axis is too short for `reflect` (length ≤ K//2) or `symmetric` (length < K//2), the
 * filter falls back to `edge` for that call; invertibility is unaffected because the same filter
 * runs in both directions.
 */
export type PadMode = 'reflect' | 'symmetric' | 'edge' | 'zero';

/**
 * How the constraint losses of a lifting step are measured (see `losses.ts`): the paper's absolute
 * norms, norms relative to `‖x_odd‖`, per-element RMS, or the paper's norms with the gradient
 * stopped at the input (training only the predict/update weights).
 */
export type ConstraintForm = 'paper' | 'relative' | 'rms' | 'detached';
export const CONSTRAINT_FORMS: readonly ConstraintForm[] = ['paper', 'relative', 'rms', 'detached'];
/**
 * The constraint form used when none is given (layers and functional ops alike): the paper's norms,
 * with the gradient stopped at the input so that they train only the predict/update weights. The
 * README's constraint-loss study shows why (the absolute norms' gradient into the backbone shrinks
 * or kills the features that feed the pool and can collapse training).
 */
export const DEFAULT_CONSTRAINT: ConstraintForm = 'detached';

/** Classical wavelets available as fixed (weight-free) lifting schemes. */
export type WaveletName = 'haar' | 'cdf53' | 'cdf97';

/**
 * Weights of one learned predict or update filter
 * `F(z) = tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z)))))` for `C` channels:
 * - `depthwiseKernel`: `[1, K, C, 1]` for the width axis, `[K, 1, C, 1]` for the height axis
 * - `depthwiseBias`: `[C]`
 * - `pointwiseKernel`: `[1, 1, C, C]`
 * - `pointwiseBias`: `[C]`
 */
export interface LiftFilterWeights {
  depthwiseKernel: tf.Tensor4D;
  depthwiseBias: tf.Tensor1D;
  pointwiseKernel: tf.Tensor4D;
  pointwiseBias: tf.Tensor1D;
}

/** Predict and update filters of one learned 1D lifting step. */
export interface LiftStepWeights {
  predict: LiftFilterWeights;
  update: LiftFilterWeights;
}

/**
 * Weights of a learned 2D LiftDownPool: a horizontal step (split along width) and a vertical step
 * (split along height) applied to both horizontal outputs. When `verticalHigh` is present, the H
 * branch uses it and the L branch uses `vertical`; otherwise both branches share `vertical`.
 */
export interface LiftWeights2d {
  horizontal: LiftStepWeights;
  vertical: LiftStepWeights;
  verticalHigh?: LiftStepWeights;
}

/** Either learned weights or the name of a classical wavelet. */
export type Lifting1dSpec = LiftStepWeights | WaveletName;
export type Lifting2dSpec = LiftWeights2d | WaveletName;

export interface Lift1dOptions {
  /** Axis to split along. */
  axis: LiftAxis;
  /** Pad mode of the learned filters (ignored by wavelets). Default `'reflect'`. */
  padMode?: PadMode;
  /** Compute the constraint losses (default true). */
  losses?: boolean;
  /** Form of the constraint losses (default {@link DEFAULT_CONSTRAINT}); see `losses.ts`. */
  constraint?: ConstraintForm;
}

export interface Lift2dOptions {
  /** Pad mode of the learned filters (ignored by wavelets). Default `'reflect'`. */
  padMode?: PadMode;
  /** Compute the constraint losses (default true). */
  losses?: boolean;
  /** Form of the constraint losses (default {@link DEFAULT_CONSTRAINT}); see `losses.ts`. */
  constraint?: ConstraintForm;
}

/** Result of one 1D lifting step. */
export interface Lift1dResult {
  /** Approximation (low-pass), half length (rounded up) along the axis. */
  s: tf.Tensor4D;
  /** Detail (high-pass), same shape as `s`. */
  d: tf.Tensor4D;
  /** Length of the input along the axis (needed to crop back odd lengths). */
  length: number;
  /** `L_u` in the chosen constraint form (`'paper'`: `‖s − x_odd‖₂`); zero when losses are off. */
  lossU: tf.Scalar;
  /** `L_p` in the chosen constraint form (`'paper'`: `‖d‖₂`); zero when losses are off. */
  lossP: tf.Scalar;
}

/** The four sub-bands of a 2D decomposition. First letter: horizontal band; second: vertical band. */
export interface Bands {
  ll: tf.Tensor4D;
  lh: tf.Tensor4D;
  hl: tf.Tensor4D;
  hh: tf.Tensor4D;
  /** `[height, width]` of the decomposed input; when omitted, the inverse returns twice the band size. */
  size?: [number, number];
}

/** Result of a 2D LiftDownPool. */
export interface Lift2dResult extends Bands {
  size: [number, number];
  /** Sum of `L_u` over the three lifting steps (`'paper'`: `‖s − x_odd‖₂`). */
  lossU: tf.Scalar;
  /** Sum of `L_p` over the three lifting steps (`'paper'`: `‖d‖₂`). */
  lossP: tf.Scalar;
}

export type BandName = 'll' | 'lh' | 'hl' | 'hh';
export const BAND_NAMES: readonly BandName[] = ['ll', 'lh', 'hl', 'hh'];
