/**
 * Faster `Slice`, `SplitV`, `Concat` and `Identity` kernels for the TF.js `wasm` backend (4.22).
 *
 * The wasm package implements these three in JavaScript. `Slice` first copies the *whole* input
 * out of the wasm heap (`readSync`), then copies each contiguous run of the slice with
 * `subarray` + `set`, allocating a typed-array view per run; `Concat` does the same per input
 * row. When the runs are short, e.g. splitting the channels of an NHWC tensor or the even/odd
 * split of a lifting step (runs of C floats), that costs ~5–10 ms per 64×28×28×16 tensor, as much
 * as a convolution. These versions copy heap-to-heap with `copyWithin` (no allocation, no full
 * copy of the input), and short runs with one strided copy of the project's wasm module
 * (`copy_runs` in native/lift_filter.c; a plain loop where the module cannot run, e.g. with
 * threads): splitting 64×28×14×32 into two 16-channel halves, 6.7 → 1.7 ms. Same results, bit for
 * bit; string tensors go to the original kernels.
 */
import * as tf from '@tensorflow/tfjs';

import { wasmCopyRuns } from './wasm-lift-filter.js';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type HeapArray = Float32Array | Int32Array | Uint8Array;

/** The parts of the wasm backend used here (structural, so the wasm package stays optional). */
interface WasmBackendLike {
  wasm: { HEAPU8: Uint8Array };
  incRef(dataId: object): void;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** A view of the whole wasm heap with `dtype`'s element size, and the element index of `info`. */
function heapView(backend: WasmBackendLike, info: tf.TensorInfo): { heap: HeapArray; at: number } {
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
const SHORT_RUN = 24;

function copyRun(heap: HeapArray, dst: number, src: number, n: number): void {
  if (n < SHORT_RUN) {
    for (let k = 0; k < n; k++) heap[dst + k] = heap[src + k];
  } else {
    heap.copyWithin(dst, src, src + n);
  }
}

/** Advance the row-major multi-index `idx` over the first `idx.length` axes of `size`. */
function advance(idx: number[], size: readonly number[]): void {
  for (let a = idx.length - 1; a >= 0; a--) {
    if (++idx[a] < size[a]) return;
    idx[a] = 0;
  }
}

/** Whether the heap views of this file handle `dtype` (others go to the package's kernels). */
const onHeap = (dtype: tf.DataType): boolean => dtype === 'float32' || dtype === 'int32' || dtype === 'bool';

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

function sliceImpl(backend: WasmBackendLike, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  copySlice(backend, x, out, begin, size);
  return out;
}

/** `Slice` replacement; `original` handles string tensors. */
export function makeSliceKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    return sliceImpl(args.backend as unknown as WasmBackendLike, x, begin, size);
  };
}

/** `SplitV` replacement (the wasm package's calls its own `Slice` directly). */
export function makeSplitVKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    const attrs = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const backend = args.backend as unknown as WasmBackendLike;
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = sliceImpl(backend, x, [...begin], size);
      begin[axis] += s;
      return out;
    });
  };
}

/** `Concat` replacement for numeric tensors; empty and string inputs go to `original`. */
export function makeConcatKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const list = Array.isArray(inputs) ? inputs : Object.values(inputs as Record<string, tf.TensorInfo>);
    if (list.length < 2 || list.some((t) => t.dtype === 'string' || tf.util.sizeFromShape(t.shape) === 0)) return original(args);
    const axis = tf.util.parseAxisParam((args.attrs as unknown as { axis: number }).axis, list[0].shape)[0];
    const shapes = list.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const outShape = tf.backend_util.computeOutShape(shapes, axis);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(outShape, list[0].dtype);
    const { heap, at: outAt } = heapView(backend, out);
    const outer = tf.util.sizeFromShape(list[0].shape.slice(0, axis));
    const inner = list.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const rowLen = inner.reduce((a, b) => a + b, 0);
    const at = list.map((t) => heapView(backend, t).at);
    const copier = inner.some((n) => n < SHORT_RUN) && outer > 1 ? wasmCopyRuns(backend) : null;
    if (copier) {
      // One native strided copy per input: `outer` runs of inner[i] into rows of rowLen.
      const bytes = heap.BYTES_PER_ELEMENT;
      let off = 0;
      for (let i = 0; i < list.length; i++) {
        copier((outAt + off) * bytes, at[i] * bytes, outer, inner[i] * bytes, inner[i] * bytes, rowLen * bytes);
        off += inner[i];
      }
      return out;
    }
    for (let b = 0; b < outer; b++) {
      let dst = outAt + b * rowLen;
      for (let i = 0; i < list.length; i++) {
        copyRun(heap, dst, at[i] + b * inner[i], inner[i]);
        dst += inner[i];
      }
    }
    return out;
  };
}

