/**
 * Multithreaded (threaded-SIMD) wasm binary in Node.
 *
 * TF.js disables it in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false there, tfjs
 * issue #3830): its loader hands Emscripten a `blob:` URL for the pthread worker script, which
 * `worker_threads.Worker` refuses. Here the worker script is written to a temporary file and
 * `URL.createObjectURL` is redirected to it while the backend initialises.
 *
 * Emscripten `ref()`s a pthread's worker while the thread runs and `unref()`s it only when the
 * thread ends; XNNPACK's pool threads never end, so their workers kept Node's event loop alive and a
 * finished `liftpool train` (or a bench child process) never exited. The workers' `ref` is made a
 * no-op here: the backend's kernels are synchronous (a kernel returns when its threads are done),
 * so nothing the process waits for runs on a pool thread.
 *
 * A `worker_threads.Worker` inherits the parent's `execArgv` unless told otherwise, so under
 * `node --import tsx` each of the eight pool workers loaded tsx, and under `node --input-type=module
 * -e ...` they failed to start. The workers run a plain CommonJS script: they get no `execArgv`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setWasmThreadsState } from './threads-state.js';
import { heapWorkers } from './heap-workers.js';
import { startHeapWorkers } from './heap-workers-node.js';
import { sharedModuleAndMemory, wasmModuleUsable, type WasmBackendLike } from './wasm-module.js';

export { wasmThreadsState } from './threads-state.js';

interface WasmModuleLike {
  setThreadsCount(n: number): void;
}

/** Environment variable that turns the LiftPool kernels' helper threads off (`0`) on the threaded build. */
export const HELPERS_ENV = 'LIFTPOOL_WASM_HELPERS';

/** Environment variable that forces the wasm thread count (1 = the single-threaded binary). */
export const THREADS_ENV = 'LIFTPOOL_WASM_THREADS';

/**
 * The cores free for this process: `os.availableParallelism()` less the 1-minute load average
 * (rounded), at least 1. On a machine whose cores are busy with other jobs, pool threads only wait
 * for a core and slow the step down (bench/wasm-threads.ts: 0.75× with 2 threads on 2 cores at load 7).
 */
export function freeCores(cores = availableParallelism(), load = loadavg()[0]): number {
  return Math.max(1, Math.min(cores, cores - Math.round(load)));
}

/**
 * The wasm thread count to use: `requested` when given, else `LIFTPOOL_WASM_THREADS` when set, else
 * the free cores ({@link freeCores}). Throws one clear line for a value that is not a positive integer.
 */
export function wasmThreadCount(requested?: number, env: Record<string, string | undefined> = process.env, free: () => number = freeCores): number {
  const raw = env[THREADS_ENV];
  const from = requested != null ? `threads: ${requested}` : `${THREADS_ENV}=${raw}`;
  const n = requested ?? (raw != null && raw.trim() !== '' ? Number(raw) : free());
  if (!Number.isInteger(n) || n < 1) throw new Error(`wasm threads: expected a positive integer, got ${from}`);
  return n;
}

/** The Emscripten pthread bookkeeping of the threaded build (`Module.PThread`). */
interface PThreadLike {
  unusedWorkers: WorkerLike[];
  runningWorkers: WorkerLike[];
  allocateUnusedWorker(): void;
}
interface WorkerLike {
  ref(): void;
  unref(): void;
}

/** Workers that never hold the event loop: `ref` becomes a no-op, every existing and future worker is unref'd. */
function releaseWorkers(pthread: PThreadLike | undefined): void {
  if (pthread == null || typeof pthread.allocateUnusedWorker !== 'function') return;
  const release = (w: WorkerLike) => {
    w.ref = () => {};
    w.unref();
  };
  for (const w of [...pthread.unusedWorkers, ...pthread.runningWorkers]) release(w);
  const allocate = pthread.allocateUnusedWorker.bind(pthread);
  pthread.allocateUnusedWorker = () => {
    allocate();
    release(pthread.unusedWorkers[pthread.unusedWorkers.length - 1]);
  };
}

/**
 * Helper threads for the project's LiftPool kernels (./heap-workers.ts): `count` of them on the
 * threaded backend's shared memory, so those kernels use the cores the backend's pool threads use
 * for its own kernels. Skipped where the project's module cannot run on this backend, and with
 * LIFTPOOL_WASM_HELPERS=0.
 */
async function startLiftHelpers(count: number): Promise<void> {
  const backend = tf.backend() as unknown as WasmBackendLike;
  if (count < 1 || process.env[HELPERS_ENV] === '0' || !wasmModuleUsable(backend)) return;
  const shared = sharedModuleAndMemory(backend);
  if (shared == null || heapWorkers(shared.memory) != null) return;
  try {
    await startHeapWorkers(shared.module, shared.memory, count);
  } catch (err) {
    // The kernels still run, on the calling thread only.
    console.warn(`liftpool: helper threads for the LiftPool kernels did not start (${err instanceof Error ? err.message : String(err)}); they run on one thread`);
  }
}

export async function enableWasmThreads(mod: WasmModuleLike, threads: number): Promise<void> {
  const require = createRequire(import.meta.url);
  const mainJs = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  ) as { wasmWorkerContents: string };
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-wasm-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const workerPath = join(dir, 'tfjs-wasm-worker.cjs');
  // Inside the worker, the main script arrives as a Blob: point it at the file instead.
  const prelude =
    `URL.createObjectURL = () => ${JSON.stringify(mainJs)};\n` + 'URL.revokeObjectURL = () => {};\n';
  // Same escaping as tfjs' own loader: the template literal has real newlines inside string literals.
  writeFileSync(workerPath, prelude + wasmWorkerContents.replace(/\n/g, '\\n'));
  const original = URL.createObjectURL;
  URL.createObjectURL = () => workerPath;
  // The C++ side caps the pool at emscripten_num_logical_cores() / 2, which in
  // Node is os.cpus().length / 2 (= 1 on a 2-core machine): report enough CPUs
  // while the module initialises.
  const os = require('node:os') as { cpus: () => unknown[] };
  const cpus = os.cpus;
  os.cpus = () => {
    const c = cpus();
    return Array.from({ length: Math.max(c.length, 2 * threads) }, (_, i) => c[i % c.length]);
  };
  // Emscripten takes `require('worker_threads').Worker` while the backend initialises.
  const workerThreads = require('node:worker_threads') as { Worker: new (file: string, opts?: object) => object };
  const NodeWorker = workerThreads.Worker;
  workerThreads.Worker = class extends NodeWorker {
    constructor(file: string, opts?: object) {
      super(file, { execArgv: [], ...opts });
    }
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  mod.setThreadsCount(threads);
  setWasmThreadsState(threads, false);
  try {
    await tf.setBackend('wasm');
    await tf.ready();
    setWasmThreadsState(threads, true);
    releaseWorkers((tf.backend() as unknown as { wasm?: { PThread?: PThreadLike } }).wasm?.PThread);
    await startLiftHelpers(threads - 1);
  } finally {
    URL.createObjectURL = original;
    os.cpus = cpus;
    workerThreads.Worker = NodeWorker;
  }
}
