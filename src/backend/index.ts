/**
 * Backend choice, in browsers and in Node.
 *
 * - `webgpu` (browsers): `@tensorflow/tfjs-backend-webgpu`, imported when asked for or tried.
 * - `webgl` (browsers): part of `@tensorflow/tfjs`.
 * - `tensorflow` (Node): `@tensorflow/tfjs-node` (native libtensorflow), used when it can be
 *   imported. It is an optional peer dependency.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD) plus the training kernels it lacks
 *   (./wasm-kernels.ts), in browsers and in Node. The default in Node.
 * - `cpu`: the pure-JS backend; ~100x slower for convolutions.
 *
 * Importing this module only registers the extra wasm kernels (in the global kernel registry,
 * keyed by backend name). Backends themselves are imported lazily by `useBestBackend`. Nothing here
 * needs Node: wasm threads in Node (./wasm-threads.ts, Node-only) are imported only when running in
 * Node, through a specifier bundlers do not follow, so browser bundles never contain them.
 */
import * as tf from '@tensorflow/tfjs';

import {
  isOurWasmKernel, liftFilterKernelsUsable, liftFilterKernelsWanted, registerWasmTrainingKernels, unregisterLiftFilterKernels, WASM_TRAINING_KERNELS,
} from './wasm-kernels.js';
import { wasmThreadsState } from './threads-state.js';
import { LIFT_FILTER } from './kernel-names.js';
import { setLiftFilterKernelGate } from './lift-filter-dispatch.js';

export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels.js';

export type BackendPreference = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu' | 'tensorflow';

const PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu', 'tensorflow'];

export interface BackendInfo {
  /** Active TF.js backend name (`tf.getBackend()`), or null before any is set. */
  name: string | null;
  /** Worker threads used by the wasm backend (1 = single-threaded); null if not wasm / unknown. */
  threads: number | null;
  /** Whether the wasm binary in use is the SIMD one; null if not wasm / unknown. */
  simd: boolean | null;
  /** Which wasm binary was loaded, when known. */
  wasmBinary: 'wasm' | 'wasm-simd' | 'wasm-threaded-simd' | null;
  /** Training kernels added to / replaced in the wasm backend by this package. */
  extraWasmKernels: string[];
  tfjsVersion: string;
  /** `@tensorflow/tfjs-node` version when the `tensorflow` backend is active. */
  tfjsNodeVersion: string | null;
}

/** The wasm binaries of `@tensorflow/tfjs-backend-wasm`, as named by its `setWasmPaths`. */
export type WasmBinaryFile = 'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

export interface BackendOptions {
  /**
   * Threads for the wasm backend. In Node: default `LIFTPOOL_WASM_THREADS` when set, else the free
   * cores, `os.availableParallelism()` less the load average (see ./wasm-threads.ts); values > 1
   * load the threaded-SIMD binary through worker_threads. In browsers the threaded build is used by
   * TF.js itself on cross-origin-isolated pages (COOP/COEP headers); this sets its pool size
   * (default: TF.js's, half the logical cores).
   */
  threads?: number;
  /**
   * Where the browser fetches the wasm backend's `.wasm` files (`setWasmPaths` of
   * `@tensorflow/tfjs-backend-wasm`): a URL prefix ending in `/` under which the three files of
   * `node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm` are served, or a map from each file
   * name to its URL. Without it they are fetched relative to the page. Ignored in Node.
   */
  wasmPaths?: string | Partial<Record<WasmBinaryFile, string>>;
}

/** @deprecated Use {@link BackendOptions}. */
export type WasmOptions = BackendOptions;

interface WasmModuleLike {
  getThreadsCount(): number;
  setThreadsCount(n: number): void;
  setWasmPaths(prefixOrFileMap: string | Partial<Record<WasmBinaryFile, string>>, usePlatformFetch?: boolean): void;
}

let wasmModule: WasmModuleLike | null = null;
let tfjsNodeVersion: string | null = null;

registerWasmTrainingKernels();
// The LiftPool filter's wasm kernels run only on an unshared, reachable memory (not the threaded
// build); elsewhere the filter runs on the backend's standard kernels.
setLiftFilterKernelGate('wasm', liftFilterKernelsUsable);

/**
 * The Node-only thread setup (./wasm-threads.ts: node:fs, node:os, worker_threads). The specifier is
 * computed so that bundlers leave it alone; it is only imported when running in Node.
 */
async function nodeWasmThreads(): Promise<typeof import('./wasm-threads.js')> {
  const specifier = ['.', 'wasm-threads.js'].join('/');
  return (await import(/* @vite-ignore */ specifier)) as typeof import('./wasm-threads.js');
}

function isNode(): boolean {
  return typeof process !== 'undefined' && process.versions?.node != null;
}

/** Tries to import `@tensorflow/tfjs-node` (Node only); true when it registered the `tensorflow` backend. */
async function tryTfjsNode(): Promise<boolean> {
  if (!isNode()) return false;
  try {
    const name = '@tensorflow/tfjs-node';
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const mod = (await import(/* @vite-ignore */ name)) as { version?: { 'tfjs-node'?: string } };
    tfjsNodeVersion = mod.version?.['tfjs-node'] ?? null;
    return tf.findBackendFactory('tensorflow') != null;
  } catch {
    return false;
  }
}

