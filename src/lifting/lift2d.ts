/**
 * 2D LiftDownPool / LiftUpPool (SPEC 2.2): a horizontal lifting step (split along width) giving
 * L and H, then a vertical step (split along height) on each, giving the bands
 * `LL, LH` (from L) and `HL, HH` (from H).
 *
 * ```ts
 * const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
 * const w = initLiftWeights2d(3, 5, {seed: 42});
 * const {ll, lh, hl, hh, size, lossU, lossP} = liftDown2d(x, w);     // bands: [2, 4, 4, 3]
 * const y = liftUp2d({ll, lh, hl, hh, size}, w);                      // equals x to float error
 * const haar = liftDown2d(x, 'haar');                                 // classical wavelet, no weights
 * ```
 *
 * Odd heights/widths are padded to even by replicating the last row/column; `size` records the
 * input size and `liftUp2d` crops back to it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Bands, Lift2dOptions, Lift2dResult, Lifting1dSpec, Lifting2dSpec, LiftWeights2d, PadMode } from './types.js';
import { liftInverse, schemeFor, type LiftingScheme } from './scheme.js';
import { mergeEvenOdd } from './split.js';
import { padToEven, cropAxis } from './pad.js';
import { assertConstraintForm } from './losses.js';
import { liftSplit } from './lift-step.js';
import { DEFAULT_CONSTRAINT, type ConstraintForm, type Lift2dResult as Result } from './types.js';
import { stopGradient } from './stop-gradient.js';
import { withSharedForwards } from './fused-step.js';
import { assertImageTensor, assertPadMode, isWaveletName } from './validate.js';
import { initLiftStepWeights } from './filter.js';

interface Schemes2d {
  horizontal: LiftingScheme;
  verticalLow: LiftingScheme;
  /** Absent when the L and H branches share the vertical step (then they run as one batch). */
  verticalHigh?: LiftingScheme;
}

function schemes2d(op: string, spec: Lifting2dSpec, channels: number, padMode: PadMode): Schemes2d {
  if (typeof spec === 'string') {
    if (!isWaveletName(spec)) {
      throw new Error(`${op}: unknown wavelet '${spec}'; expected one of haar, cdf53, cdf97 or learned weights`);
    }
    return { horizontal: schemeFor(op, 'weights', spec, 'width', channels, padMode), verticalLow: schemeFor(op, 'weights', spec, 'height', channels, padMode) };
  }
  if (spec == null || typeof spec !== 'object') {
    throw new Error(`${op}: weights must be {horizontal, vertical[, verticalHigh]} or a wavelet name, got ${String(spec)}`);
  }
  const w = spec as LiftWeights2d;
  const out: Schemes2d = {
    horizontal: schemeFor(op, 'weights.horizontal', w.horizontal as Lifting1dSpec, 'width', channels, padMode),
    verticalLow: schemeFor(op, 'weights.vertical', w.vertical as Lifting1dSpec, 'height', channels, padMode),
  };
  if (w.verticalHigh !== undefined) {
    out.verticalHigh = schemeFor(op, 'weights.verticalHigh', w.verticalHigh, 'height', channels, padMode);
  }
  return out;
}

export function liftDown2d(x: tf.Tensor4D, weights: Lifting2dSpec, opts: Lift2dOptions = {}): Lift2dResult {
  const op = 'liftDown2d';
  assertImageTensor(op, 'x', x);
  const padMode = opts.padMode ?? 'reflect';
  assertPadMode(op, padMode);
  const sch = schemes2d(op, weights, x.shape[3], padMode);
  const constraint = opts.constraint ?? DEFAULT_CONSTRAINT;
  assertConstraintForm(op, constraint);
  if (opts.losses === false || constraint !== 'detached') return decompose(x, sch, opts.losses !== false, constraint);
  return tf.tidy(() => {
    // The constraints of a second pass on the detached input train only the predict/update weights.
    // Its forward values equal the first pass's: the step kernels' forwards are reused.
    const [bands, { lossU, lossP }] = withSharedForwards(() => decompose(x, sch, false, 'paper'), () => decompose(stopGradient(x), sch, true, 'paper'));
    return { ...bands, lossU, lossP };
  });
}

