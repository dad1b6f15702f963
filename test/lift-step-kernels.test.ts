/**
 * The whole-lifting-step kernels on wasm (`LiftPoolStep`, `LiftPoolStepGrad`, `LiftPoolOddResidual`;
 * src/lifting/fused-step.ts, native/lift_step.c) against the split path
 * (even/odd copies, the filter kernels, separate subtract/add) they replace: values, constraint
 * losses and the gradients w.r.t. the input and every weight are bit-identical (the float32 bit
 * patterns, signed zeros included) for liftDown1d along both axes and liftDown2d, odd and even
 * sizes, every pad mode, every constraint form (and none), C a multiple of 4 and not, shared and
 * separate vertical weights, an input with another consumer, bands left unused, and more rows than
 * one flush block; the step kernels really run (and `'relative'` falls back to the split path);
 * the `'detached'` form's second pass reuses the first pass's step forwards; the switch and
 * LIFTPOOL_WASM_STEP_KERNELS=0 turn them off, cpu has none; no tensor leaks; input
 * checks of the kernels.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBestBackend } from '../src/backend/index.js';
import { LIFT_ODD_RESIDUAL, LIFT_STEP, LIFT_STEP_GRAD, liftFilterKernels, liftStepKernels, setLiftStepKernels } from '../src/backend/lift-filter-dispatch.js';
import {
  CONSTRAINT_FORMS, PAD_MODES, liftDown1d, liftDown2d, liftWeightTensors, liftWeightsFromTensors,
  type ConstraintForm, type LiftAxis, type LiftStepWeights, type PadMode,
} from '../src/lifting/index.js';
import { heapWorkers, setHeapWorkers } from '../src/backend/heap-workers.js';
import { padIndexMap } from '../src/lifting/fused-filter.js';
import { wasmMemory, type WasmBackendLike } from '../src/backend/wasm-module.js';
import { randomStep, randomWeights2d } from './helpers.js';

/** A constraint form, or none (`losses: false`). */
type Form = ConstraintForm | 'none';
const FORMS: Form[] = [...CONSTRAINT_FORMS, 'none'];

interface Run {
  bits: Uint32Array[];
  kernels: string[];
}

/** Runs `f` (which returns the tensors to compare) with the step kernels on or off; float32 bit patterns and the kernels run. */
async function runWith(on: boolean, f: () => tf.Tensor[]): Promise<Run> {
  const prev = setLiftStepKernels(on);
  try {
    let bits: Uint32Array[] = [];
    const profile = await tf.profile(() => {
      const ts = tf.tidy(f);
      bits = ts.map((t) => new Uint32Array(Float32Array.from(t.dataSync() as Float32Array).buffer));
      tf.dispose(ts);
    });
    return { bits, kernels: profile.kernels.map((k) => k.name) };
  } finally {
    setLiftStepKernels(prev);
  }
}

/** The step path and the split path give the same bits; returns whether the step kernels ran. */
async function assertSameBits(f: () => tf.Tensor[], what: string): Promise<boolean> {
  const on = await runWith(true, f);
  const off = await runWith(false, f);
  assert.ok(!off.kernels.includes(LIFT_STEP), `${what}: the split path ran no step kernel`);
  assert.equal(on.bits.length, off.bits.length, `${what}: count`);
  for (let i = 0; i < on.bits.length; i++) {
    const a = on.bits[i];
    const b = off.bits[i];
    assert.equal(a.length, b.length, `${what} #${i}: size`);
    for (let j = 0; j < a.length; j++) {
      if (a[j] !== b[j]) {
        const fa = new Float32Array(a.buffer)[j];
        const fb = new Float32Array(b.buffer)[j];
        assert.fail(`${what} #${i}[${j}]: step kernels ${fa} (0x${a[j].toString(16)}) vs split path ${fb} (0x${b[j].toString(16)})`);
      }
    }
  }
  return on.kernels.includes(LIFT_STEP);
}

function stepTensors(w: LiftStepWeights): tf.Tensor[] {
  return [w.predict, w.update].flatMap((f) => [f.depthwiseKernel, f.depthwiseBias, f.pointwiseKernel, f.pointwiseBias]);
}

function stepFrom(t: tf.Tensor[]): LiftStepWeights {
  const filter = (i: number) => ({
    depthwiseKernel: t[i] as tf.Tensor4D, depthwiseBias: t[i + 1] as tf.Tensor1D, pointwiseKernel: t[i + 2] as tf.Tensor4D, pointwiseBias: t[i + 3] as tf.Tensor1D,
  });
  return { predict: filter(0), update: filter(4) };
}

