/**
 * `liftpool bench`: op-level timings (with ratios to a 3×3 conv measured in the same run), training
 * throughput of the reference tiny CNN (max pooling vs LiftDownPool2D) per backend, and peak RSS.
 * Medians over repeated runs, warm-up excluded. The two models' training steps are interleaved so
 * that noise from other jobs on a shared machine hits both alike (run back to back, the ratio
 * swung between 0.46 and 0.70 over four runs); the peak RSS of each comes from a child process
 * that trains that model alone.
 */
import { spawnSync } from 'node:child_process';
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, BlurPool2D } from '../../layers/index.js';
import { buildTinyCnn } from '../../models/index.js';
import { makeOptimizer } from '../../train/optimizer-state.js';
import type { ConstraintForm } from '../../lifting/index.js';
import { useBestBackend, backendInfo } from '../../backend/index.js';
import { median, timeMs } from '../bench-timing.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { markdownTable } from '../../report/markdown.js';
import { VERSION } from '../../version.js';
import { commandLine } from '../provenance.js';
import { int, list } from '../options/parsers.js';

interface OpRow { shape: string; op: string; ms: number; ratioToConv: number }

function benchOps(shape: [number, number, number, number], reps: number): OpRow[] {
  const [, , , c] = shape;
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1) as tf.Tensor4D;
  const convW = tf.variable(tf.randomNormal([3, 3, c, c], 0, 0.1, 'float32', 2));
  const down = new LiftDownPool2D({ returnDetails: true });
  const blur = new BlurPool2D();
  tf.dispose(down.apply(x) as tf.Tensor[]);
  tf.dispose(blur.apply(x) as tf.Tensor);
  const up = down.createUpPool();
  const liftVars = down.trainableWeights.map((w) => w.read() as tf.Variable);
  const [p0, lh, hl, hh] = down.apply(x) as tf.Tensor[];
  const grad = (f: (z: tf.Tensor) => tf.Tensor, vars: tf.Variable[] = []) => () => {
    const r = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(f(x)) as tf.Scalar, vars.length ? vars : undefined);
      return [value, ...Object.values(grads)];
    });
    return r;
  };
  const gradInput = (f: (z: tf.Tensor) => tf.Tensor) => () => tf.tidy(() => [tf.grad((z: tf.Tensor) => tf.sum(f(z)) as tf.Scalar)(x)]);
  const ops: [string, () => tf.Tensor[]][] = [
    ['conv3x3 fwd+bwd', grad((z) => tf.conv2d(z as tf.Tensor4D, convW as tf.Tensor4D, 1, 'same'), [convW])],
    ['LiftDownPool2D fwd', () => tf.tidy(() => [(down.apply(x) as tf.Tensor[])[0]])],
    ['LiftDownPool2D fwd+bwd', () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum((down.apply(x, { training: true }) as tf.Tensor[])[0]) as tf.Scalar, liftVars);
      const gx = tf.grad((z: tf.Tensor) => tf.sum((down.apply(z) as tf.Tensor[])[0]) as tf.Scalar)(x);
      return [value, gx, ...Object.values(grads)];
    })],
    ['LiftUpPool2D fwd', () => tf.tidy(() => [up.apply([p0, lh, hl, hh]) as tf.Tensor])],
    ['MaxPool2D fwd+bwd', gradInput((z) => tf.maxPool(z as tf.Tensor4D, 2, 2, 'same'))],
    ['AvgPool2D fwd+bwd', gradInput((z) => tf.avgPool(z as tf.Tensor4D, 2, 2, 'same'))],
    ['BlurPool2D fwd+bwd', gradInput((z) => blur.apply(z) as tf.Tensor)],
  ];
  const times = ops.map(([name, fn]) => [name, timeMs(fn, reps)] as const);
  const conv = times[0][1];
  tf.dispose([x, convW, p0, lh, hl, hh]);
  down.dispose();
  blur.dispose();
  return times.map(([op, ms]) => ({ shape: `[${shape.join(',')}]`, op, ms, ratioToConv: ms / conv }));
}

