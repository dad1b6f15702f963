/**
 * Threaded wasm (tfjs-backend-wasm-threaded-simd in Node, src/backend/wasm-threads.ts): the thread
 * count (default, override, bad values); the LiftPool filter and whole-step kernels run on its
 * shared memory, split between helper threads, and give the single-thread results bit for bit (the
 * step kernels also bit-equal to the split path); and a threaded process — a script, `liftpool train` — ends by
 * itself when its work is done (the pool threads' workers used to keep Node's event loop alive).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { freeCores, wasmThreadCount } from '../src/backend/wasm-threads.js';

const LIMIT_MS = 180_000;

/** Runs `args` under `node --import tsx` with LIFTPOOL_WASM_THREADS=threads; the process must end by itself. */
function runNode(args: string[], threads: number, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: process.cwd(), encoding: 'utf8', timeout: LIMIT_MS, maxBuffer: 1 << 26,
    env: { ...process.env, LIFTPOOL_WASM_THREADS: String(threads), ...env },
  });
  assert.equal(r.signal, null, `threads=${threads}: killed after ${LIMIT_MS / 1000} s (the process did not exit by itself)\n${r.stderr}`);
  assert.equal(r.status, 0, `threads=${threads}: ${r.stderr}`);
  return r;
}

test('thread count: the free cores by default, LIFTPOOL_WASM_THREADS or the option forces one, bad values are refused', () => {
  assert.equal(freeCores(8, 0.2), 8);
  assert.equal(freeCores(8, 2.6), 5);
  assert.equal(freeCores(2, 7.4), 1);
  assert.equal(freeCores(2, 0), 2);
  assert.ok(freeCores() >= 1 && freeCores() <= availableParallelism());
  assert.equal(wasmThreadCount(undefined, {}, () => 3), 3);
  const byDefault = wasmThreadCount(undefined, {});
  assert.ok(byDefault >= 1 && byDefault <= availableParallelism());
  assert.equal(wasmThreadCount(undefined, { LIFTPOOL_WASM_THREADS: '1' }), 1);
  assert.equal(wasmThreadCount(undefined, { LIFTPOOL_WASM_THREADS: ' 3 ' }), 3);
  assert.equal(wasmThreadCount(2, { LIFTPOOL_WASM_THREADS: '1' }), 2);
  assert.equal(wasmThreadCount(undefined, { LIFTPOOL_WASM_THREADS: '' }, () => 4), 4);
  for (const bad of ['0', 'two', '1.5', '-2']) {
    assert.throws(() => wasmThreadCount(undefined, { LIFTPOOL_WASM_THREADS: bad }), new RegExp(`expected a positive integer, got LIFTPOOL_WASM_THREADS=${bad}`));
  }
  assert.throws(() => wasmThreadCount(0, {}), /expected a positive integer, got threads: 0/);
});

test('2 threads: the filter and step kernels run on the shared memory, split with a helper thread (step kernels bit-equal to the split path), a helper\'s error reaches the caller, filter gradients and 3 training steps bit-equal to 1 thread, and the process exits by itself', () => {
  const child = (threads: number, env: Record<string, string> = {}) => {
    const out = runNode(['test/wasm-threads-child.ts'], threads, env).stdout.trim().split('\n').pop()!;
    return JSON.parse(out) as { threads: number; helperError: string; splitCalls: number; filterKernel: boolean; stepKernels: boolean; stepsBitEqual: boolean; values: Record<string, number[]> };
  };
  const one = child(1);
  const two = child(2);
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  assert.equal(one.splitCalls, 0, 'one thread: no kernel call is split');
  assert.equal(one.helperError, '', 'one thread: no helpers');
  assert.match(two.helperError, /^liftpool helper threads: lift_backward_fold failed on a helper: .*out of bounds/, 'a helper\'s error reaches the caller');
  assert.ok(two.splitCalls > 0, 'two threads: the LiftPool kernels split their larger calls with a helper thread');
  assert.ok(one.filterKernel && two.filterKernel, 'the LiftPool filter kernels are registered with and without threads');
  assert.ok(one.stepKernels && two.stepKernels, 'the whole-lifting-step kernels run with and without threads');
  assert.ok(one.stepsBitEqual && two.stepsBitEqual, 'the step kernels give the split path\'s gradients bit for bit, with and without threads');
  assert.deepEqual(Object.keys(two.values), Object.keys(one.values));
  // Each part writes its own rows and a split backward sums the weight gradients in the one call's
  // order: every value, gradient, loss and trained weight equals the one-thread run exactly.
  for (const [name, a] of Object.entries(one.values)) assert.deepEqual(two.values[name], a, name);
  // LIFTPOOL_WASM_HELPERS=0: the threaded build without helper threads splits nothing, same values.
  const noHelpers = child(2, { LIFTPOOL_WASM_HELPERS: '0' });
  assert.equal(noHelpers.threads, 2);
  assert.equal(noHelpers.splitCalls, 0, 'LIFTPOOL_WASM_HELPERS=0 starts no helper threads');
  for (const [name, a] of Object.entries(one.values)) assert.deepEqual(noHelpers.values[name], a, name);
});

test('`liftpool train` with LIFTPOOL_WASM_THREADS=2 ends by itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-threads-train-'));
  try {
    runNode(['src/cli/main.ts', 'train', '--dataset', 'mnist', '--arch', 'tiny', '--pool', 'lift', '--width', '0.25', '--train-limit', '32',
      '--test-limit', '20', '--batch-size', '16', '--epochs', '1', '--out', dir, '--quiet'], 2);
    assert.ok(existsSync(join(dir, 'results.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`liftpool bench` with LIFTPOOL_WASM_THREADS=2 ends by itself, its peak-RSS child processes included', () => {
  const r = runNode(['src/cli/main.ts', 'bench', '--backends', 'wasm', '--no-ops', '--steps', '1', '--batch', '8'], 2);
  assert.match(r.stdout, /\| wasm \| lift \| 8 \|/);
  assert.doesNotMatch(r.stderr, /peak RSS of .* not measured/);
});
