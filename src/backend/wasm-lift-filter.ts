/**
 * `LiftPoolFilter` and `LiftPoolFilterGrad`: the forward and the whole backward pass of the LiftPool
 * predict/update filter `tanh(Conv1x1(ReLU(DepthwiseConv_K(Pad(z)))))`, each as one wasm call
 * (native/lift_filter.c, built by scripts/build-wasm.sh into ./lift-filter-wasm.ts).
 *
 * The module is instantiated on the wasm backend's own `WebAssembly.Memory`, so it reads the
 * saved tensors and writes the gradients in place, with no copy in or out of the heap. It is
 * registered for the single-threaded wasm backend only (the threaded build's memory is shared,
 * which this module does not declare); `src/lifting/fused-filter.ts` uses it when the current
 * backend has it and falls back to backend kernels otherwise.
 *
 * `LiftPoolFilter` inputs: `z` [n,h,w,c], `dk` [1,K,c,1] or [K,1,c,1], `db` [c], `pk` [1,1,c,c]
 * (or [c,c]), `pb` [c], `idx` (as below); outputs `hid` [n·h·w, c] (post-ReLU) and `y` [n,h,w,c].
 *
 * `LiftPoolFilterGrad` inputs: `dy, y` [n,h,w,c] (output gradient and output), `hid` [n·h·w, c] (post-ReLU hidden),
 * `z` [n,h,w,c] (filter input), `dk` [1,K,c,1] or [K,1,c,1], `pk` [1,1,c,c], `idx` int32
 * [len + K − 1] (source index of each padded sample along the axis, −1 for a zero).
 * Attributes: `outer, len, inner` (the tensors as [outer, len, inner] along the axis).
 * Outputs: `dz, ddk, ddb, dpk, dpb` (gradients of z and of the four weights).
 */
import * as tf from '@tensorflow/tfjs';
import { LIFT_FILTER, LIFT_FILTER_GRAD } from './kernel-names.js';
import { LIFT_FILTER_WASM_BASE64 } from './lift-filter-wasm.js';
import { wasmThreadsState } from './threads-state.js';

export { LIFT_FILTER, LIFT_FILTER_GRAD };

/** The part of the WebAssembly JS API used here (the project's `lib` has no DOM typings). */
interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Memory: abstract new (...args: never[]) => WasmMemoryLike;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
};

/** The parts of the wasm backend used here (structural, so the wasm package stays optional). */
interface WasmBackendLike {
  wasm: { asm?: { memory?: unknown } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Rows of g the backward keeps for its block outer product (FLUSH_ROWS in native/lift_filter.c). */
const SCRATCH_ROWS = 256;

type EntryFn = (...args: number[]) => void;
interface Entries {
  forward: EntryFn;
  backward: EntryFn;
  copyRuns: EntryFn;
}

const instances = new WeakMap<WasmMemoryLike, Entries>();
let compiled: object | undefined;

/** The module's entry points, instantiated on the backend's memory (once per memory). */
function entries(backend: WasmBackendLike): Entries {
  const memory = backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error("LiftPool filter kernels: the wasm backend's memory is not accessible (unexpected tfjs-backend-wasm build)");
  }
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
    throw new Error('LiftPool filter kernels: not available on the threaded wasm backend (shared memory)');
  }
  let f = instances.get(memory);
  if (f == null) {
    compiled ??= new WebAssembly.Module(Uint8Array.from(atob(LIFT_FILTER_WASM_BASE64), (ch) => ch.charCodeAt(0)));
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    f = {
      forward: instance.exports.lift_filter_forward as EntryFn,
      backward: instance.exports.lift_filter_backward as EntryFn,
      copyRuns: instance.exports.copy_runs as EntryFn,
    };
    instances.set(memory, f);
  }
  return f;
}

/**
 * Whether the filter kernels should be registered at all: not with wasm threads (the threaded
 * build's memory is shared) and not when `LIFTPOOL_WASM_FILTER_KERNELS=0` asks for the
 * backend-kernel path (to compare the two).
 */
export function liftFilterKernelsWanted(): boolean {
  const off = typeof process !== 'undefined' && process.env.LIFTPOOL_WASM_FILTER_KERNELS === '0';
  return !off && !wasmThreadsState().enabled;
}

/**
 * Remove both filter kernels from the wasm backend (the filter then runs on the backend's
 * kernels); `registerWasmTrainingKernels()` brings them back where they are wanted.
 */
export function unregisterLiftFilterKernels(): void {
  for (const name of [LIFT_FILTER, LIFT_FILTER_GRAD]) if (tf.getKernel(name, 'wasm') != null) tf.unregisterKernel(name, 'wasm');
}

/**
 * Whether the kernels can run on this wasm backend instance: its memory is reachable and not
 * shared, and the module compiles and instantiates on it (done here, once, as a side effect).
 */
export function liftFilterKernelsUsable(backend: unknown): boolean {
  try {
    entries(backend as WasmBackendLike);
    return true;
  } catch {
    return false;
  }
}

/** `copy(dst, src, rows, runBytes, srcStrideBytes, dstStrideBytes)` on the backend's heap (byte offsets). */
export type CopyRuns = (dst: number, src: number, rows: number, run: number, srcStride: number, dstStride: number) => void;

