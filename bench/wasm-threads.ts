/**
 * wasm threads: the reference tiny CNN's training step (max pooling and LiftDownPool2D) with 1 and
 * with N threads, and what each kernel gains. One thread count per process (it is fixed when the
 * wasm backend first initialises), so the processes alternate (1, N, N, 1, ...) over `--rounds`
 * rounds, each timing `--steps` interleaved max/lift steps after one warm-up step and profiling one
 * LiftPool step (tf.profile, per kernel name). Prints medians and ranges over all timed steps, the
 * speed-up of N threads, and the kernels by time saved; then the same for LiftDownPool2D's lifting
 * alone (forward + backward of its first layer's input, without the convolutions around it).
 *
 *   npx tsx bench/wasm-threads.ts [--threads 2] [--rounds 3] [--steps 6] [--batch 64] [--top 15]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

import { backendInfo, useBestBackend } from '../src/backend/index.js';
import { median } from '../src/cli/bench-timing.js';
import { buildTinyCnn } from '../src/models/index.js';
import { initLiftWeights2d, liftDown2d, liftWeightTensors, liftWeightsFromTensors } from '../src/lifting/index.js';
import { PackedAdamOptimizer } from '../src/train/packed-adam.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

type Pool = 'max' | 'lift';
interface ChildResult { threads: number; ms: Record<Pool, number[]>; kernels: Record<string, number>; layerMs: number[] }

/**
 * LiftDownPool2D's lifting alone (liftDown2d, default constraint form) forward and backward on the
 * first LiftPool layer's input of the tiny CNN ([batch, 28, 28, 16]), `steps` timed runs after a
 * warm-up: what the LiftPool kernels gain from threads without the convolutions around them.
 */
async function layerTimes(steps: number, batch: number): Promise<number[]> {
  const x = tf.randomNormal([batch, 28, 28, 16], 0, 1, 'float32', 5) as tf.Tensor4D;
  const w = initLiftWeights2d(16, 5, { seed: 1 });
  const ws = liftWeightTensors(w);
  const grads = tf.grads((xi: tf.Tensor, ...wt: tf.Tensor[]) => {
    const r = liftDown2d(xi as tf.Tensor4D, liftWeightsFromTensors(w, wt));
    return tf.addN([tf.sum(tf.addN([r.ll, r.lh, r.hl, r.hh])), r.lossU, r.lossP]) as tf.Scalar;
  });
  const ms: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t0 = performance.now();
    const g = grads([x, ...ws]);
    await g[0].data();
    tf.dispose(g);
    if (i > 0) ms.push(performance.now() - t0);
  }
  tf.dispose([x, ...ws]);
  return ms;
}

async function child(steps: number, batch: number): Promise<void> {
  await useBestBackend('wasm');
  const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);
  const models = Object.fromEntries((['max', 'lift'] as const).map((pool) => {
    const m = buildTinyCnn({ pool, inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    m.compile({ optimizer: new PackedAdamOptimizer(1e-3), loss: 'categoricalCrossentropy' });
    return [pool, m];
  })) as Record<Pool, tf.LayersModel>;
  for (const p of ['max', 'lift'] as const) await models[p].trainOnBatch(x, y);
  const ms: Record<Pool, number[]> = { max: [], lift: [] };
  for (let i = 0; i < steps; i++) {
    for (const p of i % 2 === 0 ? (['max', 'lift'] as const) : (['lift', 'max'] as const)) {
      const t0 = performance.now();
      await models[p].trainOnBatch(x, y);
      ms[p].push(performance.now() - t0);
    }
  }
  const kernels: Record<string, number> = {};
  const prof = await tf.profile(async () => {
    await models.lift.trainOnBatch(x, y);
  });
  for (const k of prof.kernels) kernels[k.name] = (kernels[k.name] ?? 0) + (k.kernelTimeMs as number);
  const out: ChildResult = { threads: backendInfo().threads ?? 0, ms, kernels, layerMs: await layerTimes(steps, batch) };
  console.log(JSON.stringify(out));
}

function range(xs: number[]): string {
  return `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
}

async function main(): Promise<void> {
  const threads = Number(arg('threads', '2'));
  const rounds = Number(arg('rounds', '3'));
  const steps = Number(arg('steps', '6'));
  const batch = Number(arg('batch', '64'));
  const top = Number(arg('top', '15'));
  if (process.argv.includes('--child')) return child(steps, batch);
  const script = fileURLToPath(import.meta.url);
  const results = new Map<number, ChildResult[]>([[1, []], [threads, []]]);
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? [1, threads] : [threads, 1]) {
      process.stderr.write(`round ${r + 1}/${rounds}: ${t} thread(s) ...\n`);
      const res = spawnSync(process.execPath, [...process.execArgv, script, '--child', '--steps', String(steps), '--batch', String(batch)], {
        encoding: 'utf8', env: { ...process.env, LIFTPOOL_WASM_THREADS: String(t) }, maxBuffer: 1 << 24, timeout: 600_000,
      });
      if (res.status !== 0) throw new Error(`child with ${t} thread(s) failed (${res.signal ?? res.status}): ${res.stderr}`);
      const parsed = JSON.parse(res.stdout.trim().split('\n').pop()!) as ChildResult;
      if (parsed.threads !== t) throw new Error(`child asked for ${t} threads got ${parsed.threads}`);
      results.get(t)!.push(parsed);
    }
  }
  const all = (t: number, p: Pool) => results.get(t)!.flatMap((c) => c.ms[p]);
  console.log(`\ntiny CNN training step, batch ${batch}, ms: median (range) over ${rounds} processes × ${steps} steps each\n`);
  console.log(`| pool | 1 thread | ${threads} threads | speed-up |\n| --- | --- | --- | --- |`);
  for (const p of ['max', 'lift'] as const) {
    console.log(`| ${p} | ${range(all(1, p))} | ${range(all(threads, p))} | ${(median(all(1, p)) / median(all(threads, p))).toFixed(2)}× |`);
  }
  const layer = (t: number) => results.get(t)!.flatMap((c) => c.layerMs);
  console.log(`
LiftDownPool2D's lifting alone, forward + backward on [${batch},28,28,16] (no convolutions around it), ms: median (range)
`);
  console.log(`| 1 thread | ${threads} threads | speed-up |
| --- | --- | --- |
| ${range(layer(1))} | ${range(layer(threads))} | ${(median(layer(1)) / median(layer(threads))).toFixed(2)}× |`);
  const kernelMs = (t: number, name: string) => median(results.get(t)!.map((c) => c.kernels[name] ?? 0));
  const names = [...new Set([...results.values()].flat().flatMap((c) => Object.keys(c.kernels)))];
  const rows = names.map((n) => ({ n, one: kernelMs(1, n), many: kernelMs(threads, n) })).sort((a, b) => b.one - b.many - (a.one - a.many));
  console.log(`\nLiftPool step, kernel time per kernel name (ms, median of the ${rounds} profiled steps; 'unnamed scope' = customGrad forwards, which include their inner kernels), by time saved (top ${top}, then the ${top} that lose most)\n`);
  console.log(`| kernel | 1 thread | ${threads} threads | saved |\n| --- | --- | --- | --- |`);
  const shown = rows.length > 2 * top ? [...rows.slice(0, top), ...rows.slice(-top)] : rows;
  for (const r of shown) console.log(`| ${r.n} | ${r.one.toFixed(1)} | ${r.many.toFixed(1)} | ${(r.one - r.many).toFixed(1)} |`);
}

await main();
