/**
 * Multithreaded (threaded-SIMD) wasm binary in Node.
 *
 * TF.js disables it in Node (`WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to
 * false there, tfjs issue #3830): its loader hands Emscripten a `blob:` URL for
 * the pthread worker script, which `worker_threads.Worker` refuses. Here the
 * worker script is written to a temporary file and `URL.createObjectURL` is
 * redirected to it while the backend initialises.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setWasmThreadsState } from './threads-state.js';

export { wasmThreadsState } from './threads-state.js';

interface WasmModuleLike {
  setThreadsCount(n: number): void;
}

export async function enableWasmThreads(mod: WasmModuleLike, threads: number): Promise<void> {
  const require = createRequire(import.meta.url);
  const mainJs = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  ) as { wasmWorkerContents: string };
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-wasm-'));
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
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  mod.setThreadsCount(threads);
  setWasmThreadsState(threads, false);
  try {
    await tf.setBackend('wasm');
    await tf.ready();
    setWasmThreadsState(threads, true);
  } finally {
    URL.createObjectURL = original;
    os.cpus = cpus;
  }
}