const copiers = new WeakMap<object, CopyRuns | null>();

/**
 * The module's strided copy on this wasm backend's heap, or null where the module cannot run there
 * (see {@link liftFilterKernelsUsable}); decided once per backend instance.
 */
export function wasmCopyRuns(backend: object): CopyRuns | null {
  let c = copiers.get(backend);
  if (c === undefined) {
    c = liftFilterKernelsUsable(backend) ? (entries(backend as WasmBackendLike).copyRuns as CopyRuns) : null;
    copiers.set(backend, c);
  }
  return c;
}

function offset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (entry == null) throw new Error('LiftPool filter kernels: tensor data not found on the wasm backend');
  return entry.memoryOffset;
}

/**
 * Checks shared by both kernels (the C code trusts these sizes); returns C and K. `full` are the
 * tensors with z's size, `perChannel` those of length C.
 */
function checkInputs(
  name: string, z: tf.TensorInfo, dk: tf.TensorInfo, pk: tf.TensorInfo, idx: tf.TensorInfo,
  full: Record<string, tf.TensorInfo>, perChannel: Record<string, tf.TensorInfo>, outer: number, len: number, inner: number,
): { c: number; k: number } {
  const c = z.shape[3];
  const size = tf.util.sizeFromShape(z.shape);
  if (z.shape.length !== 4 || !(c > 0)) throw new Error(`${name}: z must be [n,h,w,c] with c > 0, got [${z.shape.join(',')}]`);
  const k = tf.util.sizeFromShape(dk.shape) / c;
  if (!Number.isInteger(k) || k % 2 !== 1) throw new Error(`${name}: dk [${dk.shape.join(',')}] is not K×${c} taps with K odd`);
  const sizes: [string, tf.TensorInfo, number][] = [
    ...Object.entries(full).map(([key, t]): [string, tf.TensorInfo, number] => [key, t, size]),
    ...Object.entries(perChannel).map(([key, t]): [string, tf.TensorInfo, number] => [key, t, c]),
    ['pk', pk, c * c],
  ];
  for (const [key, t, n] of [...sizes, ['dk', dk, k * c] as [string, tf.TensorInfo, number]]) {
    if (t.dtype !== 'float32') throw new Error(`${name}: ${key} must be float32, got ${t.dtype}`);
    if (tf.util.sizeFromShape(t.shape) !== n) throw new Error(`${name}: ${key} must have ${n} elements, got [${t.shape.join(',')}]`);
  }
  if (idx.dtype !== 'int32' || idx.shape.length !== 1 || idx.shape[0] !== len + k - 1) {
    throw new Error(`${name}: idx must be int32 of length ${len + k - 1}`);
  }
  if (outer * len * inner !== size || inner % c !== 0) {
    throw new Error(`${name}: [outer, len, inner] = [${outer}, ${len}, ${inner}] does not fit z [${z.shape.join(',')}]`);
  }
  return { c, k };
}

export const liftFilterKernel: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as unknown as WasmBackendLike;
  const { z, dk, db, pk, pb, idx } = inputs as Record<string, tf.TensorInfo>;
  const { outer, len, inner } = attrs as unknown as { outer: number; len: number; inner: number };
  const { c, k } = checkInputs(LIFT_FILTER, z, dk, pk, idx, { z }, { db, pb }, outer, len, inner);
  const run = entries(backend).forward;
  const hid = backend.makeOutput([tf.util.sizeFromShape(z.shape) / c, c], 'float32');
  const y = backend.makeOutput(z.shape, 'float32');
  const p = (t: tf.TensorInfo) => offset(backend, t);
  run(p(z), p(dk), p(db), p(pk), p(pb), p(idx), outer, len, inner, c, k, p(hid), p(y));
  return [hid, y];
};

export const liftFilterGradKernel: tf.KernelFunc = ({ inputs, backend: b, attrs }) => {
  const backend = b as unknown as WasmBackendLike;
  const { dy, y, hid, z, dk, pk, idx } = inputs as Record<string, tf.TensorInfo>;
  const { outer, len, inner } = attrs as unknown as { outer: number; len: number; inner: number };
  const { c, k } = checkInputs(LIFT_FILTER_GRAD, z, dk, pk, idx, { dy, y, hid, z }, {}, outer, len, inner);
  const run = entries(backend).backward;
  const dz = backend.makeOutput(z.shape, 'float32');
  const ddk = backend.makeOutput(dk.shape, 'float32');
  const ddb = backend.makeOutput([c], 'float32');
  const dpk = backend.makeOutput(pk.shape, 'float32');
  const dpb = backend.makeOutput([c], 'float32');
  const scratch = backend.makeOutput([4 * c + 2 * c * c + k * c + SCRATCH_ROWS * c], 'float32');
  const p = (t: tf.TensorInfo) => offset(backend, t);
  run(p(dy), p(y), p(hid), p(z), p(dk), p(pk), p(idx), outer, len, inner, c, k, p(dz), p(ddk), p(ddb), p(dpk), p(dpb), p(scratch));
  backend.disposeData(scratch.dataId);
  return [dz, ddk, ddb, dpk, dpb];
};
