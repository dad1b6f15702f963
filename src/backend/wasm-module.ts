/**
 * Loader of the project's own wasm module (native/*.c, built by
 * scripts/build-wasm.sh into ./wasm-module.generated.ts): instantiates it on the TF.js wasm
 * backend's own `WebAssembly.Memory`, once per memory, so its entry points read and write tensors
 * in place through their heap offsets, with no copy in or out of the heap. The threaded build's
 * memory is shared: there the module built for a shared memory is used (a memory import must
 * match the memory's shared flag). Its entry points run on the calling thread, while the backend's
 * worker threads are idle (the backend's kernels return only when their threads are done), and,
 * for the LiftPool kernels' larger calls, also on helper threads where the environment started
 * them (./heap-workers.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { HELPER_ENTRIES, type HelperEntry } from './heap-workers.js';
import { WASM_MODULE_BASE64, WASM_MODULE_SHARED_BASE64 } from './wasm-module.generated.js';

/** The part of the WebAssembly JS API used here (the project's `lib` has no DOM typings). */
interface WasmMemoryLike {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Memory: abstract new (...args: never[]) => WasmMemoryLike;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
};

/** The parts of the wasm backend used by the module's kernels (structural: the wasm package stays optional). */
export interface WasmBackendLike {
  /** The Emscripten module: its memory is exported as `asm.memory` (single-threaded build) or created in JS as `wasmMemory` (threaded). */
  wasm: { asm?: { memory?: unknown }; wasmMemory?: unknown; HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
}

type EntryFn = (...args: number[]) => void;

/** `copy(dst, src, rows, runBytes, srcStrideBytes, dstStrideBytes)` on the backend's heap (byte offsets). */
export type CopyRuns = (dst: number, src: number, rows: number, run: number, srcStride: number, dstStride: number) => void;

/** The module's entry points (native/*.c). */
export interface WasmModuleEntries {
  liftFilterForward: EntryFn;
  liftFilterBackward: EntryFn;
  liftStepForward: EntryFn;
  liftStepBackward: EntryFn;
  liftOddResidual: EntryFn;
  copyRuns: CopyRuns;
  /** The entry points helper threads can run (./heap-workers.ts), by export name. */
  byExport: Record<HelperEntry, EntryFn>;
}

const instances = new WeakMap<WasmMemoryLike, WasmModuleEntries>();
const compiled = new Map<boolean, object>();

function compile(shared: boolean): object {
  let m = compiled.get(shared);
  if (m == null) {
    const base64 = shared ? WASM_MODULE_SHARED_BASE64 : WASM_MODULE_BASE64;
    m = new WebAssembly.Module(Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0)));
    compiled.set(shared, m);
  }
  return m;
}

/** Whether a memory is shared (the threaded build's). */
const isShared = (memory: WasmMemoryLike): boolean => typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

/** The backend's `WebAssembly.Memory`; throws where it is not reachable. */
export function wasmMemory(backend: WasmBackendLike): WasmMemoryLike {
  const memory = backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error("liftpool wasm module: the wasm backend's memory is not accessible (unexpected tfjs-backend-wasm build)");
  }
  return memory;
}

/**
 * The compiled module for this backend's memory when that memory is shared (the threaded build),
 * with the memory: what helper threads (./heap-workers-node.ts) instantiate; null otherwise.
 */
export function sharedModuleAndMemory(backend: WasmBackendLike): { module: object; memory: WasmMemoryLike } | null {
  const memory = wasmMemory(backend);
  return isShared(memory) ? { module: compile(true), memory } : null;
}

/** The module's entry points on this backend's memory; throws where the module cannot run there. */
export function wasmModule(backend: WasmBackendLike): WasmModuleEntries {
  const memory = wasmMemory(backend);
  let f = instances.get(memory);
  if (f == null) {
    const { exports } = new WebAssembly.Instance(compile(isShared(memory)), { env: { memory } });
    f = {
      liftFilterForward: exports.lift_filter_forward as EntryFn,
      liftFilterBackward: exports.lift_filter_backward as EntryFn,
      liftStepForward: exports.lift_step_forward as EntryFn,
      liftStepBackward: exports.lift_step_backward as EntryFn,
      liftOddResidual: exports.lift_odd_residual as EntryFn,
      copyRuns: exports.copy_runs as CopyRuns,
      byExport: Object.fromEntries(HELPER_ENTRIES.map((name) => [name, exports[name] as EntryFn])) as Record<HelperEntry, EntryFn>,
    };
    instances.set(memory, f);
  }
  return f;
}

/**
 * Whether the module can run on this wasm backend instance: its memory is reachable and the
 * module compiles and instantiates on it (done here, once, as a side effect).
 */
export function wasmModuleUsable(backend: unknown): boolean {
  try {
    wasmModule(backend as WasmBackendLike);
    return true;
  } catch {
    return false;
  }
}

const copiers = new WeakMap<object, CopyRuns | null>();

/**
 * The module's strided copy on this wasm backend's heap, or null where the module cannot run there;
 * decided once per backend instance.
 */
export function wasmCopyRuns(backend: object): CopyRuns | null {
  let c = copiers.get(backend);
  if (c === undefined) {
    c = wasmModuleUsable(backend) ? wasmModule(backend as WasmBackendLike).copyRuns : null;
    copiers.set(backend, c);
  }
  return c;
}

/** Byte offset of a tensor's data on the wasm heap. */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (entry == null) throw new Error('liftpool wasm kernel: tensor data not found on the wasm backend');
  return entry.memoryOffset;
}