function decompose(x: tf.Tensor4D, sch: Schemes2d, withLosses: boolean, form: ConstraintForm): Result {
  const size: [number, number] = [x.shape[1], x.shape[2]];
  return tf.tidy(() => {
    // Horizontal step: split along width.
    const lossForm = withLosses ? form : null;
    const hStep = liftSplit(padToEven(x, 'width'), sch.horizontal, 'width', lossForm);
    const { s: L, d: H } = hStep;
    const lossesH = withLosses ? hStep.losses(1, form) : null;
    // Vertical step on L and H.
    let ll: tf.Tensor4D, lh: tf.Tensor4D, hl: tf.Tensor4D, hh: tf.Tensor4D;
    let lossesV: { lossU: tf.Scalar; lossP: tf.Scalar } | null = null;
    if (sch.verticalHigh === undefined) {
      // Shared vertical weights: run both branches as one batch.
      const both = padToEven(tf.concat([L, H], 0), 'height');
      const vStep = liftSplit(both, sch.verticalLow, 'height', lossForm);
      const { s, d } = vStep;
      [ll, hl] = tf.split(s, 2, 0) as tf.Tensor4D[];
      [lh, hh] = tf.split(d, 2, 0) as tf.Tensor4D[];
      if (withLosses) lossesV = vStep.losses(2, form);
    } else {
      const lStep = liftSplit(padToEven(L, 'height'), sch.verticalLow, 'height', lossForm);
      const hStepV = liftSplit(padToEven(H, 'height'), sch.verticalHigh, 'height', lossForm);
      ({ s: ll, d: lh } = lStep);
      ({ s: hl, d: hh } = hStepV);
      if (withLosses) {
        const a = lStep.losses(1, form);
        const b = hStepV.losses(1, form);
        lossesV = { lossU: tf.add(a.lossU, b.lossU) as tf.Scalar, lossP: tf.add(a.lossP, b.lossP) as tf.Scalar };
      }
    }
    const lossU: tf.Scalar = lossesH && lossesV ? tf.add(lossesH.lossU, lossesV.lossU) : tf.scalar(0);
    const lossP: tf.Scalar = lossesH && lossesV ? tf.add(lossesH.lossP, lossesV.lossP) : tf.scalar(0);
    return { ll, lh, hl, hh, size, lossU, lossP };
  });
}

/** Validate the four bands and the recorded size; returns the size to reconstruct. */
export function checkBands(op: string, bands: Bands): [number, number] {
  if (bands == null || typeof bands !== 'object') throw new Error(`${op}: bands {ll, lh, hl, hh} are required`);
  for (const name of ['ll', 'lh', 'hl', 'hh'] as const) {
    if (bands[name] == null) throw new Error(`${op}: band '${name}' is missing`);
    assertImageTensor(op, name, bands[name]);
  }
  const ref = bands.ll.shape;
  for (const name of ['lh', 'hl', 'hh'] as const) {
    if (!tf.util.arraysEqual(bands[name].shape, ref)) {
      throw new Error(`${op}: band shapes differ: ll is [${ref.join(',')}] but ${name} is [${bands[name].shape.join(',')}]`);
    }
  }
  const size = bands.size ?? [2 * ref[1], 2 * ref[2]];
  const [h, w] = size;
  if (!Number.isInteger(h) || !Number.isInteger(w) || Math.ceil(h / 2) !== ref[1] || Math.ceil(w / 2) !== ref[2]) {
    throw new Error(`${op}: size [${h},${w}] does not match bands of ${ref[1]}x${ref[2]} (each side must be 2n or 2n-1)`);
  }
  return [h, w];
}

