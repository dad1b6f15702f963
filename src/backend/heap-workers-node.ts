/**
 * Node helper threads for the project's wasm module (see ./heap-workers.ts), Node-only
 * (worker_threads): each helper instantiates the compiled module on the backend's shared memory and
 * waits for work on one shared control block, so handing out a call is an `Atomics.notify`, not a
 * message through the event loop. A call is a list of chunks; the calling thread and the helpers
 * take chunks by compare-and-swap on a counter tagged with the call's sequence number (a helper
 * that wakes after the call is over finds another tag and takes nothing), so nobody waits for a
 * helper that has not started: the caller only waits for chunks already taken.
 *
 *   control[0]: call sequence number (the caller bumps it; -1 asks the helpers to stop)
 *   control[1]: next chunk, (seq & 0x7fff) << 16 | index        control[2]: chunks finished
 *   control[3]: entry index (HELPER_ENTRIES)  control[4]: chunk count  control[5]: arguments per chunk
 *   control[6]: 1 if a chunk threw            control[7]: bytes of the first helper error's message
 *   control[8…]: the arguments, chunk by chunk
 * The message itself (UTF-8) is in a second shared buffer, so a helper's error reaches the caller.
 *
 * The workers are unref'd and get no `execArgv` (like the backend's own pool workers, see
 * ./wasm-threads.ts), so they never keep a finished process alive and start without tsx.
 */
import { Worker } from 'node:worker_threads';
import { HELPER_ENTRIES, HelpersLostError, setHeapWorkers, type HeapWorkers } from './heap-workers.js';

const MAX_ARGS = 32;
const MAX_CHUNKS = 256;
const ARGS_AT = 8;
/** Chunks still running on helpers after this long are taken as lost. */
const JOB_TIMEOUT_MS = 120_000;
/** Bytes kept of a helper error's message. */
const MESSAGE_BYTES = 1024;

/**
 * Takes and runs chunks of the current call until none is left (shared by the caller and the
 * helpers); the first chunk that throws sets control[6] and passes its error to `fail`.
 */
const TAKE_CHUNKS = `(c, seq, run, fail) => {
  const tag = (seq & 0x7fff) << 16;
  const n = c[4];
  const nargs = c[5];
  for (;;) {
    const v = Atomics.load(c, 1);
    if ((v & 0x7fff0000) !== tag || (v & 0xffff) >= n) return;
    if (Atomics.compareExchange(c, 1, v, v + 1) !== v) continue;
    const at = ${ARGS_AT} + (v & 0xffff) * nargs;
    try {
      run(c[3], Array.from(c.subarray(at, at + nargs)));
    } catch (e) {
      try {
        if (Atomics.compareExchange(c, 6, 0, 1) === 0) fail(e);
      } catch {
        // the call fails all the same (control[6] is set); only its message is lost
      }
    }
    if (Atomics.add(c, 2, 1) + 1 === n) Atomics.notify(c, 2);
  }
}`;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const takeChunks = ${TAKE_CHUNKS};
parentPort.once('message', ({ module, memory, control, message, entries }) => {
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  const fns = entries.map((name) => exports[name]);
  const c = new Int32Array(control);
  const text = new Uint8Array(message);
  const fail = (e) => {
    const { written } = new TextEncoder().encodeInto(String(e instanceof Error ? e.message : e), text);
    Atomics.store(c, 7, written);
  };
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(c, 0, seen);
    seen = Atomics.load(c, 0);
    if (seen < 0) break;
    takeChunks(c, seen, (entry, args) => fns[entry](...args), fail);
  }
});
`;

const takeChunks = new Function(`return ${TAKE_CHUNKS}`)() as (c: Int32Array, seq: number, run: (entry: number, args: number[]) => void, fail: (e: unknown) => void) => void;

async function startHelper(module: object, memory: object, control: SharedArrayBuffer, message: SharedArrayBuffer): Promise<Worker> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.postMessage({ module, memory, control, message, entries: HELPER_ENTRIES });
  });
  worker.unref();
  return worker;
}

/**
 * Starts `count` helper threads running `module` (the compiled module built for shared memory) on
 * `memory` (the backend's shared `WebAssembly.Memory`) and registers them for it. They stop when
 * the process exits; a helper that dies, or chunks that do not finish, take the set out of service
 * (deregistered, terminated), so later calls run on the calling thread.
 */
export async function startHeapWorkers(module: object, memory: object, count: number): Promise<HeapWorkers> {
  const control = new SharedArrayBuffer(4 * (ARGS_AT + MAX_CHUNKS * MAX_ARGS));
  const c = new Int32Array(control);
  const message = new SharedArrayBuffer(MESSAGE_BYTES);
  const started = await Promise.allSettled(Array.from({ length: count }, () => startHelper(module, memory, control, message)));
  const helpers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  const stop = () => {
    Atomics.store(c, 0, -1);
    Atomics.notify(c, 0);
  };
  if (failed) {
    stop();
    for (const w of helpers) void w.terminate();
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  let broken = false;
  const retire = () => {
    if (broken) return;
    broken = true;
    setHeapWorkers(memory, null);
    stop();
    for (const w of helpers) void w.terminate();
  };
  for (const w of helpers) {
    w.on('error', retire);
    w.on('exit', retire);
  }
  process.once('exit', stop);
  let seq = 0;
  const workers: HeapWorkers = {
    count,
    run(entry, chunks, own) {
      if (broken) throw new Error('liftpool helper threads: out of service');
      const n = chunks.length;
      const nargs = chunks[0]?.length ?? 0;
      if (n > MAX_CHUNKS || chunks.some((a) => a.length !== nargs) || nargs > MAX_ARGS) {
        throw new Error(`liftpool helper threads: ${n} chunks of ${nargs} arguments (at most ${MAX_CHUNKS} of ${MAX_ARGS}, all alike)`);
      }
      seq = seq >= 0x7fffffff ? 1 : seq + 1;
      c[3] = HELPER_ENTRIES.indexOf(entry);
      c[4] = n;
      c[5] = nargs;
      c[6] = 0;
      c[7] = 0;
      chunks.forEach((a, i) => c.set(a, ARGS_AT + i * nargs));
      Atomics.store(c, 2, 0);
      Atomics.store(c, 1, (seq & 0x7fff) << 16);
      Atomics.store(c, 0, seq);
      Atomics.notify(c, 0);
      let ownError: unknown = null;
      takeChunks(c, seq, (_, args) => {
        try {
          own(args);
        } catch (e) {
          ownError ??= e;
          throw e;
        }
      }, () => {});
      for (let done = Atomics.load(c, 2); done < n; done = Atomics.load(c, 2)) {
        if (Atomics.wait(c, 2, done, JOB_TIMEOUT_MS) === 'timed-out') {
          retire();
          throw new HelpersLostError(`liftpool helper threads: chunks of ${entry} did not finish in ${JOB_TIMEOUT_MS / 1000} s; the helpers are stopped`);
        }
      }
      if (ownError != null) throw ownError;
      if (c[6] !== 0) {
        const why = new TextDecoder().decode(new Uint8Array(message).slice(0, Atomics.load(c, 7)));
        throw new Error(`liftpool helper threads: ${entry} failed on a helper: ${why || 'unknown error'}`);
      }
    },
  };
  setHeapWorkers(memory, workers);
  return workers;
}
