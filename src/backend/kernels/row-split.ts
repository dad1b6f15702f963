/**
 * The LiftPool kernels' calls split along their rows between the calling thread and the helper
 * threads of the backend's memory (../heap-workers.ts; none on the single-threaded build or in a
 * browser, then every call is one part). A kernel describes each tensor it passes by where its
 * rows start and how many floats one `outer` row spans; parts get the offsets of their rows.
 * Backward calls also accumulate weight gradients: every part after the first gets its own
 * accumulators and scratch space in one temporary buffer, added into the outputs afterwards.
 */
import { heapWorkers, rowParts, runParts, type HelperEntry, type RowPart } from '../heap-workers.js';
import { wasmMemory, wasmModule, type WasmBackendLike } from '../wasm-module.js';

/** One argument of an entry point: a plain int32, or a tensor's heap offset that moves with the rows (`rowFloats` per outer row). */
export type RowArg = number | { at: number; rowFloats: number };

/** The row parts of a call on `outer` rows of a band of `elements` floats on this backend. */
export function partsFor(backend: WasmBackendLike, outer: number, elements: number): RowPart[] {
  return rowParts(outer, elements, heapWorkers(wasmMemory(backend))?.count ?? 0);
}

/**
 * Calls `entry` once per part with `args` moved to the part's rows; `outerArg` is the index of the
 * `outer` argument (set to the part's row count). `extra(i)` gives the arguments appended for part i.
 */
export function runRowSplit(
  backend: WasmBackendLike, entry: HelperEntry, parts: RowPart[], args: RowArg[], outerArg: number, extra: (i: number) => number[] = () => [],
): void {
  const argsOf = ({ o0, o1 }: RowPart, i: number): number[] => [
    ...args.map((a, j) => (j === outerArg ? o1 - o0 : typeof a === 'number' ? a : a.at === 0 ? 0 : a.at + 4 * o0 * a.rowFloats)),
    ...extra(i),
  ];
  const fn = wasmModule(backend).byExport[entry];
  runParts(wasmMemory(backend), entry, parts, argsOf, (a) => fn(...a));
}

/** Float counts of a backward call's weight gradients (ddk, ddb, dpk, dpb) and scratch space. */
export interface GradSizes {
  ddk: number;
  ddb: number;
  dpk: number;
  dpb: number;
  scratch: number;
}

/**
 * A backward call split in `parts`: part 0 writes the outputs `out` (heap offsets of ddk, ddb,
 * dpk, dpb, scratch), the other parts their own buffers, summed into `out` after the call (in part
 * order). `call(extra)` runs the split call with `extra(i)` giving part i's five offsets.
 */
export function withPartialGrads(
  backend: WasmBackendLike, parts: number, sizes: GradSizes, out: [number, number, number, number, number], call: (extra: (i: number) => number[]) => void,
): void {
  if (parts === 1) {
    call(() => out);
    return;
  }
  const per = sizes.ddk + sizes.ddb + sizes.dpk + sizes.dpb + sizes.scratch;
  const tmp = backend.makeOutput([(parts - 1) * per], 'float32');
  try {
    const base = backend.dataIdMap.get(tmp.dataId)!.memoryOffset;
    const offsets = (i: number): number[] => {
      if (i === 0) return out;
      const at = base + 4 * (i - 1) * per;
      return [at, at + 4 * sizes.ddk, at + 4 * (sizes.ddk + sizes.ddb), at + 4 * (sizes.ddk + sizes.ddb + sizes.dpk), at + 4 * (per - sizes.scratch)];
    };
    call(offsets);
    const heap = wasmMemory(backend).buffer;
    const counts = [sizes.ddk, sizes.ddb, sizes.dpk, sizes.dpb];
    for (let i = 1; i < parts; i++) {
      const src = offsets(i);
      counts.forEach((n, j) => {
        const dst = new Float32Array(heap, out[j], n);
        const add = new Float32Array(heap, src[j], n);
        for (let e = 0; e < n; e++) dst[e] += add[e];
      });
    }
  } finally {
    backend.disposeData(tmp.dataId);
  }
}
