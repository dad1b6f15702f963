/**
 * Train in the browser: the tiny CNN with max pooling and with LiftDownPool2D, step by step on the
 * same batches (interleaved, so both see the same load), with live loss / test-accuracy charts and
 * the training speed of each.
 */
import * as tf from '@tensorflow/tfjs';
import { buildTinyCnn, PackedAdamOptimizer, type PoolName } from 'liftpool';
import { lineChart, type Point } from './charts.js';
import { FASHION_STATS, loadImageSet, type ImageSet } from './data.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const POOLS: PoolName[] = ['max', 'lift'];

function tensors(set: ImageSet, idx: number[]): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  return tf.tidy(() => {
    const px = new Float32Array(idx.length * 784);
    idx.forEach((i, k) => { for (let j = 0; j < 784; j++) px[k * 784 + j] = (set.pixels[i * 784 + j] / 255 - FASHION_STATS.mean) / FASHION_STATS.std; });
    const labels = Int32Array.from(idx, (i) => set.labels[i]);
    return { xs: tf.tensor4d(px, [idx.length, 28, 28, 1]), ys: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D };
  });
}

/** Mulberry32: a small seeded generator for the batch order. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function accuracy(model: tf.LayersModel, test: { xs: tf.Tensor4D; ys: tf.Tensor2D }): Promise<number> {
  const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(test.xs) as tf.Tensor, 1), tf.argMax(test.ys, 1)), 'float32')));
  const v = (await hits.data())[0];
  hits.dispose();
  return v / test.xs.shape[0];
}

let busy = false;

async function run(): Promise<void> {
  if (busy) return;
  busy = true;
  const status = $('tr-status');
  const steps = Math.max(1, Number($<HTMLInputElement>('tr-steps').value) || 1);
  const batch = Math.max(1, Number($<HTMLInputElement>('tr-batch').value) || 32);
  const every = Math.max(1, Number($<HTMLInputElement>('tr-every').value) || 25);
  const losses: Point[] = [];
  const accs: Point[] = [];
  const body = $('tr-table').querySelector('tbody')!;
  body.replaceChildren();
  status.dataset.state = 'running';
  status.textContent = `loading data on ${tf.getBackend()}…`;
  const [trainSet, testSet] = await Promise.all([loadImageSet('fashion-train'), loadImageSet('fashion-test')]);
  const test = tensors(testSet, Array.from({ length: testSet.n }, (_, i) => i));
  const models = POOLS.map((pool) => {
    const m = buildTinyCnn({ pool, inputShape: [28, 28, 1], numClasses: 10, seed: 0, lambdaU: 1e-4, lambdaP: 1e-3, name: `tiny_${pool}` });
    const optimizer = new PackedAdamOptimizer(3e-3);
    m.compile({ optimizer, loss: 'categoricalCrossentropy' });
    return { pool, m, optimizer, seconds: 0, images: 0, row: document.createElement('tr') };
  });
  for (const x of models) body.append(x.row);
  const show = (x: (typeof models)[number], step: number, loss: number, acc: number) => {
    x.row.dataset.pool = x.pool;
    x.row.dataset.accuracy = String(acc);
    x.row.innerHTML = `<td>${x.pool}</td><td>${step}</td><td>${loss.toFixed(3)}</td><td>${(100 * acc).toFixed(1)}%</td><td>${x.seconds > 0 ? (x.images / x.seconds).toFixed(0) : '–'}</td>`;
  };
  try {
    for (const x of models) {
      const a = await accuracy(x.m, test);
      accs.push({ step: 0, value: a, series: x.pool });
      show(x, 0, NaN, a);
      x.row.dataset.initialAccuracy = String(a);
    }
    const next = rng(1);
    const order = Array.from({ length: trainSet.n }, (_, i) => i);
    let pos = order.length;
    for (let step = 1; step <= steps; step++) {
      if (pos + batch > order.length) {
        for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
        pos = 0;
      }
      const b = tensors(trainSet, order.slice(pos, pos + batch));
      pos += batch;
      for (const x of models) {
        const t0 = performance.now();
        const loss = Number(await x.m.trainOnBatch(b.xs, b.ys));
        x.seconds += (performance.now() - t0) / 1000;
        x.images += batch;
        losses.push({ step, value: loss, series: x.pool });
        if (step % every === 0 || step === steps) {
          const a = await accuracy(x.m, test);
          accs.push({ step, value: a, series: x.pool });
          show(x, step, loss, a);
        }
      }
      tf.dispose([b.xs, b.ys]);
      status.textContent = `step ${step}/${steps} on ${tf.getBackend()}`;
      if (step % every === 0 || step === steps) {
        await lineChart($('tr-loss'), 'training loss', 'loss (incl. LiftPool constraints)', losses);
        await lineChart($('tr-acc'), 'test accuracy (500 images)', 'accuracy', accs);
      }
    }
    status.dataset.state = 'done';
    status.textContent = `done: ${steps} steps on ${tf.getBackend()}`;
  } catch (e) {
    status.dataset.state = 'error';
    status.textContent = `error: ${(e as Error).message}`;
    throw e;
  } finally {
    for (const x of models) { x.m.dispose(); x.optimizer.dispose(); }
    tf.dispose([test.xs, test.ys]);
    busy = false;
  }
}

export function initTraining(): void {
  $('tr-start').addEventListener('click', () => void run());
}
