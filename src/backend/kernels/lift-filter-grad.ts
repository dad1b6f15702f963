/**
 * `LiftPoolFilterGrad` (a kernel of this project): every gradient of the LiftPool filter (see
 * ./lift-filter.ts) in one call of the project's wasm module (native/lift_filter.c).
 *
 * Inputs: `dy, y` [n,h,w,c] (output gradient and output), `hid` [n·h·w, c] (post-ReLU hidden),
 * `z` [n,h,w,c] (filter input), `dk` [1,K,c,1] or [K,1,c,1], `pk` [1,1,c,c], `idx` (as the forward).
 * Attributes: `outer, len, inner`. Outputs: `dz, ddk, ddb, dpk, dpb` (gradients of z and of the four weights).
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_FILTER_GRAD } from '../kernel-names.js';
import { heapOffset, type WasmBackendLike } from '../wasm-module.js';
import { backwardScratchFloats, checkLiftFilterInputs, type LiftFilterAttrs } from './lift-filter.js';
import { freeOnThrow, runBackward, type RowArg } from './row-split.js';
import { attrsOf, inputsOf, WASM } from './shared.js';


export const liftFilterGradConfig: tf.KernelConfig = {
  kernelName: LIFT_FILTER_GRAD,
  backendName: WASM,
  kernelFunc: (args) => {
    const backend = args.backend as unknown as WasmBackendLike;
    const { dy, y, hid, z, dk, pk, idx } = inputsOf(args);
    const a = attrsOf<LiftFilterAttrs>(args);
    const { c, k } = checkLiftFilterInputs(LIFT_FILTER_GRAD, z, dk, pk, idx, { dy, y, hid, z }, {}, a);
    const dz = backend.makeOutput(z.shape, 'float32');
    const ddk = backend.makeOutput(dk.shape, 'float32');
    const ddb = backend.makeOutput([c], 'float32');
    const dpk = backend.makeOutput(pk.shape, 'float32');
    const dpb = backend.makeOutput([c], 'float32');
    const p = (t: tf.TensorInfo) => heapOffset(backend, t);
    const row = (t: tf.TensorInfo): RowArg => ({ at: p(t), rowFloats: a.len * a.inner });
    freeOnThrow(backend, [dz, ddk, ddb, dpk, dpb], () => runBackward(backend, {
      entry: 'lift_filter_backward', rowsEntry: 'lift_filter_backward_rows', outerArg: 7,
      rowArgs: [row(dy), row(y), row(hid), row(z), p(dk), p(pk), p(idx), a.outer, a.len, a.inner, c, k, row(dz)],
      outer: a.outer, len: a.len, inner: a.inner, c, k, hid: p(hid), z: p(z), zs: a.inner, idx: p(idx),
      grads: [p(ddk), p(ddb), p(dpk), p(dpb)], rowScratch: backwardScratchFloats(c, k),
    }));
    return [dz, ddk, ddb, dpk, dpb];
  },
};