const lossOpts = (form: Form) => (form === 'none' ? { losses: false } : { constraint: form });

/** liftDown1d: s, d, both losses, and the gradients of a loss using s, d, the losses and x itself. */
function down1d(shape: [number, number, number, number], axis: LiftAxis, padMode: PadMode, form: Form, seed: number): () => tf.Tensor[] {
  return () => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = randomStep(shape[3], 5, axis, seed + 1);
    const f = (xi: tf.Tensor, ...wt: tf.Tensor[]): tf.Scalar => {
      const r = liftDown1d(xi as tf.Tensor4D, stepFrom(wt), { axis, padMode, ...lossOpts(form) });
      const probe = tf.randomNormal(r.s.shape, 0, 1, 'float32', seed + 2);
      return tf.addN([
        tf.sum(tf.mul(r.s, probe)), tf.sum(tf.mul(r.d, tf.square(probe))), tf.mul(r.lossU, 0.3), tf.mul(r.lossP, 0.7),
        tf.mul(tf.sum(tf.square(xi)), 0.1), // x has another consumer
      ]) as tf.Scalar;
    };
    const r = liftDown1d(x, w, { axis, padMode, ...lossOpts(form) });
    const { value, grads } = tf.valueAndGrads(f)([x, ...stepTensors(w)]);
    return [r.s, r.d, r.lossU, r.lossP, value, ...grads];
  };
}

