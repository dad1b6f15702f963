/**
 * Where the reference tiny CNN's training step spends its time, max pooling vs LiftDownPool2D:
 * kernel launches and kernel time per kernel name (one profiled step each, tf.profile, so times are
 * inflated a little by the profiler), and the step-time ratio with Adam and with SGD measured
 * interleaved (the difference is what the optimizer's per-variable work on LiftPool's 32 small
 * weight tensors costs). LiftPool runs twice: `lift` with the whole-lifting-step kernels where the
 * backend has them (wasm), `lift-split` with them switched off (`setLiftStepKernels(false)`: even/odd
 * split copies, the filter kernels, separate subtract/add), the three interleaved in one process;
 * medians and ranges of the wall time and of the process CPU time per step (the latter less
 * disturbed by other jobs on a shared machine; with one wasm thread it is the step's own work).
 *
 * `--constraint` sets LiftPool's constraint form (default the package's, `detached`).
 *
 *   npx tsx bench/train-profile.ts [--backend wasm|cpu] [--batch 64] [--steps 10] [--top 20] [--constraint detached|paper|rms|relative]
 */
import * as tf from '@tensorflow/tfjs';

import { useBestBackend, type BackendPreference } from '../src/backend/index.js';
import { liftStepKernels, setLiftStepKernels } from '../src/backend/lift-filter-dispatch.js';
import { median } from '../src/cli/bench-timing.js';
import { buildTinyCnn } from '../src/models/index.js';
import { PackedAdamOptimizer } from '../src/train/packed-adam.js';
import { DEFAULT_CONSTRAINT, assertConstraintForm, type ConstraintForm } from '../src/lifting/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const backend = await useBestBackend(arg('backend', 'wasm') as BackendPreference);
const batch = Number(arg('batch', '64'));
const steps = Number(arg('steps', '10'));
const top = Number(arg('top', '20'));
const constraint = arg('constraint', DEFAULT_CONSTRAINT) as ConstraintForm;
assertConstraintForm('train-profile --constraint', constraint);
const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);

/** `lift-split`: LiftPool with the whole-lifting-step kernels switched off. */
type Pool = 'max' | 'lift' | 'lift-split';
const POOLS: readonly Pool[] = ['max', 'lift', 'lift-split'];
function model(pool: Pool, optimizer: 'adam' | 'sgd'): tf.LayersModel {
  const m = buildTinyCnn({ pool: pool === 'max' ? 'max' : 'lift', inputShape: [28, 28, 1], numClasses: 10, seed: 1, liftConstraint: constraint });
  m.compile({ optimizer: optimizer === 'adam' ? new PackedAdamOptimizer(1e-3) : tf.train.sgd(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

/** One training step of `m` with the step kernels as `pool` wants them. */
async function train(pool: Pool, m: tf.LayersModel): Promise<void> {
  const prev = setLiftStepKernels(pool !== 'lift-split');
  try {
    await m.trainOnBatch(x, y);
  } finally {
    setLiftStepKernels(prev);
  }
}

const range = (a: number[]) => `${Math.min(...a).toFixed(0)}–${Math.max(...a).toFixed(0)}`;

console.log(`backend ${backend}, batch ${batch}, LiftPool constraint form '${constraint}', whole-lifting-step kernels available: ${liftStepKernels()}\n`);
const perKernel = new Map<Pool, Map<string, { ms: number; n: number }>>();
for (const pool of POOLS) {
  const m = model(pool, 'adam');
  for (let i = 0; i < 2; i++) await train(pool, m);
  const prof = await tf.profile(async () => {
    await train(pool, m);
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
const names = new Set(POOLS.flatMap((p) => [...perKernel.get(p)!.keys()]));
const none = { ms: 0, n: 0 };
const rows = [...names]
  .map((n) => ({ n, ...Object.fromEntries(POOLS.map((p) => [p, perKernel.get(p)!.get(n) ?? none])) }) as { n: string } & Record<Pool, { ms: number; n: number }>)
  .sort((a, b) => b['lift-split'].ms - b.max.ms - (a['lift-split'].ms - a.max.ms));
console.log(`\nkernels by extra time in the LiftPool step (top ${top}; 'unnamed scope' = customGrad forwards, which include their inner kernels)\n`);
console.log('| kernel | max ms | max launches | lift ms | lift launches | lift-split ms | lift-split launches |\n| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows.slice(0, top)) {
  console.log(`| ${r.n} | ${POOLS.map((p) => `${r[p].ms.toFixed(1)} | ${r[p].n}`).join(' | ')} |`);
}

console.log(`\nstep time (median and range of ${steps}, max, lift and lift-split interleaved, order rotated)\n`);
for (const opt of ['adam', 'sgd'] as const) {
  const ms: Record<Pool, number[]> = { max: [], lift: [], 'lift-split': [] };
  const cpu: Record<Pool, number[]> = { max: [], lift: [], 'lift-split': [] };
  const models = Object.fromEntries(POOLS.map((p) => [p, model(p, opt)])) as Record<Pool, tf.LayersModel>;
  for (const p of POOLS) await train(p, models[p]);
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < POOLS.length; j++) {
      const p = POOLS[(i + j) % POOLS.length];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await train(p, models[p]);
      ms[p].push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[p].push((c.user + c.system) / 1000);
    }
  }
  for (const [what, t] of [['wall', ms], ['process CPU', cpu]] as const) {
    const med = (p: Pool) => median(t[p]);
    console.log(`${opt}, ${what}: ${POOLS.map((p) => `${p} ${med(p).toFixed(0)} ms (${range(t[p])})`).join(', ')}`);
    console.log(`${opt}, ${what}: lift/max speed ${(med('max') / med('lift')).toFixed(2)}, lift-split/max ${(med('max') / med('lift-split')).toFixed(2)}, lift vs lift-split ${(med('lift-split') / med('lift')).toFixed(2)}x`);
  }
  for (const p of POOLS) models[p].dispose();
}
tf.dispose([x, y]);
