/**
 * Sum / Mean over leading or middle axes as one average pooling (shared by ./sum.ts, ./mean.ts).
 *
 * The wasm Sum/Mean kernels reduce only innermost axes and transpose the input first otherwise,
 * which is slow (a bias gradient, sum over [0,1,2] of 64x28x28x16, takes ~4 ms; the same as a
 * matmul takes ~0.5 ms). A float32 reduction over a contiguous block of axes that excludes the last
 * one is computed as one average pooling of x[P,R,C] (viewed as [P, R/b, b, C]) with a window
 * covering R, times R for a sum; anything else goes to the wasm kernel. (A matmul `ones[1,R] @
 * x[R,C]` is fast only when x is reused: the wasm matmul packs its right operand, ~2.4 ms for a
 * fresh 25088×16, 67 ms for 65536×64, against 0.3 ms and 3 ms for the pooling.)
 */
import * as tf from '@tensorflow/tfjs';
import type { SumAttrs } from '@tensorflow/tfjs';
import { attrsOf, callWasmKernel, inputsOf, wasmKernel, type DirectBackend, type KernelArgs } from './shared.js';

/** The largest divisor of `n` that is ≤ `limit` (≥ 1). */
function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.max(1, limit); d > 1; d--) if (n % d === 0) return d;
  return 1;
}

/** The `Sum` (mean = false) or `Mean` kernel function; `name` is the wasm kernel it falls back to. */
export function reduceByPooling(name: 'Sum' | 'Mean', mean: boolean): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = inputsOf(args).x;
    const { axis, keepDims } = attrsOf<SumAttrs>(args);
    const shape = x.shape;
    const rank = shape.length;
    const axes = tf.util.parseAxisParam(axis, shape).slice().sort((a, b) => a - b);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const contiguous = axes.length > 0 && last - first + 1 === axes.length && new Set(axes).size === axes.length;
    if (x.dtype !== 'float32' || !contiguous || last === rank - 1 || tf.util.sizeFromShape(shape) === 0) {
      return wasmKernel(name).kernelFunc(args);
    }
    const p = tf.util.sizeFromShape(shape.slice(0, first));
    const r = tf.util.sizeFromShape(shape.slice(first, last + 1));
    const c = tf.util.sizeFromShape(shape.slice(last + 1));
    const outShape = keepDims ? shape.map((d, i) => (i >= first && i <= last ? 1 : d)) : shape.filter((_, i) => i < first || i > last);
    // One XNNPACK average pooling whose window covers the reduced block (as rows × cols), called
    // directly on the backend (no engine bookkeeping: this runs for every bias gradient).
    const backend = args.backend as unknown as DirectBackend;
    const rows = largestDivisorAtMost(r, Math.floor(Math.sqrt(r)));
    const pooled = callWasmKernel('AvgPool', { x: { dataId: x.dataId, shape: [p, r / rows, rows, c], dtype: 'float32' } }, backend, {
      filterSize: [r / rows, rows], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined,
    });
    if (mean) return { dataId: pooled.dataId, shape: outShape, dtype: 'float32' };
    const scale = backend.makeOutput([], 'float32', undefined, new Float32Array([r]));
    const out = callWasmKernel('Multiply', { a: pooled, b: scale }, backend, {});
    backend.disposeData(pooled.dataId);
    backend.disposeData(scale.dataId);
    return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
  };
}