/** liftDown2d: the four bands, both losses, and the gradients w.r.t. x and every weight (`bands`: those the loss uses). */
function down2d(shape: [number, number, number, number], padMode: PadMode, form: Form, separate: boolean, seed: number, bands = 'll,lh,hl,hh'): () => tf.Tensor[] {
  return () => {
    const x = tf.randomNormal(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = randomWeights2d(shape[3], 5, seed + 1, separate);
    const f = (xi: tf.Tensor, ...wt: tf.Tensor[]): tf.Scalar => {
      const r = liftDown2d(xi as tf.Tensor4D, liftWeightsFromTensors(w, wt), { padMode, ...lossOpts(form) });
      const used = bands.split(',').map((b, i) => tf.mul(r[b as 'll' | 'lh' | 'hl' | 'hh'], i + 1));
      const probe = tf.randomNormal(r.ll.shape, 0, 1, 'float32', seed + 2);
      // Zero times every weight, so that weights the used bands do not reach still have a gradient.
      const reach = tf.mul(tf.addN(wt.map((t) => tf.sum(t))), 0);
      return tf.addN([tf.sum(tf.mul(tf.addN(used), probe)), tf.mul(r.lossU, 0.3), tf.mul(r.lossP, 0.7), reach]) as tf.Scalar;
    };
    const r = liftDown2d(x, w, { padMode, ...lossOpts(form) });
    const { value, grads } = tf.valueAndGrads(f)([x, ...liftWeightTensors(w)]);
    return [r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP, value, ...grads];
  };
}

describe('whole-lifting-step kernels (wasm)', () => {
  before(async () => {
    await useBestBackend('wasm');
  });

  test('they are offered on wasm (not on cpu) and the switch turns them off', async () => {
    assert.equal(liftStepKernels(), true);
    const prev = setLiftStepKernels(false);
    assert.equal(liftStepKernels(), false);
    setLiftStepKernels(prev);
    assert.equal(liftStepKernels(), true);
    await tf.setBackend('cpu');
    try {
      assert.equal(liftStepKernels(), false);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  test('LIFTPOOL_WASM_STEP_KERNELS=0 starts with them off (the filter kernels stay on)', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', [
      `import { useBestBackend } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', 'backend', 'index.ts')).href)};`,
      `import { liftFilterKernels, liftStepKernels } from ${JSON.stringify(pathToFileURL(join(process.cwd(), 'src', 'backend', 'lift-filter-dispatch.ts')).href)};`,
      "await useBestBackend('wasm');",
      'console.log(JSON.stringify({ filter: liftFilterKernels(), step: liftStepKernels() }));',
    ].join('\n')], { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000, env: { ...process.env, LIFTPOOL_WASM_STEP_KERNELS: '0' } });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout.trim().split('\n').pop()!), { filter: true, step: false });
    assert.equal(liftFilterKernels(), true);
  });

  test('liftDown1d, both axes, odd and even lengths, every pad mode and constraint form, C = 3, 8, 12: bit-identical to the split path', async () => {
    for (const axis of ['width', 'height'] as const) {
      for (const len of [6, 7]) {
        for (const c of [3, 8, 12]) {
          const shape: [number, number, number, number] = axis === 'width' ? [2, 3, len, c] : [2, len, 3, c];
          for (const padMode of PAD_MODES) {
            for (const form of FORMS) {
              const ran = await assertSameBits(down1d(shape, axis, padMode, form, 11 + c), `1d ${axis} [${shape}] ${padMode} ${form}`);
              assert.equal(ran, form !== 'relative', `1d ${axis} ${form}: step kernels ran`);
            }
          }
        }
      }
    }
  });

  test('liftDown2d, odd and even sizes, every pad mode and constraint form, shared and separate vertical weights: bit-identical', async () => {
    for (const shape of [[2, 6, 8, 4], [2, 5, 7, 3], [1, 4, 6, 8]] as [number, number, number, number][]) {
      for (const padMode of PAD_MODES) {
        for (const separate of [false, true]) {
          for (const form of FORMS) {
            const ran = await assertSameBits(down2d(shape, padMode, form, separate, 5), `2d [${shape}] ${padMode} separate=${separate} ${form}`);
            assert.equal(ran, form !== 'relative');
          }
        }
      }
    }
  });

  test('liftDown2d with bands left unused, and more rows than one flush block (C = 16, 32, 5): bit-identical', async () => {
    for (const bands of ['ll', 'hh', 'lh,hl'] as const) {
      for (const form of ['none', 'paper', 'detached'] as const) {
        for (const separate of [false, true]) {
          await assertSameBits(down2d([2, 6, 6, 4], 'reflect', form, separate, 9, bands), `2d bands ${bands} ${form} separate=${separate}`);
        }
      }
    }
    for (const c of [16, 32, 5]) {
      for (const form of ['detached', 'rms'] as const) {
        assert.ok(await assertSameBits(down2d([2, 16, 40, c], 'symmetric', form, false, 21), `2d large C=${c} ${form}`));
      }
    }
  });

  test('no tensor leaks: inference and training calls on the step kernels', () => {
    const x = tf.randomNormal([2, 7, 6, 8], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = randomWeights2d(8, 5, 2);
    const w1 = randomStep(8, 3, 'height', 3);
    const ws = liftWeightTensors(w);
    const before = tf.memory().numTensors;
    for (const form of ['detached', 'paper'] as const) {
      const r = liftDown2d(x, w, { constraint: form });
      tf.dispose([r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP]);
      const r1 = liftDown1d(x, w1, { axis: 'height', constraint: form });
      tf.dispose([r1.s, r1.d, r1.lossU, r1.lossP]);
      const g = tf.grads((xi: tf.Tensor, ...wt: tf.Tensor[]) => {
        const b = liftDown2d(xi as tf.Tensor4D, liftWeightsFromTensors(w, wt), { constraint: form });
        return tf.addN([tf.sum(b.ll), tf.sum(b.hh), b.lossU, b.lossP]) as tf.Scalar;
      })([x, ...ws]);
      tf.dispose(g);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, ...stepTensors(w1), ...ws]);
  });

  test("the 'detached' form's second pass reuses the first pass's forwards: as many step-kernel forwards as 'paper', and no tensor left", async () => {
    const x = tf.randomNormal([2, 8, 6, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
    const w = randomWeights2d(8, 5, 3);
    const w1 = randomStep(8, 3, 'width', 5);
    const before = tf.memory().numTensors;
    const launches = async (f: () => tf.Tensor[]) => {
      const p = await tf.profile(() => tf.dispose(tf.tidy(f)));
      return p.kernels.filter((k) => k.name === LIFT_STEP).length;
    };
    const down2d = (form: ConstraintForm) => () => {
      const r = liftDown2d(x, w, { constraint: form });
      return [r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP];
    };
    const down1d = (form: ConstraintForm) => () => {
      const r = liftDown1d(x, w1, { axis: 'width', constraint: form });
      return [r.s, r.d, r.lossU, r.lossP];
    };
    // 2D: a predict and an update forward per step, 2 steps (the vertical one on L and H as one batch).
    assert.equal(await launches(down2d('paper')), 4);
    assert.equal(await launches(down2d('detached')), 4);
    assert.equal(await launches(down1d('paper')), 2);
    assert.equal(await launches(down1d('detached')), 2);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, ...liftWeightTensors(w), ...stepTensors(w1)]);
  });

  test('a kernel call that fails half-way (a helper thread failed) frees its outputs; later calls work', () => {
    // A fake set of helper threads on the backend's memory that throws on every split call.
    const backend = tf.backend() as unknown as WasmBackendLike;
    const memory = wasmMemory(backend);
    const [n, h, wd, c, k] = [4, 16, 16, 8, 5];
    const attrs = { outer: n * h, len: wd / 2, inner: c, step: 'predict', shape: [n, h, wd / 2, c] };
    const x = tf.randomNormal([n, h, wd / 2, 2 * c], 0, 1, 'float32', 8);
    const dk = tf.randomNormal([1, k, c, 1], 0, 0.3, 'float32', 9);
    const db = tf.zeros([c]);
    const pk = tf.randomNormal([c, c], 0, 0.3, 'float32', 10);
    const idx = tf.tensor1d(padIndexMap(wd / 2, (k - 1) / 2, 'reflect'), 'int32');
    const g = tf.randomNormal(attrs.shape, 0, 1, 'float32', 11);
    const forward = () => tf.engine().runKernel(LIFT_STEP, { x, dk, db, pk, pb: db, idx }, attrs) as tf.Tensor[];
    const backward = (y: tf.Tensor, hid: tf.Tensor) => tf.engine().runKernel(LIFT_STEP_GRAD, { g, y, hid, x, dk, pk, idx }, attrs) as tf.Tensor[];
    const [hid, y, out] = forward();
    const expected = backward(y, hid);
    let calls = 0;
    const real = heapWorkers(memory); // helper threads of a threaded build, restored afterwards
    setHeapWorkers(memory, { count: 1, run(entry) { calls++; throw new Error(`${entry} failed on a helper: boom`); } });
    const numTensors = tf.memory().numTensors;
    const numDataIds = tf.engine().backend.numDataIds();
    try {
      assert.throws(forward, /lift_step_forward failed on a helper: boom/);
      assert.throws(() => backward(y, hid), /lift_step_backward_rows failed on a helper: boom/);
      assert.equal(calls, 2, 'both calls were split');
      assert.equal(tf.memory().numTensors, numTensors, 'no tensor left behind');
      assert.equal(tf.engine().backend.numDataIds(), numDataIds, 'no kernel output buffer left behind');
    } finally {
      setHeapWorkers(memory, real);
    }
    const again = backward(y, hid);
    again.forEach((t, i) => assert.deepEqual(Array.from(t.dataSync()), Array.from(expected[i].dataSync()), `gradient #${i} after the failure`));
    tf.dispose([x, dk, db, pk, idx, g, hid, y, out, ...expected, ...again]);
  });

  test('the kernels reject inputs that do not fit', () => {
    tf.tidy(() => {
      const x = tf.zeros([1, 2, 2, 8]);
      const dk = tf.zeros([1, 3, 4, 1]);
      const db = tf.zeros([4]);
      const pk = tf.zeros([4, 4]);
      const idx = tf.tensor1d([0, 0, 1, 1], 'int32');
      const attrs = { outer: 2, len: 2, inner: 4, step: 'predict', shape: [1, 2, 2, 4] };
      assert.throws(() => tf.engine().runKernel(LIFT_STEP, { x: tf.zeros([1, 2, 3, 8]), dk, db, pk, pb: db, idx }, attrs), /LiftPoolStep: x must have 32 elements/);
      assert.throws(() => tf.engine().runKernel(LIFT_STEP, { x, dk, db, pk, pb: db, idx }, { ...attrs, step: 'both' }), /step must be 'predict' or 'update'/);
      assert.throws(() => tf.engine().runKernel(LIFT_STEP, { x, dk, db, pk, pb: db, idx }, { ...attrs, step: 'update' }), /LiftPoolStep: input d is missing/);
      assert.throws(() => tf.engine().runKernel(LIFT_STEP, { x, dk, db, pk, pb: db, idx: tf.tensor1d([0, 1], 'int32') }, attrs), /idx must be int32 of length 4/);
      assert.throws(() => tf.engine().runKernel(LIFT_ODD_RESIDUAL, { s: tf.zeros([1, 2, 2, 4]), x: tf.zeros([1, 2, 2, 4]) }, { rows: 4, inner: 4 }), /LiftPoolOddResidual: x must have 32 elements/);
    });
  });
});
