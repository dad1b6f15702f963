import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import {
  LiftDownPool1D, LiftDownPool2D, DEFAULT_CONSTRAINT, DEFAULT_LAMBDA_P, DEFAULT_LAMBDA_U, CONSTRAINT_FORMS, liftDown2d,
} from '../src/index.js';
import { fileIO } from '../src/io/file-io.js';
import { trainCommand } from '../src/cli/commands/train.js';
import { sweepCommand } from '../src/cli/commands/sweep.js';
import { segmentCommand } from '../src/cli/commands/segment.js';

const FIXTURE = 'test/fixtures/liftpool-v0.1';

describe('LiftDownPool constraint option', () => {
  test('one set of defaults: layers (1D, 2D) and the train and segment commands agree; sweep forwards only what is given', () => {
    for (const layer of [new LiftDownPool2D(), new LiftDownPool1D()]) {
      assert.equal(layer.constraint, DEFAULT_CONSTRAINT);
      assert.equal(layer.lambdaU, DEFAULT_LAMBDA_U);
      assert.equal(layer.lambdaP, DEFAULT_LAMBDA_P);
    }
    const seg = segmentCommand().commands.find((c) => c.name() === 'train')!;
    const sweep = sweepCommand().opts();
    assert.deepEqual([sweep.constraint, sweep.lambdaU, sweep.lambdaP], [undefined, undefined, undefined]);
    for (const cmd of [trainCommand(), seg]) {
      const o = cmd.opts();
      assert.equal(o.constraint, DEFAULT_CONSTRAINT, cmd.name());
      assert.equal(o.lambdaU, DEFAULT_LAMBDA_U, cmd.name());
      assert.equal(o.lambdaP, DEFAULT_LAMBDA_P, cmd.name());
    }
  });

  test('constraint is validated, serialised in getConfig and survives a save/load round trip', async () => {
    assert.throws(() => new LiftDownPool2D({ constraint: 'l1' as never }), /LiftDownPool2D: unknown constraint 'l1'; expected one of paper, relative, rms, detached/);
    assert.throws(() => new LiftDownPool1D({ constraint: 'l1' as never }), /LiftDownPool1D: unknown constraint 'l1'/);
    assert.throws(() => new LiftDownPool1D({ lambdaP: -1 }), /LiftDownPool1D: lambdaP must be a finite number >= 0, got -1/);
    for (const form of CONSTRAINT_FORMS) {
      assert.equal(new LiftDownPool2D({ constraint: form }).getConfig().constraint, form);
      assert.equal(new LiftDownPool1D({ constraint: form }).getConfig().constraint, form);
      const input = tf.input({ shape: [4, 4, 2] });
      const out = new LiftDownPool2D({ constraint: form, lambdaU: 0.5, name: 'lp' }).apply(input) as tf.SymbolicTensor;
      const model = tf.model({ inputs: input, outputs: out });
      let saved: tf.io.ModelArtifacts | null = null;
      await model.save(tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      const l = loaded.getLayer('lp') as LiftDownPool2D;
      assert.equal(l.constraint, form);
      assert.equal(l.lambdaU, 0.5);
      model.dispose();
      loaded.dispose();
    }
  });

  test('a model saved by liftpool 0.1 (no constraint field) loads as paper, predicts identically and keeps its losses', async () => {
    await tf.setBackend('cpu');
    const expected = JSON.parse(readFileSync(`${FIXTURE}/expected.json`, 'utf8'));
    const topology = JSON.parse(readFileSync(`${FIXTURE}/model.json`, 'utf8'));
    assert.ok(!JSON.stringify(topology).includes('"constraint"'), 'the fixture predates the constraint option');
    const model = await tf.loadLayersModel(fileIO(FIXTURE));
    for (const name of ['down', 'down2', 'down1d']) assert.equal((model.getLayer(name) as LiftDownPool2D).constraint, 'paper', name);
    const x = tf.tensor(expected.input.values, expected.input.shape);
    const [up, pooled] = model.predict(x) as tf.Tensor[];
    assert.deepEqual(up.shape, expected.up.shape);
    assert.deepEqual(Array.from(up.dataSync()), expected.up.values.map((v: number) => Math.fround(v)));
    assert.deepEqual(Array.from(pooled.dataSync()), expected.pooled1d.values.map((v: number) => Math.fround(v)));
    tf.tidy(() => {
      model.apply(x, { training: true });
    });
    for (const [name, v] of Object.entries(expected.constraintLosses as Record<string, number>)) {
      const got = (model.getLayer(name) as LiftDownPool2D).constraintLoss!.dataSync()[0];
      assert.equal(got, Math.fround(v), name);
    }
    // The old form's gradient reaches the layer input; today's default ('detached') does not.
    const old = model.getLayer('down') as LiftDownPool2D;
    const xin = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const gradAtX = (form?: 'paper') => tf.grad((t: tf.Tensor) => liftDown2d(t as tf.Tensor4D, old.liftingSpec(), { padMode: old.padMode, constraint: form }).lossP)(xin);
    const paper = gradAtX('paper');
    const rel = gradAtX();
    assert.ok(tf.max(tf.abs(paper)).dataSync()[0] > 0);
    assert.equal(tf.max(tf.abs(rel)).dataSync()[0], 0);
    tf.dispose([x, up, pooled, xin, paper, rel] as unknown as tf.Tensor[]);
    model.dispose();
  });

  test('direct calls outside tf.tidy leak nothing (2D and 1D, inference and training, every form)', () => {
    const x2 = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 1);
    const x1 = tf.randomNormal([2, 10, 3], 0, 1, 'float32', 2);
    for (const form of CONSTRAINT_FORMS) {
      for (const returnDetails of [false, true]) {
        const layers: [tf.layers.Layer, tf.Tensor][] = [[new LiftDownPool2D({ constraint: form, returnDetails }), x2], [new LiftDownPool1D({ constraint: form, returnDetails }), x1]];
        for (const [layer, x] of layers) {
          tf.dispose(layer.apply(x) as tf.Tensor); // builds the weights
          tf.dispose(layer.apply(x, { training: true }) as tf.Tensor); // holds one loss scalar
          const before = tf.memory().numTensors;
          for (let i = 0; i < 3; i++) {
            tf.dispose(layer.apply(x, { training: true }) as tf.Tensor | tf.Tensor[]);
            tf.dispose(layer.apply(x) as tf.Tensor | tf.Tensor[]);
            tf.dispose(layer.apply(x, { training: true }) as tf.Tensor | tf.Tensor[]);
          }
          assert.equal(tf.memory().numTensors, before, `${layer.getClassName()} ${form} returnDetails=${returnDetails}`);
          const loss = (layer as LiftDownPool2D).constraintLoss;
          assert.ok(loss != null && Number.isFinite(loss.dataSync()[0]) && loss.dataSync()[0] > 0);
          layer.dispose();
        }
      }
    }
    tf.dispose([x2, x1]);
  });
});
