import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { registerWasmTrainingKernels, useBestBackend } from '../src/backend/index.js';

type Arr = { shape: number[]; data: Float32Array | Int32Array; dtype: 'float32' | 'int32' };

function rand(shape: number[], seed: number): Arr {
  // Small deterministic LCG so both backends see identical inputs.
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { shape, data, dtype: 'float32' };
}

function ints(values: number[]): Arr {
  return { shape: [values.length], data: Int32Array.from(values), dtype: 'int32' };
}

const mk = (a: Arr): tf.Tensor => tf.tensor(a.data, a.shape, a.dtype);

/** Gradients of sum(f(...inputs) * w) w.r.t. the float inputs, on `backend`. */
async function gradsOn(
  backend: string,
  inputs: Arr[],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const res = tf.tidy(() => {
    const ts = inputs.map(mk);
    const floatIdx = inputs.map((a, i) => (a.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);
    const g = tf.grads((...fl: tf.Tensor[]) => {
      const all = ts.slice();
      floatIdx.forEach((idx, k) => (all[idx] = fl[k]));
      const y = f(...all);
      const w = mk(rand(y.shape, 7));
      return tf.sum(tf.mul(y, w));
    });
    return g(floatIdx.map((i) => ts[i]));
  });
  const out = res.map((t) => t.dataSync() as Float32Array);
  tf.dispose(res);
  assert.equal(tf.memory().numTensors, before, `tensor leak on ${backend}`);
  return out;
}

function relErr(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let maxDiff = 0;
  let maxAbs = 1e-12;
  for (let i = 0; i < a.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    maxAbs = Math.max(maxAbs, Math.abs(b[i]));
  }
  return maxDiff / maxAbs;
}

async function compare(name: string, inputs: Arr[], f: (...xs: tf.Tensor[]) => tf.Tensor, tol = 1e-4): Promise<void> {
  const ref = await gradsOn('cpu', inputs, f);
  const got = await gradsOn('wasm', inputs, f);
  assert.equal(got.length, ref.length);
  for (let i = 0; i < ref.length; i++) {
    const e = relErr(got[i], ref[i]);
    assert.ok(e <= tol, `${name}: grad #${i} rel err ${e.toExponential(2)} > ${tol}`);
  }
}

before(async () => {
  const name = await useBestBackend('wasm');
  assert.equal(name, 'wasm');
  registerWasmTrainingKernels();
});

describe('wasm training kernels match cpu', () => {
  test('registerWasmTrainingKernels is idempotent', () => {
    assert.deepEqual(registerWasmTrainingKernels(), []);
    for (const k of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'UnsortedSegmentSum',
    ]) {
      assert.ok(tf.getKernel(k, 'wasm'), k);
    }
  });

  for (const [pad, stride, cin, cout, h, k] of [
    ['same', 1, 1, 4, 8, 3],
    ['same', 2, 3, 5, 9, 3],
    ['valid', 1, 4, 2, 7, 3],
    ['valid', 2, 2, 3, 8, 3],
    ['same', 2, 5, 6, 10, 1],
    ['valid', 1, 3, 8, 5, 5],
    ['valid', 1, 2, 3, 3, 3], // kernel covers the input: matmul path
    ['same', 2, 6, 4, 7, 2],
  ] as const) {
    test(`conv2d ${pad} stride ${stride} ${cin}->${cout} ${h}x${h} k${k}`, async () => {
      await compare(
        'conv2d',
        [rand([2, h, h + 1, cin], 1), rand([k, k, cin, cout], 2)],
        (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad),
      );
    });
  }

  for (const [fh, fw, pad, stride, c, m] of [
    [1, 3, 'same', 1, 4, 1],
    [3, 1, 'same', 1, 4, 1],
    [1, 2, 'valid', 1, 3, 1],
    [2, 1, 'same', 2, 3, 1],
    [3, 3, 'same', 1, 5, 1],
    [3, 3, 'valid', 2, 4, 1],
    [3, 3, 'same', 2, 3, 2],
    [1, 3, 'valid', [1, 2], 2, 1],
  ] as const) {
    test(`depthwiseConv2d [${fh},${fw},${c},${m}] ${pad} stride ${stride}`, async () => {
      await compare(
        'depthwiseConv2d',
        [rand([2, 9, 8, c], 3), rand([fh, fw, c, m], 4)],
        (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride as number | [number, number], pad),
      );
    });
  }

  test('separableConv2d', async () => {
    await compare(
      'separableConv2d',
      [rand([2, 8, 8, 3], 5), rand([3, 3, 3, 1], 6), rand([1, 1, 3, 4], 8)],
      (x, dw, pw) => tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, 1, 'same'),
    );
  });

  for (const [k, s, pad] of [
    [2, 2, 'valid'],
    [3, 2, 'same'],
    [3, 1, 'same'],
  ] as const) {
    test(`maxPool/avgPool k${k} s${s} ${pad}`, async () => {
      await compare('maxPool', [rand([2, 8, 8, 3], 9)], (x) => tf.maxPool(x as tf.Tensor4D, k, s, pad));
      await compare('avgPool', [rand([2, 8, 8, 3], 10)], (x) => tf.avgPool(x as tf.Tensor4D, k, s, pad));
    });
  }

  test('maxPool grad with ties and negative windows (first max wins)', async () => {
    const q = rand([2, 7, 7, 3], 30);
    q.data = q.data.map((v) => Math.round(v * 4) / 2); // values in {-1,-0.5,0,0.5,1}: many ties
    for (const [k, s, pad] of [
      [2, 2, 'valid'],
      [2, 2, 'same'],
      [3, 3, 'same'],
      [3, 2, 'valid'],
      [2, 1, 'valid'], // BlurPool's max pool
      [2, 1, 'same'],
      [3, 1, 'same'],
    ] as const) {
      await compare(`maxPool ties k${k} s${s} ${pad}`, [q], (x) => tf.maxPool(x as tf.Tensor4D, k, s, pad));
    }
  });

  test('maxPool grad after relu (ties at zero)', async () => {
    await compare('maxPool(relu)', [rand([2, 6, 6, 2], 11)], (x) =>
      tf.maxPool(tf.relu(tf.sub(x, 0.3)) as tf.Tensor4D, 2, 2, 'valid'),
    );
  });

  test('unsortedSegmentSum and gather', async () => {
    await compare(
      'unsortedSegmentSum',
      [rand([6, 3], 12), ints([0, 2, 2, 3, 1, 0])],
      (x, ids) => tf.unsortedSegmentSum(x, ids as tf.Tensor1D, 4),
    );
    await compare(
      'gather axis 0',
      [rand([5, 3], 13), ints([4, 0, 4, 2])],
      (x, idx) => tf.gather(x, idx as tf.Tensor1D, 0),
    );
    await compare(
      'gather axis 1',
      [rand([2, 5, 3], 14), ints([1, 1, 3])],
      (x, idx) => tf.gather(x, idx as tf.Tensor1D, 1),
    );
  });

  test('sum/mean over leading, middle and inner axes', async () => {
    const cases: [number[], number | number[], boolean][] = [
      [[0, 1, 2], [0, 1, 2], false],
      [[0, 1, 2], [0, 1, 2], true],
      [[1, 2], [1, 2], false],
      [[1], [1], true],
      [[3], [3], false],
      [[0, 2], [0, 2], false], // not contiguous: wasm kernel
      [[-1], -1, false],
    ];
    const x = rand([3, 4, 5, 6], 40);
    for (const [, axis, keepDims] of cases) {
      for (const op of ['sum', 'mean'] as const) {
        const out: Float32Array[] = [];
        const shapes: number[][] = [];
        for (const b of ['cpu', 'wasm']) {
          await tf.setBackend(b);
          const r = tf.tidy(() => tf[op](mk(x), axis, keepDims));
          out.push(r.dataSync() as Float32Array);
          shapes.push(r.shape);
          r.dispose();
        }
        assert.deepEqual(shapes[1], shapes[0], `${op} ${String(axis)} shape`);
        assert.ok(relErr(out[1], out[0]) < 1e-5, `${op} ${String(axis)} ${keepDims}`);
      }
    }
    await tf.setBackend('wasm');
    const i = tf.tidy(() => tf.sum(tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'), [0, 1]));
    assert.deepEqual(Array.from(i.dataSync()), [16, 20]);
    i.dispose();
  });

  test('unsortedSegmentSum forward (int32, dropped ids)', async () => {
    await tf.setBackend('wasm');
    const r = tf.tidy(() =>
      tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2], 'int32'), tf.tensor1d([1, 1, 7, 0], 'int32'), 3),
    );
    assert.equal(r.dtype, 'int32');
    assert.deepEqual(Array.from(r.dataSync()), [7, 8, 4, 6, 0, 0]);
    r.dispose();
  });

  test('mirrorPad, concat, slice, batchNorm, tanh', async () => {
    await compare('mix', [rand([2, 6, 6, 3], 15), rand([3], 16), rand([3], 17)], (x, g, b) => {
      const p = tf.mirrorPad(x as tf.Tensor4D, [[0, 0], [1, 1], [2, 2], [0, 0]], 'reflect');
      const m = tf.moments(p, [0, 1, 2]);
      const bn = tf.batchNorm(p, m.mean, m.variance, b, g, 1e-3);
      const c = tf.concat([tf.tanh(bn), tf.slice(p, [0, 0, 0, 0], [-1, -1, -1, 2])], 3);
      return tf.reshape(c, [2, -1]);
    });
  });

  test('small CNN variableGrads: conv-relu-maxpool-conv-gap-dense-softmaxCE', async () => {
    const shapes = {
      w1: [3, 3, 1, 6],
      b1: [6],
      w2: [3, 3, 6, 8],
      b2: [8],
      wd: [8, 5],
      bd: [5],
    };
    const keys = Object.keys(shapes) as (keyof typeof shapes)[];
    const inputs = [rand([4, 10, 10, 1], 20), ...keys.map((k, i) => rand(shapes[k], 21 + i))];
    const labels = [0, 3, 1, 4];
    await compare('cnn', inputs, (x, w1, b1, w2, b2, wd, bd) => {
      let h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'), b1));
      h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, 'same'), b2));
      const g = tf.mean(h, [1, 2]);
      const logits = tf.add(tf.matMul(g as tf.Tensor2D, wd as tf.Tensor2D), bd);
      const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 5), logits);
      return tf.reshape(loss, [1]);
    });
  });
});

describe('wasm training step', () => {
  test('optimizer step on wasm leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.depthwiseConv2d({ kernelSize: [1, 3], padding: 'same' }),
        tf.layers.batchNormalization(),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const x = tf.randomNormal([4, 8, 8, 2]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    await model.trainOnBatch(x, y); // creates optimizer slots
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    assert.equal(tf.memory().numTensors, n0);

    const opt = tf.train.sgd(0.1);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const n1 = tf.memory().numTensors;
    const cost = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
      true,
      vars,
    );
    cost?.dispose();
    assert.equal(tf.memory().numTensors, n1);
    tf.dispose([x, y]);
    model.dispose();
  });
});
