/**
 * The checks the browser suite runs on each backend, written once: the page bundle
 * (./page.ts, from the package root) runs them in Chromium and test/browser.test.ts runs the same
 * code on Node's cpu backend for the reference values.
 */
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, liftConstraintLoss } from 'liftpool';

/** Named float arrays (tensors read back after the computation), JSON-serialisable. */
export type Named = Record<string, { shape: number[]; data: number[] }>;

/** A deterministic pseudo-random tensor (identical on every backend and in Node). */
export function det(shape: number[], seed: number, scale = 1): tf.Tensor {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    d[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return tf.tensor(d, shape);
}

/** Gives every weight of `model` deterministic values (the same on every backend). */
function setDetWeights(model: tf.LayersModel, seed: number, scale: number): void {
  const ws = model.getWeights().map((w, i) => det(w.shape, seed + 17 * i, scale));
  model.setWeights(ws);
  tf.dispose(ws);
}

async function read(named: Record<string, tf.Tensor>): Promise<Named> {
  const out: Named = {};
  for (const [k, t] of Object.entries(named)) out[k] = { shape: t.shape, data: Array.from(await t.data()) };
  return out;
}

/** An encoder–decoder pair: LiftDownPool2D (details recorded) → 1×1 conv → its LiftUpPool2D. */
function pairModel(): tf.LayersModel {
  const x = tf.input({ shape: [7, 8, 4] }); // odd height: the padded/cropped path too
  const down = new LiftDownPool2D({ kernelSize: 5, returnDetails: true });
  const [p, lh, hl, hh] = down.apply(x) as tf.SymbolicTensor[];
  const mid = tf.layers.conv2d({ filters: 4, kernelSize: 1 }).apply(p) as tf.SymbolicTensor;
  const up = down.createUpPool().apply([mid, lh, hl, hh]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: [p, up] });
  setDetWeights(model, 5, 0.6);
  return model;
}

export interface PoolResult {
  values: Named;
  /** Read-backs to the CPU (dataSync, data, …) during the forward and backward passes. */
  readsInside: number;
  leaked: number;
}

/**
 * LiftDownPool2D / LiftUpPool2D values, the constraint loss, and the gradients of a loss mixing
 * all of them w.r.t. the input and every weight.
 */
export async function poolValuesAndGrads(): Promise<PoolResult> {
  const n0 = tf.memory().numTensors;
  const model = pairModel();
  const x0 = det([2, 7, 8, 4], 1);
  const x = tf.variable(x0, true, 'lp_browser_x');
  x0.dispose();
  const probeP = det([2, 4, 4, 4], 2);
  const probeUp = det([2, 7, 8, 4], 3);
  const engine = tf.engine() as unknown as { read: (...a: unknown[]) => unknown; readSync: (...a: unknown[]) => unknown };
  const { read: r0, readSync: rs0 } = engine;
  let readsInside = 0;
  engine.read = (...a) => { readsInside++; return r0.apply(engine, a); };
  engine.readSync = (...a) => { readsInside++; return rs0.apply(engine, a); };
  let named: Record<string, tf.Tensor>;
  try {
    named = tf.tidy(() => {
      const vars = [x, ...model.trainableWeights.map((w) => w.read() as tf.Variable)];
      const loss = () => {
        const [p, up] = model.apply(x, { training: true }) as tf.Tensor[];
        const constraint = liftConstraintLoss(model);
        return { p, up, constraint, total: tf.addN([tf.sum(tf.mul(p, probeP)), tf.sum(tf.mul(up, probeUp)), constraint]) as tf.Scalar };
      };
      const { value, grads } = tf.variableGrads(() => loss().total, vars);
      const { p, up, constraint } = loss(); // the forward values (variableGrads keeps only the gradients)
      const out: Record<string, tf.Tensor> = { loss: value, pooled: p, restored: up, constraint };
      vars.forEach((v, i) => { out[i === 0 ? 'dx' : `d${i}_${model.trainableWeights[i - 1].originalName.split('/').pop()}`] = grads[v.name]; });
      return out;
    });
  } finally {
    engine.read = r0;
    engine.readSync = rs0;
  }
  const values = await read(named);
  tf.dispose([...Object.values(named), x, probeP, probeUp]);
  model.dispose();
  return { values, readsInside, leaked: tf.memory().numTensors - n0 };
}

function classifier(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 2] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  h = new LiftDownPool2D({ kernelSize: 3 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const y = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: y });
  setDetWeights(model, 40, 0.3);
  return model;
}

export interface TrainResult {
  losses: number[];
  /** Tensors alive after the last step minus after the first (0 = no leak per step). */
  leakedPerRun: number;
  /** Largest difference between the trained model's predictions before and after an IndexedDB round trip. */
  reloadDiff: number | null;
  reloadError: string | null;
  /** Live tensors (relative to the start) after each stage, for diagnosing a leak. */
  stages: Record<string, number>;
  leaked: number;
}

/**
 * A few SGD steps of a tiny conv → LiftDownPool2D → dense classifier (the loss must fall); then,
 * with a save URL (`indexeddb://…`), a save/load round trip.
 */
export async function trainAndReload(saveUrl: string | null): Promise<TrainResult> {
  const n0 = tf.memory().numTensors;
  const model = classifier();
  const optimizer = tf.train.sgd(0.02);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xs = det([12, 8, 8, 2], 7);
  const labels = tf.tidy(() => tf.oneHot(tf.argMax(det([12, 3], 8), 1), 3));
  const losses: number[] = [];
  let afterFirst = 0;
  for (let i = 0; i < 6; i++) {
    losses.push(Number(await model.trainOnBatch(xs, labels)));
    if (i === 0) afterFirst = tf.memory().numTensors;
  }
  const leakedPerRun = tf.memory().numTensors - afterFirst;
  const stages: Record<string, number> = { trained: tf.memory().numTensors - n0 };
  let reloadDiff: number | null = null;
  let reloadError: string | null = null;
  if (saveUrl != null) {
    try {
      await model.save(saveUrl);
      stages.saved = tf.memory().numTensors - n0;
      const loaded = await tf.loadLayersModel(saveUrl);
      stages.loaded = tf.memory().numTensors - n0;
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(xs) as tf.Tensor, loaded.predict(xs) as tf.Tensor))));
      reloadDiff = (await d.data())[0];
      d.dispose();
      stages.predicted = tf.memory().numTensors - n0;
      // The saved training config compiles the loaded model with an optimizer TF.js does not own.
      loaded.optimizer?.dispose();
      loaded.dispose();
      stages.disposed = tf.memory().numTensors - n0;
      await tf.io.removeModel(saveUrl);
    } catch (e) {
      reloadError = String((e as Error).stack ?? e);
    }
  }
  tf.dispose([xs, labels]);
  model.dispose();
  optimizer.dispose(); // SGD keeps its negated learning rate as a tensor
  return { losses, leakedPerRun, reloadDiff, reloadError, stages, leaked: tf.memory().numTensors - n0 };
}

/** Relative difference `max|a−b| / max(max|b|, 1e-3)` of each array, by name. */
export function relativeDiffs(got: Named, ref: Named): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, r] of Object.entries(ref)) {
    const g = got[k];
    if (g == null || g.data.length !== r.data.length) {
      out[k] = Infinity;
      continue;
    }
    let diff = 0;
    let scale = 1e-3;
    for (let i = 0; i < r.data.length; i++) {
      diff = Math.max(diff, Math.abs(g.data[i] - r.data[i]));
      scale = Math.max(scale, Math.abs(r.data[i]));
    }
    out[k] = diff / scale;
  }
  return out;
}
