/**
 * Where the reference tiny CNN's training step spends its time, max pooling vs LiftDownPool2D:
 * kernel launches and kernel time per kernel name (one profiled step each, tf.profile, so times are
 * inflated a little by the profiler), and the step-time ratio with Adam and with SGD measured
 * interleaved (the difference is what the optimizer's per-variable work on LiftPool's 32 small
 * weight tensors costs).
 *
 *   npx tsx bench/train-profile.ts [--backend wasm|cpu] [--batch 64] [--steps 10] [--top 20]
 */
import * as tf from '@tensorflow/tfjs';

import { useBestBackend, type BackendPreference } from '../src/backend/index.js';
import { median } from '../src/cli/bench-timing.js';
import { buildTinyCnn } from '../src/models/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const backend = await useBestBackend(arg('backend', 'wasm') as BackendPreference);
const batch = Number(arg('batch', '64'));
const steps = Number(arg('steps', '10'));
const top = Number(arg('top', '20'));
const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);

type Pool = 'max' | 'lift';
function model(pool: Pool, optimizer: 'adam' | 'sgd'): tf.LayersModel {
  const m = buildTinyCnn({ pool, inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  m.compile({ optimizer: optimizer === 'adam' ? tf.train.adam(1e-3) : tf.train.sgd(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

console.log(`backend ${backend}, batch ${batch}\n`);
const perKernel = new Map<Pool, Map<string, { ms: number; n: number }>>();
for (const pool of ['max', 'lift'] as const) {
  const m = model(pool, 'adam');
  for (let i = 0; i < 2; i++) await m.trainOnBatch(x, y);
  const prof = await tf.profile(async () => {
    await m.trainOnBatch(x, y);
  });
  const agg = new Map<string, { ms: number; n: number }>();
  for (const k of prof.kernels) {
    const a = agg.get(k.name) ?? { ms: 0, n: 0 };
    a.ms += k.kernelTimeMs as number;
    a.n++;
    agg.set(k.name, a);
  }
  perKernel.set(pool, agg);
  console.log(`${pool}: ${prof.kernels.length} kernel launches per training step`);
  m.dispose();
}
const names = new Set([...perKernel.get('max')!.keys(), ...perKernel.get('lift')!.keys()]);
const rows = [...names]
  .map((n) => ({ n, max: perKernel.get('max')!.get(n) ?? { ms: 0, n: 0 }, lift: perKernel.get('lift')!.get(n) ?? { ms: 0, n: 0 } }))
  .sort((a, b) => b.lift.ms - b.max.ms - (a.lift.ms - a.max.ms));
console.log(`\nkernels by extra time in the LiftPool step (top ${top}; 'unnamed scope' = customGrad forwards, which include their inner kernels)\n`);
console.log('| kernel | max ms | max launches | lift ms | lift launches |\n| --- | --- | --- | --- | --- |');
for (const r of rows.slice(0, top)) console.log(`| ${r.n} | ${r.max.ms.toFixed(1)} | ${r.max.n} | ${r.lift.ms.toFixed(1)} | ${r.lift.n} |`);

console.log(`\nstep time (median of ${steps}, max and lift interleaved)\n`);
for (const opt of ['adam', 'sgd'] as const) {
  const ms = { max: [] as number[], lift: [] as number[] };
  const models = { max: model('max', opt), lift: model('lift', opt) };
  for (const p of ['max', 'lift'] as const) await models[p].trainOnBatch(x, y);
  for (let i = 0; i < steps; i++) {
    for (const p of i % 2 === 0 ? (['max', 'lift'] as const) : (['lift', 'max'] as const)) {
      const t0 = performance.now();
      await models[p].trainOnBatch(x, y);
      ms[p].push(performance.now() - t0);
    }
  }
  console.log(`${opt}: max ${median(ms.max).toFixed(0)} ms, lift ${median(ms.lift).toFixed(0)} ms, lift/max speed ${(median(ms.max) / median(ms.lift)).toFixed(2)}`);
  models.max.dispose();
  models.lift.dispose();
}
tf.dispose([x, y]);