/**
 * `Identity` (what `tf.clone` and every customGrad `save` run) that shares the buffer, as the cpu
 * and webgl backends do, instead of copying it: TF.js never writes into a tensor's buffer after
 * creating it, and the backend's reference count frees it once every sharer is disposed.
 */
export function makeIdentityKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/**
 * `Tile` when it repeats one contiguous block: every axis of `x` before the first tiled-over axis
 * run is 1 and no later axis is tiled, e.g. the per-channel `[1,1,1,C]` → `[N,H,W,C]` broadcast in
 * TF.js's batch-norm gradient. The wasm package's kernel walks the output element by element
 * (~40 ms for 32×28×28×16); here the block is copied once and then doubled with `copyWithin`
 * (log₂ R native copies). Other tilings go to `original`.
 */
export function makeTileKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { reps } = args.attrs as unknown as { reps: number[] };
    const rank = x.shape.length;
    if (!onHeap(x.dtype) || reps.length !== rank || rank === 0) return original(args);
    let k = rank; // axes k.. are not tiled
    while (k > 0 && reps[k - 1] === 1) k--;
    for (let d = 0; d < k; d++) if (x.shape[d] !== 1) return original(args);
    const outShape = x.shape.map((s, d) => s * reps[d]);
    const block = tf.util.sizeFromShape(x.shape);
    const total = tf.util.sizeFromShape(outShape);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(outShape, x.dtype);
    if (total === 0) return out;
    const { heap, at: outAt } = heapView(backend, out);
    copyRun(heap, outAt, heapView(backend, x).at, block);
    for (let filled = block; filled < total; filled *= 2) {
      heap.copyWithin(outAt + filled, outAt, outAt + Math.min(filled, total - filled));
    }
    return out;
  };
}

/**
 * `Reverse` as heap-to-heap copies of the contiguous runs behind the last reversed axis (a whole
 * `Cin·Cout` block per tap when a conv filter is flipped for the input gradient). The wasm
 * package's kernel costs ~80 ns per element (a 3×3×128×128 filter: ~12 ms).
 */
export function makeReverseKernel(original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const shape = x.shape;
    const rank = shape.length;
    const total = tf.util.sizeFromShape(shape);
    if (!onHeap(x.dtype) || rank === 0 || total === 0) return original(args);
    const reversed = new Array<boolean>(rank).fill(false);
    for (const a of tf.util.parseAxisParam((args.attrs as unknown as { dims: number | number[] }).dims, shape)) reversed[a] = true;
    let d = rank - 1; // the last reversed axis: everything after it is one contiguous run
    while (d >= 0 && !reversed[d]) d--;
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...shape], x.dtype);
    const { heap, at: outAt } = heapView(backend, out);
    const xAt = heapView(backend, x).at;
    if (d < 0) {
      copyRun(heap, outAt, xAt, total);
      return out;
    }
    const strides = [...tf.util.computeStrides(shape), 1];
    const run = strides[d];
    const idx = new Array<number>(d + 1).fill(0);
    for (let dst = 0; dst < total; dst += run) {
      let src = 0;
      for (let a = 0; a <= d; a++) src += (reversed[a] ? shape[a] - 1 - idx[a] : idx[a]) * strides[a];
      copyRun(heap, outAt + dst, xAt + src, run);
      advance(idx, shape);
    }
    return out;
  };
}
