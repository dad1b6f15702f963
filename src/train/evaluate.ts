/**
 * Evaluation of a classifier: accuracy, mean cross-entropy, per-class accuracy, confusion matrix.
 */
import * as tf from '@tensorflow/tfjs';
import { batches, type Dataset, type MeanStd } from '../data/index.js';

export interface EvalResult {
  accuracy: number;
  loss: number;
  perClassAccuracy: number[];
  /** `confusion[true][predicted]` counts. */
  confusion: number[][];
  n: number;
}

/** Class predictions (argmax) and summed cross-entropy for a set of images. */
export function predictClasses(model: tf.LayersModel, images: Float32Array, n: number, shape: [number, number, number], batchSize = 256): Int32Array {
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const pred = tf.tidy(() => {
      const xs = tf.tensor4d(images.subarray(start * shape[0] * shape[1] * shape[2], (start + b) * shape[0] * shape[1] * shape[2]), [b, ...shape]);
      return tf.argMax(model.predict(xs) as tf.Tensor, -1);
    });
    out.set(pred.dataSync() as Int32Array, start);
    pred.dispose();
  }
  return out;
}

export function evaluateClassifier(model: tf.LayersModel, ds: Dataset, opts: { batchSize?: number; normalize?: boolean | MeanStd } = {}): EvalResult {
  const k = ds.numClasses;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let lossSum = 0;
  let correct = 0;
  for (const batch of batches(ds, { batchSize: opts.batchSize ?? 256, normalize: opts.normalize ?? true })) {
    const [pred, loss] = tf.tidy(() => {
      const xs = tf.tensor4d(batch.xs, batch.shape);
      const probs = model.predict(xs) as tf.Tensor2D;
      const labels = tf.tensor1d(batch.ys, 'int32');
      const picked = tf.sum(tf.mul(probs, tf.oneHot(labels, k)), 1);
      const ce = tf.sum(tf.neg(tf.log(tf.maximum(picked, 1e-7))));
      return [tf.argMax(probs, 1), ce];
    });
    const p = pred.dataSync();
    lossSum += loss.dataSync()[0];
    tf.dispose([pred, loss]);
    for (let i = 0; i < p.length; i++) {
      confusion[batch.ys[i]][p[i]]++;
      if (p[i] === batch.ys[i]) correct++;
    }
  }
  const perClassAccuracy = confusion.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : row[c] / total;
  });
  return { accuracy: correct / ds.n, loss: lossSum / ds.n, perClassAccuracy, confusion, n: ds.n };
}
