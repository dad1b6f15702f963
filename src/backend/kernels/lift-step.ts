/**
 * `LiftPoolStep` (a kernel of this project): one half of a LiftPool lifting step on the un-split
 * input, as one call of the project's wasm module (native/lift_step.c): the predict step
 * `d = x_odd − P(x_even)` or the update step `s = x_even + U(d)`, reading the even/odd samples of
 * `x` with strides (no split copies), the subtraction/addition fused into the filter pass.
 *
 * Inputs: `x` (the input, even along the axis, seen as [outer, len, 2·inner]), `d` (update only:
 * the filter input, [outer, len, inner]), `dk, db, pk, pb, idx` as for `LiftPoolFilter`.
 * Attributes: `outer, len, inner`, `step` ('predict' | 'update'), `shape` (the band shape
 * [n, h, w, c]). Outputs: `hid` [n·h·w, c], `y` (the filter output) and `out` (d or s), of `shape`.
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_STEP } from '../kernel-names.js';
import { heapOffset, type WasmBackendLike } from '../wasm-module.js';
import { checkFilterOperands, type SizedInput } from './lift-filter.js';
import { freeOnThrow, partsFor, runRowSplit, type RowArg } from './row-split.js';
import { attrsOf, inputsOf, WASM } from './shared.js';

/** Attributes of the step kernels. */
export interface LiftStepAttrs {
  outer: number;
  len: number;
  inner: number;
  step: 'predict' | 'update';
  shape: number[];
}

/** The step code of native/lift_step.c. */
export const STEP_CODE = { predict: 1, update: 2 } as const;

/**
 * Checks shared by the step kernels (the C code trusts these sizes); returns C and K. `x` (null
 * where the kernel does not read it) has twice the band's size, `bands` are the tensors of the
 * band's size, `perChannel` those of length C.
 */
export function checkLiftStepInputs(
  name: string, x: tf.TensorInfo | null, dk: tf.TensorInfo, pk: tf.TensorInfo, idx: tf.TensorInfo,
  bands: Record<string, tf.TensorInfo>, perChannel: Record<string, tf.TensorInfo>, a: LiftStepAttrs,
): { c: number; k: number } {
  const { outer, len, inner, step, shape } = a;
  if (step !== 'predict' && step !== 'update') throw new Error(`${name}: step must be 'predict' or 'update', got ${String(step)}`);
  const c = shape?.[3];
  if (shape?.length !== 4 || !(c > 0)) throw new Error(`${name}: shape must be [n,h,w,c] with c > 0, got [${String(shape)}]`);
  const size = tf.util.sizeFromShape(shape);
  if (outer * len * inner !== size || inner % c !== 0) {
    throw new Error(`${name}: [outer, len, inner] = [${outer}, ${len}, ${inner}] does not fit the band [${shape.join(',')}]`);
  }
  const k = checkFilterOperands(name, c, len, dk, pk, idx, [
    ...(x === null ? [] : [['x', x, 2 * size] as SizedInput]),
    ...Object.entries(bands).map(([key, t]): SizedInput => [key, t, size]),
    ...Object.entries(perChannel).map(([key, t]): SizedInput => [key, t, c]),
  ]);
  return { c, k };
}

export const liftStepConfig: tf.KernelConfig = {
  kernelName: LIFT_STEP,
  backendName: WASM,
  kernelFunc: (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const { x, d, dk, db, pk, pb, idx } = inputsOf(args);
    const a = attrsOf<LiftStepAttrs>(args);
    const update = a.step === 'update';
    const { c, k } = checkLiftStepInputs(LIFT_STEP, x, dk, pk, idx, update ? { d } : {}, { db, pb }, a);
    const size = tf.util.sizeFromShape(a.shape);
    const hid = backend.makeOutput([size / c, c], 'float32');
    const y = backend.makeOutput(a.shape, 'float32');
    const out = backend.makeOutput(a.shape, 'float32');
    const p = (t: tf.TensorInfo) => heapOffset(backend, t);
    const band = (t: tf.TensorInfo | null): RowArg => ({ at: t == null ? 0 : p(t), rowFloats: a.len * a.inner });
    freeOnThrow(backend, [hid, y, out], () => {
      const callArgs: RowArg[] = [{ at: p(x), rowFloats: 2 * a.len * a.inner }, band(update ? d : null), p(dk), p(db), p(pk), p(pb), p(idx),
        a.outer, a.len, a.inner, c, k, STEP_CODE[a.step], band(hid), band(y), band(out)];
      runRowSplit(backend, 'lift_step_forward', partsFor(backend, a.outer, size), callArgs, 7);
    });
    return [hid, y, out];
  },
};
