/**
 * The LiftPool filter's own wasm kernels (`LiftPoolFilter`, `LiftPoolFilterGrad`, from
 * native/lift_filter.c): the same values and gradients as the fallback on the backend's kernels for
 * every channel-count path (generic and compile-time C), both axes, every pad mode, kernel sizes
 * longer than the axis, saturated tanh, and more rows than one flush block; input checks; and the
 * committed wasm is what scripts/build-wasm.sh makes from the committed C source. Threads:
 * test/backend-wasm-threads.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { registerWasmTrainingKernels, useBestBackend } from '../src/backend/index.js';
import { LIFT_FILTER, LIFT_FILTER_GRAD } from '../src/backend/kernel-names.js';
import { liftFilterKernelsUsable, unregisterLiftFilterKernels } from '../src/backend/wasm-kernels.js';
import { wasmCopyRuns } from '../src/backend/wasm-module.js';
import { PAD_MODES, type LiftAxis, type PadMode } from '../src/lifting/index.js';
import { liftFilter } from '../src/lifting/filter.js';
import { randomFilter } from './helpers.js';

type Arrays = { shape: number[]; data: Float32Array }[];

/** Filter output and gradients (input and the four weights) on the current kernels. */
function run(zShape: number[], k: number, axis: LiftAxis, mode: PadMode, pointwiseScale = 0.8): Arrays {
  return tf.tidy(() => {
    const z = tf.randomNormal(zShape, 0, 1, 'float32', 3).as4D(zShape[0], zShape[1], zShape[2], zShape[3]);
    const w = randomFilter(zShape[3], k, axis, 17, pointwiseScale);
    const probe = tf.randomNormal(zShape, 0, 1, 'float32', 4);
    const f = (zi: tf.Tensor, dk: tf.Tensor, db: tf.Tensor, pk: tf.Tensor, pb: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(liftFilter(zi as tf.Tensor4D, { depthwiseKernel: dk as tf.Tensor4D, depthwiseBias: db as tf.Tensor1D, pointwiseKernel: pk as tf.Tensor4D, pointwiseBias: pb as tf.Tensor1D }, axis, mode), probe));
    const g = tf.grads(f)([z, w.depthwiseKernel, w.depthwiseBias, w.pointwiseKernel, w.pointwiseBias]);
    return [liftFilter(z, w, axis, mode), ...g].map((t) => ({ shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) }));
  });
}

/** Run once on the wasm kernels and once with them unregistered (the backend-kernel fallback). */
function bothWays(zShape: number[], k: number, axis: LiftAxis, mode: PadMode, pointwiseScale?: number): [Arrays, Arrays] {
  assert.ok(tf.getKernel(LIFT_FILTER, 'wasm') && tf.getKernel(LIFT_FILTER_GRAD, 'wasm'), 'kernels registered on wasm');
  const withKernels = run(zShape, k, axis, mode, pointwiseScale);
  unregisterLiftFilterKernels();
  assert.ok(!tf.getKernel(LIFT_FILTER, 'wasm') && !tf.getKernel(LIFT_FILTER_GRAD, 'wasm'), 'kernels unregistered');
  try {
    return [withKernels, run(zShape, k, axis, mode, pointwiseScale)];
  } finally {
    registerWasmTrainingKernels();
  }
}

function assertClose(a: Arrays, b: Arrays, tol: number, what: string): void {
  const names = ['y', 'dz', 'ddk', 'ddb', 'dpk', 'dpb'];
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.deepEqual(a[i].shape, b[i].shape, `${what} ${names[i]} shape`);
    let diff = 0;
    let scale = 1e-3;
    for (let j = 0; j < a[i].data.length; j++) {
      diff = Math.max(diff, Math.abs(a[i].data[j] - b[i].data[j]));
      scale = Math.max(scale, Math.abs(b[i].data[j]));
    }
    assert.ok(diff / scale <= tol, `${what} ${names[i]}: relative difference ${diff / scale} > ${tol}`);
  }
}

