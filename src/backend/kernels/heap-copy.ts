/**
 * Heap-to-heap copies shared by the copy kernels (./slice.ts, ./split-v.ts, ./concat.ts,
 * ./tile.ts, ./reverse.ts).
 *
 * The wasm package implements Slice/SplitV/Concat in JavaScript: `Slice` first copies the *whole*
 * input out of the wasm heap (`readSync`), then copies each contiguous run with `subarray` + `set`,
 * allocating a typed-array view per run; `Concat` does the same per input row. When the runs are
 * short, e.g. splitting the channels of an NHWC tensor or the even/odd split of a lifting step
 * (runs of C floats), that costs ~5–10 ms per 64×28×28×16 tensor, as much as a convolution. Here
 * runs are copied heap-to-heap with `copyWithin` (no allocation, no full copy of the input), and
 * short runs with one strided copy of the project's wasm module (`copy_runs` in native/copy_runs.c;
 * a plain loop where the module cannot run): splitting 64×28×14×32 into two 16-channel halves,
 * 6.7 → 1.7 ms. Same results, bit for bit; string tensors go to the original kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmCopyRuns, type WasmBackendLike } from '../wasm-module.js';
import { WASM, wasmKernel, type KernelArgs } from './shared.js';

export type { WasmBackendLike };
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/** A view of the whole wasm heap with `dtype`'s element size, and the element index of `info`. */
export function heapView(backend: WasmBackendLike, info: tf.TensorInfo): { heap: HeapArray; at: number } {
  const buffer = backend.wasm.HEAPU8.buffer;
  const entry = backend.dataIdMap.get(info.dataId);
  if (entry == null) throw new Error('wasm copy kernel: tensor data not found on the wasm backend');
  const off = entry.memoryOffset;
  switch (info.dtype) {
    case 'float32':
      return { heap: new Float32Array(buffer), at: off / 4 };
    case 'int32':
      return { heap: new Int32Array(buffer), at: off / 4 };
    case 'bool':
      return { heap: new Uint8Array(buffer), at: off };
    default:
      throw new Error(`wasm copy kernel: unsupported dtype ${info.dtype}`);
  }
}

/** Runs shorter than this are copied element by element (cheaper than a native call). */
export const SHORT_RUN = 24;

export function copyRun(heap: HeapArray, dst: number, src: number, n: number): void {
  if (n < SHORT_RUN) {
    for (let k = 0; k < n; k++) heap[dst + k] = heap[src + k];
  } else {
    heap.copyWithin(dst, src, src + n);
  }
}

/** Advance the row-major multi-index `idx` over the first `idx.length` axes of `size`. */
export function advance(idx: number[], size: readonly number[]): void {
  for (let a = idx.length - 1; a >= 0; a--) {
    if (++idx[a] < size[a]) return;
    idx[a] = 0;
  }
}

/** Whether the heap views of this file handle `dtype` (others go to the package's kernels). */
export const onHeap = (dtype: tf.DataType): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';

/**
 * Copy the box `begin`/`size` of `x` into `out` (both already on the heap). Trailing axes that
 * are taken whole are merged into one contiguous run.
 */
function copySlice(backend: WasmBackendLike, x: tf.TensorInfo, out: tf.TensorInfo, begin: number[], size: number[]): void {
  const shape = x.shape;
  const rank = shape.length;
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const { heap, at: xAt } = heapView(backend, x);
  const outAt = heapView(backend, out).at;
  const strides = tf.util.computeStrides(shape);
  // Innermost axis d such that every axis after it is taken whole: the run is size[d]·stride[d].
  let d = rank - 1;
  while (d > 0 && size[d] === shape[d] && begin[d] === 0) d--;
  const run = rank === 0 ? 1 : size[d] * (d === rank - 1 ? 1 : strides[d]);
  const outerCount = total / run;
  let base = xAt;
  for (let a = 0; a < rank; a++) base += begin[a] * (a === rank - 1 ? 1 : strides[a]);
  const copier = run < SHORT_RUN && d > 0 ? wasmCopyRuns(backend) : null;
  if (copier) {
    // Short runs: one native strided copy per index of axes 0..d−2, over the size[d−1] runs of
    // axis d−1 (evenly strided by strides[d−1]).
    const bytes = heap.BYTES_PER_ELEMENT;
    const rows = size[d - 1];
    const groups = outerCount / rows;
    const gIdx = new Array<number>(d - 1).fill(0);
    for (let g = 0; g < groups; g++) {
      let src = base;
      for (let a = 0; a < d - 1; a++) src += gIdx[a] * strides[a];
      copier((outAt + g * rows * run) * bytes, src * bytes, rows, run * bytes, strides[d - 1] * bytes, run * bytes);
      advance(gIdx, size);
    }
    return;
  }
  const idx = new Array<number>(d).fill(0);
  let dst = outAt;
  for (let r = 0; r < outerCount; r++) {
    let src = base;
    for (let a = 0; a < d; a++) src += idx[a] * strides[a];
    copyRun(heap, dst, src, run);
    dst += run;
    advance(idx, size);
  }
}

/** A new tensor holding the box `begin`/`size` of `x`. */
export function sliceOnHeap(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  copySlice(backend, x, out, begin, size);
  return out;
}

/**
 * A copy kernel: `body` does the work on the heap, or returns null for inputs it leaves to the wasm
 * backend's own kernel of that name (string tensors, unusual layouts).
 */
export function copyKernel(
  kernelName: string,
  body: (args: KernelArgs, backend: WasmBackendLike) => tf.TensorInfo | tf.TensorInfo[] | null,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: WASM,
    kernelFunc: (args) => body(args, args.backend as unknown as WasmBackendLike) ?? wasmKernel(kernelName).kernelFunc(args),
  };
}
