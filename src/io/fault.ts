/**
 * Test-only fault injection for the run-state tests (scripts/fault-injection.ts). Inert unless the
 * environment sets it up:
 * - `LIFTPOOL_TEST_KILL_AT=N`: the process kills itself (SIGKILL) at the N-th fault point — after a
 *   training batch, between the files of a checkpoint, between the renames that put it in place, and
 *   between the final output files.
 * - `LIFTPOOL_TEST_TRACE_FAULTS=1`: print every fault point to stderr.
 * - `LIFTPOOL_TEST_ENOSPC_AT=N`: the N-th atomic file write fails as on a full disk (ENOSPC).
 * - `LIFTPOOL_TEST_FREE_BYTES=N`: pretend the output file system has N bytes free.
 */
let points = 0;
let writes = 0;

const envInt = (name: string): number => {
  const v = process.env[name];
  return v ? Number(v) : 0;
};

/** One moment at which a test may kill the process. */
export function faultPoint(label: string): void {
  const at = envInt('LIFTPOOL_TEST_KILL_AT');
  const trace = process.env.LIFTPOOL_TEST_TRACE_FAULTS === '1';
  if (!at && !trace) return;
  points++;
  if (trace) process.stderr.write(`fault point ${points}: ${label}\n`);
  if (points === at) process.kill(process.pid, 'SIGKILL');
}

/** Throws an ENOSPC error at the write chosen by `LIFTPOOL_TEST_ENOSPC_AT`. */
export function faultWrite(path: string): void {
  const at = envInt('LIFTPOOL_TEST_ENOSPC_AT');
  if (!at) return;
  writes++;
  if (writes === at) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC' });
}

/** `LIFTPOOL_TEST_FREE_BYTES` when set, else undefined. */
export function fakeFreeBytes(): number | undefined {
  const v = process.env.LIFTPOOL_TEST_FREE_BYTES;
  return v ? Number(v) : undefined;
}

/** Reset the counters (tests that set the variables in-process). */
export function resetFaultCounters(): void {
  points = 0;
  writes = 0;
}
