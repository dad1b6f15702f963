/**
 * The wasm Slice / SplitV / Concat / Tile / Reverse replacements (src/backend/kernels/) give exactly
 * the cpu backend's results for every rank, axis, dtype and box shape, including short runs
 * (element loop), long runs (copyWithin) and whole-tensor slices.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { useBestBackend } from '../src/backend/index.js';
import { isOurWasmKernel } from '../src/backend/wasm-kernels.js';

function values(n: number, dtype: 'float32' | 'int32' | 'bool'): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(dtype === 'bool' ? (i * 7) % 3 === 0 ? 1 : 0 : dtype === 'int32' ? (i * 37) % 101 - 50 : Math.sin(i) * 10);
  return out;
}

/** Run `f` on a fresh tensor of `shape` on both backends; returns [cpu, wasm] results. */
async function both(shape: number[], dtype: 'float32' | 'int32' | 'bool', f: (x: tf.Tensor) => tf.Tensor | tf.Tensor[]): Promise<[number[][], number[][]]> {
  const run = async (backend: string): Promise<number[][]> => {
    await tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const x = tf.tensor(values(shape.reduce((a, b) => a * b, 1), dtype), shape, dtype);
    const out = tf.tidy(() => f(x));
    const list = Array.isArray(out) ? out : [out];
    const res = list.map((t) => [...t.shape, -1, ...t.dataSync()]);
    tf.dispose([x, ...list]);
    assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
    return res;
  };
  return [await run('cpu'), await run('wasm')];
}

describe('wasm Slice / SplitV / Concat / Tile / Reverse kernels', () => {
  before(async () => {
    await useBestBackend('wasm');
    assert.ok(isOurWasmKernel('Slice') && isOurWasmKernel('SplitV') && isOurWasmKernel('Concat'));
  });

  test('slice: every rank 1–5, boxes touching and not touching the ends, all dtypes', async () => {
    const cases: [number[], number[], number[]][] = [
      [[10], [3], [5]],
      [[10], [0], [10]],
      [[6, 40], [1, 5], [3, 30]],
      [[6, 40], [2, 0], [3, 40]],
      [[4, 5, 6], [1, 2, 3], [2, 3, 2]],
      [[4, 5, 30], [0, 1, 0], [4, 3, 30]],
      [[3, 4, 6, 16], [0, 0, 3, 0], [3, 4, 3, 16]],
      [[3, 4, 6, 16], [1, 1, 1, 4], [2, 2, 4, 8]],
      [[3, 4, 6, 16], [0, 2, 0, 0], [3, 2, 6, 16]],
      [[2, 3, 4, 5, 6], [1, 0, 1, 2, 0], [1, 3, 2, 3, 6]],
    ];
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const [shape, begin, size] of cases) {
        const [c, w] = await both(shape, dtype, (x) => tf.slice(x, begin, size));
        assert.deepEqual(w, c, `${dtype} slice of [${shape}] at [${begin}] size [${size}]`);
      }
    }
  });

  test('split along every axis (equal halves and uneven sizes) and empty pieces', async () => {
    const shape = [4, 6, 8, 10];
    for (let axis = 0; axis < 4; axis++) {
      const [c, w] = await both(shape, 'float32', (x) => tf.split(x, 2, axis));
      assert.deepEqual(w, c, `split axis ${axis}`);
      const sizes = [1, shape[axis] - 3, 2];
      const [c2, w2] = await both(shape, 'int32', (x) => tf.split(x, sizes, axis));
      assert.deepEqual(w2, c2, `split axis ${axis} sizes ${sizes}`);
    }
    const [c3, w3] = await both([2, 3], 'float32', (x) => tf.split(x, [0, 3], 1));
    assert.deepEqual(w3, c3);
  });

  test('concat along every axis, 2 and 3 inputs, short and long rows', async () => {
    for (const shape of [[4, 6, 8, 10], [2, 3, 5, 64]]) {
      for (let axis = 0; axis < 4; axis++) {
        const [c, w] = await both(shape, 'float32', (x) => tf.concat([x, tf.neg(x), tf.mul(x, 2)], axis));
        assert.deepEqual(w, c, `concat [${shape}] axis ${axis}`);
      }
    }
    const [c, w] = await both([5, 7], 'bool', (x) => tf.concat([x, tf.logicalNot(x)], 1));
    assert.deepEqual(w, c);
    const [c2, w2] = await both([3, 4], 'float32', (x) => tf.concat([x, tf.zeros([3, 0])], 1));
    assert.deepEqual(w2, c2);
  });

  test('gradients through split/concat (which use these kernels) match cpu', async () => {
    const f = (x: tf.Tensor) => {
      const g = tf.grad((y: tf.Tensor) => {
        const [a, b] = tf.split(y, 2, 3);
        return tf.sum(tf.mul(tf.concat([tf.mul(b, 3), a], 2), tf.range(0, 2 * 3 * 8 * 4).reshape([2, 3, 8, 4])));
      });
      return g(x);
    };
    const [c, w] = await both([2, 3, 4, 8], 'float32', f);
    assert.deepEqual(w, c);
  });

  test('tile: one repeated block (the fast path) and every other tiling, all dtypes, bit for bit', async () => {
    assert.ok(isOurWasmKernel('Tile'));
    const cases: [number[], number[]][] = [
      [[1, 1, 1, 16], [32, 7, 5, 1]], // batch-norm gradient broadcast
      [[1, 1, 3], [4, 5, 1]],
      [[1, 6], [7, 1]],
      [[5], [3]],
      [[1, 1, 1, 2], [1, 1, 1, 1]],
      [[1, 4], [3, 0]],
      [[2, 1, 3], [1, 4, 1]], // not one block: the package's kernel
      [[2, 3], [2, 2]],
      [[3, 1, 2, 2], [1, 1, 3, 1]],
    ];
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const [shape, reps] of cases) {
        const [c, w] = await both(shape, dtype, (x) => tf.tile(x, reps));
        assert.deepEqual(w, c, `${dtype} tile of [${shape}] by [${reps}]`);
      }
    }
  });

  test('reverse: every subset of axes of ranks 1–5, all dtypes, bit for bit', async () => {
    assert.ok(isOurWasmKernel('Reverse'));
    for (const shape of [[7], [3, 5], [2, 3, 4], [3, 3, 4, 5], [2, 3, 2, 3, 4], [1, 4, 1, 3]]) {
      const rank = shape.length;
      for (let mask = 0; mask < 1 << rank; mask++) {
        const axes = Array.from({ length: rank }, (_, a) => a).filter((a) => mask & (1 << a));
        for (const dtype of ['float32', 'int32', 'bool'] as const) {
          const [c, w] = await both(shape, dtype, (x) => tf.reverse(x, axes));
          assert.deepEqual(w, c, `${dtype} reverse of [${shape}] on [${axes}]`);
        }
      }
    }
  });

  test('batch-norm gradients (which tile) match cpu', async () => {
    const f = (x: tf.Tensor) =>
      tf.grads((y: tf.Tensor, scale: tf.Tensor) => {
        const { mean, variance } = tf.moments(y, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(y, mean, variance, tf.zeros([8]), scale, 1e-3), tf.range(0, 2 * 3 * 4 * 8).reshape([2, 3, 4, 8])));
      })([x, tf.linspace(0.5, 2, 8)]);
    const [c, w] = await both([2, 3, 4, 8], 'float32', f);
    for (let i = 0; i < c.length; i++) {
      const diff = Math.max(...c[i].map((v, j) => Math.abs(v - w[i][j])));
      assert.ok(diff < 1e-4, `gradient ${i}: max difference ${diff}`);
    }
  });
});

