/**
 * `LiftPoolFilter` (a kernel of this project): the forward pass of the LiftPool predict/update
 * filter `tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z)))))` as one call of the project's wasm module
 * (native/lift_filter.c, see ../wasm-module.ts), reading the boundary through the pad index map.
 *
 * Inputs: `z` [n,h,w,c], `dk` [1,K,c,1] or [K,1,c,1], `db` [c], `pk` [1,1,c,c] (or [c,c]), `pb` [c],
 * `idx` int32 [len + K − 1] (source index of each padded sample along the axis, −1 for a zero).
 * Attributes: `outer, len, inner` (the tensors as [outer, len, inner] along the axis).
 * Outputs: `hid` [n·h·w, c] (post-ReLU hidden) and `y` [n,h,w,c].
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_FILTER } from '../kernel-names.js';
import { heapOffset, type WasmBackendLike } from '../wasm-module.js';
import { freeOnThrow, partsFor, runRowSplit, type RowArg } from './row-split.js';
import { attrsOf, inputsOf, WASM } from './shared.js';

/** Attributes of both filter kernels. */
export interface LiftFilterAttrs {
  outer: number;
  len: number;
  inner: number;
}

/** A named kernel input and the number of elements it must have. */
export type SizedInput = [string, tf.TensorInfo | undefined, number];

/** Rows of g the filter backward keeps for its block outer product (FLUSH_ROWS in native/lift_scalar.h). */
const SCRATCH_ROWS = 256;

/** Floats of scratch space the filter backward (and the step backward, which runs it) needs. */
export function backwardScratchFloats(c: number, k: number): number {
  return 4 * c + 2 * c * c + k * c + SCRATCH_ROWS * c;
}

/**
 * The checks every LiftPool kernel makes of the filter's operands (the C code trusts these sizes):
 * K from `dk` (odd), `pk` C×C, `dk` K×C, each of `sized` float32 with its element count, and the pad
 * index map `idx` int32 of length len + K − 1. Returns K.
 */
export function checkFilterOperands(
  name: string, c: number, len: number, dk: tf.TensorInfo, pk: tf.TensorInfo, idx: tf.TensorInfo, sized: SizedInput[],
): number {
  const k = tf.util.sizeFromShape(dk.shape) / c;
  if (!Number.isInteger(k) || k % 2 !== 1) throw new Error(`${name}: dk [${dk.shape.join(',')}] is not K×${c} taps with K odd`);
  for (const [key, t, n] of [...sized, ['pk', pk, c * c], ['dk', dk, k * c]] as SizedInput[]) {
    if (t == null) throw new Error(`${name}: input ${key} is missing`);
    if (t.dtype !== 'float32') throw new Error(`${name}: ${key} must be float32, got ${t.dtype}`);
    if (tf.util.sizeFromShape(t.shape) !== n) throw new Error(`${name}: ${key} must have ${n} elements, got [${t.shape.join(',')}]`);
  }
  if (idx.dtype !== 'int32' || idx.shape.length !== 1 || idx.shape[0] !== len + k - 1) {
    throw new Error(`${name}: idx must be int32 of length ${len + k - 1}`);
  }
  return k;
}

/**
 * Checks shared by both filter kernels (the C code trusts these sizes); returns C and K. `full`
 * are the tensors with z's size, `perChannel` those of length C.
 */
export function checkLiftFilterInputs(
  name: string, z: tf.TensorInfo, dk: tf.TensorInfo, pk: tf.TensorInfo, idx: tf.TensorInfo,
  full: Record<string, tf.TensorInfo>, perChannel: Record<string, tf.TensorInfo>, { outer, len, inner }: LiftFilterAttrs,
): { c: number; k: number } {
  const c = z.shape[3];
  const size = tf.util.sizeFromShape(z.shape);
  if (z.shape.length !== 4 || !(c > 0)) throw new Error(`${name}: z must be [n,h,w,c] with c > 0, got [${z.shape.join(',')}]`);
  const k = checkFilterOperands(name, c, len, dk, pk, idx, [
    ...Object.entries(full).map(([key, t]): SizedInput => [key, t, size]),
    ...Object.entries(perChannel).map(([key, t]): SizedInput => [key, t, c]),
  ]);
  if (outer * len * inner !== size || inner % c !== 0) {
    throw new Error(`${name}: [outer, len, inner] = [${outer}, ${len}, ${inner}] does not fit z [${z.shape.join(',')}]`);
  }
  return { c, k };
}

export const liftFilterConfig: tf.KernelConfig = {
  kernelName: LIFT_FILTER,
  backendName: WASM,
  kernelFunc: (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const { z, dk, db, pk, pb, idx } = inputsOf(args);
    const a = attrsOf<LiftFilterAttrs>(args);
    const { c, k } = checkLiftFilterInputs(LIFT_FILTER, z, dk, pk, idx, { z }, { db, pb }, a);
    const size = tf.util.sizeFromShape(z.shape);
    const hid = backend.makeOutput([size / c, c], 'float32');
    const y = backend.makeOutput(z.shape, 'float32');
    const p = (t: tf.TensorInfo) => heapOffset(backend, t);
    const row = (t: tf.TensorInfo): RowArg => ({ at: p(t), rowFloats: a.len * a.inner });
    freeOnThrow(backend, [hid, y], () => {
      const callArgs: RowArg[] = [row(z), p(dk), p(db), p(pk), p(pb), p(idx), a.outer, a.len, a.inner, c, k, row(hid), row(y)];
      runRowSplit(backend, 'lift_filter_forward', partsFor(backend, a.outer, size), callArgs, 6);
    });
    return [hid, y];
  },
};
