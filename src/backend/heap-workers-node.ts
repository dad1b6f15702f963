/**
 * Node helper threads for the project's wasm module (see ./heap-workers.ts), Node-only
 * (worker_threads): each helper instantiates the compiled module on the backend's shared memory and
 * waits for jobs on a small shared control block, so handing it a job is an `Atomics.notify`, not
 * a message through the event loop:
 *
 *   control[0]: job sequence number (the caller bumps it; -1 asks the helper to stop)
 *   control[1]: the sequence number of the last finished job (the helper writes it)
 *   control[2]: entry index (HELPER_ENTRIES), control[3]: argument count, control[4]: 1 if the job threw
 *   control[5…]: the int32 arguments
 *
 * The workers are unref'd and get no `execArgv` (like the backend's own pool workers, see
 * ./wasm-threads.ts), so they never keep a finished process alive and start without tsx.
 */
import { Worker } from 'node:worker_threads';
import { HELPER_ENTRIES, setHeapWorkers, type HeapWorkers } from './heap-workers.js';

const MAX_ARGS = 32;
const ARGS_AT = 5;
/** A helper that has not finished a job after this long is taken as lost. */
const JOB_TIMEOUT_MS = 120_000;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ module, memory, control, entries }) => {
  const { exports } = new WebAssembly.Instance(module, { env: { memory } });
  const fns = entries.map((name) => exports[name]);
  const c = new Int32Array(control);
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(c, 0, seen);
    seen = Atomics.load(c, 0);
    if (seen < 0) break;
    const args = [];
    for (let i = 0; i < c[3]; i++) args.push(c[${ARGS_AT} + i]);
    try {
      fns[c[2]](...args);
      c[4] = 0;
    } catch {
      c[4] = 1;
    }
    Atomics.store(c, 1, seen);
    Atomics.notify(c, 1);
  }
});
`;

interface Helper {
  worker: Worker;
  control: Int32Array;
  seq: number;
}

async function startHelper(module: object, memory: object): Promise<Helper> {
  const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
  const control = new Int32Array(new SharedArrayBuffer(4 * (ARGS_AT + MAX_ARGS)));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.postMessage({ module, memory, control: control.buffer, entries: HELPER_ENTRIES });
  });
  worker.unref();
  return { worker, control, seq: 0 };
}

/**
 * Starts `count` helper threads running `module` (the compiled module built for shared memory) on
 * `memory` (the backend's shared `WebAssembly.Memory`) and registers them for it. They stop when
 * the process exits; a helper that dies or does not finish its part takes the whole set out of
 * service (deregistered, terminated), so later calls run on the calling thread.
 */
export async function startHeapWorkers(module: object, memory: object, count: number): Promise<HeapWorkers> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startHelper(module, memory)));
  const helpers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    for (const h of helpers) void h.worker.terminate();
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  let broken = false;
  const retire = () => {
    if (broken) return;
    broken = true;
    setHeapWorkers(memory, null);
    for (const h of helpers) void h.worker.terminate();
  };
  for (const h of helpers) {
    h.worker.on('error', retire);
    h.worker.on('exit', retire);
  }
  process.once('exit', () => {
    for (const h of helpers) {
      Atomics.store(h.control, 0, -1);
      Atomics.notify(h.control, 0);
    }
  });
  const workers: HeapWorkers = {
    count,
    run(jobs, own) {
      if (broken) throw new Error('liftpool helper threads: out of service');
      if (jobs.length > helpers.length) throw new Error(`liftpool helper threads: ${jobs.length} jobs for ${helpers.length} helpers`);
      jobs.forEach(({ entry, args }, i) => {
        if (args.length > MAX_ARGS) throw new Error(`liftpool helper threads: ${args.length} arguments, at most ${MAX_ARGS}`);
        const h = helpers[i];
        const c = h.control;
        c[2] = HELPER_ENTRIES.indexOf(entry);
        c[3] = args.length;
        c.set(args, ARGS_AT);
        h.seq = h.seq >= 0x7fffffff ? 1 : h.seq + 1;
        Atomics.store(c, 0, h.seq);
        Atomics.notify(c, 0);
      });
      let ownError: unknown = null;
      try {
        own();
      } catch (e) {
        ownError = e;
      }
      let lost = false;
      jobs.forEach((_, i) => {
        const h = helpers[i];
        const c = h.control;
        for (let done = Atomics.load(c, 1); done !== h.seq && !lost; done = Atomics.load(c, 1)) {
          if (Atomics.wait(c, 1, done, JOB_TIMEOUT_MS) === 'timed-out') lost = true;
        }
        if (!lost && c[4] !== 0 && ownError == null) ownError = new Error(`liftpool helper threads: ${jobs[i].entry} failed on a helper`);
      });
      if (lost) {
        retire();
        throw new Error(`liftpool helper threads: a helper did not finish its part in ${JOB_TIMEOUT_MS / 1000} s; the helpers are stopped`);
      }
      if (ownError != null) throw ownError;
    },
  };
  setHeapWorkers(memory, workers);
  return workers;
}
