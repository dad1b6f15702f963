/**
 * `liftpool bench`: op-level timings (with ratios to a 3×3 conv measured in the same run), training
 * throughput of the reference tiny CNN (max pooling vs LiftDownPool2D) per backend, and peak RSS.
 * Medians over repeated runs, warm-up excluded.
 */
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, BlurPool2D } from '../../layers/index.js';
import { buildTinyCnn } from '../../models/index.js';
import { useBestBackend, backendInfo } from '../../backend/index.js';
import { median, timeMs } from '../../backend/timing.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { markdownTable } from '../../report/markdown.js';
import { VERSION } from '../../version.js';
import { int, list } from '../options.js';

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

interface TrainRow { backend: string; pool: string; batch: number; steps: number; imagesPerSecond: number; msPerStep: number; peakRssMiB: number }

async function benchTraining(pool: 'max' | 'lift', steps: number, batch: number): Promise<TrainRow> {
  const model = buildTinyCnn({ pool, inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomNormal([batch, 28, 28, 1], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32', 4), 10);
  await model.trainOnBatch(x, y); // warm-up
  const ts: number[] = [];
  let peak = process.memoryUsage().rss;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    ts.push(performance.now() - t0);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  tf.dispose([x, y]);
  model.dispose();
  const ms = median(ts);
  return { backend: tf.getBackend(), pool, batch, steps, imagesPerSecond: (1000 * batch) / ms, msPerStep: ms, peakRssMiB: peak / 2 ** 20 };
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
    .option('--json <file>', 'write every number as JSON')
    .action(async (o) => {
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
        for (const pool of ['max', 'lift'] as const) {
          process.stderr.write(`  tiny CNN training, ${pool} pooling ...\n`);
          trainRows.push(await benchTraining(pool, b === 'cpu' ? o.cpuSteps : o.steps, b === 'cpu' ? o.cpuBatch : o.batch));
        }
      }
      if (opRows.length) {
        console.log('\nOp timings (median ms; ratio to a 3x3 conv fwd+bwd with the same channels, same run)\n');
        console.log(markdownTable(['backend', 'shape NHWC', 'op', 'ms', '× conv3x3'], opRows.map((r) => [(r as OpRow & { backend: string }).backend, r.shape, r.op, r.ms.toFixed(1), r.ratioToConv.toFixed(2)])));
      }
      console.log('\nTiny CNN training (28x28x1, Adam; median step after one warm-up step)\n');
      const maxOf = (backend: string) => trainRows.find((r) => r.backend === backend && r.pool === 'max')?.imagesPerSecond ?? NaN;
      console.log(markdownTable(['backend', 'pool', 'batch', 'images/s', 'ms/step', '× max', 'steps', 'peak RSS MiB'],
        trainRows.map((r) => [r.backend, r.pool, r.batch, r.imagesPerSecond.toFixed(1), r.msPerStep.toFixed(0), (r.imagesPerSecond / maxOf(r.backend)).toFixed(2), r.steps, r.peakRssMiB.toFixed(0)])));
      if (o.json) {
        writeFileAtomic(o.json, JSON.stringify({ liftpoolVersion: VERSION, command: `liftpool ${process.argv.slice(2).join(' ')}`, date: new Date().toISOString(), backends: infos, ops: opRows, training: trainRows }, null, 2));
        console.log(`\nwrote ${o.json}`);
      }
    });
}
