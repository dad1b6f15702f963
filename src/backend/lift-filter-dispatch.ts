/**
 * Which implementation of the LiftPool filter and lifting step runs on the active backend. The
 * lifting core (src/lifting/fused-filter.ts, src/lifting/fused-step.ts) asks {@link liftFilterKernels}
 * and {@link liftStepKernels} and either calls the kernels by name or runs its one backend-agnostic
 * path on standard TF.js ops; it never names a backend.
 *
 * A backend offers the filter kernels by registering both `LiftPoolFilter` and `LiftPoolFilterGrad`
 * (./kernel-names.ts) and, where whether they can run depends on the backend instance (the wasm
 * build: the module must instantiate on the backend's memory), a gate. It offers the whole-step
 * kernels by registering `LiftPoolStep`, `LiftPoolStepGrad` and `LiftPoolOddResidual` as well
 * (under the same gate). This module imports no backend code.
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_FILTER, LIFT_FILTER_GRAD, LIFT_ODD_RESIDUAL, LIFT_STEP, LIFT_STEP_GRAD } from './kernel-names.js';

export { LIFT_FILTER, LIFT_FILTER_GRAD, LIFT_ODD_RESIDUAL, LIFT_STEP, LIFT_STEP_GRAD };

type Gate = (backend: object) => boolean;

const gates = new Map<string, Gate>();
let decided = new WeakMap<object, boolean>();

/**
 * Sets the check deciding, once per backend instance, whether the filter kernels registered for
 * `backendName` can run on it (e.g. only where the module instantiates on its memory).
 */
export function setLiftFilterKernelGate(backendName: string, gate: Gate): void {
  gates.set(backendName, gate);
  decided = new WeakMap();
}

/** True when the active backend runs the LiftPool filter's forward and backward as its own kernels. */
export function liftFilterKernels(): boolean {
  const name = tf.getBackend();
  if (tf.getKernel(LIFT_FILTER, name) == null || tf.getKernel(LIFT_FILTER_GRAD, name) == null) return false;
  const gate = gates.get(name);
  if (gate == null) return true;
  const backend = tf.backend();
  let ok = decided.get(backend);
  if (ok === undefined) {
    ok = gate(backend);
    decided.set(backend, ok);
  }
  return ok;
}

let stepKernelsOn = !(typeof process !== 'undefined' && process.env?.LIFTPOOL_WASM_STEP_KERNELS === '0');

/**
 * Turn the whole-lifting-step kernels on or off (default on; `LIFTPOOL_WASM_STEP_KERNELS=0` starts
 * with them off). Off, a learned lifting step splits its input into even/odd copies and runs the
 * filter kernels with separate subtract/add ops: the same values and gradients, bit for bit, with
 * more launches. For benchmarks and cross-checks; returns the previous setting.
 */
export function setLiftStepKernels(on: boolean): boolean {
  const prev = stepKernelsOn;
  stepKernelsOn = on;
  return prev;
}

/**
 * True when a learned lifting step runs as whole-step kernels of the active backend: switched on,
 * the filter kernels usable ({@link liftFilterKernels}) and the three step kernels registered.
 */
export function liftStepKernels(): boolean {
  if (!stepKernelsOn || !liftFilterKernels()) return false;
  const name = tf.getBackend();
  return [LIFT_STEP, LIFT_STEP_GRAD, LIFT_ODD_RESIDUAL].every((k) => tf.getKernel(k, name) != null);
}
