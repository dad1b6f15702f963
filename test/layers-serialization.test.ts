import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  LiftDownPool2D, LiftUpPool2D, LiftDownPool1D, BlurPool2D, MaxPool2DWithIndices, MaxUnpool2D, WaveletPool2D,
} from '../src/index.js';
import { fileIO } from '../src/node.js';
import { maxAbsDiff } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(join(root, '.cache'), { recursive: true });

/** A model using every layer: lift down/up pair, blur, max pool with indices + unpool, wavelet, 1D. */
function buildModel(): tf.LayersModel {
  const inp = tf.input({ shape: [9, 10, 3] });
  const c1 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(inp) as tf.SymbolicTensor;
  const down = new LiftDownPool2D({ kernelSize: 3, returnDetails: true, separateVertical: true, lambdaU: 0.02, padMode: 'symmetric' });
  const [p, lh, hl, hh] = down.apply(c1) as tf.SymbolicTensor[];
  const blur = new BlurPool2D({ filterSize: 5, strides: 1 }).apply(p) as tf.SymbolicTensor;
  const up = down.createUpPool().apply([blur, lh, hl, hh]) as tf.SymbolicTensor;
  const pool = new MaxPool2DWithIndices();
  const [mp, sw] = pool.apply(up) as tf.SymbolicTensor[];
  const unpooled = new MaxUnpool2D().apply([mp, sw]) as tf.SymbolicTensor;
  const wav = new WaveletPool2D({ wavelet: 'cdf53', output: 'sum' }).apply(unpooled) as tf.SymbolicTensor;
  const seq = tf.layers.reshape({ targetShape: [5 * 5, 4] }).apply(wav) as tf.SymbolicTensor;
  const d1 = new LiftDownPool1D({ kernelSize: 3 }).apply(seq) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(d1)) as tf.SymbolicTensor;
  return tf.model({ inputs: inp, outputs: out });
}

describe('save / load', () => {
  test('memory round trip restores identical outputs and keeps the down/up pair sharing one set of weights', async () => {
    const model = buildModel();
    const x = tf.randomNormal([2, 9, 10, 3], 0, 1, 'float32', 1);
    const y0 = model.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const y1 = loaded.predict(x) as tf.Tensor;
    assert.equal(maxAbsDiff(y0, y1), 0);
    assert.equal(loaded.countParams(), model.countParams());
    const down = loaded.layers.find((l) => l instanceof LiftDownPool2D && !(l instanceof WaveletPool2D)) as LiftDownPool2D;
    const up = loaded.layers.find((l) => l instanceof LiftUpPool2D) as LiftUpPool2D;
    assert.equal(up.pairedLayer, down, 'the loaded up layer is paired with the loaded down layer');
    assert.equal(down.padMode, 'symmetric');
    assert.equal(down.separateVertical, true);
    assert.equal(down.lambdaU, 0.02);
    // Shared: perturbing the down layer's weights changes the output through the up layer too.
    down.setWeights(down.getWeights().map((w) => tf.add(w, 0.3)));
    const y2 = loaded.predict(x) as tf.Tensor;
    assert.ok(maxAbsDiff(y1, y2) > 0);
    tf.dispose([x, y0, y1, y2]);
    model.dispose();
    loaded.dispose();
  });

  test('file round trip through fileIO (model.json + weights.bin); corrupt files give clear errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftpool-save-'));
    try {
      const model = buildModel();
      const x = tf.randomNormal([1, 9, 10, 3], 0, 1, 'float32', 2);
      await model.save(fileIO(dir));
      const loaded = await tf.loadLayersModel(fileIO(dir));
      assert.equal(maxAbsDiff(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor), 0);
      const weights = readFileSync(join(dir, 'weights.bin'));
      writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, weights.length - 8));
      await assert.rejects(tf.loadLayersModel(fileIO(dir)), /corrupt weights .* but the manifest describes/);
      writeFileSync(join(dir, 'model.json'), '{"modelTopology": ');
      await assert.rejects(tf.loadLayersModel(fileIO(dir)), /corrupt .*model\.json/);
      await assert.rejects(tf.loadLayersModel(fileIO(join(dir, 'nope'))), /model\.json is missing/);
      tf.dispose(x);
      model.dispose();
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a plain TF.js program that only imports liftpool loads the saved model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftpool-plain-'));
    try {
      const model = buildModel();
      await model.save(fileIO(dir));
      const x = tf.ones([1, 9, 10, 3]);
      const expected = Array.from((model.predict(x) as tf.Tensor).dataSync());
      // The script lives inside the checkout so that it resolves this project's node_modules.
      const scriptDir = mkdtempSync(join(root, '.cache', 'plain-'));
      const script = join(scriptDir, 'load.mjs');
      writeFileSync(script, `
        import * as tf from '@tensorflow/tfjs';
        import { fileIO } from 'liftpool/node';
        const m = await tf.loadLayersModel(fileIO(${JSON.stringify(dir)}));
        console.log(JSON.stringify(Array.from(m.predict(tf.ones([1, 9, 10, 3])).dataSync())));
      `);
      // Resolve 'liftpool' to this checkout's sources through tsx's tsconfig paths.
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'tsconfig.json') } });
      assert.equal(r.status, 0, r.stderr);
      const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as number[];
      got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6));
      tf.dispose(x);
      model.dispose();
      rmSync(scriptDir, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('memory', () => {
  test('no tensor leaks across predict, fit and save/load', async () => {
    const model = buildModel();
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    const x = tf.randomNormal([4, 9, 10, 3], 0, 1, 'float32', 3);
    const y = tf.randomNormal([4, 2], 0, 1, 'float32', 4);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 }); // creates the optimizer's slots
    tf.dispose(model.predict(x) as tf.Tensor); // inference releases the constraint loss kept by training
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    tf.dispose(model.predict(x) as tf.Tensor);
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    assert.equal(tf.memory().numTensors, before, 'after predict, fit, save');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    loaded.dispose();
    assert.equal(tf.memory().numTensors, before, 'after load + dispose');
    tf.dispose([x, y]);
    model.dispose();
  });
});
