/**
 * The row split of the LiftPool kernels between threads (src/backend/heap-workers.ts): parts cover
 * the rows exactly once, small calls stay on one thread, and a split call needs its helpers. The
 * threaded runs themselves (helpers on the shared memory, results against one thread) are in
 * test/backend-wasm-threads.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CHUNKS_PER_THREAD, heapWorkerStats, MIN_SPLIT_ELEMENTS, rowParts, runParts, setHeapWorkers, type HeapWorkers } from '../src/backend/heap-workers.js';

test('rowParts: contiguous near-equal ranges covering every row once, CHUNKS_PER_THREAD per thread; one part for small work, no helpers or one row', () => {
  for (const [outer, helpers] of [[64, 1], [7, 2], [3, 3], [100, 7]]) {
    const parts = rowParts(outer, MIN_SPLIT_ELEMENTS, helpers);
    assert.equal(parts.length, Math.min(CHUNKS_PER_THREAD * (helpers + 1), outer));
    assert.equal(parts[0].o0, 0);
    assert.equal(parts[parts.length - 1].o1, outer);
    parts.forEach((p, i) => {
      assert.ok(p.o1 > p.o0, `part ${i} of ${outer} rows is empty`);
      if (i > 0) assert.equal(p.o0, parts[i - 1].o1);
      assert.ok(p.o1 - p.o0 <= Math.ceil(outer / parts.length));
    });
  }
  assert.deepEqual(rowParts(64, MIN_SPLIT_ELEMENTS - 1, 3), [{ o0: 0, o1: 64 }]);
  assert.deepEqual(rowParts(64, 1 << 20, 0), [{ o0: 0, o1: 64 }]);
  assert.deepEqual(rowParts(1, 1 << 20, 3), [{ o0: 0, o1: 1 }]);
});

test('runParts: every part goes to the helpers\' run with its own arguments; one part runs on the caller; no helpers is a clear error', () => {
  const memory = {};
  const calls: string[] = [];
  const argsOf = (p: { o0: number; o1: number }, i: number) => [i, p.o0, p.o1];
  const parts = rowParts(3, 1 << 20, 2);
  assert.throws(() => runParts(memory, 'lift_step_forward', parts, argsOf, () => {}), /a call split in 3 parts, but no helper threads are running/);
  const fake: HeapWorkers = {
    count: 2,
    run(entry, chunks, own) {
      calls.push(`run ${entry} ${chunks.length}`);
      chunks.forEach((a, i) => (i === 1 ? calls.push(`helper ${a.join(',')}`) : own(a)));
    },
  };
  setHeapWorkers(memory, fake);
  const before = heapWorkerStats().splitCalls;
  runParts(memory, 'lift_step_forward', parts, argsOf, (a) => calls.push(`own ${a.join(',')}`));
  assert.deepEqual(calls, ['run lift_step_forward 3', 'own 0,0,1', 'helper 1,1,2', 'own 2,2,3']);
  assert.equal(heapWorkerStats().splitCalls, before + 1);
  calls.length = 0;
  runParts(memory, 'lift_step_forward', [{ o0: 0, o1: 10 }], argsOf, (a) => calls.push(`own ${a.join(',')}`));
  assert.deepEqual(calls, ['own 0,0,10'], 'one part runs on the caller only');
  setHeapWorkers(memory, null);
});
