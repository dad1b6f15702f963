/**
 * Which implementation of the LiftPool filter runs on the active backend. The lifting core
 * (src/lifting/fused-filter.ts) asks {@link liftFilterKernels} and either calls the kernels by name
 * or runs its one backend-agnostic path on standard TF.js ops; it never names a backend.
 *
 * A backend offers the kernels by registering both `LiftPoolFilter` and `LiftPoolFilterGrad`
 * (./kernel-names.ts) and, where whether they can run depends on the backend instance (the wasm
 * build: single-threaded memory only), a gate. This module imports no backend code.
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_FILTER, LIFT_FILTER_GRAD } from './kernel-names.js';

export { LIFT_FILTER, LIFT_FILTER_GRAD };

type Gate = (backend: object) => boolean;

const gates = new Map<string, Gate>();
let decided = new WeakMap<object, boolean>();

/**
 * Sets the check deciding, once per backend instance, whether the filter kernels registered for
 * `backendName` can run on it (e.g. not on the threaded wasm build, whose memory is shared).
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
