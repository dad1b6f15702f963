/**
 * `LiftPoolStepGrad` (a kernel of this project): every gradient of a `LiftPoolStep` (./lift-step.ts)
 * in one call of the project's wasm module (native/lift_step.c), writing the input gradient at the
 * strided even/odd positions of `x`.
 *
 * Inputs: `g` (the gradient of the step's output d or s), `y, hid` (saved by the forward), `dk, pk,
 * idx`; predict: `x`, and optionally `gs`, `gu` (the gradients of s and of the residual
 * u = s − x_odd, where they reach the loss); update: `d`. Attributes: those of `LiftPoolStep`.
 * Outputs: predict: `dx, ddk, ddb, dpk, dpb` (the whole gradient of x: dx_even = P's input
 * gradient for −g, plus gs; dx_odd = −gu + g); update: `dd, ddk, ddb, dpk, dpb` (dd = U's input
 * gradient for g).
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_STEP_GRAD } from '../kernel-names.js';
import { heapOffset, type WasmBackendLike } from '../wasm-module.js';
import { backwardScratchFloats } from './lift-filter.js';
import { freeOnThrow, runBackward, type RowArg } from './row-split.js';
import { checkLiftStepInputs, STEP_CODE, type LiftStepAttrs } from './lift-step.js';
import { attrsOf, inputsOf, WASM } from './shared.js';


export const liftStepGradConfig: tf.KernelConfig = {
  kernelName: LIFT_STEP_GRAD,
  backendName: WASM,
  kernelFunc: (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const { g, gs, gu, y, hid, x, d, dk, pk, idx } = inputsOf(args);
    const a = attrsOf<LiftStepAttrs>(args);
    const predict = a.step === 'predict';
    const bands: Record<string, tf.TensorInfo> = predict ? { g, y, hid } : { g, y, hid, d };
    if (predict && gs) bands.gs = gs;
    if (predict && gu) bands.gu = gu;
    const { c, k } = checkLiftStepInputs(LIFT_STEP_GRAD, predict ? x : null, dk, pk, idx, bands, {}, a);
    const dx = predict ? backend.makeOutput(x.shape, 'float32') : null;
    const dd = predict ? null : backend.makeOutput(d.shape, 'float32');
    const ddk = backend.makeOutput(dk.shape, 'float32');
    const ddb = backend.makeOutput([c], 'float32');
    const dpk = backend.makeOutput(pk.shape, 'float32');
    const dpb = backend.makeOutput([c], 'float32');
    const p = (t: tf.TensorInfo | null | undefined) => (t == null ? 0 : heapOffset(backend, t));
    const rowFloats = a.len * a.inner;
    const band = (t: tf.TensorInfo | null | undefined): RowArg => ({ at: p(t), rowFloats });
    const wide = (t: tf.TensorInfo | null | undefined): RowArg => ({ at: p(t), rowFloats: 2 * rowFloats });
    freeOnThrow(backend, [dx, dd, ddk, ddb, dpk, dpb], () => runBackward(backend, {
      entry: 'lift_step_backward', rowsEntry: 'lift_step_backward_rows', outerArg: 10,
      rowArgs: [band(g), band(predict ? gs : null), band(predict ? gu : null), band(y), band(hid), wide(predict ? x : null), band(predict ? null : d),
        p(dk), p(pk), p(idx), a.outer, a.len, a.inner, c, k, STEP_CODE[a.step], wide(dx), band(dd)],
      outer: a.outer, len: a.len, inner: a.inner, c, k, hid: p(hid), z: predict ? p(x) : p(d), zs: predict ? 2 * a.inner : a.inner, idx: p(idx),
      grads: [p(ddk), p(ddb), p(dpk), p(dpb)], rowScratch: backwardScratchFloats(c, k),
    }));
    return [(dx ?? dd)!, ddk, ddb, dpk, dpb];
  },
};
