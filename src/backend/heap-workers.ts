/**
 * Helper threads for the project's wasm module on the threaded build: the LiftPool kernels split
 * their rows ([outer, len, inner], split along `outer`) between the calling thread and helper
 * threads that run the same module on the same shared `WebAssembly.Memory`. The backend's own pool
 * threads only run its kernels (XNNPACK), so without helpers a LiftPool kernel runs on one core.
 *
 * This module is browser-safe: it holds the helpers registered for a memory and splits the work.
 * The helpers themselves come from the environment: in Node, ./heap-workers-node.ts starts them
 * (worker_threads) when ./wasm-threads.ts brings the threaded build up. A browser page gets none
 * (its main thread may not block on `Atomics.wait`), so there the kernels run on the calling thread.
 *
 * Results equal the one-thread run bit for bit, whatever the thread count: each part writes its own
 * rows, and a backward call sums its weight gradients in a second phase, the one call's 256-position
 * block sums split between the threads and then added in the one call's order (kernels/row-split.ts).
 */

/** The module's entry points the helpers can run (their export names in native/*.c). */
export const HELPER_ENTRIES = [
  'lift_filter_forward', 'lift_filter_backward', 'lift_filter_backward_rows',
  'lift_step_forward', 'lift_step_backward', 'lift_step_backward_rows', 'lift_backward_partials', 'lift_backward_fold',
] as const;
export type HelperEntry = (typeof HELPER_ENTRIES)[number];

/** Helper threads on one shared memory. */
export interface HeapWorkers {
  /** Number of helper threads (the calling thread comes on top). */
  readonly count: number;
  /**
   * Runs `entry` once per chunk (`chunks[i]`: its int32 arguments, heap byte offsets and sizes):
   * the calling thread (through `own`) and the helpers take chunks in turn until none is left, so
   * a helper that starts late only takes fewer; returns when all are done, and throws when one failed.
   */
  run(entry: HelperEntry, chunks: number[][], own: (args: number[]) => void): void;
}

const registry = new WeakMap<object, HeapWorkers>();
const stats = { splitCalls: 0 };

/** Registers (or, with null, removes) the helpers that run on `memory`. */
export function setHeapWorkers(memory: object, workers: HeapWorkers | null): void {
  if (workers == null) registry.delete(memory);
  else registry.set(memory, workers);
}

/** The helpers registered for `memory`, if any. */
export function heapWorkers(memory: object): HeapWorkers | null {
  return registry.get(memory) ?? null;
}

/**
 * The error of a split call whose helper chunks did not finish: a helper may still be writing into
 * the call's buffers, so they must not be freed (or reused) after it.
 */
export class HelpersLostError extends Error {}

/** How many kernel calls this process split between threads (for tests and benchmarks). */
export function heapWorkerStats(): { splitCalls: number } {
  return { ...stats };
}

/**
 * Below this many band elements a kernel runs on the calling thread alone: waking a helper costs
 * tens of microseconds, more than it saves on small tensors.
 */
export const MIN_SPLIT_ELEMENTS = 4096;

/** A range of rows along `outer`. */
export interface RowPart {
  o0: number;
  o1: number;
}

/** Chunks per thread of a split call (more than one, so that threads that start late or run slower share the work evenly). */
export const CHUNKS_PER_THREAD = 4;

/**
 * The parts to split `outer` rows of `elements` band elements into with `helpers` helper threads:
 * one part (all rows) when the work is small or there are no helpers, else up to
 * CHUNKS_PER_THREAD · (helpers + 1) contiguous near-equal ranges.
 */
export function rowParts(outer: number, elements: number, helpers: number): RowPart[] {
  const n = elements < MIN_SPLIT_ELEMENTS || helpers < 1 ? 1 : Math.max(1, Math.min(CHUNKS_PER_THREAD * (helpers + 1), outer));
  const parts: RowPart[] = [];
  for (let i = 0; i < n; i++) parts.push({ o0: Math.floor((i * outer) / n), o1: Math.floor(((i + 1) * outer) / n) });
  return parts;
}

/**
 * Runs `entry` once per part, on the calling thread (through `own`) and the helpers of `memory`.
 * `argsOf(part, i)` gives each call's arguments.
 */
export function runParts(
  memory: object, entry: HelperEntry, parts: RowPart[], argsOf: (part: RowPart, i: number) => number[], own: (args: number[]) => void,
): void {
  if (parts.length === 1) {
    own(argsOf(parts[0], 0));
    return;
  }
  const workers = heapWorkers(memory);
  if (workers == null) throw new Error(`liftpool wasm kernel: a call split in ${parts.length} parts, but no helper threads are running`);
  stats.splitCalls++;
  workers.run(entry, parts.map(argsOf), own);
}