describe('wasm LiftPoolFilter / LiftPoolFilterGrad kernels', () => {
  before(async () => {
    await useBestBackend('wasm');
  });
  after(async () => {
    await useBestBackend('cpu');
  });

  test('registered on wasm by the training kernels, and usable on a reachable memory, shared (threaded build) or not', () => {
    assert.ok(tf.getKernel(LIFT_FILTER, 'wasm'));
    assert.ok(tf.getKernel(LIFT_FILTER_GRAD, 'wasm'));
    assert.equal(liftFilterKernelsUsable(tf.backend()), true);
    assert.equal(typeof wasmCopyRuns(tf.backend()), 'function', 'the strided copy of the Slice/SplitV/Concat kernels');
    assert.equal(liftFilterKernelsUsable({ wasm: {} }), false);
    const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => object } }).WebAssembly;
    assert.equal(liftFilterKernelsUsable({ wasm: { asm: { memory: {} } } }), false);
    assert.equal(liftFilterKernelsUsable({ wasm: { wasmMemory: new Memory({ initial: 256, maximum: 512, shared: true }) } }), true);
    assert.equal(liftFilterKernelsUsable({ wasm: { asm: { memory: new Memory({ initial: 256, maximum: 512 }) } } }), true);
  });

  // [shape, K]: generic C (3, 5), the compile-time paths (8, 16, 32, 64), K longer than the axis,
  // and 3·10·9 = 270 rows on the width axis (more than one 256-row flush block).
  const cases: [number[], number][] = [[[2, 6, 5, 3], 5], [[3, 10, 9, 16], 5], [[2, 5, 6, 32], 3], [[1, 3, 2, 8], 7], [[1, 4, 4, 64], 5], [[2, 3, 3, 5], 1]];
  for (const axis of ['width', 'height'] as const) {
    for (const [shape, k] of cases) {
      test(`${axis} [${shape}] K=${k}: same values and gradients as the backend kernels`, () => {
        const [a, b] = bothWays(shape, k, axis, 'reflect');
        assertClose(a, b, 2e-5, `${axis} [${shape}] K=${k}`);
      });
    }
  }

  test('every pad mode (incl. the short-axis fallback)', () => {
    for (const mode of PAD_MODES) {
      for (const shape of [[2, 6, 7, 16], [1, 2, 2, 16]]) {
        const [a, b] = bothWays(shape, 5, 'width', mode);
        assertClose(a, b, 2e-5, `${mode} [${shape}]`);
      }
    }
  });

  test('saturated tanh (pre-activations up to ~±100) stays within 1e-6 of the backend', () => {
    const [a, b] = bothWays([2, 4, 6, 16], 5, 'height', 'reflect', 40);
    let saturated = 0;
    for (const v of b[0].data) if (Math.abs(v) > 0.999999) saturated++;
    assert.ok(saturated > 10, `the case saturates (${saturated} outputs at ±1)`);
    for (let j = 0; j < a[0].data.length; j++) assert.ok(Math.abs(a[0].data[j] - b[0].data[j]) <= 1e-6, `y[${j}]`);
  });

  test('clear errors for inputs that do not fit', () => {
    const z = tf.zeros([1, 2, 4, 3]);
    const dk = tf.zeros([1, 5, 3, 1]);
    const pk = tf.zeros([3, 3]);
    const b = tf.zeros([3]);
    const shortIdx = tf.tensor1d([0, 1, 2], 'int32');
    const idx = tf.tensor1d([2, 1, 0, 1, 2, 3, 2, 1], 'int32');
    assert.throws(() => tf.engine().runKernel(LIFT_FILTER, { z, dk, db: b, pk, pb: b, idx: shortIdx }, { outer: 2, len: 4, inner: 3 }), /idx must be int32 of length 8/);
    assert.throws(() => tf.engine().runKernel(LIFT_FILTER, { z, dk, db: b, pk, pb: b, idx }, { outer: 1, len: 4, inner: 3 }), /does not fit z/);
    const zInt = tf.zeros([1, 2, 4, 3], 'int32');
    assert.throws(() => tf.engine().runKernel(LIFT_FILTER, { z: zInt, dk, db: b, pk, pb: b, idx }, { outer: 2, len: 4, inner: 3 }), /z must be float32/);
    const pkWrong = tf.zeros([3, 2]);
    assert.throws(() => tf.engine().runKernel(LIFT_FILTER, { z, dk, db: b, pk: pkWrong, pb: b, idx }, { outer: 2, len: 4, inner: 3 }), /pk must have 9 elements/);
    const dy = tf.zeros([1, 2, 4, 2]);
    assert.throws(() => tf.engine().runKernel(LIFT_FILTER_GRAD, { dy, y: z, hid: z, z, dk, pk, idx }, { outer: 2, len: 4, inner: 3 }), /dy must have 24 elements/);
    const dkEven = tf.zeros([1, 4, 3, 1]);
    assert.throws(() => tf.engine().runKernel(LIFT_FILTER, { z, dk: dkEven, db: b, pk, pb: b, idx }, { outer: 2, len: 4, inner: 3 }), /K odd/);
    tf.dispose([z, dk, pk, b, shortIdx, idx, zInt, pkWrong, dy, dkEven]);
  });

  test('no tensor leaks', () => {
    run([2, 4, 4, 8], 5, 'width', 'reflect');
    const before = tf.memory().numTensors;
    run([2, 4, 4, 8], 5, 'width', 'reflect');
    run([2, 4, 4, 8], 5, 'height', 'edge');
    assert.equal(tf.memory().numTensors, before);
  });
});

test('LIFTPOOL_WASM_FILTER_KERNELS=0 turns the kernels off', () => {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', [
      `import * as tf from ${JSON.stringify(import.meta.resolve('@tensorflow/tfjs'))};`,
      `import { useBestBackend } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', 'backend', 'index.ts')).href)};`,
      "await useBestBackend('wasm');",
      "console.log(JSON.stringify({ forward: tf.getKernel('LiftPoolFilter', 'wasm') != null, grad: tf.getKernel('LiftPoolFilterGrad', 'wasm') != null }));",
    ].join('\n')],
    { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000, env: { ...process.env, LIFTPOOL_WASM_FILTER_KERNELS: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { forward: false, grad: false });
});

const hasClang = spawnSync('clang', ['--version']).status === 0 && spawnSync('wasm-ld', ['--version']).status === 0;

test('the committed wasm module is what scripts/build-wasm.sh makes from native/*.c', { skip: hasClang ? false : 'clang and wasm-ld are not installed (.ci/run installs them)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-wasm-'));
  const out = join(dir, 'wasm-module.generated.ts');
  let fresh: string;
  try {
    execFileSync('bash', ['scripts/build-wasm.sh', out], { stdio: 'pipe' });
    fresh = readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const committed = readFileSync('src/backend/wasm-module.generated.ts', 'utf8');
  const body = (s: string) => s.split('\n').filter((l) => !l.startsWith('//')).join('\n');
  assert.ok(body(fresh) === body(committed), 'src/backend/wasm-module.generated.ts is stale: run scripts/build-wasm.sh and commit it');
});