interface TrainRow { backend: string; pool: string; batch: number; steps: number; imagesPerSecond: number; msPerStep: number; peakRssMiB: number | null }

export type Pool = 'max' | 'lift';
export const POOLS: readonly Pool[] = ['max', 'lift'];

/** The reference tiny CNN compiled for training, and one fixed random batch (also used by bench/compare-pytorch.ts). */
export function trainer(pool: Pool, batch: number, liftConstraint?: ConstraintForm): { step: () => Promise<void>; dispose: () => void } {
  const model = buildTinyCnn({ pool, inputShape: [28, 28, 1], numClasses: 10, seed: 1, ...(liftConstraint ? { liftConstraint } : {}) });
  model.compile({ optimizer: makeOptimizer('adam', 1e-3, 0), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);
  return {
    step: async () => {
      await model.trainOnBatch(x, y);
    },
    dispose: () => {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}

/**
 * Step times of the max-pool and the LiftPool model measured interleaved (max, lift, lift, max,
 * ...), one warm-up step each, so that load from other jobs on the machine hits both alike.
 */
async function benchTrainingInterleaved(steps: number, batch: number): Promise<Map<Pool, number[]>> {
  const runs = new Map(POOLS.map((p) => [p, trainer(p, batch)] as const));
  const times = new Map<Pool, number[]>(POOLS.map((p) => [p, []]));
  try {
    for (const p of POOLS) await runs.get(p)!.step();
    for (let i = 0; i < steps; i++) {
      for (const p of i % 2 === 0 ? POOLS : [...POOLS].reverse()) {
        const t0 = performance.now();
        await runs.get(p)!.step();
        times.get(p)!.push(performance.now() - t0);
      }
    }
  } finally {
    for (const r of runs.values()) r.dispose();
  }
  return times;
}

/** Hidden child mode: train one model for `steps` steps and print its peak RSS (MiB) as JSON. */
async function rssChild(backend: string, pool: Pool, steps: number, batch: number): Promise<void> {
  await useBestBackend(backend as 'wasm' | 'cpu' | 'tensorflow');
  const r = trainer(pool, batch);
  let peak = process.memoryUsage().rss;
  for (let i = 0; i < steps; i++) {
    await r.step();
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  r.dispose();
  process.stdout.write(`${JSON.stringify({ peakRssMiB: peak / 2 ** 20 })}\n`);
}

/**
 * Peak RSS of training `pool` alone, from a fresh child process (the wasm heap never shrinks, so
 * in one process the second model would inherit the first one's memory). Null if the child fails.
 */
function peakRssOf(backend: string, pool: Pool, steps: number, batch: number): number | null {
  const args = [...process.execArgv, process.argv[1], 'bench', '--rss-child', `${backend}:${pool}:${steps}:${batch}`];
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = res.stdout?.trim().split('\n').pop() ?? '';
  try {
    const v = (JSON.parse(line) as { peakRssMiB?: unknown }).peakRssMiB;
    return typeof v === 'number' ? v : null;
  } catch {
    process.stderr.write(`  (peak RSS of ${pool} on ${backend} not measured: ${res.stderr?.trim().split('\n').pop() ?? `exit ${res.status}`})\n`);
    return null;
  }
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('benchmark LiftPool ops and tiny-CNN training throughput (max vs LiftDownPool2D) on wasm and cpu')
    .option('--backends <list>', 'backends to measure', list(['wasm', 'cpu', 'tensorflow'] as const), ['wasm', 'cpu'])
    .option('--reps <n>', 'timed repetitions per op (median)', int(1), 5)
    .option('--steps <n>', 'timed training steps on wasm/tensorflow (median)', int(1), 10)
    .option('--cpu-steps <n>', 'timed training steps on cpu (it is ~500x slower)', int(1), 1)
    .option('--batch <n>', 'training batch size on wasm/tensorflow', int(1), 64)
    .option('--cpu-batch <n>', 'training batch size on cpu (a batch-64 step takes minutes there)', int(1), 16)
    .option('--no-ops', 'skip the op-level table')
    .option('--no-rss', 'skip the peak-RSS child processes')
    .addOption(new Option('--rss-child <spec>', 'internal: backend:pool:steps:batch').hideHelp())
    .option('--json <file>', 'write every number as JSON')
    .action(async (o) => {
      if (o.rssChild) {
        const [backend, pool, steps, batch] = String(o.rssChild).split(':');
        if (!POOLS.includes(pool as Pool)) throw new Error(`--rss-child: unknown pool '${pool}'`);
        await rssChild(backend, pool as Pool, Number(steps), Number(batch));
        return;
      }
      const opRows: OpRow[] = [];
      const trainRows: TrainRow[] = [];
      const infos: unknown[] = [];
      for (const b of o.backends as string[]) {
        await useBestBackend(b as 'wasm' | 'cpu' | 'tensorflow');
        infos.push(backendInfo());
        process.stderr.write(`backend ${tf.getBackend()}\n`);
        if (o.ops && b !== 'cpu') {
          for (const shape of [[32, 32, 32, 64], [64, 16, 16, 128]] as [number, number, number, number][]) {
            process.stderr.write(`  ops at [${shape}] ...\n`);
            opRows.push(...benchOps(shape, o.reps).map((r) => ({ ...r, backend: tf.getBackend() })));
          }
        }
        const steps = b === 'cpu' ? o.cpuSteps : o.steps;
        const batch = b === 'cpu' ? o.cpuBatch : o.batch;
        process.stderr.write(`  tiny CNN training, max and lift pooling interleaved, ${steps} steps each ...\n`);
        const times = await benchTrainingInterleaved(steps, batch);
        for (const pool of POOLS) {
          const ms = median(times.get(pool)!);
          if (o.rss) process.stderr.write(`  peak RSS of ${pool} pooling (child process) ...\n`);
          const peakRssMiB = o.rss ? peakRssOf(tf.getBackend(), pool, Math.min(steps, 3), batch) : null;
          trainRows.push({ backend: tf.getBackend(), pool, batch, steps, imagesPerSecond: (1000 * batch) / ms, msPerStep: ms, peakRssMiB });
        }
      }
      if (opRows.length) {
        console.log('\nOp timings (median ms; ratio to a 3x3 conv fwd+bwd with the same channels, same run)\n');
        console.log(markdownTable(['backend', 'shape NHWC', 'op', 'ms', '× conv3x3'], opRows.map((r) => [(r as OpRow & { backend: string }).backend, r.shape, r.op, r.ms.toFixed(1), r.ratioToConv.toFixed(2)])));
      }
      console.log('\nTiny CNN training (28x28x1, Adam; median step after one warm-up step; max and lift steps interleaved; peak RSS of each model alone in a child process)\n');
      const maxOf = (backend: string) => trainRows.find((r) => r.backend === backend && r.pool === 'max')?.imagesPerSecond ?? NaN;
      console.log(markdownTable(['backend', 'pool', 'batch', 'images/s', 'ms/step', '× max', 'steps', 'peak RSS MiB'],
        trainRows.map((r) => [r.backend, r.pool, r.batch, r.imagesPerSecond.toFixed(1), r.msPerStep.toFixed(0), (r.imagesPerSecond / maxOf(r.backend)).toFixed(2), r.steps, r.peakRssMiB == null ? '—' : r.peakRssMiB.toFixed(0)])));
      if (o.json) {
        writeFileAtomic(o.json, JSON.stringify({ liftpoolVersion: VERSION, command: commandLine(), date: new Date().toISOString(), backends: infos, ops: opRows, training: trainRows }, null, 2));
        console.log(`\nwrote ${o.json}`);
      }
    });
}
