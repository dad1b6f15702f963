/**
 * `LiftPoolStepGrad` (a kernel of this project): every gradient of a `LiftPoolStep` (./lift-step.ts)
 * in one call of the project's wasm module (native/lift_step.c), writing the input gradient at the
 * strided even/odd positions of `x`.
 *
 * Inputs: `g` (the gradient of the step's output d or s), `y, hid` (saved by the forward), `x`,
 * `d` (update only), `dk, pk, idx`. Attributes: those of `LiftPoolStep`. Outputs: predict:
 * `dx, ddk, ddb, dpk, dpb` (dx_even = the filter's input gradient for −g, dx_odd = g); update:
 * `dx, dd, ddk, ddb, dpk, dpb` (dx_even = g, dx_odd = −0, dd = the filter's input gradient for g).
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_STEP_GRAD } from '../kernel-names.js';
import { heapOffset, wasmModule, type WasmBackendLike } from '../wasm-module.js';
import { checkLiftStepInputs, STEP_CODE, type LiftStepAttrs } from './lift-step.js';
import { attrsOf, inputsOf, WASM } from './shared.js';

/** Rows of g the backward keeps for its block outer product (FLUSH_ROWS in native/lift_scalar.h). */
const SCRATCH_ROWS = 256;

export const liftStepGradConfig: tf.KernelConfig = {
  kernelName: LIFT_STEP_GRAD,
  backendName: WASM,
  kernelFunc: (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const { g, y, hid, x, d, dk, pk, idx } = inputsOf(args);
    const a = attrsOf<LiftStepAttrs>(args);
    const update = a.step === 'update';
    const { c, k } = checkLiftStepInputs(LIFT_STEP_GRAD, x, dk, pk, idx, update ? { g, y, hid, d } : { g, y, hid }, {}, a);
    const run = wasmModule(backend).liftStepBackward;
    const dx = backend.makeOutput(x.shape, 'float32');
    const dd = update ? backend.makeOutput(d.shape, 'float32') : null;
    const ddk = backend.makeOutput(dk.shape, 'float32');
    const ddb = backend.makeOutput([c], 'float32');
    const dpk = backend.makeOutput(pk.shape, 'float32');
    const dpb = backend.makeOutput([c], 'float32');
    const scratch = backend.makeOutput([4 * c + 2 * c * c + k * c + SCRATCH_ROWS * c], 'float32');
    const p = (t: tf.TensorInfo | null) => (t == null ? 0 : heapOffset(backend, t));
    run(p(g), p(y), p(hid), p(x), p(update ? d : null), p(dk), p(pk), p(idx), a.outer, a.len, a.inner, c, k, STEP_CODE[a.step],
      p(dx), p(dd), p(ddk), p(ddb), p(dpk), p(dpb), p(scratch));
    backend.disposeData(scratch.dataId);
    return dd ? [dx, dd, ddk, ddb, dpk, dpb] : [dx, ddk, ddb, dpk, dpb];
  },
};