async function setupWasm(opts: BackendOptions): Promise<void> {
  const mod = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModuleLike;
  wasmModule = mod;
  registerWasmTrainingKernels();
  const initialised = tf.engine().registry['wasm'] != null;
  if (opts.wasmPaths != null && !isNode() && !initialised) mod.setWasmPaths(opts.wasmPaths);
  if (initialised) return; // Threads are fixed when the backend first initialises.
  if (isNode()) {
    const { enableWasmThreads, wasmThreadCount } = await nodeWasmThreads();
    const threads = wasmThreadCount(opts.threads);
    if (threads > 1) await enableWasmThreads(mod, threads);
  } else if (opts.threads != null) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new Error(`wasm threads: expected a positive integer, got threads: ${opts.threads}`);
    mod.setThreadsCount(opts.threads);
  }
}

/** Imports the WebGPU backend where the browser has WebGPU; false where it has none. */
async function setupWebgpu(): Promise<boolean> {
  if ((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu == null) return false;
  await import('@tensorflow/tfjs-backend-webgpu');
  return tf.findBackendFactory('webgpu') != null;
}

/** Sets `name` if it initialises; false (no throw) where it is unavailable. */
async function trySet(name: string): Promise<boolean> {
  if (tf.findBackendFactory(name) == null) return false;
  if (!(await tf.setBackend(name))) return false;
  await tf.ready();
  return tf.getBackend() === name;
}

async function required(name: string, ok: boolean, why: string): Promise<string> {
  if (!ok || !(await trySet(name))) throw new Error(`Backend '${name}' requested but ${why}`);
  return name;
}

/**
 * Selects and initialises a backend; returns the name of the active one.
 *
 * `auto`: in browsers the first that initialises of `webgpu`, `webgl`, `wasm`, `cpu`; in Node
 * `tensorflow` when `@tensorflow/tfjs-node` is importable, else `wasm`, else `cpu`. A named
 * backend that cannot be initialised is an error. On wasm the project's training kernels are
 * registered (in browsers too).
 */
export async function useBestBackend(preference: BackendPreference = 'auto', opts: BackendOptions = {}): Promise<string> {
  if (!PREFERENCES.includes(preference)) {
    throw new Error(`Unknown backend preference '${String(preference)}' (expected ${PREFERENCES.join('|')})`);
  }
  switch (preference) {
    case 'tensorflow':
      return required('tensorflow', await tryTfjsNode(),
        "@tensorflow/tfjs-node is not installed or failed to load (install it with `npm install @tensorflow/tfjs-node@4.22.0`, or use 'wasm').");
    case 'webgpu':
      return required('webgpu', await setupWebgpu(), 'this browser has no WebGPU adapter (navigator.gpu) or its device failed to initialise.');
    case 'webgl':
      return required('webgl', true, 'WebGL is unavailable here (browsers only; no WebGL context could be created).');
    case 'wasm':
      await setupWasm(opts);
      await required('wasm', true, 'the wasm backend failed to initialise (are its .wasm files served? see the wasmPaths option).');
      checkLiftFilterKernels();
      return 'wasm';
    case 'cpu':
      return required('cpu', true, 'it failed to initialise.');
    case 'auto': {
      if (isNode()) {
        if ((await tryTfjsNode()) && (await trySet('tensorflow'))) return 'tensorflow';
      } else {
        if ((await setupWebgpu().catch(() => false)) && (await trySet('webgpu'))) return 'webgpu';
        if (await trySet('webgl')) return 'webgl';
      }
      try {
        await setupWasm(opts);
        if (await trySet('wasm')) {
          checkLiftFilterKernels();
          return 'wasm';
        }
      } catch (e) {
        console.warn(`liftpool: the wasm backend is unavailable (${(e as Error).message}); using cpu`);
      }
      return required('cpu', true, 'it failed to initialise.');
    }
  }
}

/**
 * The LiftPool filter's wasm kernels run on the backend's own memory. They are unregistered where
 * they are not wanted (wasm threads in Node, `LIFTPOOL_WASM_FILTER_KERNELS=0`: they were registered
 * at import, before either was known) or cannot run (a memory that is shared or not reachable, a
 * runtime that refuses the module); the filter then uses the backend's kernels.
 */
function checkLiftFilterKernels(): void {
  if (tf.getKernel(LIFT_FILTER, 'wasm') == null) return;
  const wanted = liftFilterKernelsWanted();
  if (wanted && liftFilterKernelsUsable(tf.backend())) return;
  unregisterLiftFilterKernels();
  if (wanted) {
    console.warn('liftpool: the LiftPool filter wasm kernels cannot run on this wasm backend; using the slower backend kernels');
  }
}

/** What is known about the active backend, for result files. */
export function backendInfo(): BackendInfo {
  let name: string | null = null;
  try {
    name = tf.engine().backendName ?? null;
  } catch {
    name = null;
  }
  let threads: number | null = null;
  let simd: boolean | null = null;
  let wasmBinary: BackendInfo['wasmBinary'] = null;
  if (name === 'wasm') {
    try {
      threads = wasmModule?.getThreadsCount() ?? null;
    } catch {
      threads = null;
    }
    const flags = tf.env().getFlags();
    simd = typeof flags['WASM_HAS_SIMD_SUPPORT'] === 'boolean' ? (flags['WASM_HAS_SIMD_SUPPORT'] as boolean) : null;
    const mt = wasmThreadsState().enabled || (!isNode() && flags['WASM_HAS_MULTITHREAD_SUPPORT'] === true);
    wasmBinary = simd == null ? null : simd && mt ? 'wasm-threaded-simd' : simd ? 'wasm-simd' : 'wasm';
  }
  return {
    name,
    threads,
    simd,
    wasmBinary,
    extraWasmKernels: WASM_TRAINING_KERNELS.filter((k) => isOurWasmKernel(k)),
    tfjsVersion: tf.version.tfjs,
    tfjsNodeVersion: name === 'tensorflow' ? tfjsNodeVersion : null,
  };
}
