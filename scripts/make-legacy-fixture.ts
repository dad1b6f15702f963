/**
 * Writes test/fixtures/liftpool-v0.1/: a small model with LiftDownPool2D (sum, and details + paired
 * LiftUpPool2D) and LiftDownPool1D layers saved by liftpool 0.1.0 (before the `constraint` option),
 * plus its predictions and training-mode constraint losses on a fixed input. The fixture was made
 * once with the 0.1.0 code (commit 98a0bc2); the test checks that today's code loads it and predicts
 * identically, and that the old (absolute, 'paper') constraint losses are kept for it.
 * Run: npx tsx scripts/make-legacy-fixture.ts
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync, mkdirSync } from 'node:fs';
import { LiftDownPool2D, LiftDownPool1D } from '../src/layers/index.js';
import { fileIO } from '../src/io/file-io.js';

const dir = 'test/fixtures/liftpool-v0.1';
mkdirSync(dir, { recursive: true });
await tf.setBackend('cpu');
const input = tf.input({ shape: [8, 8, 3] });
const down = new LiftDownPool2D({ name: 'down', returnDetails: true, kernelSize: 3 });
const [p, lh, hl, hh] = down.apply(input) as tf.SymbolicTensor[];
const pooled = new LiftDownPool2D({ name: 'down2' }).apply(p) as tf.SymbolicTensor;
const up = down.createUpPool({ name: 'up' }).apply([p, lh, hl, hh]) as tf.SymbolicTensor;
const seq = tf.layers.reshape({ targetShape: [4, 3] }).apply(pooled) as tf.SymbolicTensor;
const pooled1d = new LiftDownPool1D({ name: 'down1d' }).apply(seq) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: [up, pooled1d] });
const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 7);
const [yUp, y1d] = model.predict(x) as tf.Tensor[];
model.apply(x, { training: true });
const losses = ['down', 'down2', 'down1d'].map((n) => (model.getLayer(n) as unknown as { constraintLoss: tf.Scalar }).constraintLoss.dataSync()[0]);
await model.save(fileIO(dir));
writeFileSync(`${dir}/expected.json`, JSON.stringify({
  input: { shape: x.shape, values: Array.from(x.dataSync()) },
  up: { shape: yUp.shape, values: Array.from(yUp.dataSync()) },
  pooled1d: { shape: y1d.shape, values: Array.from(y1d.dataSync()) },
  constraintLosses: { down: losses[0], down2: losses[1], down1d: losses[2] },
}));
console.log('wrote', dir, losses);