export function liftUp2d(bands: Bands, weights: Lifting2dSpec, opts: Lift2dOptions = {}): tf.Tensor4D {
  const op = 'liftUp2d';
  const [h, w] = checkBands(op, bands);
  const padMode = opts.padMode ?? 'reflect';
  assertPadMode(op, padMode);
  const sch = schemes2d(op, weights, bands.ll.shape[3], padMode);
  return tf.tidy(() => {
    let L: tf.Tensor4D, H: tf.Tensor4D;
    if (sch.verticalHigh === undefined) {
      const s = tf.concat([bands.ll, bands.hl], 0);
      const d = tf.concat([bands.lh, bands.hh], 0);
      const { even, odd } = liftInverse(s, d, sch.verticalLow);
      const both = cropAxis(mergeEvenOdd(even, odd, 'height'), 'height', h);
      [L, H] = tf.split(both, 2, 0) as tf.Tensor4D[];
    } else {
      const lo = liftInverse(bands.ll, bands.lh, sch.verticalLow);
      const hi = liftInverse(bands.hl, bands.hh, sch.verticalHigh);
      L = cropAxis(mergeEvenOdd(lo.even, lo.odd, 'height'), 'height', h);
      H = cropAxis(mergeEvenOdd(hi.even, hi.odd, 'height'), 'height', h);
    }
    const { even, odd } = liftInverse(L, H, sch.horizontal);
    return cropAxis(mergeEvenOdd(even, odd, 'width'), 'width', w);
  });
}

export interface InitLiftWeights2dOptions {
  /** Seed of the random initialisation (default 0). */
  seed?: number;
  /** Give the H branch its own vertical weights (default false: shared, as a separable 2D wavelet). */
  separateVertical?: boolean;
}

/**
 * Initialised learned weights for a 2D LiftDownPool on `channels` channels with depthwise kernel
 * size `kernelSize` (odd, default 5). Glorot-uniform kernels, zero biases; deterministic per seed.
 */
export function initLiftWeights2d(channels: number, kernelSize = 5, opts: InitLiftWeights2dOptions = {}): LiftWeights2d {
  const seed = opts.seed ?? 0;
  const w: LiftWeights2d = {
    horizontal: initLiftStepWeights(channels, kernelSize, 'width', seed * 16 + 1),
    vertical: initLiftStepWeights(channels, kernelSize, 'height', seed * 16 + 5),
  };
  if (opts.separateVertical) w.verticalHigh = initLiftStepWeights(channels, kernelSize, 'height', seed * 16 + 9);
  return w;
}

/**
 * Every tensor of a learned weights structure in a fixed order: horizontal, vertical, verticalHigh;
 * predict, update; depthwiseKernel, depthwiseBias, pointwiseKernel, pointwiseBias. Handy for
 * `tf.grads` over the weights; {@link liftWeightsFromTensors} is the inverse.
 */
export function liftWeightTensors(w: LiftWeights2d): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  for (const step of [w.horizontal, w.vertical, w.verticalHigh]) {
    if (!step) continue;
    for (const f of [step.predict, step.update]) out.push(f.depthwiseKernel, f.depthwiseBias, f.pointwiseKernel, f.pointwiseBias);
  }
  return out;
}

/** A structure like `template` (same steps) holding `tensors` in {@link liftWeightTensors} order. */
export function liftWeightsFromTensors(template: LiftWeights2d, tensors: tf.Tensor[]): LiftWeights2d {
  const expected = template.verticalHigh ? 24 : 16;
  if (tensors.length !== expected) throw new Error(`liftWeightsFromTensors: expected ${expected} tensors, got ${tensors.length}`);
  let i = 0;
  const filter = () => ({
    depthwiseKernel: tensors[i++] as tf.Tensor4D,
    depthwiseBias: tensors[i++] as tf.Tensor1D,
    pointwiseKernel: tensors[i++] as tf.Tensor4D,
    pointwiseBias: tensors[i++] as tf.Tensor1D,
  });
  const step = () => ({ predict: filter(), update: filter() });
  const out: LiftWeights2d = { horizontal: step(), vertical: step() };
  if (template.verticalHigh) out.verticalHigh = step();
  return out;
}

/** Dispose every tensor of a learned weights structure. */
export function disposeLiftWeights(w: LiftWeights2d): void {
  tf.dispose(liftWeightTensors(w));
}
