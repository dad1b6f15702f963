/**
 * Backend selection for training.
 *
 * - `tensorflow`: `@tensorflow/tfjs-node` (native libtensorflow), used when it
 *   can be imported. It is an optional peer dependency.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD) plus the training
 *   kernels it lacks (see ./wasm-kernels.ts). The default here.
 * - `cpu`: the pure-JS backend; ~100x slower for convolutions.
 *
 * Importing this module only registers the extra wasm kernels (in the global
 * kernel registry, keyed by backend name). Backends themselves are imported
 * lazily by `useBestBackend`.
 */
import * as tf from '@tensorflow/tfjs';

import {
  isOurWasmKernel, liftFilterKernelsUsable, liftFilterKernelsWanted, registerWasmTrainingKernels, unregisterLiftFilterKernels, WASM_TRAINING_KERNELS,
} from './wasm-kernels.js';
import { enableWasmThreads, wasmThreadCount, wasmThreadsState } from './wasm-threads.js';
import { LIFT_FILTER } from './kernel-names.js';

export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels.js';

export type BackendPreference = 'auto' | 'wasm' | 'cpu' | 'tensorflow';

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

interface WasmModuleLike {
  getThreadsCount(): number;
  setThreadsCount(n: number): void;
}

let wasmModule: WasmModuleLike | null = null;
let tfjsNodeVersion: string | null = null;

registerWasmTrainingKernels();

/** Tries to import `@tensorflow/tfjs-node`; returns true when it registered the `tensorflow` backend. */
async function tryTfjsNode(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    // A variable specifier keeps TypeScript from requiring the optional package.
    const mod = (await import(name)) as { version?: { 'tfjs-node'?: string } };
    tfjsNodeVersion = mod.version?.['tfjs-node'] ?? null;
    return tf.findBackendFactory('tensorflow') != null;
  } catch {
    return false;
  }
}

export interface WasmOptions {
  /**
   * Number of threads for the wasm backend. Default: `LIFTPOOL_WASM_THREADS` when set, else the
   * free cores, `os.availableParallelism()` less the load average (see wasm-threads.ts). Values > 1
   * load the threaded-SIMD binary through worker_threads.
   */
  threads?: number;
}

async function setupWasm(opts: WasmOptions): Promise<void> {
  const mod = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModuleLike;
  wasmModule = mod;
  registerWasmTrainingKernels();
  const threads = wasmThreadCount(opts.threads);
  if (threads > 1 && tf.engine().registry['wasm'] == null) {
    // Must happen before the backend is first initialised.
    await enableWasmThreads(mod, threads);
  }
}

/**
 * Selects and initialises the best available backend.
 *
 * `auto`: `tensorflow` when `@tensorflow/tfjs-node` is importable, else `wasm`
 * (with the training kernels registered), else `cpu`.
 * Returns the name of the active backend.
 */
export async function useBestBackend(
  preference: BackendPreference = 'auto',
  opts: WasmOptions = {},
): Promise<string> {
  switch (preference) {
    case 'tensorflow': {
      if (!(await tryTfjsNode())) {
        throw new Error(
          "Backend 'tensorflow' requested but @tensorflow/tfjs-node is not installed or failed to load " +
            "(install it with `npm install @tensorflow/tfjs-node@4.22.0`, or use 'wasm').",
        );
      }
      await setAndCheck('tensorflow');
      return 'tensorflow';
    }
    case 'wasm':
      await setupWasm(opts);
      await setAndCheck('wasm');
      checkLiftFilterKernels();
      return 'wasm';
    case 'cpu':
      await setAndCheck('cpu');
      return 'cpu';
    case 'auto': {
      if ((await tryTfjsNode()) && (await tf.setBackend('tensorflow'))) {
        await tf.ready();
        return 'tensorflow';
      }
      await setupWasm(opts);
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        checkLiftFilterKernels();
        return 'wasm';
      }
      await setAndCheck('cpu');
      return 'cpu';
    }
    default:
      throw new Error(`Unknown backend preference '${String(preference)}' (expected auto|wasm|cpu|tensorflow)`);
  }
}

/**
 * The LiftPool filter's wasm kernels run on the backend's own memory. They are unregistered where
 * they are not wanted (wasm threads, `LIFTPOOL_WASM_FILTER_KERNELS=0`: they were registered at
 * import, before either was known) or cannot run (a memory that is shared or not reachable, a
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

async function setAndCheck(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) {
    throw new Error(`Failed to initialise TF.js backend '${name}'`);
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
    const mt = wasmThreadsState().enabled;
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
