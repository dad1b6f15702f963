/**
 * `LiftPoolOddResidual` (a kernel of this project): the residual `u = s − x_odd` of the constraint
 * loss `L_u = ‖s − x_odd‖₂` on the un-split input `x` (seen as [rows, 2·inner]: the odd samples are
 * the second inner floats of each row), as one call of the project's wasm module
 * (native/lift_step.c). Its gradient w.r.t. x is part of `LiftPoolStepGrad` (predict).
 *
 * Inputs `s` [rows·inner], `x`; attributes `rows, inner`; output `u` (s's shape).
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_ODD_RESIDUAL } from '../kernel-names.js';
import { heapOffset, wasmModule, type WasmBackendLike } from '../wasm-module.js';
import { attrsOf, inputsOf, WASM } from './shared.js';

export interface LiftOddResidualAttrs {
  rows: number;
  inner: number;
}

function check(name: string, band: tf.TensorInfo, x: tf.TensorInfo, { rows, inner }: LiftOddResidualAttrs): void {
  const n = rows * inner;
  if (!(rows > 0 && inner > 0)) throw new Error(`${name}: rows and inner must be positive, got ${rows} and ${inner}`);
  for (const [key, t, size] of [['band', band, n], ['x', x, 2 * n]] as const) {
    if (t.dtype !== 'float32') throw new Error(`${name}: ${key} must be float32, got ${t.dtype}`);
    if (tf.util.sizeFromShape(t.shape) !== size) throw new Error(`${name}: ${key} must have ${size} elements, got [${t.shape.join(',')}]`);
  }
}

export const liftOddResidualConfig: tf.KernelConfig = {
  kernelName: LIFT_ODD_RESIDUAL,
  backendName: WASM,
  kernelFunc: (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const { s, x } = inputsOf(args);
    const a = attrsOf<LiftOddResidualAttrs>(args);
    check(LIFT_ODD_RESIDUAL, s, x, a);
    const u = backend.makeOutput(s.shape, 'float32');
    wasmModule(backend).liftOddResidual(heapOffset(backend, s), heapOffset(backend, x), a.rows, a.inner, heapOffset(backend, u));
    return u;
  },
};
