import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import * as tf from '@tensorflow/tfjs';

import { backendInfo, useBestBackend, WASM_TRAINING_KERNELS } from '../src/backend/index.js';

async function tfjsNodeInstalled(): Promise<boolean> {
  try {
    const name = '@tensorflow/tfjs-node';
    await import(name);
    return true;
  } catch {
    return false;
  }
}

describe('backend selection', () => {
  test("useBestBackend('auto') picks tensorflow when tfjs-node is importable, else wasm", async () => {
    const expected = (await tfjsNodeInstalled()) ? 'tensorflow' : 'wasm';
    assert.equal(await useBestBackend('auto'), expected);
    assert.equal(tf.getBackend(), expected);
  });

  test("useBestBackend('tensorflow') fails clearly without tfjs-node", async (t) => {
    if (await tfjsNodeInstalled()) {
      t.skip('tfjs-node is installed here');
      return;
    }
    await assert.rejects(useBestBackend('tensorflow'), /@tensorflow\/tfjs-node is not installed/);
  });

  test('cpu and wasm can be selected explicitly; backendInfo describes them', async () => {
    assert.equal(await useBestBackend('cpu'), 'cpu');
    assert.equal(backendInfo().name, 'cpu');
    assert.equal(backendInfo().threads, null);
    assert.equal(await useBestBackend('wasm'), 'wasm');
    const info = backendInfo();
    assert.equal(info.name, 'wasm');
    assert.ok(info.threads != null && info.threads >= 1);
    assert.equal(typeof info.simd, 'boolean');
    assert.deepEqual([...info.extraWasmKernels].sort(), [...WASM_TRAINING_KERNELS].sort());
    assert.equal(info.tfjsVersion, tf.version.tfjs);
  });

  test('unknown preference is rejected', async () => {
    await assert.rejects(useBestBackend('gpu' as never), /Unknown backend preference/);
  });

  test('wasm oneHot honours a float32 dtype', async () => {
    await useBestBackend('wasm');
    const n0 = tf.memory().numTensors;
    const r = tf.tidy(() => tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3, 5, -1, 'float32'));
    assert.equal(r.dtype, 'float32');
    assert.deepEqual(Array.from(r.dataSync()), [-1, -1, 5, 5, -1, -1]);
    r.dispose();
    assert.equal(tf.memory().numTensors, n0);
  });
});
