/**
 * The LiftPool kernels' calls split along their rows between the calling thread and the helper
 * threads of the backend's memory (../heap-workers.ts; none on the single-threaded build or in a
 * browser, then every call is one part). A kernel describes each tensor it passes by where its
 * rows start and how many floats one `outer` row spans; parts get the offsets of their rows.
 * A backward call also sums weight gradients over all rows: split, it runs in two phases that give
 * the one call's floats (see runSplitBackward), so results do not depend on the thread count.
 */
import { HelpersLostError, heapWorkers, rowParts, runParts, type HelperEntry, type RowPart } from '../heap-workers.js';
import { wasmMemory, wasmModule, type WasmBackendLike } from '../wasm-module.js';

/**
 * Runs `run`, which fills `outputs` (made by the kernel with `makeOutput`, not yet handed to TF.js);
 * when it throws (a helper thread failed, say), frees them before passing the error on, so a
 * failed call leaves no buffer behind. Not when helpers may still write into them (their chunks
 * timed out): those buffers are left allocated, a leak rather than memory reused under a writer.
 */
export function freeOnThrow<T>(backend: WasmBackendLike, outputs: readonly ({ dataId: object } | null)[], run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof HelpersLostError)) for (const t of outputs) if (t != null) backend.disposeData(t.dataId);
    throw e;
  }
}

/** One argument of an entry point: a plain int32, or a tensor's heap offset that moves with the rows (`rowFloats` per outer row). */
export type RowArg = number | { at: number; rowFloats: number };

/** The row parts of a call on `outer` rows of a band of `elements` floats on this backend. */
export function partsFor(backend: WasmBackendLike, outer: number, elements: number): RowPart[] {
  return rowParts(outer, elements, heapWorkers(wasmMemory(backend))?.count ?? 0);
}

/**
 * Calls `entry` once per part with `args` moved to the part's rows; `outerArg` is the index of the
 * `outer` argument (set to the part's row count). `extra(part, i)` gives the arguments appended for part i.
 */
export function runRowSplit(
  backend: WasmBackendLike, entry: HelperEntry, parts: RowPart[], args: RowArg[], outerArg: number, extra: (part: RowPart, i: number) => number[] = () => [],
): void {
  const argsOf = (part: RowPart, i: number): number[] => [
    ...args.map((a, j) => (j === outerArg ? part.o1 - part.o0 : typeof a === 'number' ? a : a.at === 0 ? 0 : a.at + 4 * part.o0 * a.rowFloats)),
    ...extra(part, i),
  ];
  const fn = wasmModule(backend).byExport[entry];
  runParts(wasmMemory(backend), entry, parts, argsOf, (a) => fn(...a));
}

/** Positions per block of the backward's weight-gradient sums (FLUSH_ROWS in native/lift_scalar.h). */
const FLUSH_POSITIONS = 256;

/** A backward call: its entry points and arguments. */
export interface Backward {
  /** The one-call entry point (`…_backward`: the per-row arguments, then ddk, ddb, dpk, dpb and scratch). */
  entry: HelperEntry;
  /** The per-row entry point (`…_backward_rows`), its arguments (G, GP and scratch are appended) and the index of `outer` in them. */
  rowsEntry: HelperEntry;
  rowArgs: RowArg[];
  outerArg: number;
  /** Band geometry and the filter's sizes. */
  outer: number;
  len: number;
  inner: number;
  c: number;
  k: number;
  /** Heap offsets of hid and of the filter input z (row stride zs floats), the pad index map, and the weight-gradient outputs ddk, ddb, dpk, dpb. */
  hid: number;
  z: number;
  zs: number;
  idx: number;
  grads: [number, number, number, number];
  /** Scratch floats of the backward (of each part, split). */
  rowScratch: number;
}

/**
 * Runs a backward call: as one call where it is not split (see partsFor), else split between the
 * threads by {@link runSplitBackward}; the floats are the same either way.
 */
export function runBackward(backend: WasmBackendLike, b: Backward): void {
  const parts = partsFor(backend, b.outer, b.outer * b.len * b.inner);
  if (parts.length > 1) {
    runSplitBackward(backend, parts, b);
    return;
  }
  const scratch = backend.makeOutput([b.rowScratch], 'float32');
  freeOnThrow(backend, [scratch], () => runRowSplit(backend, b.entry, parts, [...b.rowArgs, ...b.grads, backend.dataIdMap.get(scratch.dataId)!.memoryOffset], b.outerArg));
  backend.disposeData(scratch.dataId);
}

/**
 * A backward call split between threads that gives the one call's floats bit for bit: first the
 * per-row part (input gradient; g and gp of every position into two temporary band buffers) split
 * along the rows; then the weight gradients' partial sums of each 256-position block (the blocks
 * in which the one call sums them) by `lift_backward_partials`, split along the blocks; then
 * `lift_backward_fold` adds the block sums in order, as the one call does.
 */
function runSplitBackward(backend: WasmBackendLike, parts: RowPart[], b: Backward): void {
  const elements = b.outer * b.len * b.inner;
  const positions = elements / b.c;
  const blocks = Math.floor(positions / FLUSH_POSITIONS) + 1;
  const per = b.c * b.c + b.k * b.c + 2 * b.c;
  const tmp = backend.makeOutput([2 * elements + parts.length * b.rowScratch + blocks * per], 'float32');
  freeOnThrow(backend, [tmp], () => {
    const G = backend.dataIdMap.get(tmp.dataId)!.memoryOffset;
    const GP = G + 4 * elements;
    const scratch0 = GP + 4 * elements;
    const rowFloats = b.len * b.inner;
    runRowSplit(backend, b.rowsEntry, parts, b.rowArgs, b.outerArg, (p, i) => [G + 4 * p.o0 * rowFloats, GP + 4 * p.o0 * rowFloats, scratch0 + 4 * i * b.rowScratch]);
    const partials = scratch0 + 4 * parts.length * b.rowScratch;
    const m = wasmModule(backend).byExport;
    const blockParts = rowParts(blocks, Number.POSITIVE_INFINITY, heapWorkers(wasmMemory(backend))?.count ?? 0);
    const argsOf = (p: RowPart) => [b.hid, G, GP, b.z, b.zs, b.idx, b.len, b.inner, b.c, b.k, p.o0, p.o1, positions, partials];
    runParts(wasmMemory(backend), 'lift_backward_partials', blockParts, argsOf, (a) => m.lift_backward_partials(...a));
    m.lift_backward_fold(partials, blocks, b.c, b.k, ...b.grads);
  });
  backend.disposeData(tmp.dataId);
}
